import assert from "node:assert/strict";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { embeddingSet, writeNpy } from "../../lib/embeddings/mod.ts";
import { runClosest, runLeakage, runSimilarities } from "../../lib/tasks/mod.ts";

/**
 * The files a failed run left under `out`: only manifests that say the run did not complete
 * (the run contract writes one when a run starts), never an output.
 */
async function assertNoOutputs(out: string): Promise<void> {
  let files: string[] = [];
  try {
    files = await filesUnder(out);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const file of files) {
    assert.ok(file.endsWith(".manifest.json"), `a failed run wrote ${file}`);
    assert.equal(JSON.parse(await Deno.readTextFile(file)).complete, false, file);
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) out.push(...(await filesUnder(`${dir}/${e.name}`)));
    else out.push(`${dir}/${e.name}`);
  }
  return out;
}

function line(identity: string, name: string, v: (number | string)[]): string {
  return `{"identity": "${identity}", "image_name": "${name}", "embedding": [${v.join(", ")}]}`;
}

const QUERY = [line("a", "0.jpg", [1, 0]), line("a", "1.jpg", [0.6, 0.8])].join("\n") + "\n";

Deno.test("runLeakage and runClosest refuse a gallery with a NaN, naming the row, and write nothing", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/Synth.jsonl`, QUERY);
  const vectors = new Float32Array([1, 0, NaN, 1, 0, 1]);
  await writePy(`${dir}/CASIA.npy`, vectors);
  const out = `${dir}/out`;
  for (const run of [runLeakage, runClosest]) {
    await assert.rejects(
      run({
        input: `${dir}/Synth.jsonl`,
        casia: `${dir}/CASIA.npy`,
        outDir: out,
        reporter: memoryReporter(),
      }),
      {
        name: "RangeError",
        message:
          `${dir}/CASIA.npy: row 1 (c1/0.jpg), column 0 holds NaN: embeddings must be finite (a NaN or infinite value means the model or the file is broken)`,
      },
    );
  }
  // A set built in memory (a notebook's) is checked too.
  const inputSet = embeddingSet(["a"], ["0.jpg"], new Float32Array([1, Infinity]), 2);
  await assert.rejects(
    runLeakage({
      input: "Synth.jsonl",
      casia: `${dir}/CASIA.npy`,
      inputSet,
      casiaSet: inputSet,
      outDir: out,
      reporter: memoryReporter(),
    }),
    {
      message:
        "Synth.jsonl: row 0 (a/0.jpg), column 1 holds Infinity: embeddings must be finite (a NaN or infinite value means the model or the file is broken)",
    },
  );
  await assertNoOutputs(out);
  await Deno.remove(dir, { recursive: true });
});

async function writePy(path: string, vectors: Float32Array): Promise<void> {
  const rows = vectors.length / 2;
  await writeNpy(
    path,
    embeddingSet(
      Array.from({ length: rows }, (_, i) => `c${i}`),
      Array.from({ length: rows }, () => "0.jpg"),
      vectors,
      2,
    ),
  );
}

Deno.test("runLeakage, runClosest and runSimilarities refuse an empty embeddings file: no header-only outputs", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/Empty.jsonl`, "\n");
  await Deno.writeTextFile(`${dir}/CASIA.jsonl`, QUERY);
  const out = `${dir}/out`;
  const message =
    `Cannot use ${dir}/Empty.jsonl: it holds no embeddings (expected one per image, as deno task embed writes them)`;
  for (const run of [runLeakage, runClosest]) {
    await assert.rejects(
      run({
        input: `${dir}/Empty.jsonl`,
        casia: `${dir}/CASIA.jsonl`,
        outDir: out,
        reporter: memoryReporter(),
      }),
      { name: "RangeError", message },
    );
  }
  await assert.rejects(
    runSimilarities({ input: `${dir}/Empty.jsonl`, out, reporter: memoryReporter() }),
    { name: "RangeError", message },
  );
  await assertNoOutputs(out);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runSimilarities refuses a NaN line and writes no score file", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/N.jsonl`,
    QUERY + line("b", "0.jpg", [1, "NaN"]) + "\n" + line("b", "1.jpg", [0, 1]) + "\n",
  );
  await assert.rejects(
    runSimilarities({ input: `${dir}/N.jsonl`, out: `${dir}/out`, reporter: memoryReporter() }),
    {
      message:
        `${dir}/N.jsonl:3: holds NaN, which Python's json writes for a non-finite float: embeddings must be finite (the model or the file is broken)`,
    },
  );
  await assertNoOutputs(`${dir}/out`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runClosest and runLeakage warn once about vectors off unit length, saying what they rank by", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/Synth.jsonl`, QUERY);
  await Deno.writeTextFile(
    `${dir}/CASIA.jsonl`,
    [line("c", "0.jpg", [2, 0]), line("c", "1.jpg", [0, 1]), line("d", "0.jpg", [0.8, 0.6])]
      .join("\n"),
  );
  const args = { input: `${dir}/Synth.jsonl`, casia: `${dir}/CASIA.jsonl`, outDir: `${dir}/out` };
  const closest = memoryReporter();
  const { pairs } = await runClosest({ ...args, top: 1, reporter: closest });
  assert.deepEqual([...closest.warnings()], [[
    `${dir}/CASIA.jsonl: 1 of 3 embeddings are not of unit length (|norm - 1| > 0.001; the first is row 0 (c/0.jpg), norm 2); closest ranks by the raw dot product, as find_closest.py did, so longer vectors rank higher`,
    1,
  ]]);
  assert.equal(pairs.scores[0], 2);
  const leakage = memoryReporter();
  const { best } = await runLeakage({ ...args, nComparisons: 2, figure: false, reporter: leakage });
  assert.deepEqual([...leakage.warnings().keys()], [
    `${dir}/CASIA.jsonl: 1 of 3 embeddings are not of unit length (|norm - 1| > 0.001; the first is row 0 (c/0.jpg), norm 2); leakage ranks by cosine similarity (both sides divided by their norms), so its matches do not depend on them`,
  ]);
  assert.ok(best.scores.every((s) => s <= 1 + 1e-6));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runLeakage and runClosest name a gallery's missing labels file and how it is made", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/Synth.jsonl`, QUERY);
  await writePy(`${dir}/CASIA.npy`, new Float32Array([1, 0, 0, 1]));
  await Deno.remove(`${dir}/CASIA.labels.tsv`);
  for (const run of [runLeakage, runClosest]) {
    await assert.rejects(
      run({
        input: `${dir}/Synth.jsonl`,
        casia: `${dir}/CASIA.npy`,
        outDir: `${dir}/out`,
        reporter: memoryReporter(),
      }),
      (error: unknown) => {
        assert.ok(error instanceof Deno.errors.NotFound);
        assert.ok(
          error.message.startsWith(
            `Cannot read ${dir}/CASIA.npy: its labels file ${dir}/CASIA.labels.tsv does not exist (one "identity<TAB>image_name" line per row under that header line; deno task embed --format npy writes both files`,
          ),
          error.message,
        );
        return true;
      },
    );
  }
  await assertNoOutputs(`${dir}/out`);
  await Deno.remove(dir, { recursive: true });
});
