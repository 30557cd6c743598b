/**
 * Encoding demo images as PNG (fast-png: filter 0, fflate's zlib at level 3) and JPEG (MozJPEG
 * through `@jsquash/jpeg`, baseline or progressive), in colour or grey. Only the grey conversion
 * is written here (PIL's `convert("L")` luma); the files themselves come from those libraries, so
 * the demo's bytes are fixed by their pinned versions.
 *
 * `imagescript` was measured for this job and does not fit: its PNG writer always stores RGBA with
 * a tEXt chunk (none of the 220 demo PNGs came out equal), and its JPEG encoder is not MozJPEG and
 * has no progressive or grey mode (none of the 100 demo JPEGs equal).
 *
 * @module
 */
import { encode as encodePngBytes } from "fast-png";
import encodeJpegBytes from "@jsquash/jpeg/encode.js";
import type { RgbImage } from "../image/mod.ts";

/** Options shared by the encoders. */
export interface EncodeOptions {
  /** Write one grey channel (ITU-R 601-2 luma, as PIL's `convert("L")`) instead of RGB. @default {false} */
  grey?: boolean;
}

/** Options of {@linkcode encodeJpeg}. */
export interface EncodeJpegOptions extends EncodeOptions {
  /** JPEG quality, 1 to 100. @default {90} */
  quality?: number;
  /** Write a progressive JPEG instead of a baseline one. @default {false} */
  progressive?: boolean;
}

function checkImage(image: RgbImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new RangeError(
      `Cannot encode an image with a positive integer size: current value is ${width}x${height}`,
    );
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(
      `Cannot encode an image with ${
        width * height * 3
      } RGB bytes: current value is ${data.length}`,
    );
  }
}

/**
 * The luma of an RGB image as Pillow's `convert("L")` computes it (ITU-R 601-2 in 16-bit fixed
 * point, rounded): `(R*19595 + G*38470 + B*7471 + 0x8000) >> 16`.
 *
 * @param image The RGB image.
 * @returns One byte per pixel.
 * @throws {RangeError} When the data length does not match the size.
 *
 * @example
 * ```ts
 * import { toGrey } from "./_encode.ts";
 * const grey = toGrey({ width: 1, height: 1, data: new Uint8Array([255, 0, 0]) });
 * if (grey[0] !== 76) throw new Error(`unexpected ${grey[0]}`);
 * ```
 */
export function toGrey(image: RgbImage): Uint8Array {
  checkImage(image);
  const { data } = image;
  const out = new Uint8Array(data.length / 3);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) {
    out[i] = (data[j]! * 19595 + data[j + 1]! * 38470 + data[j + 2]! * 7471 + 0x8000) >> 16;
  }
  return out;
}

/**
 * Encodes an image as an 8-bit PNG, RGB or grey.
 *
 * @param image The RGB image.
 * @param options Colour mode.
 * @returns The PNG file bytes.
 * @throws {RangeError} When the data length does not match the size.
 *
 * @example
 * ```ts
 * import { encodePng } from "./_encode.ts";
 * const png = encodePng({ width: 2, height: 2, data: new Uint8Array(12).fill(9) });
 * if (png[1] !== 0x50 || png[2] !== 0x4e || png[3] !== 0x47) throw new Error("not a PNG");
 * ```
 */
export function encodePng(image: RgbImage, options: EncodeOptions = {}): Uint8Array {
  const { grey = false } = options;
  checkImage(image);
  const { width, height } = image;
  const data = grey ? toGrey(image) : image.data;
  return encodePngBytes({ width, height, data, channels: grey ? 1 : 3, depth: 8 });
}

/**
 * Encodes an image as a JPEG with MozJPEG (4:2:0 chroma subsampling, optimised Huffman tables),
 * colour (YCbCr) or grey. Deterministic: the same image and options give the same bytes.
 *
 * @param image The RGB image.
 * @param options Quality, progressive mode and colour mode.
 * @returns The JPEG file bytes.
 * @throws {RangeError} When the data length does not match the size or the quality is outside 1-100.
 *
 * @example
 * ```ts
 * import { encodeJpeg } from "./_encode.ts";
 * const jpg = await encodeJpeg({ width: 8, height: 8, data: new Uint8Array(192).fill(128) });
 * if (jpg[0] !== 0xff || jpg[1] !== 0xd8) throw new Error("not a JPEG");
 * ```
 */
export async function encodeJpeg(
  image: RgbImage,
  options: EncodeJpegOptions = {},
): Promise<Uint8Array> {
  const { quality = 90, progressive = false, grey = false } = options;
  checkImage(image);
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new RangeError(`Cannot encode a JPEG with quality in 1-100: current value is ${quality}`);
  }
  const { width, height, data } = image;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; j < data.length; i += 4, j += 3) {
    rgba[i] = data[j]!;
    rgba[i + 1] = data[j + 1]!;
    rgba[i + 2] = data[j + 2]!;
    rgba[i + 3] = 255;
  }
  const buffer = await encodeJpegBytes(new ImageData(rgba, width, height), {
    quality,
    progressive,
    baseline: !progressive,
    optimize_coding: true,
    color_space: grey ? 1 : 3,
    chroma_subsample: 2,
  });
  return new Uint8Array(buffer);
}
