import assert from "node:assert/strict";
import {
  decodeImage,
  preprocessImage,
  resizeBilinear,
  writeInputTensor,
} from "../../lib/image/mod.ts";
import { runPython, skipUnlessPython } from "../_python.ts";
import { noiseBytes, writePng } from "./_fixtures.ts";

const skipWithoutTorchvision = skipUnlessPython("PIL", "torch", "torchvision");
const script = new URL("../reference/pil_reference.py", import.meta.url).pathname;

interface ImageEntry {
  name: string;
  file: string;
  mode?: string;
  ok: boolean;
  error?: string;
  width?: number;
  height?: number;
  rgb?: string;
  resized?: string;
  tensor?: string;
}

interface ResizeEntry {
  width: number;
  height: number;
  toWidth: number;
  toHeight: number;
  in: string;
  out: string;
}

interface Manifest {
  size: number;
  images: ImageEntry[];
  resize: ResizeEntry[];
}

let reference: Promise<{ dir: string; manifest: Manifest }> | undefined;

/** Runs the PIL + torchvision reference script once into a temporary folder. */
function loadReference(): Promise<{ dir: string; manifest: Manifest }> {
  reference ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "pil_reference_" });
    await runPython([script, dir]);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`)) as Manifest;
    return { dir, manifest };
  })();
  return reference;
}

/** Index of the first differing byte, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function asBytes(f: Float32Array): Uint8Array {
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

Deno.test({
  name:
    "decodeImage(bytes) equals PIL's Image.open(p).convert('RGB') for every reference PNG and JPEG",
  ignore: skipWithoutTorchvision,
  async fn() {
    const { dir, manifest } = await loadReference();
    const mismatches: string[] = [];
    for (const entry of manifest.images) {
      const bytes = await Deno.readFile(`${dir}/${entry.file}`);
      let decoded;
      try {
        decoded = await decodeImage(bytes, { name: entry.file });
      } catch (e) {
        if (entry.ok) mismatches.push(`${entry.name} (${entry.mode}): we threw ${e}`);
        continue;
      }
      if (!entry.ok) {
        mismatches.push(`${entry.name}: PIL failed (${entry.error}) but we decoded it`);
        continue;
      }
      assert.equal(decoded.width, entry.width, entry.name);
      assert.equal(decoded.height, entry.height, entry.name);
      const expected = await Deno.readFile(`${dir}/${entry.rgb}`);
      const at = firstDifference(decoded.data, expected);
      if (at >= 0) {
        mismatches.push(
          `${entry.name} (${entry.mode}): first differing sample ${at}: ours ${
            decoded.data[at]
          }, PIL ${expected[at]}`,
        );
      }
    }
    assert.deepEqual(mismatches, []);
  },
});

Deno.test({
  name: "decodeImage(bytes) throws an error naming the file for every image PIL cannot open",
  ignore: skipWithoutTorchvision,
  async fn() {
    const { dir, manifest } = await loadReference();
    const failures = manifest.images.filter((e) => !e.ok);
    assert.ok(failures.length >= 8, "the reference should hold damaged files");
    for (const entry of failures) {
      const bytes = await Deno.readFile(`${dir}/${entry.file}`);
      await assert.rejects(
        () => decodeImage(bytes, { name: entry.file }),
        (e: Error) => {
          assert.ok(e instanceof SyntaxError || e instanceof TypeError, `${entry.name}: ${e}`);
          assert.ok(e.message.includes(entry.file), e.message);
          return true;
        },
        entry.name,
      );
    }
  },
});

Deno.test({
  name: "resizeBilinear(image, w, h) equals PIL's resize(BILINEAR) on random pixels of many sizes",
  ignore: skipWithoutTorchvision,
  async fn() {
    const { dir, manifest } = await loadReference();
    for (const c of manifest.resize) {
      const data = await Deno.readFile(`${dir}/${c.in}`);
      const expected = await Deno.readFile(`${dir}/${c.out}`);
      const out = resizeBilinear({ width: c.width, height: c.height, data }, c.toWidth, c.toHeight);
      const label = `${c.width}x${c.height} -> ${c.toWidth}x${c.toHeight}`;
      assert.equal(firstDifference(out.data, expected), -1, label);
    }
  },
});

Deno.test({
  name:
    "resizeBilinear(decoded, 112, 112) and preprocessImage(bytes) equal PIL and torchvision bit for bit",
  ignore: skipWithoutTorchvision,
  async fn() {
    const { dir, manifest } = await loadReference();
    const size = manifest.size;
    const batch = new Float32Array(2 * 3 * size * size);
    const mismatches: string[] = [];
    for (const entry of manifest.images.filter((e) => e.ok)) {
      const bytes = await Deno.readFile(`${dir}/${entry.file}`);
      const decoded = await decodeImage(bytes, { name: entry.file });
      const resized = resizeBilinear(decoded, size, size);
      const expectedResized = await Deno.readFile(`${dir}/${entry.resized}`);
      if (firstDifference(resized.data, expectedResized) >= 0) {
        mismatches.push(`${entry.name}: resized pixels differ`);
      }
      const expectedTensor = await Deno.readFile(`${dir}/${entry.tensor}`);
      const tensor = await preprocessImage(bytes, { name: entry.file });
      if (firstDifference(asBytes(tensor), expectedTensor) >= 0) {
        mismatches.push(`${entry.name}: tensor differs`);
      }
      // The same tensor written into the second slot of a batch buffer.
      batch.fill(0);
      await preprocessImage(bytes, { name: entry.file, out: batch, offset: 3 * size * size });
      const slot = batch.subarray(3 * size * size);
      if (firstDifference(asBytes(slot), expectedTensor) >= 0 || batch[0] !== 0) {
        mismatches.push(`${entry.name}: batch slot differs`);
      }
    }
    assert.deepEqual(mismatches, []);
  },
});

Deno.test("preprocessImage(bytes) of an image already 112x112 is its tensor without resampling", async () => {
  const size = 112;
  const rows = Array.from({ length: size }, (_, y) => noiseBytes(size * 3, y + 1));
  const png = writePng({ width: size, height: size, colorType: 2, depth: 8, rows });
  const tensor = await preprocessImage(png, { name: "x.png" });
  const expected = new Float32Array(3 * size * size);
  writeInputTensor(await decodeImage(png), expected);
  assert.deepEqual(tensor, expected);
});

Deno.test("preprocessImage(bytes, { size }) stretches a 96x112 image to size x size", async () => {
  const rows = Array.from({ length: 112 }, (_, y) => noiseBytes(96 * 3, y + 5));
  const png = writePng({ width: 96, height: 112, colorType: 2, depth: 8, rows });
  const tensor = await preprocessImage(png, { size: 64 });
  const expected = new Float32Array(3 * 64 * 64);
  writeInputTensor(resizeBilinear(await decodeImage(png), 64, 64), expected);
  assert.deepEqual(tensor, expected);
});

Deno.test("preprocessImage(bytes, options) throws a RangeError for a bad size or a short out", async () => {
  const png = writePng({
    width: 1,
    height: 1,
    colorType: 0,
    depth: 8,
    rows: [new Uint8Array([9])],
  });
  await assert.rejects(() => preprocessImage(png, { size: 0 }), RangeError);
  await assert.rejects(() => preprocessImage(png, { out: new Float32Array(10) }), RangeError);
});
