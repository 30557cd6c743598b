/**
 * The failures of issue 9 ("A real audit at scale"), each reproduced and asserted to end safely:
 * two runs on one output, a resume with another model, `--format both` over a complete `.jsonl`,
 * a kill while `labels.tsv` is rewritten, a corrupt line in the middle of a `.jsonl`, and a kill
 * during a `.pth` conversion. Kills are real SIGKILLs of child processes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { writeDemoDataset } from "../../lib/demo/mod.ts";
import {
  labelsPath,
  openEmbeddingWriter,
  readJsonLines,
  readNpy,
} from "../../lib/embeddings/mod.ts";
import { manifestPathOf, readManifest, unpackIndices } from "../../lib/formats/mod.ts";
import {
  buildIResNetOnnx,
  cachedConversion,
  demoStateDict,
  IRESNET_LAYERS,
} from "../../lib/model/mod.ts";
import {
  loadScoreSets,
  lockOutputs,
  runClosest,
  runEmbed,
  runLeakage,
  runMetrics,
  runPaths,
  runSimilarities,
  sha256File,
} from "../../lib/tasks/mod.ts";
import { ROOT } from "../scripts/_run.ts";

const url = (path: string) => new URL(path, `file://${ROOT}`).href;

async function fixture() {
  const dir = await Deno.makeTempDir({ prefix: "run_contract_" });
  const models = [3, 4].map((seed) => join(dir, `model${seed}.onnx`));
  for (const [i, path] of models.entries()) {
    await Deno.writeFile(
      path,
      buildIResNetOnnx(demoStateDict({ seed: 3 + i, widthScale: 1 / 8 }), {
        layers: IRESNET_LAYERS[18],
      }),
    );
  }
  const dataset = join(dir, "Data");
  const info = await writeDemoDataset(dataset, { identities: 3, images: 2, seed: 9 });
  return { dir, models: models as [string, string], dataset, images: info.images };
}

/** A child Deno process running `code`; resolves once it printed `ready`. */
async function child(code: string) {
  const proc = new Deno.Command(Deno.execPath(), {
    // A child left behind by a failed assertion ends on its own.
    args: ["eval", `setTimeout(() => Deno.exit(3), 120_000);\n${code}`],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) {
      const err = await new Response(proc.stderr).text();
      throw new Error(`the child ended before it was ready: ${text}${err}`);
    }
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return proc;
}

async function kill(proc: Deno.ChildProcess) {
  proc.kill("SIGKILL");
  const status = await proc.status;
  await proc.stdout.cancel().catch(() => undefined);
  await proc.stderr.cancel().catch(() => undefined);
  assert.equal(status.signal, "SIGKILL");
}

Deno.test("lockOutputs: a second run stops at once naming the holder; a SIGKILLed holder never blocks", async () => {
  const { dir, models, dataset } = await fixture();
  try {
    const out = join(dir, "out", "E.jsonl");
    const holder = await child(
      `import { lockOutputs } from "${url("lib/tasks/mod.ts")}";
       await lockOutputs([${JSON.stringify(out)}], "embed");
       console.log("ready");
       setInterval(() => {}, 1000);`,
    );
    const error = await lockOutputs([out], "embed").catch((e) => e);
    assert.ok(error instanceof Deno.errors.Busy, String(error));
    assert.match(error.message, new RegExp(`on ${out.replace(/[.]/g, "\\.")}: it is in use`));
    assert.match(error.message, new RegExp(`pid ${holder.pid} on .+, started 20`));
    // The script exits non-zero at once, naming the output and the holder, and writes nothing.
    const t0 = performance.now();
    const script = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${ROOT}scripts/embed.ts`,
        "--model",
        models[0],
        "--dataset",
        dataset,
        "--out",
        out,
        "--backend",
        "cpu",
      ],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(script.stderr);
    assert.notEqual(script.code, 0);
    assert.ok(stderr.includes(out) && stderr.includes(`pid ${holder.pid}`), stderr);
    assert.ok(performance.now() - t0 < 20_000);
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
    await kill(holder);
    const again = await lockOutputs([out], "embed");
    await again.release();
    await assert.rejects(Deno.stat(`${out}.lock`), Deno.errors.NotFound, "released locks go");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runEmbed twice at once on one --out: one is refused, the output holds each image once", async () => {
  const { dir, models, dataset, images } = await fixture();
  try {
    const out = join(dir, "E.npy");
    const run = () =>
      runEmbed({
        model: models[0],
        dataset,
        out,
        formats: ["npy"],
        backend: "cpu",
        batch: 2,
        reporter: memoryReporter(),
      });
    const results = await Promise.allSettled([run(), run()]);
    const refused = results.filter((r) => r.status === "rejected");
    assert.equal(refused.length, 1);
    assert.ok((refused[0] as PromiseRejectedResult).reason instanceof Deno.errors.Busy);
    const npy = await readNpy(out);
    assert.equal(npy.identities.length, images);
    assert.equal(new Set(npy.imageNames.map((n, i) => `${npy.identities[i]}/${n}`)).size, images);
    const labels = (await Deno.readTextFile(labelsPath(out))).trim().split("\n");
    assert.equal(labels.length, images + 1, "one label per vector");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runEmbed refuses a resume with another model or order, naming old and new value", async () => {
  const { dir, models, dataset, images } = await fixture();
  try {
    const out = join(dir, "E.jsonl");
    const base = { dataset, out, backend: "cpu" as const, reporter: memoryReporter() };
    await runEmbed({ ...base, model: models[0] });
    const before = await Deno.readFile(out);
    const manifest = await readManifest(manifestPathOf(out));
    assert.equal(manifest?.model?.sha256, await sha256File(models[0]));
    assert.equal(manifest?.complete, true);
    assert.equal(manifest?.counts.embedded, images);
    assert.equal(manifest?.inputs[0]?.entries, images);
    assert.equal(manifest?.outputs[0]?.sha256, await sha256File(out));

    const error = await runEmbed({ ...base, model: models[1] }).catch((e) => e);
    assert.ok(error instanceof Error);
    assert.match(error.message, new RegExp(`Cannot resume ${out.replace(/[.]/g, "\\.")}`));
    assert.ok(
      error.message.includes(
        `model.sha256 was "${await sha256File(models[0])}", now "${await sha256File(models[1])}"`,
      ),
      error.message,
    );
    assert.match(error.message, /--overwrite .* another --out/);
    assert.deepEqual(await Deno.readFile(out), before, "the output is untouched");

    const order = await runEmbed({ ...base, model: models[0], order: "listdir" }).catch((e) => e);
    assert.match(String(order), /flags\.order was "sorted", now "listdir"/);

    // An image replaced by one of another size changes the folder's listing digest.
    const image = [...Deno.readDirSync(dataset)].map((e) => e.name).sort()[0]!;
    const first = join(dataset, image, [...Deno.readDirSync(join(dataset, image))][0]!.name);
    const bytes = await Deno.readFile(first);
    await Deno.writeFile(first, new Uint8Array([...bytes, 0]));
    const changed = await runEmbed({ ...base, model: models[0] }).catch((e) => e);
    assert.match(String(changed), /inputs\.dataset listing \(sha256 of identity\/image names/);
    await Deno.writeFile(first, bytes);

    // An output of an older kit has no manifest: resumed, with a warning that it is unchecked.
    await Deno.remove(manifestPathOf(out));
    const warned = memoryReporter();
    const old = await runEmbed({ ...base, model: models[0], reporter: warned });
    assert.equal(old.embedded, 0);
    assert.ok([...warned.warnings().keys()].some((w) => w.includes(`${out} has no manifest`)));

    const fresh = await runEmbed({ ...base, model: models[1], overwrite: true });
    assert.equal(fresh.embedded, images);
    assert.equal(
      (await readManifest(manifestPathOf(out)))?.model?.sha256,
      await sha256File(models[1]),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runEmbed --format both over a complete .jsonl keeps it byte for byte and adds the .npy", async () => {
  const { dir, models, dataset, images } = await fixture();
  try {
    const out = join(dir, "E.jsonl");
    const base = {
      model: models[0],
      dataset,
      out,
      backend: "cpu" as const,
      reporter: memoryReporter(),
    };
    await runEmbed(base);
    const jsonl = await Deno.readFile(out);
    const both = await runEmbed({ ...base, formats: ["jsonl", "npy"] });
    assert.equal(both.resumed, 0, "no image is in both formats yet");
    assert.deepEqual(await Deno.readFile(out), jsonl, "the complete .jsonl is not rewritten");
    const npy = await readNpy(join(dir, "E.npy"));
    const { set } = await readJsonLines(out);
    assert.deepEqual(npy.imageNames, set.imageNames);
    for (let i = 0; i < set.vectors.length; i++) {
      assert.ok(Math.abs(set.vectors[i]! - npy.vectors[i]!) <= 5e-6);
    }
    const again = await runEmbed({ ...base, formats: ["jsonl", "npy"] });
    assert.equal(again.embedded, 0);
    assert.equal(again.resumed, images);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a SIGKILL while labels.tsv is rewritten leaves the old or the new file, never a cut one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run_contract_" });
  try {
    const out = join(dir, "E.npy");
    const keys = Array.from(
      { length: 20000 },
      (_, i) => ({ identity: `id${i % 97}`, imageName: `${i}.png` }),
    );
    const w = await openEmbeddingWriter(out, {
      formats: ["npy"],
      dim: 2,
      reporter: memoryReporter(),
    });
    await w.append(keys, new Float32Array(keys.length * 2).fill(0.5));
    await w.close();
    const lpath = labelsPath(out);
    const complete = await Deno.readTextFile(lpath);
    // The unfinished batch of a killed run: labels past the header's row count, which the next
    // resume cuts by rewriting labels.tsv.
    const unfinished = complete + "id0\textra-1.png\nid0\textra-2.png\nid0\textra-";
    const source = join(dir, "unfinished.txt");
    await Deno.writeTextFile(source, unfinished);
    // Every state a reader (or a kill) can find while the resume rewrites labels.tsv in a loop
    // is the old or the new file; then a SIGKILL in the middle of it.
    for (const watch of [4, 8]) {
      await Deno.writeTextFile(lpath, unfinished);
      const resumer = await child(
        `import { openEmbeddingWriter } from "${url("lib/embeddings/mod.ts")}";
         import { memoryReporter } from "${url("lib/cli/mod.ts")}";
         console.log("ready");
         while (true) {
           const w = await openEmbeddingWriter(${JSON.stringify(out)},
             { formats: ["npy"], dim: 2, reporter: memoryReporter() });
           await w.close();
           // Put the unfinished labels back, atomically too (the test's own rewrite).
           await Deno.copyFile(${JSON.stringify(source)}, ${JSON.stringify(`${lpath}.restore`)});
           await Deno.rename(${JSON.stringify(`${lpath}.restore`)}, ${JSON.stringify(lpath)});
         }`,
      );
      // Watch until the child rewrote it `watch` times (each change of state is one rewrite).
      let changes = 0;
      let last = -1;
      for (const t0 = performance.now(); changes < watch;) {
        const text = await Deno.readTextFile(lpath);
        assert.ok(text === complete || text === unfinished, `labels.tsv held ${text.length} bytes`);
        if (text.length !== last && last !== -1) changes++;
        last = text.length;
        assert.ok(performance.now() - t0 < 60_000, "the child did not rewrite labels.tsv");
      }
      await kill(resumer);
      const text = await Deno.readTextFile(lpath);
      assert.ok(text === complete || text === unfinished, `labels.tsv holds ${text.length} bytes`);
    }
    await Deno.remove(source);
    await Deno.remove(`${lpath}.restore`).catch(() => undefined);
    const reporter = memoryReporter();
    const again = await openEmbeddingWriter(out, { formats: ["npy"], dim: 2, reporter });
    assert.equal(again.resumedRows, keys.length);
    await again.close();
    assert.equal(await Deno.readTextFile(lpath), complete);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["E.labels.tsv", "E.npy"], "the killed runs' temporary files are gone");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openEmbeddingWriter refuses a corrupt line in the middle of a .jsonl, naming file and line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run_contract_" });
  try {
    const out = join(dir, "E.jsonl");
    const keys = Array.from({ length: 5 }, (_, i) => ({ identity: "a", imageName: `${i}.png` }));
    const w = await openEmbeddingWriter(out, { dim: 3, reporter: memoryReporter() });
    await w.append(keys, new Float32Array(15).fill(0.25));
    await w.close();
    const good = await Deno.readTextFile(out);
    const lines = good.split("\n");
    const damaged = [
      lines[2]!.slice(0, 40), // cut short
      lines[2]!.replace("0.25, 0.25, 0.25", "0.25, 0.25"), // a number lost
      lines[2]!.replace("0.25]", "0.2x]"), // a byte flipped
      lines[2]! + lines[3]!, // two lines run together
    ];
    for (const line of damaged) {
      await Deno.writeTextFile(out, [...lines.slice(0, 2), line, ...lines.slice(3)].join("\n"));
      await assert.rejects(
        openEmbeddingWriter(out, { dim: 3, reporter: memoryReporter() }),
        (e: Error) => e instanceof SyntaxError && e.message.includes(`${out}: line 3 `),
      );
    }
    // Every image twice (two runs on one output): refused, naming the repeat.
    await Deno.writeTextFile(out, good + good);
    await assert.rejects(
      openEmbeddingWriter(out, { dim: 3, reporter: memoryReporter() }),
      /line 6 repeats a\/0\.png of line 1/,
    );
    // The torn last line of a killed run is cut, with a warning.
    await Deno.writeTextFile(out, good + lines[0]!.slice(0, 30));
    const reporter = memoryReporter();
    const again = await openEmbeddingWriter(out, { dim: 3, reporter });
    assert.equal(again.resumedRows, 5);
    await again.close();
    assert.equal(await Deno.readTextFile(out), good);
    assert.ok([...reporter.warnings().keys()].some((m) => m.includes("unfinished")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a .pth conversion killed midway leaves no temporary file behind after the next run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "run_contract_" });
  try {
    const ckpt = join(dir, "m.pth");
    await Deno.writeTextFile(ckpt, "weights");
    const converter = await child(
      `import { cachedConversion } from "${url("lib/model/mod.ts")}";
       import { memoryReporter } from "${url("lib/cli/mod.ts")}";
       console.log("ready");
       while (true) {
         await Deno.remove(${JSON.stringify(`${ckpt}.onnx.json`)}).catch(() => {});
         await cachedConversion(${
        JSON.stringify(ckpt)
      }, () => Promise.resolve(new Uint8Array(64 << 20)),
           { converterVersion: 1, reporter: memoryReporter() });
       }`,
    );
    const tmp = `${ckpt}.onnx.tmp-${converter.pid}`;
    const t0 = performance.now();
    while (true) {
      try {
        await Deno.stat(tmp);
        break;
      } catch {
        assert.ok(performance.now() - t0 < 60_000, "the conversion never wrote its temporary file");
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    await kill(converter);
    await Deno.stat(tmp); // left behind by the kill
    const reporter = memoryReporter();
    const result = await cachedConversion(ckpt, () => Promise.resolve(new Uint8Array([1, 2])), {
      converterVersion: 1,
      reporter,
    });
    assert.deepEqual([...result.bytes], [1, 2]);
    await assert.rejects(Deno.stat(tmp), Deno.errors.NotFound);
    assert.ok(reporter.infos.some((l) => l.includes(`removed ${tmp}`)));
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["m.pth", "m.pth.onnx", "m.pth.onnx.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("downstream manifests record their inputs' manifests and the drawn pairs and rows", async () => {
  const { dir, models, dataset } = await fixture();
  try {
    const embeddings = join(dir, "Data.jsonl");
    const quiet = memoryReporter();
    await runEmbed({ model: models[0], dataset, out: embeddings, backend: "cpu", reporter: quiet });
    const embedManifest = await sha256File(manifestPathOf(embeddings));
    const out = join(dir, "Metrics");
    const sims = await runSimilarities({ input: embeddings, comparisons: 4, out, reporter: quiet });
    const m = await readManifest(manifestPathOf(sims.matedPath));
    assert.equal(m?.task, "similarities");
    assert.equal(m?.inputs[0]?.sha256, await sha256File(embeddings));
    assert.equal(m?.inputs[0]?.manifest, embedManifest, "the input's manifest digest is kept");
    assert.deepEqual(m?.seeds, { pairs: 42 });
    const mated = unpackIndices(m!.draws[0]!.indices!);
    assert.deepEqual([...mated.filter((_, i) => i % 2 === 0)], [...sims.matedPairs.first]);
    assert.deepEqual([...mated.filter((_, i) => i % 2 === 1)], [...sims.matedPairs.second]);
    assert.equal(m?.outputs[0]?.sha256, await sha256File(sims.matedPath));
    assert.deepEqual(await readManifest(manifestPathOf(sims.nonMatedPath)), m);

    const leak = await runLeakage({
      input: embeddings,
      casia: embeddings,
      nComparisons: 3,
      outDir: out,
      figure: false,
      reporter: quiet,
    });
    const l = await readManifest(manifestPathOf(leak.files[1]!));
    assert.equal(l?.task, "leakage");
    assert.deepEqual([...unpackIndices(l!.draws[0]!.indices!)], [...leak.best.queries]);
    // The judged leakage calibrates on the gallery's non-mated scores (here: the same set's).
    assert.deepEqual(l?.inputs.map((i) => i.role), ["embeddings", "gallery", "impostor scores"]);
    assert.equal(l?.inputs[2]?.sha256, await sha256File(sims.nonMatedPath));
    assert.equal(l?.complete, true);

    const metrics = await runMetrics({
      scores: join(out, "SimilarityScores"),
      out,
      resamples: 10,
      figures: false,
      reporter: quiet,
    });
    const t = await readManifest(manifestPathOf(metrics.files[0]!));
    assert.equal(t?.inputs.length, 2);
    assert.equal(t?.inputs[0]?.manifest, await sha256File(manifestPathOf(sims.matedPath)));
    assert.deepEqual(
      t?.outputs.map((o) => o.path),
      metrics.files,
      "the table and the CI tables are listed",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadScoreSets and runPaths skip the run manifests beside embeddings and closest JSONs", async () => {
  const { dir, models, dataset } = await fixture();
  try {
    const root = join(dir, "Metrics");
    const embeddings = join(root, "Embeddings", "Data.jsonl");
    const quiet = memoryReporter();
    await runEmbed({ model: models[0], dataset, out: embeddings, backend: "cpu", reporter: quiet });
    await Deno.stat(manifestPathOf(embeddings));
    const sets = await loadScoreSets(root, { comparisons: 3 });
    assert.deepEqual([...sets.keys()], ["Data"]);
    const closest = await runClosest({
      input: embeddings,
      casia: embeddings,
      top: 2,
      outDir: root,
      reporter: quiet,
    });
    await Deno.stat(manifestPathOf(closest.file));
    const paths = await runPaths({
      inputs: [join(root, "Closest")],
      outDir: join(root, "Extracted_paths"),
      reporter: quiet,
    });
    assert.equal(paths.files.length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two deno task embed runs started together on one --out: one image, one vector, one label", async () => {
  const { dir, models, dataset, images } = await fixture();
  try {
    const out = join(dir, "E.npy");
    const run = () =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          `${ROOT}scripts/embed.ts`,
          "--model",
          models[0],
          "--dataset",
          dataset,
          "--out",
          out,
          "--backend",
          "cpu",
          "--batch",
          "1",
        ],
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const both = await Promise.all([run(), run()]);
    const text = both.map((r) => new TextDecoder().decode(r.stderr));
    const refused = both.filter((r) => r.code !== 0).length;
    if (refused === 1) {
      assert.ok(
        text.some((t) => t.includes(`${out}: it is in use by embed (pid `)),
        text.join("\n"),
      );
    } else {
      // The second started after the first had finished: it resumed with nothing left to do.
      assert.equal(refused, 0, text.join("\n"));
      assert.ok(text.some((t) => t.includes(`0 embedded this run, ${images} already present`)));
    }
    const npy = await readNpy(out);
    assert.equal(npy.identities.length, images);
    const labels = (await Deno.readTextFile(labelsPath(out))).trim().split("\n");
    assert.equal(labels.length, images + 1, "one label per vector");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an embed run SIGKILLed midway and resumed with another --model is refused, its rows kept", async () => {
  const { dir, models, dataset } = await fixture();
  try {
    const out = join(dir, "E.jsonl");
    const args = (model: string) => [
      "run",
      "-A",
      `${ROOT}scripts/embed.ts`,
      "--model",
      model,
      "--dataset",
      dataset,
      "--out",
      out,
      "--backend",
      "cpu",
      "--batch",
      "1",
    ];
    const first = new Deno.Command(Deno.execPath(), {
      args: args(models[0]),
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "null",
    }).spawn();
    const t0 = performance.now();
    while (((await Deno.stat(out).catch(() => null))?.size ?? 0) === 0) {
      assert.ok(performance.now() - t0 < 60_000, "the first run wrote no row");
      await new Promise((r) => setTimeout(r, 5));
    }
    first.kill("SIGKILL");
    await first.status;
    const kept = await Deno.readFile(out);
    const manifest = await readManifest(manifestPathOf(out));
    assert.equal(manifest?.model?.sha256, await sha256File(models[0]), "written before the rows");
    const second = await new Deno.Command(Deno.execPath(), {
      args: args(models[1]),
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(second.stderr);
    assert.notEqual(second.code, 0);
    assert.ok(
      stderr.includes(`Cannot resume ${out}`) && stderr.includes("model.sha256 was"),
      stderr,
    );
    assert.ok(stderr.includes("--overwrite"), stderr);
    assert.deepEqual(
      await Deno.readFile(out),
      kept,
      "not a byte of the first model's rows changed",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
