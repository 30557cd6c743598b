/**
 * JPEG decoding with Pillow 9.4's outcome. Pillow reads the marker segments itself (rejecting
 * junk where a marker should be, samples other than 8-bit, and layer counts other than 1, 3 or 4),
 * then runs libjpeg-turbo with default settings (islow IDCT, fancy upsampling) and fails with
 * "image file is truncated" whenever libjpeg wants data past the end of the file.
 *
 * Grey and colour JPEGs go through `@jsquash/jpeg` (libjpeg-turbo/MozJPEG built to wasm, the same
 * decoder code, EXIF orientation not applied), whose "Premature end of JPEG file" warning marks a
 * truncated file. That build cannot convert CMYK, so 4-component files go through the TypeScript
 * decoder of `_jpeg_decoder.ts`, then Pillow's "CMYK;I" raw mode (Adobe inversion, applied to all
 * CMYK JPEGs) and its `cmyk2rgb`.
 *
 * @module
 */
import factory from "@jsquash/jpeg/codec/dec/mozjpeg_dec.js";
import { decodeJpegPlanes } from "./_jpeg_decoder.ts";
import { MAX_PIXELS } from "./_png.ts";
import type { PixelImage } from "./_rgb_image.ts";

type FailFn = (reason: string) => Error;

interface WasmJpegDecoder {
  decode(
    data: Uint8Array,
    preserveOrientation: boolean,
  ): { data: Uint8ClampedArray; width: number; height: number } | null;
}

let decoder: Promise<WasmJpegDecoder> | undefined;
const messages: string[] = [];

function wasmDecoder(): Promise<WasmJpegDecoder> {
  if (decoder === undefined) {
    const record = (line: string) => messages.push(line);
    const options = { noInitialRun: true, print: record, printErr: record };
    decoder = (factory as unknown as (o: typeof options) => Promise<WasmJpegDecoder>)(options);
    decoder.catch(() => {
      decoder = undefined;
    });
  }
  return decoder;
}

/**
 * Loads the wasm JPEG decoder once (later calls return the same promise).
 *
 * @returns Resolves when JPEG decoding is ready.
 */
export async function initJpegDecoder(): Promise<void> {
  await wasmDecoder();
}

/** Whether the bytes start like a JPEG file as Pillow checks it (`FF D8 FF`). */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** What Pillow's JpegImagePlugin reads from the marker segments before decoding. */
interface JpegHeader {
  width: number;
  height: number;
  components: number;
}

/** Pillow's marker walk in `JpegImageFile._open`, up to the first SOS. */
function readHeader(bytes: Uint8Array, fail: FailFn): JpegHeader {
  let pos = 2;
  let header: JpegHeader | undefined;
  for (;;) {
    if (pos >= bytes.length) throw fail("the file ends before the image data");
    if (bytes[pos] !== 0xff) {
      pos++;
      continue;
    }
    if (pos + 1 >= bytes.length) throw fail("the file ends before the image data");
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0x00) {
      pos += 2;
      continue;
    }
    if (marker < 0xc0) {
      throw fail(`no marker found at byte ${pos} (0xFF${marker.toString(16).padStart(2, "0")})`);
    }
    if (marker >= 0xd0 && marker <= 0xd9) {
      pos += 2;
      continue;
    }
    if (pos + 4 > bytes.length) throw fail("the file is truncated in a marker segment");
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    const start = pos + 4;
    const end = pos + 2 + length;
    if (length < 2 || end > bytes.length) throw fail("the file is truncated in a marker segment");
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 &&
      marker !== 0xcc;
    if (isFrame) {
      if (length < 8) throw fail("the frame header is truncated");
      const bits = bytes[start];
      if (bits !== 8) throw fail(`cannot handle ${bits}-bit layers`);
      const components = bytes[start + 5];
      if (components !== 1 && components !== 3 && components !== 4) {
        throw fail(`cannot handle ${components}-layer images`);
      }
      header = {
        height: (bytes[start + 1]! << 8) | bytes[start + 2]!,
        width: (bytes[start + 3]! << 8) | bytes[start + 4]!,
        components,
      };
    }
    if (marker === 0xda) break;
    pos = end;
  }
  if (header === undefined) throw fail("the image data comes before a frame header");
  if (header.width === 0 || header.height === 0) {
    throw fail(`unsupported image size ${header.width}x${header.height}`);
  }
  if (header.width * header.height > MAX_PIXELS) {
    throw new RangeError(
      `Cannot decode an image of ${header.width}x${header.height} pixels: more than ${MAX_PIXELS} pixels (PIL's decompression bomb limit)`,
    );
  }
  return header;
}

/**
 * Decodes a JPEG file: RGBA pixels (alpha 255) for grey and colour files, RGB for CMYK.
 *
 * @param bytes The file.
 * @param fail Builds the error to throw from a reason.
 * @returns The pixels.
 */
export async function decodeJpeg(bytes: Uint8Array, fail: FailFn): Promise<PixelImage> {
  const header = readHeader(bytes, fail);
  if (header.components === 4) return cmykJpegToRgb(bytes, fail);
  const wasm = await wasmDecoder();
  messages.length = 0;
  let result: ReturnType<WasmJpegDecoder["decode"]>;
  try {
    result = wasm.decode(bytes, false);
  } catch (e) {
    // libjpeg's error_exit ends the wasm program; start a fresh instance for the next file.
    decoder = undefined;
    const reason = messages.at(-1) ?? (e instanceof Error ? e.message : String(e));
    throw fail(`libjpeg error: ${reason}`);
  }
  if (messages.some((m) => m.includes("Premature end of JPEG file"))) {
    throw fail("the file is truncated (libjpeg: Premature end of JPEG file)");
  }
  if (result === null || result.width !== header.width || result.height !== header.height) {
    throw fail(`libjpeg could not decode the image ${messages.join("; ")}`.trim());
  }
  const d = result.data;
  return {
    width: result.width,
    height: result.height,
    data: new Uint8Array(d.buffer, d.byteOffset, d.length),
    channels: 4,
  };
}

/** Pillow: libjpeg CMYK, read as "CMYK;I" (inverted), then `cmyk2rgb`. */
function cmykJpegToRgb(bytes: Uint8Array, fail: FailFn): PixelImage {
  const { width, height, planes } = decodeJpegPlanes(bytes, fail);
  const [c, m, y, k] = planes;
  if (c === undefined || m === undefined || y === undefined || k === undefined) {
    throw fail(`the frame has ${planes.length} components where its header said 4`);
  }
  const out = new Uint8Array(width * height * 3);
  const muldiv255 = (a: number, b: number) => {
    const t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  };
  for (let i = 0, o = 0; i < c.length; i++, o += 3) {
    const nk = k[i]!;
    out[o] = nk - muldiv255(255 - c[i]!, nk);
    out[o + 1] = nk - muldiv255(255 - m[i]!, nk);
    out[o + 2] = nk - muldiv255(255 - y[i]!, nk);
  }
  return { width, height, data: out, channels: 3 };
}
