import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { writeDemoDataset } from "../../lib/demo/mod.ts";
import { readNpy } from "../../lib/embeddings/mod.ts";
import { buildIResNetOnnx, demoStateDict, IRESNET_LAYERS } from "../../lib/model/mod.ts";
import { runEmbed } from "../../lib/tasks/mod.ts";

Deno.test("runEmbed(options) reports skipped images and empty identities, then resumes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "embed_task_" });
  try {
    const model = join(dir, "model.onnx");
    await Deno.writeFile(
      model,
      buildIResNetOnnx(demoStateDict({ seed: 3, widthScale: 1 / 8 }), {
        layers: IRESNET_LAYERS[18],
      }),
    );
    const dataset = join(dir, "Data");
    const info = await writeDemoDataset(dataset, { identities: 3, images: 2, seed: 9 });
    await Deno.mkdir(join(dataset, "zz_empty"));
    await Deno.mkdir(join(dataset, "zz_bad"));
    await Deno.writeFile(join(dataset, "zz_bad", "empty.png"), new Uint8Array(0));
    const out = join(dir, "out", "Data.npy");
    const reporter = memoryReporter();
    const first = await runEmbed({
      model,
      dataset,
      out,
      formats: ["npy"],
      backend: "cpu",
      batch: 2,
      reporter,
    });
    assert.equal(first.embedded, info.images);
    assert.deepEqual(first.failures.map((f) => f.imageName), ["empty.png"]);
    assert.deepEqual(first.paths, [out]);
    assert.ok(reporter.infos.some((l) => l.startsWith(`skipped ${dataset}/zz_bad/empty.png: `)));
    assert.ok(
      [...reporter.warnings().keys()].some((w) => w.includes("zz_empty: identity folder holds no")),
      [...reporter.warnings().keys()].join("\n"),
    );
    assert.equal(reporter.ticked, info.images + 1, "embedded and failed images are ticked");
    assert.match(reporter.infos.at(-1)!, new RegExp(`^done: ${info.images} embedded this run`));
    assert.equal((await readNpy(out)).identities.length, info.images);

    const again = await runEmbed({
      model,
      dataset,
      out,
      formats: ["npy"],
      backend: "cpu",
      reporter: memoryReporter(),
    });
    assert.equal(again.embedded, 0);
    assert.equal(again.resumed, info.images);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runEmbed(options) refuses a dataset without images, naming it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "embed_task_" });
  try {
    const model = join(dir, "model.onnx");
    await Deno.writeFile(
      model,
      buildIResNetOnnx(demoStateDict({ seed: 3, widthScale: 1 / 8 }), {
        layers: IRESNET_LAYERS[18],
      }),
    );
    await Deno.mkdir(join(dir, "Empty", "a"), { recursive: true });
    await assert.rejects(
      () =>
        runEmbed({
          model,
          dataset: join(dir, "Empty"),
          out: join(dir, "E.jsonl"),
          backend: "cpu",
          reporter: memoryReporter(),
        }),
      (error: Error) => error instanceof RangeError && error.message.includes("holds no images"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
