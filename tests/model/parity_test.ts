/**
 * The proof of issue 2: against PyTorch on a random-weight arcface_torch IResNet and images of
 * several sizes, modes and formats, our input tensors equal torchvision's bit for bit, and our
 * embeddings have cosine >= 0.99999 with torch's, through the `.pth` import and through the
 * torch-exported ONNX model.
 */
import assert from "node:assert/strict";
import { preprocessImage } from "../../lib/image/mod.ts";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { loadModel } from "../../lib/model/mod.ts";
import {
  generateReference,
  type Reference,
  skipUnlessTorchReference,
} from "../reference/_torch_reference.ts";

const SIDE = 112;
const PLANE = 3 * SIDE * SIDE;
/** The bound. */
const MIN_COSINE = 0.99999;
/**
 * A tighter guard for the cpu backend, which reaches 1 - 1e-7 here: on this reference model a
 * BatchNorm eps of 1e-3 instead of 1e-5 still scores 0.9999974, above the bound.
 */
const TIGHT_COSINE = 0.999999;

/** The Euclidean distance that MIN_COSINE allows between unit vectors: sqrt(2 (1 - cos)). */
const MAX_DISTANCE = Math.sqrt(2 * (1 - MIN_COSINE));

function norm(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

function distance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

/** Where two tensors differ, for a useful failure message; `undefined` when bit-identical. */
function firstDifference(ours: Float32Array, theirs: Float32Array): string | undefined {
  const a = new Uint32Array(ours.buffer, ours.byteOffset, ours.length);
  const b = new Uint32Array(theirs.buffer, theirs.byteOffset, theirs.length);
  let count = 0;
  let first = -1;
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      count++;
      if (first < 0) first = i;
      maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - theirs[i]!));
    }
  }
  if (count === 0) return undefined;
  const c = Math.floor(first / (SIDE * SIDE));
  const y = Math.floor((first % (SIDE * SIDE)) / SIDE);
  return `${count} of ${a.length} values differ (max |diff| ${maxDiff}); first at channel ${c}, ` +
    `y ${y}, x ${first % SIDE}: ours ${ours[first]}, torch ${theirs[first]}`;
}

/** Embeds each image alone (batch 1, as the original script) and in one batch. */
async function embedAll(path: string, inputs: Float32Array, n: number): Promise<Float32Array[]> {
  const model = await loadModel(path, { backend: "cpu", reporter: memoryReporter() });
  try {
    const rows: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      rows.push(await model.embed(inputs.slice(i * PLANE, (i + 1) * PLANE), 1));
    }
    const batch = await model.embed(inputs, n);
    for (let i = 0; i < n; i++) {
      const row = batch.subarray(i * model.dim, (i + 1) * model.dim);
      assert.ok(cosine(row, rows[i]!) > 0.999999, `${path}: image ${i} batched vs alone`);
    }
    return rows;
  } finally {
    await model.close();
  }
}

function assertCosines(label: string, ours: Float32Array[], ref: Reference, torch: Float32Array) {
  const dim = ref.manifest.embedding_size;
  const report = ref.manifest.images.map((image, i) => {
    const theirs = torch.subarray(i * dim, (i + 1) * dim);
    const row = ours[i];
    assert.ok(row, `${label} ${image.file}: no embedding`);
    assert.equal(row.length, dim, `${label} ${image.file}: embedding size`);
    // Both sides are L2-normalised, so the vectors themselves must agree, not only their angle.
    assert.ok(
      Math.abs(norm(theirs) - 1) < 1e-5,
      `${label} ${image.file}: torch norm ${norm(theirs)}`,
    );
    assert.ok(Math.abs(norm(row) - 1) < 1e-5, `${label} ${image.file}: norm ${norm(row)}, not 1`);
    const gap = distance(row, theirs);
    assert.ok(gap <= MAX_DISTANCE, `${label} ${image.file}: |ours - torch| = ${gap}`);
    return { file: image.file, cosine: cosine(row, theirs) };
  });
  const worst = report.reduce((a, b) => (b.cosine < a.cosine ? b : a));
  const details = report.map((r) => `${r.file} ${r.cosine.toFixed(8)}`).join(", ");
  assert.ok(worst.cosine >= MIN_COSINE, `${label}: cosine below ${MIN_COSINE}: ${details}`);
  assert.ok(worst.cosine >= TIGHT_COSINE, `${label}: cosine below ${TIGHT_COSINE}: ${details}`);
}

Deno.test({
  name: "ArcFace embeddings match PyTorch for the .pth import and the torch ONNX export",
  ignore: skipUnlessTorchReference(),
  fn: async (t) => {
    const flags = ["--depth=34", "--width=16", "--seed=3", "--onnx"];
    const ref = await generateReference(flags);
    try {
      const images = ref.manifest.images;
      const n = images.length;
      const torchInputs = await ref.readF32("inputs.f32");
      const torchEmbeddings = await ref.readF32("embeddings.f32");
      const readTensor = async (file: string) =>
        preprocessImage(await Deno.readFile(ref.path(`images/${file}`)), { name: file });
      assert.equal(torchInputs.length, n * PLANE);

      await t.step("the .pth import embeds torch's input tensors like torch", async () => {
        assertCosines(
          ".pth",
          await embedAll(ref.path("model.pth"), torchInputs, n),
          ref,
          torchEmbeddings,
        );
      });

      await t.step("the torch-exported ONNX embeds torch's input tensors like torch", async () => {
        assertCosines(
          ".onnx",
          await embedAll(ref.path("model.onnx"), torchInputs, n),
          ref,
          torchEmbeddings,
        );
      });

      await t.step(
        "preprocessImage(bytes) equals torchvision's input tensor bit for bit",
        async () => {
          const failures: string[] = [];
          for (const [i, image] of images.entries()) {
            const ours = await readTensor(image.file);
            assert.equal(ours.length, PLANE, `${image.file}: tensor length`);
            const diff = firstDifference(ours, torchInputs.subarray(i * PLANE, (i + 1) * PLANE));
            if (diff) {
              failures.push(
                `${image.file} (${image.mode} ${image.width}x${image.height}): ${diff}`,
              );
            }
          }
          assert.deepEqual(failures, [], failures.join("\n"));
        },
      );

      await t.step(
        "images to embeddings end to end: cosine >= 0.99999, .pth and .onnx",
        async () => {
          const ours = new Float32Array(n * PLANE);
          for (const [i, image] of images.entries()) {
            ours.set(await readTensor(image.file), i * PLANE);
          }
          assertCosines(
            "images -> .pth",
            await embedAll(ref.path("model.pth"), ours, n),
            ref,
            torchEmbeddings,
          );
          assertCosines(
            "images -> .onnx",
            await embedAll(ref.path("model.onnx"), ours, n),
            ref,
            torchEmbeddings,
          );
        },
      );
    } finally {
      await ref.remove();
    }
  },
});

Deno.test({
  name: "full-width IResNet-100 embeddings match PyTorch through the .pth import",
  ignore: skipUnlessTorchReference(),
  fn: async () => {
    const ref = await generateReference(["--full", "--seed=11"]);
    try {
      const n = ref.manifest.images.length;
      const dim = ref.manifest.embedding_size;
      const inputs = await ref.readF32("inputs.f32");
      const torch = await ref.readF32("embeddings.f32");
      assert.ok(n >= 2, "the reference must hold at least two inputs");
      const ours = await embedAll(ref.path("model.pth"), inputs, n);
      assertCosines("R100 .pth", ours, ref, torch);
      // The check discriminates: different inputs give clearly different embeddings.
      let lowest = 1;
      for (let i = 0; i < n; i++) {
        for (let k = i + 1; k < n; k++) {
          lowest = Math.min(
            lowest,
            cosine(torch.subarray(i * dim, (i + 1) * dim), torch.subarray(k * dim, (k + 1) * dim)),
          );
        }
      }
      assert.ok(lowest < 0.99, `torch embeds every input alike (lowest pair cosine ${lowest})`);
    } finally {
      await ref.remove();
    }
  },
});
