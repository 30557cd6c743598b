/**
 * BMP decoding to RGB with the outcome of Pillow 9.4's `BmpImagePlugin` and
 * `Image.open(p).convert("RGB")`: Windows (40, 64, 108, 124-byte) and OS/2 (12-byte) headers;
 * 1, 4 and 8-bit palettes (indices past the palette map to grey `(i, i, i)`, Pillow's default
 * ramp); 16-bit `BGR;15`, 24-bit `BGR` and 32-bit `BGRX` raw pixels; the bit-field layouts Pillow
 * lists (16-bit 565 and 555, 24-bit, 32-bit `BGRX`, `XBGR`, `ABGR`, `RGBA`, `BGRA`, alpha
 * dropped); bottom-up rows, or top-down when the height is negative; rows padded to 4 bytes; the
 * pixel data at the file header's offset (moved past the palette when that offset ignores it, as
 * Pillow does); RLE8 and RLE4 palette images as Pillow's own `BmpRleDecoder` reads them.
 * Other layouts are refused with Pillow's reason, which the dataset run counts as a skipped image.
 *
 * @module
 */
import type { PixelImage } from "./_rgb_image.ts";
import { MAX_IMAGE_PIXELS } from "./_signature.ts";

type FailFn = (reason: string) => Error;

const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** Byte positions of R, G, B in a 4-byte pixel, by Pillow's raw mode. */
const FOUR_BYTE: Record<string, readonly [number, number, number]> = {
  BGRX: [2, 1, 0],
  BGRA: [2, 1, 0],
  XBGR: [3, 2, 1],
  ABGR: [3, 2, 1],
  RGBA: [0, 1, 2],
};

/** Pillow's supported bit-field masks (R, G, B[, A]) and their raw modes. */
function bitfieldMode(bits: number, masks: readonly number[]): string | undefined {
  const key = `${bits}:${masks.map((m) => m.toString(16)).join(",")}`;
  const modes: Record<string, string> = {
    "32:ff0000,ff00,ff,0": "BGRX",
    "32:ff000000,ff0000,ff00,0": "XBGR",
    "32:ff000000,ff0000,ff00,ff": "ABGR",
    "32:ff,ff00,ff0000,ff000000": "RGBA",
    "32:ff0000,ff00,ff,ff000000": "BGRA",
    "32:0,0,0,0": "BGRA",
    "24:ff0000,ff00,ff": "BGR",
    "16:f800,7e0,1f": "BGR;16",
    "16:7c00,3e0,1f": "BGR;15",
  };
  return modes[key];
}

/**
 * The palette indices of an RLE8 or RLE4 BMP, rows in file order, exactly as Pillow 9.4's
 * `BmpRleDecoder` makes them, its quirks included: a delta escape skips two bytes more than its
 * own two, absolute RLE4 runs read `count // 2` bytes, runs pad to an even file position.
 */
function rle(
  bytes: Uint8Array,
  offset: number,
  width: number,
  height: number,
  rle4: boolean,
  fail: FailFn,
): Uint8Array {
  const size = width * height;
  const data: number[] = [];
  let x = 0;
  let at = offset;
  while (data.length < size) {
    if (at + 2 > bytes.length) break;
    let count = bytes[at]!;
    const byte = bytes[at + 1]!;
    at += 2;
    if (count) {
      if (x + count > width) count = Math.max(0, width - x);
      for (let i = 0; i < count; i++) {
        data.push(rle4 ? (i % 2 === 0 ? byte >> 4 : byte & 0x0f) : byte);
      }
      x += count;
    } else if (byte === 0) {
      while (data.length % width !== 0) data.push(0);
      x = 0;
    } else if (byte === 1) {
      break;
    } else if (byte === 2) {
      if (at + 2 > bytes.length) break;
      at += 2;
      const right = bytes[at];
      const up = bytes[at + 1];
      at += 2;
      if (right === undefined || up === undefined) {
        throw fail("its RLE delta escape runs past the end of the file");
      }
      for (let i = 0; i < right + up * width; i++) data.push(0);
      x = data.length % width;
    } else {
      const wanted = rle4 ? byte >> 1 : byte;
      const run = bytes.subarray(at, at + wanted);
      at += run.length;
      for (const b of run) {
        if (rle4) data.push(b >> 4, b & 0x0f);
        else data.push(b);
      }
      if (run.length < wanted) break;
      x += byte;
      if (at % 2 !== 0) at++;
    }
  }
  if (data.length < size) throw fail("not enough image data (truncated RLE data)");
  return Uint8Array.from(data.slice(0, size));
}

/** Whether the bytes start with the BMP signature `BM`. */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/**
 * Decodes a BMP file to RGB as Pillow 9.4 does (see the module doc).
 *
 * @param bytes The file.
 * @param fail Makes the error for a reason.
 * @returns RGB pixels.
 * @throws {SyntaxError} From `fail`, for a layout Pillow refuses, one the kit does not read (RLE),
 * or a file cut short.
 * @throws {RangeError} Above twice Pillow's `MAX_IMAGE_PIXELS`.
 */
export function decodeBmp(bytes: Uint8Array, fail: FailFn): PixelImage {
  if (bytes.length < 18) throw fail("the file ends inside its header (truncated)");
  let offset = u32(bytes, 10);
  const headerSize = u32(bytes, 14);
  const header = bytes.subarray(18, 14 + headerSize);
  if (header.length < headerSize - 4) throw fail("the file ends inside its header (truncated)");
  let width: number, height: number, bits: number, compression = 0, colors = 0;
  let topDown = false;
  let paletteEntry = 4;
  let at = 14 + headerSize;
  let masks: number[] | undefined;
  if (headerSize === 12) {
    width = u16(header, 0);
    height = u16(header, 2);
    bits = u16(header, 6);
    paletteEntry = 3;
  } else if ([40, 64, 108, 124].includes(headerSize)) {
    topDown = header[7] === 0xff;
    width = u32(header, 0);
    height = topDown ? 2 ** 32 - u32(header, 4) : u32(header, 4);
    bits = u16(header, 10);
    compression = u32(header, 12);
    colors = u32(header, 28);
    if (compression === 3) {
      if (header.length >= 52) masks = [0, 1, 2, 3].map((i) => u32(header, 36 + 4 * i));
      else {
        masks = [0, 1, 2].map((i) => u32(bytes, at + 4 * i));
        at += 12;
        masks.push(0);
      }
    }
  } else {
    throw fail(`Unsupported BMP header type (${headerSize})`);
  }
  if (width * height > 2 * MAX_IMAGE_PIXELS) {
    throw new RangeError(
      `Cannot decode an image of ${width}x${height} pixels: more than ${
        2 * MAX_IMAGE_PIXELS
      } pixels (PIL's decompression bomb limit)`,
    );
  }
  if (width === 0 || height === 0) throw fail(`its size is ${width}x${height}`);
  colors = colors || 2 ** bits;
  if (offset === 14 + headerSize && bits <= 8) offset += 4 * colors;
  const raw: Record<number, string> = {
    1: "P",
    4: "P",
    8: "P",
    16: "BGR;15",
    24: "BGR",
    32: "BGRX",
  };
  let mode = raw[bits];
  if (mode === undefined) throw fail(`Unsupported BMP pixel depth (${bits})`);
  if (compression === 3) {
    const m = bits === 32 ? masks! : masks!.slice(0, 3);
    const found = bits === 32 || bits === 24 || bits === 16 ? bitfieldMode(bits, m) : undefined;
    if (found === undefined) throw fail("Unsupported BMP bitfields layout");
    mode = found;
  } else if (compression === 1 || compression === 2) {
    if (mode !== "P") throw fail(`Unsupported BMP compression (${compression})`);
  } else if (compression !== 0) {
    throw fail(`Unsupported BMP compression (${compression})`);
  }
  const palette = new Uint8Array(768);
  for (let i = 0; i < 256; i++) palette.fill(i, 3 * i, 3 * i + 3);
  if (mode === "P") {
    if (!(colors > 0 && colors <= 65536)) throw fail(`Unsupported BMP Palette size (${colors})`);
    const table = bytes.subarray(at, at + paletteEntry * colors);
    for (let i = 0; i < Math.min(colors, 256) && (i + 1) * paletteEntry <= table.length; i++) {
      palette[3 * i] = table[i * paletteEntry + 2]!;
      palette[3 * i + 1] = table[i * paletteEntry + 1]!;
      palette[3 * i + 2] = table[i * paletteEntry]!;
    }
  }
  if (compression === 1 || compression === 2) {
    const indices = rle(bytes, offset, width, height, compression === 2, fail);
    const out = new Uint8Array(width * height * 3);
    for (let row = 0; row < height; row++) {
      const y = topDown ? row : height - 1 - row;
      for (let x = 0; x < width; x++) {
        const index = indices[row * width + x]!;
        const o = (y * width + x) * 3;
        out[o] = palette[3 * index]!;
        out[o + 1] = palette[3 * index + 1]!;
        out[o + 2] = palette[3 * index + 2]!;
      }
    }
    return { width, height, data: out, channels: 3 };
  }
  const stride = ((width * bits + 31) >> 3) & ~3;
  if (offset + stride * height > bytes.length) {
    throw fail("image file is truncated (the pixel data ends early)");
  }
  const out = new Uint8Array(width * height * 3);
  const four = FOUR_BYTE[mode];
  for (let row = 0; row < height; row++) {
    const y = topDown ? row : height - 1 - row;
    const line = offset + row * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (mode === "P") {
        const bit = x * bits;
        const byte = bytes[line + (bit >> 3)]!;
        const index = bits === 8 ? byte : (byte >> (8 - bits - (bit & 7))) & ((1 << bits) - 1);
        out[o] = palette[3 * index]!;
        out[o + 1] = palette[3 * index + 1]!;
        out[o + 2] = palette[3 * index + 2]!;
      } else if (mode === "BGR") {
        const p = line + 3 * x;
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
      } else if (four) {
        const p = line + 4 * x;
        out[o] = bytes[p + four[0]]!;
        out[o + 1] = bytes[p + four[1]]!;
        out[o + 2] = bytes[p + four[2]]!;
      } else {
        const v = u16(bytes, line + 2 * x);
        if (mode === "BGR;16") {
          out[o] = Math.floor(((v >> 11) & 31) * 255 / 31);
          out[o + 1] = Math.floor(((v >> 5) & 63) * 255 / 63);
        } else {
          out[o] = Math.floor(((v >> 10) & 31) * 255 / 31);
          out[o + 1] = Math.floor(((v >> 5) & 31) * 255 / 31);
        }
        out[o + 2] = Math.floor((v & 31) * 255 / 31);
      }
    }
  }
  return { width, height, data: out, channels: 3 };
}
