import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { writeDemoDataset, writeDemoGallery } from "../../lib/demo/mod.ts";
import {
  closestShardPathOf,
  manifestPathOf,
  metricsLayout,
  readManifest,
  shardPathOf,
  writeManifest,
} from "../../lib/formats/mod.ts";
import { buildIResNetOnnx, demoStateDict, IRESNET_LAYERS } from "../../lib/model/mod.ts";
import {
  lockOutputs,
  runClosest,
  runEmbed,
  runLeakage,
  runMerge,
  runSimilarities,
  type ShardSpec,
} from "../../lib/tasks/mod.ts";
import { runScript } from "../scripts/_run.ts";

/** The demo data, small: a model, a dataset, a gallery with a duplicated image, their embeddings. */
interface Fixture {
  dir: string;
  model: string;
  dataset: string;
  embeddings: string;
  gallery: string;
}

const quiet = memoryReporter();
const SHARD_COUNTS = [1, 3, 4];
/** Every search kernel (`--kernel`): each must score a pair the same in a shard as unsharded. */
const KERNELS = ["fp32", "int8", "js"] as const;

async function fixture(): Promise<Fixture> {
  const dir = await Deno.makeTempDir({ prefix: "merge_test_" });
  const model = join(dir, "model.onnx");
  await Deno.writeFile(
    model,
    buildIResNetOnnx(demoStateDict({ seed: 5, widthScale: 1 / 8 }), { layers: IRESNET_LAYERS[18] }),
  );
  const dataset = join(dir, "Dataset", "Demo");
  const casia = join(dir, "Dataset", "DemoCASIA");
  await writeDemoDataset(dataset, { identities: 9, images: 3, seed: 42 });
  const planted = await writeDemoGallery(casia, {
    identities: 12,
    images: 3,
    planted: 2,
    seed: 42,
    demoIdentities: 9,
    demoImages: 3,
  });
  // A planted copy twice, in the last identity: equal scores in two gallery blocks (a tie).
  const copy = planted.copies[0]!;
  await Deno.mkdir(join(casia, "9999999"));
  await Deno.copyFile(
    join(casia, copy.galleryIdentity, copy.galleryImageName),
    join(casia, "9999999", "image_999.jpg"),
  );
  const root = metricsLayout(join(dir, "Whole"));
  const embeddings = root.embeddings("Demo", ".jsonl");
  const gallery = root.embeddings("DemoCASIA", ".npy");
  const embed = { model, backend: "cpu" as const, reporter: quiet };
  await runEmbed({ ...embed, dataset, out: embeddings, formats: ["jsonl", "npy"] });
  await runEmbed({ ...embed, dataset: casia, out: gallery, formats: ["npy"] });
  return { dir, model, dataset, embeddings, gallery };
}

const sha256 = async (path: string) =>
  createHash("sha256").update(await Deno.readFile(path)).digest("hex");

/** Asserts that `merged[i]` equals `whole[i]` byte for byte (and by digest). */
async function assertSameFiles(merged: string[], whole: string[], what: string): Promise<void> {
  assert.deepEqual(merged.map((f) => basename(f)), whole.map((f) => basename(f)), what);
  for (const [i, file] of merged.entries()) {
    assert.deepEqual(await Deno.readFile(file), await Deno.readFile(whole[i]!), `${what}: ${file}`);
    assert.equal(await sha256(file), await sha256(whole[i]!), `${what}: digest of ${file}`);
  }
}

const withoutClipIds = (svg: string) => svg.replace(/plot-clip-\d+/g, "plot-clip");

function shards(count: number): ShardSpec[] {
  return Array.from({ length: count }, (_, index) => ({ index, count }));
}

Deno.test("runMerge(options) after N shards writes the unsharded run's files byte for byte", async (t) => {
  const f = await fixture();
  try {
    await t.step("embed (JSON lines, .npy and labels) for N = 1, 3, 4", async () => {
      const base = {
        model: f.model,
        dataset: f.dataset,
        formats: ["jsonl", "npy"] as ("jsonl" | "npy")[],
        backend: "cpu" as const,
        reporter: quiet,
      };
      const whole = [f.embeddings, f.embeddings.replace(".jsonl", ".npy")];
      whole.push(whole[1]!.replace(".npy", ".labels.tsv"));
      for (const count of SHARD_COUNTS) {
        const out = join(f.dir, `Embed${count}`, "Demo.jsonl");
        for (const shard of shards(count)) await runEmbed({ ...base, out, shard });
        const merged = await runMerge({ task: "embed", shards: count, options: { ...base, out } });
        await assertSameFiles(merged.files, whole, `embed in ${count}`);
        const manifest = await readManifest(merged.manifests[0]!);
        assert.equal(manifest?.complete, true);
        assert.equal(manifest?.shard, null);
        assert.equal(manifest?.counts.images, 27);
        assert.deepEqual(
          manifest?.inputs.filter((i) => i.role.startsWith("shard ")).map((i) => i.role),
          shards(count).map((s) => `shard ${s.index}/${count}`),
        );
      }
      // A shard resumes on its own: run again, it finds its rows and embeds nothing.
      const out = join(f.dir, "Embed3", "Demo.jsonl");
      const again = await runEmbed({ ...base, out, shard: { index: 1, count: 3 } });
      assert.equal(again.embedded, 0);
      assert.ok(
        again.resumed > 0 && again.resumed === again.total,
        `${again.resumed}/${again.total}`,
      );
      assert.ok(again.total < 27, "the shard lists its cut only");
    });

    await t.step("similarities for N = 1, 3, 4", async () => {
      const options = { input: f.embeddings, comparisons: 40, seed: 7, reporter: quiet };
      const whole = await runSimilarities({ ...options, out: join(f.dir, "Whole") });
      for (const count of SHARD_COUNTS) {
        const out = join(f.dir, `Sim${count}`);
        for (const shard of shards(count)) await runSimilarities({ ...options, out, shard });
        const merged = await runMerge({
          task: "similarities",
          shards: count,
          options: { ...options, out },
        });
        await assertSameFiles(
          merged.files,
          [whole.matedPath, whole.nonMatedPath],
          `similarities in ${count}`,
        );
      }
    });

    await t.step(
      "leakage (scores, CSV, figure) for N = 1, 3, 4, each kernel, small blocks",
      async () => {
        for (const kernel of KERNELS) {
          const options = {
            input: f.embeddings,
            casia: f.gallery,
            nComparisons: 20,
            kernel,
            search: { queryBlock: 4, galleryBlock: 8 },
            reporter: quiet,
          };
          const whole = await runLeakage({ ...options, outDir: join(f.dir, "Whole") });
          assert.equal(whole.files.length, 5, "scores, CSV, SVG, PNG and PDF");
          for (const count of SHARD_COUNTS) {
            const outDir = join(f.dir, `Leak${count}`);
            for (const shard of shards(count)) await runLeakage({ ...options, outDir, shard });
            const merged = await runMerge({
              task: "leakage",
              shards: count,
              options: { ...options, outDir },
            });
            // Observable Plot numbers clip paths with a counter of the process (plot-clip-<n>), so
            // two SVGs drawn in one process differ in that id only; one CLI run draws one figure,
            // and the CLI test below compares those SVGs byte for byte.
            const svg = (path: string) => Deno.readTextFile(path).then(withoutClipIds);
            assert.equal(
              await svg(merged.files[2]!),
              await svg(whole.files[2]!),
              `SVG in ${count}`,
            );
            await assertSameFiles(
              merged.files.filter((_, i) => i !== 2),
              whole.files.filter((_, i) => i !== 2),
              `leakage in ${count} (${kernel})`,
            );
          }
        }
      },
    );

    await t.step("closest (the exact global top-K, ties included) for N = 1, 3, 4", async () => {
      const small = { queryBlock: 4, galleryBlock: 8 };
      for (
        const [kernel, search] of [
          ["fp32", {}],
          ...KERNELS.map((k) => [k, small] as const),
        ] as const
      ) {
        const options = {
          input: f.embeddings,
          casia: f.gallery,
          top: 6,
          kernel,
          search,
          reporter: quiet,
        };
        const whole = await runClosest({ ...options, outDir: join(f.dir, "Whole") });
        // The duplicated gallery image gives two pairs of one score, in different gallery blocks.
        const scores = Array.from(whole.pairs.scores);
        assert.ok(scores.some((s, i) => s === scores[i + 1]), `a tie in ${scores.join(", ")}`);
        for (const count of SHARD_COUNTS) {
          const outDir = join(f.dir, `Closest${count}`);
          for (const shard of shards(count)) await runClosest({ ...options, outDir, shard });
          const merged = await runMerge({
            task: "closest",
            shards: count,
            options: { ...options, outDir },
          });
          await assertSameFiles(merged.files, [whole.file], `closest in ${count}`);
        }
      }
    });

    await t.step(
      "the CLI: leakage --shard auto/3 (SLURM_ARRAY_TASK_ID) + merge = leakage",
      async () => {
        const flags = [f.embeddings, "--casia", f.gallery, "--n-comparisons", "20"];
        const whole = await runScript("leakage.ts", [...flags, "--out", join(f.dir, "CliWhole")]);
        assert.equal(whole.code, 0, whole.stderr);
        const out = join(f.dir, "CliShards");
        const runs = await Promise.all(
          [0, 1, 2].map((k) =>
            runScript("leakage.ts", [...flags, "--out", out, "--shard", "auto/3"], {
              SLURM_ARRAY_TASK_ID: String(k),
            })
          ),
        );
        for (const run of runs) assert.equal(run.code, 0, run.stderr);
        const merged = await runScript("merge.ts", [
          "leakage",
          ...flags,
          "--out",
          out,
          "--shards",
          "3",
        ]);
        assert.equal(merged.code, 0, merged.stderr);
        const files = whole.stdout.trim().split("\n");
        assert.equal(files.length, 5, whole.stdout);
        await assertSameFiles(merged.stdout.trim().split("\n"), files, "leakage CLI");
        const missing = await runScript("merge.ts", [
          "leakage",
          ...flags,
          "--out",
          out,
          "--shards",
          "4",
        ]);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /Cannot merge leakage: shard 0\/4 is missing: /);
      },
    );

    await t.step(
      "a shard still being written (its lock held) is refused, naming the holder",
      async () => {
        const out = join(f.dir, "Sim3");
        const options = { input: f.embeddings, comparisons: 40, seed: 7, out, reporter: quiet };
        const busy = shardPathOf(metricsLayout(out).matedScores("Demo"), { index: 0, count: 3 });
        const locks = await lockOutputs([busy], "similarities");
        try {
          await assert.rejects(
            () => runMerge({ task: "similarities", shards: 3, options }),
            Deno.errors.Busy,
            `Cannot run merge on ${busy}: it is in use by similarities (pid ${Deno.pid}`,
          );
        } finally {
          await locks.release();
        }
      },
    );

    await t.step(
      "a missing shard is refused, naming it and the command that makes it",
      async () => {
        const out = join(f.dir, "Sim3");
        const options = { input: f.embeddings, comparisons: 40, seed: 7, out, reporter: quiet };
        const layout = metricsLayout(out);
        const gone = shardPathOf(layout.nonMatedScores("Demo"), { index: 2, count: 3 });
        await Deno.rename(gone, `${gone}.away`);
        await assert.rejects(
          () => runMerge({ task: "similarities", shards: 3, options }),
          Deno.errors.NotFound,
          `Cannot merge similarities: shard 2/3 is missing: ${gone} does not exist; run deno task ` +
            "similarities with the same flags and --shard 2/3",
        );
        await Deno.rename(`${gone}.away`, gone);
        await assert.rejects(
          () => runMerge({ task: "similarities", shards: 4, options: { ...options, out: f.dir } }),
          Deno.errors.NotFound,
          "shard 0/4 is missing",
        );
      },
    );

    await t.step("an incomplete shard (killed: no end time) is refused, naming it", async () => {
      const outDir = join(f.dir, "Closest3");
      const options = { input: f.embeddings, casia: f.gallery, top: 6, outDir, reporter: quiet };
      const json = metricsLayout(outDir).closestJson("Demo", 6, 27);
      const shard = closestShardPathOf(json, { index: 1, count: 3 });
      const manifest = (await readManifest(manifestPathOf(shard)))!;
      await writeManifest(manifestPathOf(shard), { ...manifest, ended: null, complete: false });
      const before = await Deno.readFile(json);
      await assert.rejects(
        () => runMerge({ task: "closest", shards: 3, options }),
        Error,
        `Cannot merge closest: shard 1/3 is incomplete: ${
          manifestPathOf(shard)
        } has no end time (the run was interrupted or is still running); re-run deno task closest ` +
          "with the same flags and --shard 1/3 to resume it",
      );
      assert.deepEqual(await Deno.readFile(json), before, "nothing is written");
      await writeManifest(manifestPathOf(shard), manifest);
    });

    await t.step("a shard cut short after its run is refused as incomplete", async () => {
      const out = join(f.dir, "Embed3", "Demo.jsonl");
      const file = shardPathOf(out, { index: 0, count: 3 });
      const text = await Deno.readTextFile(file);
      await Deno.writeTextFile(file, text.slice(0, text.lastIndexOf("\n", text.length - 2) + 1));
      const options = {
        model: f.model,
        dataset: f.dataset,
        out,
        formats: ["jsonl" as const, "npy" as const],
        backend: "cpu" as const,
      };
      await assert.rejects(
        () => runMerge({ task: "embed", shards: 3, options, reporter: quiet }),
        Error,
        `Cannot merge embed: shard 0/3 is incomplete: ${file} is ${
          (await Deno.stat(file)).size
        } bytes, its manifest ${manifestPathOf(file)} says ${
          new TextEncoder().encode(text).length
        }`,
      );
      await Deno.writeTextFile(file, text);
    });

    await t.step(
      "a mismatched shard (another seed) is refused, naming it and the field",
      async () => {
        const out = join(f.dir, "Sim3");
        const options = { input: f.embeddings, comparisons: 40, seed: 7, out, reporter: quiet };
        await runSimilarities({ ...options, seed: 8, shard: { index: 1, count: 3 } });
        const mated = shardPathOf(metricsLayout(out).matedScores("Demo"), { index: 1, count: 3 });
        const error = await runMerge({ task: "similarities", shards: 3, options }).catch((e) => e);
        assert.ok(error instanceof Error);
        assert.equal(
          error.message,
          'Cannot merge similarities: shard 1/3 is mismatched: seeds is {"pairs":8} there, ' +
            `{"pairs":7} in shard 0/3 (${manifestPathOf(mated)}); re-run deno task similarities ` +
            "with the same flags and --shard 1/3 --overwrite",
        );
      },
    );
  } finally {
    await Deno.remove(f.dir, { recursive: true });
  }
});

Deno.test("deno task merge <task> takes every flag of deno task <task> (but --shard), same defaults", async () => {
  const flagsOf = (help: string) => {
    const flags = new Map<string, string>();
    for (const m of help.matchAll(/^ {2}--([a-z-]+)(?: <value>)?\s+(.*)$/gm)) {
      const also = m[2]!.match(/\(also ([^)]*)\)/)?.[1] ?? "";
      const names = [m[1]!, ...[...also.matchAll(/--([\w-]+)/g)].map((a) => a[1]!)];
      const fallback = /\(default: ([^)]*)\)/.exec(m[2]!)?.[1] ?? "";
      for (const name of names) flags.set(name, fallback);
    }
    return flags;
  };
  for (const task of ["embed", "similarities", "leakage", "closest"]) {
    const [own, merge] = await Promise.all([
      runScript(`${task}.ts`, ["--help"]),
      runScript("merge.ts", [task, "--help"]),
    ]);
    assert.equal(own.code, 0, own.stderr);
    assert.equal(merge.code, 0, merge.stderr);
    const mergeFlags = flagsOf(merge.stdout);
    assert.ok(mergeFlags.has("shards") && !mergeFlags.has("shard"), merge.stdout);
    for (const [name, fallback] of flagsOf(own.stdout)) {
      if (name === "shard") continue;
      assert.ok(mergeFlags.has(name), `merge ${task} lacks --${name}`);
      // --workers names its default in its description; it changes no output.
      if (name === "workers") continue;
      assert.equal(mergeFlags.get(name), fallback, `merge ${task} --${name}: default`);
    }
  }
});
