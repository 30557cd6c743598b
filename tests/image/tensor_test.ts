import assert from "node:assert/strict";
import { writeInputTensor } from "../../lib/image/_tensor.ts";
import { noiseBytes } from "./_fixtures.ts";

/** torchvision's ToTensor + Normalize(0.5, 0.5) as three float32 operations, one per store. */
function torchValue(v: number): number {
  const f = new Float32Array(1);
  f[0] = v;
  f[0] = f[0] / 255;
  f[0] = f[0] - 0.5;
  f[0] = f[0] / 0.5;
  return f[0];
}

Deno.test("writeInputTensor(image, out) writes CHW planes with float32 ToTensor + Normalize values", () => {
  const width = 16;
  const height = 16;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([i, 255 - i, (i * 7) % 256], i * 3);
  const out = new Float32Array(3 * width * height);
  writeInputTensor({ width, height, data }, out);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) {
      assert.equal(
        out[c * width * height + i],
        torchValue(data[i * 3 + c]!),
        `pixel ${i} channel ${c}`,
      );
    }
  }
  assert.equal(out[0], -1);
  assert.equal(out[width * height], 1);
});

Deno.test("writeInputTensor(image, out, offset) fills only its slot and ignores alpha", () => {
  const rgba = noiseBytes(2 * 3 * 4, 5);
  const rgb = new Uint8Array(2 * 3 * 3);
  for (let i = 0; i < 6; i++) rgb.set(rgba.subarray(i * 4, i * 4 + 3), i * 3);
  const expected = new Float32Array(18);
  writeInputTensor({ width: 2, height: 3, data: rgb }, expected);
  const batch = new Float32Array(18 * 3).fill(7);
  writeInputTensor({ width: 2, height: 3, data: rgba, channels: 4 }, batch, 18);
  assert.deepEqual(batch.subarray(18, 36), expected);
  assert.ok(batch.subarray(0, 18).every((v) => v === 7));
  assert.ok(batch.subarray(36).every((v) => v === 7));
});

Deno.test("writeInputTensor(image, out, offset) throws a RangeError when out is too short", () => {
  const image = { width: 2, height: 2, data: new Uint8Array(12) };
  assert.throws(() => writeInputTensor(image, new Float32Array(11)), RangeError);
  assert.throws(() => writeInputTensor(image, new Float32Array(24), 13), RangeError);
  assert.throws(() => writeInputTensor(image, new Float32Array(24), -1), RangeError);
  assert.throws(
    () => writeInputTensor({ ...image, data: new Uint8Array(11) }, new Float32Array(12)),
    RangeError,
  );
});
