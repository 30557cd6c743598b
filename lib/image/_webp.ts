/**
 * WebP decoding through libwebp, the decoder Pillow 9.4 itself uses (`_webp`, libwebp 1.2.4 on
 * Debian 12), here the wasm build of `@jsquash/webp` 1.5.0 (libwebp 1.1.0): RGBA out, alpha
 * dropped as `convert("RGB")` drops it. The two versions give the same pixels on lossy, lossless
 * and alpha files (compared in `tests/image/formats_test.ts` with Pillow's own output; libwebp's
 * YUV to RGB conversion has not changed between them). Animated files are refused (Pillow would
 * show the first frame through `WebPAnimDecoder`; this build has no animation decoder).
 *
 * @module
 */
import factory from "@jsquash/webp/codec/dec/webp_dec.js";
import type { PixelImage } from "./_rgb_image.ts";
import { MAX_IMAGE_PIXELS } from "./_signature.ts";

type FailFn = (reason: string) => Error;

interface WasmWebpDecoder {
  decode(data: Uint8Array): { data: Uint8ClampedArray; width: number; height: number } | null;
  version(): number;
}

/** The decoder's result type: the emscripten glue builds `new ImageData(data, w, h)`. */
class RawImageData {
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    readonly height: number,
  ) {}
}

let decoder: Promise<WasmWebpDecoder> | undefined;

function wasmDecoder(): Promise<WasmWebpDecoder> {
  if (decoder === undefined) {
    const global = globalThis as { ImageData?: unknown };
    // Deno has no ImageData; the glue only constructs one (data, width, height).
    global.ImageData ??= RawImageData;
    const options = { noInitialRun: true, print: () => {}, printErr: () => {} };
    decoder = (factory as unknown as (o: typeof options) => Promise<WasmWebpDecoder>)(options);
    decoder.catch(() => {
      decoder = undefined;
    });
  }
  return decoder;
}

/** The libwebp version of the wasm decoder, as `a.b.c`. */
export async function webpDecoderVersion(): Promise<string> {
  const v = (await wasmDecoder()).version();
  return `${v >> 16}.${(v >> 8) & 255}.${v & 255}`;
}

/** Whether the bytes start with a WebP signature (`RIFF....WEBP`). */
export function isWebp(bytes: Uint8Array): boolean {
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  return bytes.length >= 12 && tag(0) === "RIFF" && tag(8) === "WEBP";
}

/** Width and height from the first chunk (VP8, VP8L or VP8X), before anything is decoded. */
function webpSize(
  bytes: Uint8Array,
): { width: number; height: number; animated: boolean } | undefined {
  const tag = String.fromCharCode(...bytes.subarray(12, 16));
  const at = 20;
  if (tag === "VP8X" && bytes.length >= at + 10) {
    const u24 = (p: number) => bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16);
    return { width: u24(at + 4) + 1, height: u24(at + 7) + 1, animated: (bytes[at]! & 2) !== 0 };
  }
  if (tag === "VP8 " && bytes.length >= at + 10) {
    return {
      width: (bytes[at + 6]! | (bytes[at + 7]! << 8)) & 0x3fff,
      height: (bytes[at + 8]! | (bytes[at + 9]! << 8)) & 0x3fff,
      animated: false,
    };
  }
  if (tag === "VP8L" && bytes.length >= at + 5) {
    const b = (i: number) => bytes[at + 1 + i]!;
    return {
      width: 1 + (b(0) | ((b(1) & 0x3f) << 8)),
      height: 1 + ((b(1) >> 6) | (b(2) << 2) | ((b(3) & 0x0f) << 10)),
      animated: false,
    };
  }
  return undefined;
}

/**
 * Decodes a WebP file to RGB (libwebp, alpha dropped).
 *
 * @param bytes The file.
 * @param fail Makes the error for a reason.
 * @returns 4-channel pixels (alpha ignored downstream).
 * @throws {SyntaxError} From `fail`, for a corrupt, truncated or animated file.
 * @throws {RangeError} Above twice Pillow's `MAX_IMAGE_PIXELS`.
 */
export async function decodeWebp(bytes: Uint8Array, fail: FailFn): Promise<PixelImage> {
  const size = webpSize(bytes);
  if (size === undefined) throw fail("its first chunk is not VP8, VP8L or VP8X (corrupt file)");
  if (size.animated) {
    throw fail("an animated WebP, which the kit does not decode (save its first frame as PNG)");
  }
  if (size.width * size.height > 2 * MAX_IMAGE_PIXELS) {
    throw new RangeError(
      `Cannot decode an image of ${size.width}x${size.height} pixels: more than ${
        2 * MAX_IMAGE_PIXELS
      } pixels (PIL's decompression bomb limit)`,
    );
  }
  const result = (await wasmDecoder()).decode(bytes);
  if (!result) throw fail("libwebp cannot decode it (corrupt or truncated file)");
  const { width, height, data } = result;
  return {
    width,
    height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    channels: 4,
  };
}
