import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { type ImageRecord, openDataset } from "../../lib/data/mod.ts";
import { demoDatasetPlan, encodeDemoImage, writeDemoDataset } from "../../lib/demo/mod.ts";
import { formatFiles, openEmbeddingWriter } from "../../lib/embeddings/mod.ts";
import { preprocessImage } from "../../lib/image/mod.ts";
import {
  type ArcFaceModel,
  buildIResNetOnnx,
  demoStateDict,
  IRESNET_LAYERS,
  loadModel,
} from "../../lib/model/mod.ts";
import {
  DecodePool,
  decodeRecords,
  embedDataset,
  type EmbedFailure,
  liveDecodeWorkers,
} from "../../lib/tasks/mod.ts";

const CRASHING_WORKER = new URL("./_crashing_decode_worker.ts", import.meta.url);

/** A demo dataset of 16 images (PNG, JPEG, 96x112, 250x250, grey) plus five unreadable ones. */
async function writeDataset(dir: string): Promise<string> {
  const dataset = join(dir, "Data");
  await writeDemoDataset(dataset, { identities: 4, images: 4, seed: 5 });
  const jpeg = await Deno.readFile(join(dataset, "id_000", "02.jpg"));
  const png = await Deno.readFile(join(dataset, "id_000", "00.png"));
  await Deno.writeFile(join(dataset, "id_000", "01a_empty.png"), new Uint8Array(0));
  await Deno.writeFile(join(dataset, "id_001", "00a_junk.jpg"), new TextEncoder().encode("junk"));
  await Deno.writeFile(join(dataset, "id_001", "02a_cut.jpg"), jpeg.subarray(0, jpeg.length >> 1));
  await Deno.writeFile(join(dataset, "id_002", "01a_cut.png"), png.subarray(0, png.length >> 1));
  await Deno.writeFile(join(dataset, "id_003", "zz_png_as.jpg"), png);
  return dataset;
}

async function writeModel(dir: string): Promise<string> {
  const path = join(dir, "model.onnx");
  const dict = demoStateDict({ seed: 3, widthScale: 1 / 8 });
  await Deno.writeFile(path, buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[18] }));
  return path;
}

interface Run {
  files: Map<string, Uint8Array>;
  failures: EmbedFailure[];
  embedded: number;
  interrupted: boolean;
}

async function embed(
  dataset: string,
  model: ArcFaceModel,
  out: string,
  options: { workers: number; batch?: number; abortAfter?: number },
): Promise<Run> {
  const reader = await openDataset(dataset, { reporter: memoryReporter() });
  const writer = await openEmbeddingWriter(out, {
    formats: ["jsonl", "npy"],
    dim: model.dim,
    reporter: memoryReporter(),
  });
  const controller = new AbortController();
  let finished = 0;
  try {
    const summary = await embedDataset(reader, model, {
      writer,
      batch: options.batch ?? 3,
      workers: options.workers,
      signal: controller.signal,
      onProgress: (n) => {
        finished += n;
        if (options.abortAfter !== undefined && finished >= options.abortAfter) {
          controller.abort();
        }
      },
    });
    await writer.close();
    const files = new Map<string, Uint8Array>();
    for (const path of writer.paths.flatMap(formatFiles)) {
      files.set(path.slice(out.length - "Data.jsonl".length), await Deno.readFile(path));
    }
    return {
      files,
      failures: summary.failures,
      embedded: summary.embedded,
      interrupted: summary.interrupted,
    };
  } finally {
    await reader.close();
  }
}

Deno.test("embedDataset(reader, model, { workers }) writes the bytes and failures of a one-worker run with 0, 2 and 3 workers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "decode_pool_" });
  const model = await loadModel(await writeModel(dir), {
    backend: "cpu",
    reporter: memoryReporter(),
  });
  try {
    const dataset = await writeDataset(dir);
    const one = await embed(dataset, model, join(dir, "w1", "Data.jsonl"), { workers: 1 });
    assert.equal(one.embedded, 17, "a PNG named .jpg is read by its signature, as Pillow reads it");
    assert.deepEqual(one.failures.map((f) => `${f.identity}/${f.imageName}`), [
      "id_000/01a_empty.png",
      "id_001/00a_junk.jpg",
      "id_001/02a_cut.jpg",
      "id_002/01a_cut.png",
    ]);
    assert.equal(one.files.size, 3, [...one.files.keys()].join());
    assert.equal(liveDecodeWorkers(), 0);
    for (const workers of [0, 2, 3]) {
      const run = await embed(dataset, model, join(dir, `w${workers}`, "Data.jsonl"), { workers });
      assert.deepEqual(run.failures, one.failures, `failures with ${workers} workers`);
      assert.equal(run.embedded, one.embedded);
      for (const [name, bytes] of one.files) {
        assert.deepEqual(run.files.get(name), bytes, `${name} with ${workers} workers`);
      }
      assert.equal(liveDecodeWorkers(), 0, `workers left running after a run with ${workers}`);
    }
  } finally {
    await model.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedDataset(reader, model, { workers, signal }) stops after the batch in flight and resumes to the one-worker bytes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "decode_pool_" });
  const model = await loadModel(await writeModel(dir), {
    backend: "cpu",
    reporter: memoryReporter(),
  });
  try {
    const dataset = await writeDataset(dir);
    const one = await embed(dataset, model, join(dir, "w1", "Data.jsonl"), { workers: 1 });
    const out = join(dir, "cut", "Data.jsonl");
    const cut = await embed(dataset, model, out, { workers: 3, batch: 2, abortAfter: 3 });
    assert.equal(cut.interrupted, true);
    assert.ok(cut.embedded > 0 && cut.embedded < 17, `${cut.embedded} embedded before the stop`);
    assert.equal(cut.embedded % 2, 0, "only whole batches are written");
    assert.equal(liveDecodeWorkers(), 0, "the interrupted run terminated its workers");
    const rest = await embed(dataset, model, out, { workers: 2 });
    assert.equal(rest.interrupted, false);
    assert.equal(cut.embedded + rest.embedded, 17);
    for (const [name, bytes] of one.files) {
      assert.deepEqual(rest.files.get(name), bytes, `${name} after the resume`);
    }
    assert.equal(liveDecodeWorkers(), 0);
  } finally {
    await model.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedDataset(reader, model, { workers }) whose model fails rejects and terminates its workers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "decode_pool_" });
  const model = await loadModel(await writeModel(dir), {
    backend: "cpu",
    reporter: memoryReporter(),
  });
  try {
    const dataset = await writeDataset(dir);
    const reader = await openDataset(dataset, { reporter: memoryReporter() });
    const writer = await openEmbeddingWriter(join(dir, "bad", "Data.jsonl"), {
      dim: model.dim,
      reporter: memoryReporter(),
    });
    // 56x56 inputs for a model that takes 112x112: the first batch is refused.
    await assert.rejects(
      embedDataset(reader, model, { writer, batch: 2, workers: 3, size: 56 }),
      /Cannot embed 2 images of 3x112x112/,
    );
    assert.equal(liveDecodeWorkers(), 0, "the failed run terminated its workers");
    await writer.close();
    await reader.close();
  } finally {
    await model.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** The demo plan's images as dataset records, with `crash` names where asked. */
async function* demoRecords(names: string[]): AsyncIterable<ImageRecord> {
  const plan = demoDatasetPlan({ identities: 1, images: names.length, seed: 2 });
  for (let i = 0; i < names.length; i++) {
    yield { identity: "id", imageName: names[i]!, bytes: await encodeDemoImage(plan[i]!) };
  }
}

Deno.test("decodeRecords(records, { workers }) yields preprocessImage's tensors in order", async () => {
  const names = Array.from({ length: 9 }, (_, i) => `${i}.img`);
  const expected: Float32Array[] = [];
  for await (const record of demoRecords(names)) {
    expected.push(await preprocessImage(record.bytes!, { name: record.imageName }));
  }
  for (const workers of [1, 3]) {
    const got: string[] = [];
    let i = 0;
    for await (const image of decodeRecords(demoRecords(names), { workers, ahead: 4 })) {
      got.push(image.imageName);
      assert.deepEqual(image.tensor, expected[i++], `${image.imageName} with ${workers} workers`);
    }
    assert.deepEqual(got, names);
  }
  assert.equal(liveDecodeWorkers(), 0);
});

Deno.test("decodeRecords(records, { workers }) surfaces a worker that dies as an error naming the image", async () => {
  const names = ["0.img", "1.img", "2_crash.img", "3.img", "4.img", "5.img"];
  const got: string[] = [];
  await assert.rejects(
    async () => {
      const images = decodeRecords(demoRecords(names), { workers: 2, workerUrl: CRASHING_WORKER });
      for await (const image of images) {
        assert.ok(image.tensor !== undefined, image.reason ?? "");
        got.push(image.imageName);
      }
    },
    (error: Error) => {
      assert.match(error.message, /^Cannot decode id\/2_crash\.img: decode worker \d of 2 stopped/);
      assert.match(error.message, /while decoding it \(.*injected fault on id\/2_crash\.img/);
      assert.match(error.message, /re-run the same command to resume/);
      return true;
    },
  );
  assert.deepEqual(got, ["0.img", "1.img"], "the images before it come out");
  assert.equal(liveDecodeWorkers(), 0, "the pool terminated its workers");
});

Deno.test("DecodePool.decode(bytes, name) after a worker died or the pool closed rejects, naming the image", async () => {
  const pool = new DecodePool({ workers: 1, workerUrl: CRASHING_WORKER });
  const plan = demoDatasetPlan({ identities: 1, images: 1, seed: 2 });
  const bytes = await encodeDemoImage(plan[0]!);
  await assert.rejects(
    pool.decode(bytes.slice(), "a/crash.png"),
    /a\/crash\.png.*while decoding it/,
  );
  await assert.rejects(
    pool.decode(bytes.slice(), "a/next.png"),
    /Cannot decode a\/next\.png: decode worker 1 of 1 stopped while decoding a\/crash\.png/,
  );
  pool.close();
  const closed = new DecodePool({ workers: 1 });
  closed.close();
  await assert.rejects(
    closed.decode(bytes, "a/late.png"),
    /a\/late\.png: the decode pool is closed/,
  );
  assert.equal(liveDecodeWorkers(), 0);
});

Deno.test("DecodePool.decode(bytes, name) transfers a whole buffer and copies a view once", async () => {
  const plan = demoDatasetPlan({ identities: 1, images: 1, seed: 2 });
  const file = await encodeDemoImage(plan[0]!);
  const expected = await preprocessImage(file, { name: "a/0.png" });
  const pool = new DecodePool({ workers: 1 });
  try {
    const whole = file.slice();
    const first = await pool.decode(whole, "a/0.png");
    assert.equal(whole.byteLength, 0, "a whole buffer is transferred, not copied");
    assert.deepEqual(first.tensor, expected);
    const framed = new Uint8Array(file.length + 8);
    framed.set(file, 4);
    const view = framed.subarray(4, 4 + file.length);
    pool.recycle(first.tensor!);
    const second = await pool.decode(view, "a/0.png");
    assert.equal(view.byteLength, file.length, "a view of a larger buffer is left to its owner");
    assert.deepEqual(second.tensor, expected, "a recycled buffer is fully overwritten");
  } finally {
    pool.close();
  }
});
