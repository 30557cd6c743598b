/**
 * The model input tensor of the original package: torchvision `ToTensor()` then
 * `Normalize([0.5] * 3, [0.5] * 3)`, in float32 exactly as PyTorch computes it.
 *
 * `ToTensor` converts uint8 to float32 and divides by 255 in float32; `Normalize` subtracts the
 * float32 mean and divides by the float32 std. Each step is one IEEE float32 operation, and an
 * operation on float32 values computed in double precision then rounded once to float32 gives the
 * same result (double has more than twice float32's precision), so a 256-entry table of
 * `fround(fround(fround(v / 255) - 0.5) / 0.5)` reproduces PyTorch bit for bit.
 *
 * @module
 */
import type { PixelImage, RgbImage } from "./_rgb_image.ts";

/** `normalizedValue[v]`: the float32 tensor value of the 8-bit sample `v`. */
const normalizedValue = new Float32Array(256);
for (let v = 0; v < 256; v++) {
  const scaled = Math.fround(v / 255);
  normalizedValue[v] = Math.fround(Math.fround(scaled - 0.5) / 0.5);
}

/**
 * Writes an image as a CHW float32 tensor (`[3, height, width]`, values in [-1, 1]) into `out`
 * at `offset`, bit-identical to torchvision's `Normalize([0.5] * 3, [0.5] * 3)(ToTensor()(img))`.
 * Accepts 4-channel pixels too (alpha ignored).
 *
 * @param image The pixels (`channels` 3 when absent).
 * @param out The destination, for example a batch buffer `[n, 3, h, w]`.
 * @param offset Index of the first element to write; defaults to 0.
 * @throws {RangeError} When `out` is too short or `offset` is not a non-negative integer.
 *
 * @example
 * ```ts
 * import { writeInputTensor } from "./_tensor.ts";
 * const out = new Float32Array(3);
 * writeInputTensor({ width: 1, height: 1, data: new Uint8Array([0, 255, 51]) }, out);
 * if (out[0] !== -1 || out[1] !== 1 || out[2] !== Math.fround(Math.fround(0.2) - 0.5) * 2) {
 *   throw new Error(`unexpected ${out}`);
 * }
 * ```
 */
export function writeInputTensor(
  image: RgbImage | PixelImage,
  out: Float32Array,
  offset = 0,
): void {
  const { width, height, data } = image;
  const channels = "channels" in image ? image.channels : 3;
  const plane = width * height;
  if (data.length !== plane * channels) {
    throw new RangeError(
      `Cannot read a ${width}x${height}x${channels} image: current data length is ${data.length}`,
    );
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + plane * 3 > out.length) {
    throw new RangeError(
      `Cannot write a 3x${height}x${width} tensor at offset ${offset}: current output length is ${out.length}`,
    );
  }
  const r = offset;
  const g = offset + plane;
  const b = offset + 2 * plane;
  const lut = normalizedValue;
  for (let i = 0, s = 0; i < plane; i++, s += channels) {
    out[r + i] = lut[data[s]!]!;
    out[g + i] = lut[data[s + 1]!]!;
    out[b + i] = lut[data[s + 2]!]!;
  }
}
