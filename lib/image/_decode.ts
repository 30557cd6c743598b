/**
 * Image decoding identical to the original package's `Image.open(path).convert("RGB")` (Pillow
 * 9.4) for PNG and JPEG files of any mode, GIF (first frame), BMP, WebP and baseline TIFF: the
 * format comes from the magic bytes, not the file name (a GIF named `.jpg` is decoded as GIF, as
 * Pillow does); every file Pillow cannot load is an error here too, and the layouts the kit does
 * not decode (RLE BMP, animated WebP, tiled or 16-bit TIFF, ...) are refused with the reason (the
 * dataset run counts them as skipped images). Images
 * above Pillow's `MAX_IMAGE_PIXELS` are decoded with a warning (DecompressionBombWarning), above
 * twice it refused (DecompressionBombError).
 *
 * @module
 */
import type { Reporter } from "../cli/mod.ts";
import { decodeBmp } from "./_bmp.ts";
import { decodeGif } from "./_gif.ts";
import { decodeJpeg, initJpegDecoder } from "./_jpeg.ts";
import { decodePng } from "./_png.ts";
import type { PixelImage, RgbImage } from "./_rgb_image.ts";
import { hexHead, imageFormatOf, MAX_IMAGE_PIXELS } from "./_signature.ts";
import { decodeTiff } from "./_tiff.ts";
import { decodeWebp } from "./_webp.ts";

export { initJpegDecoder };

/** Options of {@linkcode decodeImage}. */
export interface DecodeOptions {
  /**
   * The file's name or path, used in error messages.
   *
   * @default {"image"}
   */
  name?: string;
  /**
   * Receives the warning for an image above Pillow's `MAX_IMAGE_PIXELS` (decoded all the same).
   *
   * @default {no warning}
   */
  reporter?: Pick<Reporter, "warn">;
}

function failure(label: string, format: string): (reason: string) => Error {
  return (reason) => new SyntaxError(`Cannot decode ${label} as ${format}: ${reason}`);
}

/**
 * Decodes PNG, JPEG, GIF, BMP, WebP or TIFF bytes to pixels without converting 4-channel JPEG output to RGB (the
 * alpha of such pixels is 255 and is ignored by the resampler and the tensor writer).
 *
 * @param bytes The file's bytes.
 * @param options The file name for messages.
 * @returns 3- or 4-channel pixels.
 * @throws {TypeError} For an empty file, or a file of no format above.
 * @throws {SyntaxError} For a corrupt or truncated file (or a layout the kit does not read).
 * @throws {RangeError} For an image over PIL's decompression bomb limit.
 *
 * @example
 * ```ts
 * import { decodePixels } from "./_decode.ts";
 * let threw = false;
 * try {
 *   await decodePixels(new Uint8Array(0), { name: "a/empty.png" });
 * } catch (e) {
 *   threw = e instanceof TypeError && e.message.includes("a/empty.png");
 * }
 * if (!threw) throw new Error("expected a TypeError naming the file");
 * ```
 */
export async function decodePixels(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): Promise<PixelImage> {
  const { name = "image", reporter } = options;
  if (bytes.length === 0) {
    throw new TypeError(`Cannot decode ${name} as an image: the file is empty`);
  }
  const format = imageFormatOf(bytes.subarray(0, 16));
  let pixels: PixelImage;
  if (format === "png") pixels = decodePng(bytes, failure(name, "PNG"));
  else if (format === "jpeg") pixels = await decodeJpeg(bytes, failure(name, "JPEG"));
  else if (format === "gif") pixels = decodeGif(bytes, failure(name, "GIF"));
  else if (format === "bmp") pixels = decodeBmp(bytes, failure(name, "BMP"));
  else if (format === "webp") pixels = await decodeWebp(bytes, failure(name, "WebP"));
  else if (format === "tiff") pixels = decodeTiff(bytes, failure(name, "TIFF"));
  else {
    throw new TypeError(
      `Cannot decode ${name} as an image: it is neither PNG, JPEG, GIF, BMP, WebP nor TIFF (first ` +
        `bytes ${hexHead(bytes)})`,
    );
  }
  const count = pixels.width * pixels.height;
  if (count > MAX_IMAGE_PIXELS) {
    reporter?.warn(
      `${name}: image size (${count} pixels) exceeds limit of ${MAX_IMAGE_PIXELS} pixels, could ` +
        `be decompression bomb DOS attack (Pillow's DecompressionBombWarning; decoded all the same)`,
    );
  }
  return pixels;
}

/**
 * Decodes a PNG, JPEG, GIF, BMP, WebP or TIFF file to 8-bit RGB exactly as Pillow 9.4's
 * `Image.open(path).convert("RGB")`: grey replicated, alpha dropped without compositing, palette
 * looked up, 16-bit grey clipped to 255 (Pillow's "I" mode), 16-bit colour reduced to its high
 * byte, CMYK JPEG inverted (Adobe convention) and converted with Pillow's `cmyk2rgb`, EXIF
 * orientation not applied.
 *
 * @param bytes The file's bytes.
 * @param options The file name for messages.
 * @returns The RGB image.
 * @throws {TypeError} For an empty file, or a file of no format above.
 * @throws {SyntaxError} For a corrupt or truncated file (the message names the file).
 * @throws {RangeError} For an image over PIL's decompression bomb limit.
 *
 * @example
 * ```ts
 * import { decodeImage } from "./_decode.ts";
 * let message = "";
 * try {
 *   await decodeImage(new TextEncoder().encode("not an image"), { name: "x.png" });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.startsWith("Cannot decode x.png")) throw new Error(`unexpected: ${message}`);
 * ```
 */
export async function decodeImage(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): Promise<RgbImage> {
  const pixels = await decodePixels(bytes, options);
  const { width, height, data, channels } = pixels;
  if (channels === 3) return { width, height, data };
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, s = 0; i < rgb.length; i += 3, s += 4) {
    rgb[i] = data[s]!;
    rgb[i + 1] = data[s + 1]!;
    rgb[i + 2] = data[s + 2]!;
  }
  return { width, height, data: rgb };
}
