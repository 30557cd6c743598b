import assert from "node:assert/strict";
import { memoryReporter } from "../../lib/cli/_reporter.ts";
import { type EmbeddingSet, embeddingSet } from "../../lib/embeddings/_embedding_set.ts";
import { normalizeRows } from "../../lib/embeddings/_normalize.ts";
import { writeNpy } from "../../lib/embeddings/_npy.ts";
import { createRng, uniformFloat } from "../../lib/random/mod.ts";
import { runClosest, runLeakage } from "../../lib/tasks/_leakage.ts";
import { chooseSearchKernels } from "../../lib/tasks/_search_kernel.ts";

function randomUnit(n: number, dim: number, seed: number, prefix: string): EmbeddingSet {
  const r = createRng(seed);
  const v = new Float32Array(n * dim);
  for (let i = 0; i < v.length; i++) v[i] = uniformFloat(r) * 2 - 1 + 0.1;
  normalizeRows(v, dim);
  const ids = Array.from({ length: n }, (_, i) => `${prefix}${i % 13}`);
  return embeddingSet(ids, ids.map((_, i) => `${i}.jpg`), v, dim);
}

/** The score and CSV files under `dir` (none when it does not exist; manifests are not outputs). */
async function outputsUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) found.push(...await outputsUnder(path));
      else if (/\.(txt|csv)$/.test(entry.name)) found.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found;
}

Deno.test("chooseSearchKernels(auto) takes int8 only on a VNNI CPU for a large scan, and says why", async () => {
  const cases = [
    { flags: ["avx2", "avx512_vnni"], pairs: 5e9, int8: true, says: "avx512_vnni" },
    { flags: ["avx2", "avx_vnni"], pairs: 5e9, int8: true, says: "avx_vnni" },
    { flags: ["avx2", "fma"], pairs: 5e9, int8: false, says: "no avx512_vnni or avx_vnni" },
    { flags: ["avx512_vnni"], pairs: 1e6, int8: false, says: "too small" },
  ];
  for (const { flags, pairs, int8, says } of cases) {
    const reporter = memoryReporter();
    const chosen = await chooseSearchKernels("auto", { pairs, cpuFlags: flags, reporter });
    await chosen.release();
    assert.equal(chosen.int8 !== undefined, int8, flags.join());
    assert.ok(
      reporter.infos.some((line) => line.startsWith("search kernel:") && line.includes(says)),
    );
  }
  const js = await chooseSearchKernels("js");
  assert.equal(js.kernel.name, "js");
  const forced = await chooseSearchKernels("int8", { cpuFlags: [] });
  assert.ok(forced.int8);
  await forced.release();
  await assert.rejects(() => chooseSearchKernels("gpu" as "js"), RangeError);
});

Deno.test("runLeakage and runClosest: int8 writes the js run's files; an .npy gallery streams to the same files", async () => {
  const dim = 32;
  const input = randomUnit(300, dim, 1, "syn");
  const casia = randomUnit(2500, dim, 2, "cas");
  const dir = await Deno.makeTempDir();
  const casiaPath = `${dir}/CASIA.npy`;
  await writeNpy(casiaPath, casia);
  const run = async (kernel: "int8" | "js", streamed: boolean) => {
    const outDir = `${dir}/${kernel}-${streamed}`;
    const reporter = memoryReporter();
    const common = {
      input: "Syn.json",
      casia: casiaPath,
      inputSet: input,
      ...(streamed ? {} : { casiaSet: casia }),
      outDir,
      kernel,
      reporter,
      search: { queryBlock: 64, galleryBlock: 700 },
    };
    const leak = await runLeakage({ ...common, nComparisons: 200, figure: false });
    const close = await runClosest({ ...common, top: 30 });
    const texts = [];
    for (const f of [...leak.files, close.file]) texts.push(await Deno.readTextFile(f));
    return { texts, reporter, kernel: leak.best.kernel };
  };
  const reference = await run("js", false);
  for (const [kernel, streamed] of [["int8", false], ["int8", true], ["js", true]] as const) {
    const other = await run(kernel, streamed);
    assert.deepEqual(other.texts, reference.texts, `${kernel} streamed=${streamed}`);
    if (kernel === "int8") {
      assert.equal(other.kernel, "int8/ort-cpu");
      assert.ok(other.reporter.infos.some((l) => l.startsWith("search: int8 prefilter")));
    }
    if (streamed) assert.ok(other.reporter.infos.some((l) => l.includes("in blocks")));
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runLeakage on a streamed .npy gallery refuses a non-finite value and warns off-norm rows", async () => {
  const dim = 8;
  const input = randomUnit(20, dim, 3, "syn");
  const casia = randomUnit(50, dim, 4, "cas");
  casia.vectors[7 * dim + 2]! *= 3; // row 7 off unit length
  const dir = await Deno.makeTempDir();
  const casiaPath = `${dir}/CASIA.npy`;
  await writeNpy(casiaPath, casia);
  const reporter = memoryReporter();
  await runLeakage({
    input: "Syn.json",
    casia: casiaPath,
    inputSet: input,
    outDir: dir,
    figure: false,
    kernel: "js",
    reporter,
  });
  const warning = [...reporter.warnings().keys()].find((w) => w.includes("not of unit length"));
  assert.ok(warning?.includes("row 7 (cas7/7.jpg)"), String(warning));
  casia.vectors[9 * dim + 1] = NaN;
  await writeNpy(casiaPath, casia);
  await assert.rejects(
    () =>
      runLeakage({
        input: "Syn.json",
        casia: casiaPath,
        inputSet: input,
        outDir: `${dir}/nan`,
        figure: false,
        kernel: "js",
        reporter: memoryReporter(),
      }),
    (error: Error) =>
      error instanceof RangeError && /row 9 \(cas9\/9\.jpg\), column 1/.test(error.message),
  );
  assert.deepEqual(await outputsUnder(`${dir}/nan`), []);
  await Deno.remove(dir, { recursive: true });
});
