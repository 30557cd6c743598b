/**
 * The decoded image type shared by the image module.
 *
 * @module
 */

/**
 * An 8-bit RGB image, pixels row-major and interleaved (`r, g, b, r, g, b, ...`), as PIL's
 * `Image.convert("RGB").tobytes()`.
 */
export interface RgbImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** `width * height * 3` samples. */
  data: Uint8Array;
}

/**
 * 8-bit pixels with 3 (RGB) or 4 (RGBA, alpha ignored) interleaved samples per pixel: what the
 * decoders hand to the resampler without an extra copy.
 */
export interface PixelImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** `width * height * channels` samples. */
  data: Uint8Array;
  /** Samples per pixel; the first three are R, G, B. */
  channels: 3 | 4;
}

/**
 * Checks that an image's fields agree: positive integer sizes and `width * height * 3` samples.
 *
 * @param image The image to check.
 * @param what Name of the argument for the message, e.g. `"image"`.
 * @throws {RangeError} When the sizes are not positive integers or the data length differs.
 *
 * @example
 * ```ts
 * import { assertRgbImage } from "./_rgb_image.ts";
 * assertRgbImage({ width: 2, height: 1, data: new Uint8Array(6) }, "image");
 * let threw = false;
 * try {
 *   assertRgbImage({ width: 2, height: 1, data: new Uint8Array(5) }, "image");
 * } catch (e) {
 *   threw = e instanceof RangeError;
 * }
 * if (!threw) throw new Error("expected a RangeError");
 * ```
 */
export function assertRgbImage(image: RgbImage, what: string): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(
      `Cannot use ${what} as an RGB image: current size is ${width}x${height}`,
    );
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(
      `Cannot use ${what} as a ${width}x${height} RGB image: current data length is ${data.length}, expected ${
        width * height * 3
      }`,
    );
  }
}
