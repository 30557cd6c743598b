import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { openDataset } from "../../lib/data/mod.ts";
import { writeDemoDataset } from "../../lib/demo/mod.ts";
import { openEmbeddingWriter, readJsonLines } from "../../lib/embeddings/mod.ts";
import { buildIResNetOnnx, demoStateDict, IRESNET_LAYERS, loadModel } from "../../lib/model/mod.ts";
import { embedDataset, runEmbed } from "../../lib/tasks/mod.ts";

/** A tiny IResNet-18 whose weights are scaled so that its activations overflow float32. */
function overflowingModel(): Uint8Array {
  const dict = demoStateDict({ seed: 3, widthScale: 1 / 8, embeddingDim: 16 });
  for (const [key, tensor] of dict) {
    if (key.endsWith(".weight") && tensor.data instanceof Float32Array) {
      tensor.data.forEach((v, i, a) => (a[i] = v * 1e4));
    }
  }
  return buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[18] });
}

Deno.test("runEmbed stops with a broken-model message when every image of a batch gives NaN, writing no row", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = join(dir, "Overflow.onnx");
    await Deno.writeFile(model, overflowingModel());
    const dataset = join(dir, "Data");
    await writeDemoDataset(dataset, { identities: 2, images: 2, seed: 4 });
    const out = join(dir, "Data.jsonl");
    await assert.rejects(
      runEmbed({ model, dataset, out, backend: "cpu", batch: 4, reporter: memoryReporter() }),
      (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(
          error.message,
          new RegExp(
            `^The model ${
              model.replace(/[.]/g, "\\.")
            } is broken: it gave non-finite embeddings \\(NaN or infinity\\) for all 4 images of a batch \\(the first id_000/`,
          ),
        );
        assert.match(error.message, /nothing of that batch was written/);
        return true;
      },
    );
    const text = await Deno.readTextFile(out).catch(() => "");
    assert.ok(!/NaN|Infinity/.test(text), "no non-finite value reaches the file");
    assert.equal(text.trim(), "", "no row was written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedDataset reports an image whose embedding is not finite, counts it failed and writes the others", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "Model.onnx");
    await Deno.writeFile(
      path,
      buildIResNetOnnx(demoStateDict({ seed: 3, widthScale: 1 / 8, embeddingDim: 16 }), {
        layers: IRESNET_LAYERS[18],
      }),
    );
    const real = await loadModel(path, { backend: "cpu", reporter: memoryReporter() });
    // The first image of each batch comes out NaN, as one overflowing image would.
    const model = Object.create(real, {
      embed: {
        value: async (batch: Float32Array, n: number) => {
          const v = await real.embed(batch, n);
          v.fill(NaN, 0, real.dim);
          return v;
        },
      },
    });
    const dataset = join(dir, "Data");
    await writeDemoDataset(dataset, { identities: 2, images: 2, seed: 4 });
    const reader = await openDataset(dataset);
    const keys = await reader.list();
    const out = join(dir, "Data.jsonl");
    const writer = await openEmbeddingWriter(out, { formats: ["jsonl"], dim: real.dim });
    const seen: string[] = [];
    const summary = await embedDataset(reader, model, {
      writer,
      batch: 2,
      workers: 0,
      onFailure: (f) => seen.push(`${f.identity}/${f.imageName}: ${f.reason}`),
      modelName: path,
    });
    await writer.close();
    await reader.close();
    await real.close();
    assert.equal(summary.embedded, 2);
    const reason = "the model gave a non-finite embedding (NaN or infinity); not written";
    assert.deepEqual(
      seen,
      [keys[0]!, keys[2]!].map((k) => `${k.identity}/${k.imageName}: ${reason}`),
    );
    assert.equal(summary.failures.length, 2);
    const { set } = await readJsonLines(out);
    assert.equal(set.identities.length, 2);
    assert.ok(set.vectors.every(Number.isFinite));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
