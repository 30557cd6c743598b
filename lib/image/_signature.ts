/**
 * Image formats by their magic bytes, as Pillow's `Image.open` picks a plugin by each plugin's
 * `_accept(prefix)` and never by the file name: PNG, JPEG, GIF, BMP, WebP and TIFF. Dataset
 * readers look at the first {@linkcode SIGNATURE_BYTES} bytes of an entry before reading or
 * inflating the rest of it, so that a huge file that is no image is refused at once.
 *
 * @module
 */

/** The image formats the kit recognises by signature. */
export type ImageFormat = "png" | "jpeg" | "gif" | "bmp" | "webp" | "tiff";

/** How many leading bytes {@linkcode imageFormatOf} needs. */
export const SIGNATURE_BYTES = 16;

/**
 * Pillow's `Image.MAX_IMAGE_PIXELS` (`1024 * 1024 * 1024 // 4 // 3`): above it Pillow warns
 * (DecompressionBombWarning), above twice it refuses (DecompressionBombError).
 */
export const MAX_IMAGE_PIXELS: number = Math.floor(1024 * 1024 * 1024 / 4 / 3);

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * The format of an image file by its first bytes, with the tests of Pillow 9.4's plugins: PNG
 * signature; JPEG `FF D8 FF`; `GIF87a`/`GIF89a`; BMP `BM`; WebP `RIFF....WEBP`; TIFF `II*\0`,
 * `MM\0*` (and BigTIFF).
 *
 * @param head The file's first bytes (at least {@linkcode SIGNATURE_BYTES} where it has them).
 * @returns The format, or `undefined` when no signature matches.
 *
 * @example
 * ```ts
 * import { imageFormatOf } from "./_signature.ts";
 * if (imageFormatOf(new TextEncoder().encode("GIF89a......")) !== "gif") throw new Error();
 * if (imageFormatOf(new Uint8Array(16)) !== undefined) throw new Error("zeros are no image");
 * ```
 */
export function imageFormatOf(head: Uint8Array): ImageFormat | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(head, ascii("GIF87a")) || startsWith(head, ascii("GIF89a"))) return "gif";
  if (startsWith(head, ascii("BM"))) return "bmp";
  if (startsWith(head, ascii("RIFF")) && startsWith(head, ascii("WEBP"), 8)) return "webp";
  if (
    startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]) ||
    startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])
  ) return "tiff";
  return undefined;
}

/**
 * The first bytes of a file in hex, for messages (`00 00 00 00`).
 *
 * @param head The bytes.
 * @param count How many to show. @default 4
 * @returns Space-separated hex pairs.
 */
export function hexHead(head: Uint8Array, count = 4): string {
  return Array.from(head.subarray(0, count), (b) => b.toString(16).padStart(2, "0")).join(" ");
}
