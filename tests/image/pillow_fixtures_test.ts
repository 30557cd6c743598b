/**
 * The committed Pillow fixtures (`tests/fixtures/pillow`, made by its `make.py` with Pillow 9.4):
 * resize and JPEG decoding must give Pillow's bytes exactly, on every machine, without Python.
 */
import assert from "node:assert/strict";
import { decodeImage, resizeBilinear } from "../../lib/image/mod.ts";

const DIR = new URL("../fixtures/pillow/", import.meta.url);

interface Manifest {
  pillow: string;
  resize: {
    in: string;
    out: string;
    width: number;
    height: number;
    toWidth: number;
    toHeight: number;
  }[];
  jpeg: { file: string; rgb: string; width: number; height: number; mode: string }[];
}

const manifest = JSON.parse(
  Deno.readTextFileSync(new URL("manifest.json", DIR)),
) as Manifest;

async function load(name: string) {
  return await decodeImage(await Deno.readFile(new URL(name, DIR)), { name });
}

/** Where two byte arrays first differ, for the message; null when equal. */
function difference(ours: Uint8Array, pillow: Uint8Array, width: number): string | null {
  if (ours.length !== pillow.length) return `${ours.length} bytes, Pillow has ${pillow.length}`;
  let count = 0, first = -1;
  for (let i = 0; i < ours.length; i++) {
    if (ours[i] !== pillow[i]) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return null;
  const pixel = Math.floor(first / 3);
  return `${count} samples differ; first at x ${pixel % width}, y ${Math.floor(pixel / width)}, ` +
    `channel ${first % 3}: ours ${ours[first]}, Pillow ${pillow[first]}`;
}

Deno.test("the Pillow fixtures cover resize up and down, five JPEG kinds, from Pillow 9.4", () => {
  assert.match(manifest.pillow, /^9\.4\./);
  assert.equal(manifest.resize.length, 5);
  assert.equal(manifest.jpeg.length, 5);
});

Deno.test("resizeBilinear(image, w, h) equals Pillow's resize(BILINEAR) on the committed pairs", async () => {
  for (const c of manifest.resize) {
    const source = await load(c.in);
    assert.deepEqual([source.width, source.height], [c.width, c.height], c.in);
    const want = await load(c.out);
    const ours = resizeBilinear(source, c.toWidth, c.toHeight);
    assert.deepEqual([ours.width, ours.height], [want.width, want.height], c.out);
    assert.equal(difference(ours.data, want.data, ours.width), null, `${c.in} -> ${c.out}`);
  }
});

Deno.test("decodeImage(jpeg) equals Pillow's Image.open(jpg).convert('RGB') on the committed JPEGs", async () => {
  for (const c of manifest.jpeg) {
    const ours = await load(c.file);
    const want = await load(c.rgb);
    assert.deepEqual([ours.width, ours.height], [c.width, c.height], c.file);
    assert.equal(difference(ours.data, want.data, ours.width), null, `${c.file} (${c.mode})`);
  }
});
