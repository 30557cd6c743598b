import assert from "node:assert/strict";
import { resizeBilinear, resizeInto } from "../../lib/image/_resize.ts";
import { noiseBytes } from "./_fixtures.ts";

function constantImage(width: number, height: number, rgb: number[]) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width, height, data };
}

Deno.test("resizeBilinear(image, w, h) keeps a constant image constant when shrinking, stretching or both", () => {
  const sizes: [number, number, number, number][] = [
    [250, 250, 112, 112],
    [768, 768, 112, 112],
    [96, 112, 112, 112],
    [50, 60, 112, 112],
    [1, 1, 112, 112],
    [7, 300, 113, 5],
  ];
  for (const [w, h, tw, th] of sizes) {
    const out = resizeBilinear(constantImage(w, h, [0, 131, 255]), tw, th);
    assert.deepEqual([out.width, out.height], [tw, th]);
    assert.deepEqual(out.data, constantImage(tw, th, [0, 131, 255]).data, `${w}x${h}->${tw}x${th}`);
  }
});

Deno.test("resizeBilinear(image, w, h) returns an equal copy when the size is unchanged", () => {
  const image = { width: 5, height: 4, data: noiseBytes(60, 7) };
  const out = resizeBilinear(image, 5, 4);
  assert.deepEqual(out.data, image.data);
  assert.notEqual(out.data, image.data);
});

/** Rows of 2-pixel wide vertical stripes: value a at x % 4 < 2, b otherwise. */
function stripes(width: number, height: number, a: number, b: number) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.fill(x % 4 < 2 ? a : b, (y * width + x) * 3, (y * width + x + 1) * 3);
    }
  }
  return { width, height, data };
}

Deno.test("resizeBilinear(image, w / 2, h) weights interior taps 1/8, 3/8, 3/8, 1/8 as the scaled triangle filter", () => {
  // Halving: the triangle filter is stretched to support 2, output x covers source 2x-1 .. 2x+2
  // at distances 1.5, 0.5, 0.5, 1.5 (in source pixels, scaled by 1/2: 0.75, 0.25, 0.25, 0.75),
  // so weights 0.25, 0.75, 0.75, 0.25 normalised by 2: exact in 22-bit fixed point.
  const out = resizeBilinear(stripes(16, 3, 200, 40), 8, 3);
  for (let x = 1; x < 7; x++) {
    const own = x % 2 === 0 ? 200 : 40;
    const other = x % 2 === 0 ? 40 : 200;
    const expected = Math.floor((6 * own + 2 * other) / 8 + 0.5);
    assert.equal(out.data[x * 3], expected, `x=${x}`);
    assert.equal(out.data[(2 * 8 + x) * 3 + 2], expected, `row 2, x=${x}`);
  }
});

Deno.test("resizeBilinear(image, 2w, h) interpolates at 1/4 and 3/4 and rounds halves up", () => {
  // Doubling: output centres fall at 0.25 and 0.75 between source centres; edge outputs see one
  // source pixel only.
  const image = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 102, 102, 102]) };
  const out = resizeBilinear(image, 4, 1);
  assert.deepEqual(Array.from(out.data.filter((_, i) => i % 3 === 0)), [0, 26, 77, 102]);
});

Deno.test("resizeInto(rgba, out) ignores alpha and equals resizing the RGB pixels", () => {
  const rgb = noiseBytes(9 * 7 * 3, 11);
  const rgba = new Uint8Array(9 * 7 * 4);
  for (let i = 0; i < 9 * 7; i++) {
    rgba.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
    rgba[i * 4 + 3] = i;
  }
  const sizes: [number, number][] = [[4, 3], [9, 3], [4, 7], [9, 7], [20, 11]];
  for (const [w, h] of sizes) {
    const out = { width: w, height: h, data: new Uint8Array(w * h * 3) };
    resizeInto({ width: 9, height: 7, data: rgba, channels: 4 }, out);
    assert.deepEqual(out.data, resizeBilinear({ width: 9, height: 7, data: rgb }, w, h).data);
  }
});

Deno.test("resizeBilinear(image, w, h) throws a RangeError for a bad target or inconsistent image", () => {
  const image = { width: 2, height: 2, data: new Uint8Array(12) };
  assert.throws(() => resizeBilinear(image, 0, 5), RangeError);
  assert.throws(() => resizeBilinear(image, 2.5, 5), RangeError);
  assert.throws(() => resizeBilinear({ ...image, data: new Uint8Array(11) }, 3, 3), RangeError);
});
