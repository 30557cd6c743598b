/**
 * The original package's per-image preprocessing in one call: `Image.open(p).convert("RGB")`,
 * torchvision `Resize((112, 112))`, `ToTensor()`, `Normalize([0.5] * 3, [0.5] * 3)`, with a
 * CHW float32 result equal to torchvision's bit for bit.
 *
 * @module
 */
import type { Reporter } from "../cli/mod.ts";
import { decodePixels } from "./_decode.ts";
import { resizeInto } from "./_resize.ts";
import type { RgbImage } from "./_rgb_image.ts";
import { writeInputTensor } from "./_tensor.ts";

/** Options of {@linkcode preprocessImage}. */
export interface PreprocessOptions {
  /**
   * The file's name or path, used in error messages.
   *
   * @default {"image"}
   */
  name?: string;
  /**
   * Side of the square model input.
   *
   * @default {112}
   */
  size?: number;
  /**
   * Where to write the tensor, for example a batch buffer; a new array when absent.
   *
   * @default {undefined}
   */
  out?: Float32Array;
  /**
   * Receives the warning for an image above Pillow's `MAX_IMAGE_PIXELS`.
   *
   * @default {no warning}
   */
  reporter?: Pick<Reporter, "warn">;
  /**
   * Index in `out` of the first element written.
   *
   * @default {0}
   */
  offset?: number;
}

let resized: RgbImage = { width: 0, height: 0, data: new Uint8Array(0) };

/**
 * Decodes a PNG or JPEG file, resizes it to `size` x `size` with Pillow's bilinear filter (unless
 * it already has that size) and writes the normalised CHW float32 tensor.
 *
 * @param bytes The file's bytes.
 * @param options Name for messages, size, and an optional destination.
 * @returns The tensor: `out` when given, else a new `Float32Array(3 * size * size)`.
 * @throws {TypeError} For an empty file or one that is neither PNG nor JPEG.
 * @throws {SyntaxError} For a corrupt or truncated image (the message names the file).
 * @throws {RangeError} For a bad `size`, an `out` too short for `offset`, or a huge image.
 *
 * @example
 * ```ts
 * import { preprocessImage } from "./_preprocess.ts";
 * // A 1x1 grey PNG (value 255), written by hand.
 * const png = Uint8Array.from(atob(
 *   "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAsTj2FAAAAABJRU5ErkJggg==",
 * ), (c) => c.charCodeAt(0));
 * const tensor = await preprocessImage(png, { size: 2 });
 * if (tensor.length !== 12 || tensor.some((v) => v !== 1)) throw new Error(`unexpected ${tensor}`);
 * ```
 */
export async function preprocessImage(
  bytes: Uint8Array,
  options: PreprocessOptions = {},
): Promise<Float32Array> {
  const { name = "image", size = 112, offset = 0 } = options;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`Cannot preprocess to size ${size}: it must be a positive integer`);
  }
  const out = options.out ?? new Float32Array(3 * size * size);
  const pixels = await decodePixels(
    bytes,
    options.reporter ? { name, reporter: options.reporter } : { name },
  );
  if (pixels.width === size && pixels.height === size) {
    writeInputTensor(pixels, out, offset);
    return out;
  }
  if (resized.width !== size) {
    resized = { width: size, height: size, data: new Uint8Array(size * size * 3) };
  }
  resizeInto(pixels, resized);
  writeInputTensor(resized, out, offset);
  return out;
}
