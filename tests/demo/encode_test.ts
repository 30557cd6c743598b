import assert from "node:assert/strict";
import { decode as decodePng } from "fast-png";
import decodeJpeg from "@jsquash/jpeg/decode.js";
import { encodeJpeg, encodePng, toGrey } from "../../lib/demo/_encode.ts";
import { drawFace, identityParams, imageVariation } from "../../lib/demo/_faces.ts";
import { decodeImage, type RgbImage } from "../../lib/image/mod.ts";
import { streamRng } from "../../lib/random/mod.ts";
import { meanAbsDiff } from "./_pixels.ts";

const picture: RgbImage = drawFace(
  { identity: identityParams(streamRng(9, "id")), variation: imageVariation(streamRng(9, "im")) },
  { width: 96, height: 112 },
);

/** The start-of-frame marker of a JPEG (0xc0 baseline, 0xc2 progressive) and its component count. */
function startOfFrame(
  bytes: Uint8Array,
): { marker: number; components: number; width: number; height: number } {
  let i = 2;
  while (i + 9 < bytes.length) {
    assert.equal(bytes[i], 0xff, `no marker at ${i}`);
    const marker = bytes[i + 1]!;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xc3) {
      return {
        marker,
        height: (bytes[i + 5]! << 8) | bytes[i + 6]!,
        width: (bytes[i + 7]! << 8) | bytes[i + 8]!,
        components: bytes[i + 9]!,
      };
    }
    i += 2 + length;
  }
  throw new Error("no start-of-frame marker");
}

function rgbOf(rgba: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    out[j] = rgba[i]!;
    out[j + 1] = rgba[i + 1]!;
    out[j + 2] = rgba[i + 2]!;
  }
  return out;
}

Deno.test("toGrey(image) gives Pillow 9.4's L values for pure colours", () => {
  // White, black, red, green, blue, yellow, cyan, magenta, mid grey: Image.new("RGB", (1, 1),
  // colour).convert("L") in Pillow 9.4 (tests/fixtures/pillow/make.py records the same values).
  const colours = [
    [255, 255, 255],
    [0, 0, 0],
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [255, 255, 0],
    [0, 255, 255],
    [255, 0, 255],
    [128, 128, 128],
  ];
  const data = new Uint8Array(colours.flat());
  assert.deepEqual([...toGrey({ width: colours.length, height: 1, data })], [
    255,
    0,
    76,
    150,
    29,
    226,
    179,
    105,
    128,
  ]);
});

Deno.test("toGrey(image) equals Pillow's convert('L') on the committed fixture of random pixels", async () => {
  const dir = new URL("../fixtures/pillow/", import.meta.url);
  const read = async (name: string) =>
    await decodeImage(await Deno.readFile(new URL(name, dir)), { name });
  const rgb = await read("grey.in.png");
  const pillow = await read("grey.out.png"); // one channel, replicated to RGB by the decoder
  const want = pillow.data.filter((_, i) => i % 3 === 0);
  const ours = toGrey(rgb);
  const differing = ours.filter((v, i) => v !== want[i]).length;
  assert.equal(differing, 0, `${differing} of ${ours.length} pixels differ from Pillow`);
});

Deno.test("encodePng(image) round-trips RGB pixels exactly", () => {
  const png = decodePng(encodePng(picture));
  assert.equal(png.width, 96);
  assert.equal(png.height, 112);
  assert.equal(png.channels, 3);
  assert.equal(png.depth, 8);
  assert.deepEqual(new Uint8Array(png.data), picture.data);
});

Deno.test("encodePng(image, {grey: true}) writes one channel holding toGrey(image)", () => {
  const png = decodePng(encodePng(picture, { grey: true }));
  assert.equal(png.channels, 1);
  assert.deepEqual(new Uint8Array(png.data), toGrey(picture));
});

Deno.test("encodeJpeg(image) writes a deterministic baseline colour JPEG close to the pixels", async () => {
  const a = await encodeJpeg(picture);
  const b = await encodeJpeg(picture);
  assert.deepEqual(a, b);
  const sof = startOfFrame(a);
  assert.deepEqual(sof, { marker: 0xc0, components: 3, width: 96, height: 112 });
  const decoded = await decodeJpeg(a.slice().buffer);
  assert.equal(decoded.width, 96);
  const error = meanAbsDiff(rgbOf(decoded.data), picture.data);
  assert.ok(error > 0 && error < 4, `mean error ${error} at quality 90`);
});

Deno.test("encodeJpeg(image, {progressive: true}) writes a progressive JPEG", async () => {
  assert.equal(startOfFrame(await encodeJpeg(picture, { progressive: true })).marker, 0xc2);
});

Deno.test("encodeJpeg(image, {grey: true}) writes a one-component JPEG", async () => {
  const jpeg = await encodeJpeg(picture, { grey: true });
  assert.equal(startOfFrame(jpeg).components, 1);
  const decoded = await decodeJpeg(jpeg.slice().buffer);
  const rgb = rgbOf(decoded.data);
  for (let i = 0; i < rgb.length; i += 3) assert.ok(rgb[i] === rgb[i + 1] && rgb[i] === rgb[i + 2]);
});

Deno.test("encodeJpeg(image, {quality}) gives smaller files at lower quality", async () => {
  const low = await encodeJpeg(picture, { quality: 30 });
  const high = await encodeJpeg(picture, { quality: 95 });
  assert.ok(low.length < high.length, `${low.length} vs ${high.length}`);
});

Deno.test("encodeJpeg and encodePng reject bad quality and mismatched data", async () => {
  await assert.rejects(() => encodeJpeg(picture, { quality: 0 }), RangeError);
  await assert.rejects(() => encodeJpeg(picture, { quality: 101 }), RangeError);
  await assert.rejects(() => encodeJpeg(picture, { quality: 50.5 }), RangeError);
  const broken = { width: 4, height: 4, data: new Uint8Array(47) };
  await assert.rejects(() => encodeJpeg(broken), RangeError);
  assert.throws(() => encodePng(broken), RangeError);
  assert.throws(() => toGrey({ width: 0, height: 4, data: new Uint8Array(0) }), RangeError);
});
