/**
 * PNG decoding to RGB with the outcomes of Pillow 9.4's `Image.open(p).convert("RGB")`:
 * which files it rejects (bad CRC before the image data, unknown colour type or depth, broken or
 * short deflate data, unknown row filter) and which it accepts (IDAT CRCs are not checked, data
 * after the last needed row is ignored, IEND may be missing), and how each mode becomes RGB
 * (grey replicated, 2/4-bit grey scaled, 16-bit grey clipped to 255 through mode "I", 16-bit
 * colour reduced to its high byte, alpha dropped, palette indices looked up with missing entries
 * grey).
 *
 * Written by hand because that exactness needs it: fast-png 8.0.0 (the kit's PNG writer) loads or
 * rejects 9 of the 60 reference PNGs of `tests/reference/pil_reference.py` unlike Pillow: it
 * rejects Adam7-interlaced 1/2/4-bit grey and palette files and a file without IEND, and loads a
 * bad IHDR CRC and a corrupt deflate stream. Inflating is left to `node:zlib` (with fflate's
 * streaming inflater to find where damaged data stops).
 *
 * @module
 */
import { Inflate } from "fflate";
import { constants as zlibConstants, inflateSync } from "node:zlib";
import type { PixelImage } from "./_rgb_image.ts";

/** PIL's `2 * Image.MAX_IMAGE_PIXELS`: larger images raise DecompressionBombError. */
export const MAX_PIXELS = 2 * Math.floor(1024 * 1024 * 1024 / 4 / 3);

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function readU32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

function isChunkTypeChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Whether the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) return false;
  return true;
}

/** Channels per colour type; bit depths PIL accepts for it. */
const LAYOUTS: Record<number, { channels: number; depths: number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};

/** Adam7 passes: `[x0, y0, dx, dy]`. */
const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  channels: number;
  interlaced: boolean;
  /** 256 RGB entries; entries the PLTE chunk lacks are grey `(i, i, i)` as in Pillow. */
  palette: Uint8Array;
}

/** A pass of the image data: its size in pixels and where its pixels land in the image. */
interface Pass {
  width: number;
  height: number;
  x0: number;
  y0: number;
  dx: number;
  dy: number;
}

function passesOf(h: Header): Pass[] {
  if (!h.interlaced) {
    return [{ width: h.width, height: h.height, x0: 0, y0: 0, dx: 1, dy: 1 }];
  }
  const passes: Pass[] = [];
  for (const [x0, y0, dx, dy] of ADAM7) {
    const width = Math.ceil((h.width - x0) / dx);
    const height = Math.ceil((h.height - y0) / dy);
    if (width > 0 && height > 0) passes.push({ width, height, x0, y0, dx, dy });
  }
  return passes;
}

function rowBytes(h: Header, width: number): number {
  return Math.ceil((width * h.channels * h.depth) / 8);
}

/**
 * Decodes a PNG file to RGB pixels.
 *
 * @param bytes The file.
 * @param fail Builds the error to throw from a reason.
 * @returns 3-channel pixels.
 */
export function decodePng(bytes: Uint8Array, fail: (reason: string) => Error): PixelImage {
  if (!isPng(bytes)) throw fail("the PNG signature is missing");
  let pos = 8;
  let header: Header | undefined;
  const palette = new Uint8Array(768);
  for (let i = 0; i < 256; i++) palette[i * 3] = palette[i * 3 + 1] = palette[i * 3 + 2] = i;
  const idat: Uint8Array[] = [];
  for (;;) {
    if (pos + 8 > bytes.length) throw fail("the file ends before the image data");
    const length = readU32(bytes, pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (!bytes.subarray(pos + 4, pos + 8).every(isChunkTypeChar)) {
      throw fail(`broken chunk type ${JSON.stringify(type)} at byte ${pos}`);
    }
    const start = pos + 8;
    const end = start + length;
    if (type === "IDAT") {
      if (header === undefined) throw fail("image data comes before the IHDR chunk");
      // Pillow reads consecutive IDAT chunks without checking their CRCs.
      let p = pos;
      while (p + 8 <= bytes.length && readU32(bytes, p + 4) === 0x49444154) {
        const s = p + 8;
        const e = Math.min(s + readU32(bytes, p), bytes.length);
        idat.push(bytes.subarray(s, e));
        p = s + readU32(bytes, p) + 4;
      }
      break;
    }
    if (end + 4 > bytes.length) throw fail(`the ${type} chunk is truncated`);
    if (crc32(bytes, pos + 4, end) !== readU32(bytes, end)) {
      throw fail(`bad CRC in the ${type} chunk`);
    }
    if (type === "IHDR") {
      if (length < 13) throw fail("the IHDR chunk is truncated");
      const width = readU32(bytes, start);
      const height = readU32(bytes, start + 4);
      const depth = bytes[start + 8]!;
      const colorType = bytes[start + 9]!;
      const layout = LAYOUTS[colorType];
      if (layout === undefined || !layout.depths.includes(depth)) {
        throw fail(`unsupported colour type ${colorType} with bit depth ${depth}`);
      }
      if (bytes[start + 11] !== 0) throw fail(`unknown filter method ${bytes[start + 11]}`);
      if (width === 0 || height === 0) throw fail(`empty image of ${width}x${height} pixels`);
      header = {
        width,
        height,
        depth,
        colorType,
        channels: layout.channels,
        interlaced: bytes[start + 12] !== 0,
        palette,
      };
      if (width * height > MAX_PIXELS) {
        throw new RangeError(
          `Cannot decode an image of ${width}x${height} pixels: more than ${MAX_PIXELS} pixels (PIL's decompression bomb limit)`,
        );
      }
    } else if (type === "PLTE") {
      palette.set(bytes.subarray(start, Math.min(end, start + 768)));
    } else if (type === "IEND") {
      throw fail("the file has no image data");
    }
    pos = end + 4;
  }
  const h = header;
  const passes = passesOf(h);
  let needed = 0;
  for (const p of passes) needed += (rowBytes(h, p.width) + 1) * p.height;
  const raw = inflateImageData(idat, needed, fail);
  const out = new Uint8Array(h.width * h.height * 3);
  let offset = 0;
  for (const p of passes) {
    offset = unfilterPass(raw, offset, h, p, fail);
    writePass(raw, offset - (rowBytes(h, p.width) + 1) * p.height, h, p, out);
  }
  return { width: h.width, height: h.height, data: out, channels: 3 };
}

/** Inflates the zlib stream of the IDAT chunks; at least `needed` bytes must come out. */
function inflateImageData(
  parts: Uint8Array[],
  needed: number,
  fail: (reason: string) => Error,
): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  let data: Uint8Array;
  if (parts.length === 1) {
    data = parts[0]!;
  } else {
    data = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      data.set(p, o);
      o += p.length;
    }
  }
  if (data.length < 2) throw fail("the image data is truncated");
  const cmf = data[0]!;
  const flg = data[1]!;
  if ((cmf & 15) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0 || flg & 32) {
    throw fail("the image data is not a zlib stream");
  }
  let zlibError: unknown;
  try {
    const out = inflateSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    if (out.length >= needed) return out;
    throw fail(`the image data is truncated (${out.length} of ${needed} bytes)`);
  } catch (e) {
    if (e instanceof SyntaxError) throw e;
    zlibError = e;
  }
  // zlib met damage somewhere. Pillow inflates as it goes and stops after the last row, so the
  // damage only matters if it comes before the last row, or is the checksum right after it.
  const deflate = data.subarray(2);
  const checksumError = zlibError instanceof Error &&
    /incorrect data check/.test(zlibError.message);
  const out = new Uint8Array(needed);
  let have = 0;
  let produced = 0;
  const inflater = new Inflate((chunk: Uint8Array) => {
    produced += chunk.length;
    const n = Math.min(chunk.length, needed - have);
    out.set(chunk.subarray(0, n), have);
    have += n;
  });
  try {
    inflater.push(deflate, false);
  } catch {
    // Where the damage lies is what matters, checked below.
  }
  if (have < needed || (checksumError && produced === needed)) {
    const reason = zlibError instanceof Error ? zlibError.message : String(zlibError);
    throw fail(`broken image data (zlib: ${reason})`);
  }
  return out;
}

/** Reverses the row filters of one pass in place; returns the offset after the pass. */
function unfilterPass(
  raw: Uint8Array,
  offset: number,
  h: Header,
  p: Pass,
  fail: (reason: string) => Error,
): number {
  const len = rowBytes(h, p.width);
  const bpp = Math.max(1, (h.channels * h.depth) >> 3);
  let prior = -1;
  for (let y = 0; y < p.height; y++) {
    const filter = raw[offset];
    const row = offset + 1;
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < len; i++) raw[row + i] = (raw[row + i]! + raw[row + i - bpp]!) & 255;
        break;
      case 2:
        if (prior >= 0) {
          for (let i = 0; i < len; i++) raw[row + i] = (raw[row + i]! + raw[prior + i]!) & 255;
        }
        break;
      case 3:
        for (let i = 0; i < len; i++) {
          const a = i >= bpp ? raw[row + i - bpp]! : 0;
          const b = prior >= 0 ? raw[prior + i]! : 0;
          raw[row + i] = (raw[row + i]! + ((a + b) >> 1)) & 255;
        }
        break;
      case 4:
        for (let i = 0; i < len; i++) {
          const a = i >= bpp ? raw[row + i - bpp]! : 0;
          const b = prior >= 0 ? raw[prior + i]! : 0;
          const c = i >= bpp && prior >= 0 ? raw[prior + i - bpp]! : 0;
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          const pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          raw[row + i] = (raw[row + i]! + pred) & 255;
        }
        break;
      default:
        throw fail(`unknown row filter type ${filter}`);
    }
    prior = row;
    offset = row + len;
  }
  return offset;
}

/** Converts the unfiltered rows of a pass to RGB at their places in `out`. */
function writePass(raw: Uint8Array, offset: number, h: Header, p: Pass, out: Uint8Array): void {
  const len = rowBytes(h, p.width);
  const { depth, colorType } = h;
  const pal = h.palette;
  const step = p.dx * 3;
  for (let y = 0; y < p.height; y++) {
    const s0 = offset + y * (len + 1) + 1;
    let o = ((p.y0 + y * p.dy) * h.width + p.x0) * 3;
    const n = p.width;
    if (colorType === 0 || colorType === 3) {
      if (depth === 16) {
        for (let x = 0, s = s0; x < n; x++, s += 2, o += step) {
          const v = (raw[s]! << 8) | raw[s + 1]!;
          const g = v >= 255 ? 255 : v;
          out[o] = out[o + 1] = out[o + 2] = g;
        }
      } else {
        const perByte = 8 / depth;
        const mask = (1 << depth) - 1;
        const scale = colorType === 3 ? 1 : 255 / mask;
        for (let x = 0; x < n; x++, o += step) {
          const byte = depth === 8 ? raw[s0 + x]! : raw[s0 + Math.floor(x / perByte)]!;
          const shift = depth === 8 ? 0 : 8 - depth * ((x % perByte) + 1);
          const v = (byte >> shift) & mask;
          if (colorType === 3) {
            out[o] = pal[v * 3]!;
            out[o + 1] = pal[v * 3 + 1]!;
            out[o + 2] = pal[v * 3 + 2]!;
          } else {
            out[o] = out[o + 1] = out[o + 2] = v * scale;
          }
        }
      }
    } else if (colorType === 4) {
      const bytesPer = depth === 16 ? 4 : 2;
      for (let x = 0, s = s0; x < n; x++, s += bytesPer, o += step) {
        out[o] = out[o + 1] = out[o + 2] = raw[s]!;
      }
    } else {
      const sampleBytes = depth === 16 ? 2 : 1;
      const bytesPer = sampleBytes * h.channels;
      for (let x = 0, s = s0; x < n; x++, s += bytesPer, o += step) {
        out[o] = raw[s]!;
        out[o + 1] = raw[s + sampleBytes]!;
        out[o + 2] = raw[s + 2 * sampleBytes]!;
      }
    }
  }
}
