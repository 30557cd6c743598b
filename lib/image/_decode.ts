/**
 * Image decoding identical to the original package's `Image.open(path).convert("RGB")` (Pillow
 * 9.4) for PNG and JPEG files of any mode: the format comes from the magic bytes, not the file
 * name; every file Pillow cannot load is an error here too.
 *
 * @module
 */
import { decodeJpeg, initJpegDecoder, isJpeg } from "./_jpeg.ts";
import { decodePng, isPng } from "./_png.ts";
import type { PixelImage, RgbImage } from "./_rgb_image.ts";

export { initJpegDecoder };

/** Options of {@linkcode decodeImage}. */
export interface DecodeOptions {
  /**
   * The file's name or path, used in error messages.
   *
   * @default {"image"}
   */
  name?: string;
}

function failure(label: string, format: string): (reason: string) => Error {
  return (reason) => new SyntaxError(`Cannot decode ${label} as ${format}: ${reason}`);
}

/**
 * Decodes PNG or JPEG bytes to pixels without converting 4-channel JPEG output to RGB (the
 * alpha of such pixels is 255 and is ignored by the resampler and the tensor writer).
 *
 * @param bytes The file's bytes.
 * @param options The file name for messages.
 * @returns 3- or 4-channel pixels.
 * @throws {TypeError} For an empty file or one that is neither PNG nor JPEG.
 * @throws {SyntaxError} For a corrupt or truncated PNG or JPEG.
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
  const { name = "image" } = options;
  if (bytes.length === 0) {
    throw new TypeError(`Cannot decode ${name} as an image: the file is empty`);
  }
  if (isPng(bytes)) return decodePng(bytes, failure(name, "PNG"));
  if (isJpeg(bytes)) return await decodeJpeg(bytes, failure(name, "JPEG"));
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new TypeError(
    `Cannot decode ${name} as an image: it is neither PNG nor JPEG (first bytes ${head})`,
  );
}

/**
 * Decodes a PNG or JPEG file to 8-bit RGB exactly as Pillow 9.4's
 * `Image.open(path).convert("RGB")`: grey replicated, alpha dropped without compositing, palette
 * looked up, 16-bit grey clipped to 255 (Pillow's "I" mode), 16-bit colour reduced to its high
 * byte, CMYK JPEG inverted (Adobe convention) and converted with Pillow's `cmyk2rgb`, EXIF
 * orientation not applied.
 *
 * @param bytes The file's bytes.
 * @param options The file name for messages.
 * @returns The RGB image.
 * @throws {TypeError} For an empty file or one that is neither PNG nor JPEG.
 * @throws {SyntaxError} For a corrupt or truncated PNG or JPEG (the message names the file).
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
