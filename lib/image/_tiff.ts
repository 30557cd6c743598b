/**
 * Baseline TIFF decoding to RGB with the outcome of Pillow 9.4's `TiffImagePlugin` (libtiff 4.5
 * for compressed files) and `convert("RGB")`, for the cases face datasets hold: the first image
 * of the file, 8 bits per sample, strips (not tiles), one plane (`PlanarConfiguration` 1), no
 * compression, PackBits, LZW (with libtiff's early code change) or deflate (`Compression` 8 or
 * 32946), and
 * horizontal differencing (`Predictor` 2); grey (`BlackIsZero`, and `WhiteIsZero` inverted),
 * palette (the colour map's high bytes, as Pillow takes them), RGB, and RGB with extra samples
 * (alpha dropped); 1-bit bilevel images (Pillow's mode "1": black and white); 16-bit grey
 * (clipped to 255, as Pillow's "I;16" converts) and 16-bit RGB (the high bytes). Every other
 * layout (tiles, 2/4-bit samples, 16-bit WhiteIsZero or palette, fax or JPEG compression,
 * CMYK, YCbCr) is refused with its reason, which the dataset run counts as a skipped image.
 *
 * Written by hand: no maintained npm TIFF decoder gives libtiff's results for these cases with
 * a smaller surface than these 200 lines, and each case is compared with Pillow in the tests.
 *
 * @module
 */
import { inflateSync } from "node:zlib";
import type { PixelImage } from "./_rgb_image.ts";
import { MAX_IMAGE_PIXELS } from "./_signature.ts";

type FailFn = (reason: string) => Error;

/** The tags this decoder reads, by number. */
const TAG = {
  width: 256,
  height: 257,
  bits: 258,
  compression: 259,
  photometric: 262,
  stripOffsets: 273,
  samples: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  planar: 284,
  predictor: 317,
  colorMap: 320,
  tileWidth: 322,
} as const;

/** Bytes per value of each TIFF field type (1 BYTE, 3 SHORT, 4 LONG, 16 LONG8). */
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 7: 1, 16: 8 };

/** Reads the first IFD's tags as arrays of numbers. */
function readTags(bytes: Uint8Array, fail: FailFn): Map<number, number[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[0] === 0x49;
  if (view.getUint16(2, little) !== 42) {
    throw fail("a BigTIFF file, which the kit does not decode (convert it to PNG)");
  }
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  const ifd = u32(4);
  if (ifd + 2 > bytes.length) throw fail("its first IFD lies past the end of the file (truncated)");
  const count = u16(ifd);
  if (ifd + 2 + 12 * count > bytes.length) throw fail("its first IFD is cut short (truncated)");
  const tags = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + 12 * i;
    const tag = u16(at);
    const type = u16(at + 2);
    const n = u32(at + 4);
    const size = TYPE_SIZE[type];
    if (size === undefined || size === 8) continue;
    const inline = size * n <= 4;
    const start = inline ? at + 8 : u32(at + 8);
    if (start + size * n > bytes.length) throw fail(`its tag ${tag} lies past the end of the file`);
    const values: number[] = [];
    for (let k = 0; k < n; k++) {
      const p = start + size * k;
      values.push(size === 1 ? bytes[p]! : size === 2 ? u16(p) : u32(p));
    }
    tags.set(tag, values);
  }
  return tags;
}

/** TIFF LZW (MSB-first codes, the width grows one code early), into `out`; returns the length. */
function lzw(data: Uint8Array, out: Uint8Array): number {
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const lengths = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    lengths[i] = 1;
  }
  let width = 9;
  let next = 258;
  let previous = -1;
  let written = 0;
  let bitPos = 0;
  const total = data.length * 8;
  /** Writes the string of `code` at `written`. */
  const emit = (code: number) => {
    const length = lengths[code]!;
    let c = code;
    for (let k = length - 1; k >= 0; k--) {
      if (written + k < out.length) out[written + k] = suffix[c]!;
      c = prefix[c]!;
    }
    written = Math.min(written + length, out.length);
  };
  const firstOf = (code: number) => {
    let c = code;
    while (lengths[c]! > 1) c = prefix[c]!;
    return c;
  };
  while (bitPos + width <= total && written < out.length) {
    let code = 0;
    for (let b = 0; b < width; b++, bitPos++) {
      code = (code << 1) | ((data[bitPos >> 3]! >> (7 - (bitPos & 7))) & 1);
    }
    if (code === 257) break;
    if (code === 256) {
      width = 9;
      next = 258;
      previous = -1;
      continue;
    }
    if (previous === -1) {
      if (code > 255) break;
      emit(code);
      previous = code;
      continue;
    }
    if (code > next || next >= 4096) break;
    const first = code === next ? suffix[firstOf(previous)]! : suffix[firstOf(code)]!;
    prefix[next] = previous;
    suffix[next] = first;
    lengths[next] = lengths[previous]! + 1;
    next++;
    emit(code);
    previous = code;
    if (next >= (1 << width) - 1 && width < 12) width++;
  }
  return written;
}

/** PackBits (Apple's run-length code), into `out`; returns the length written. */
function packBits(data: Uint8Array, out: Uint8Array): number {
  let at = 0;
  let written = 0;
  while (at < data.length && written < out.length) {
    const n = (data[at++]! << 24) >> 24;
    if (n >= 0) {
      const run = data.subarray(at, at + n + 1);
      out.set(run.subarray(0, out.length - written), written);
      written += Math.min(run.length, out.length - written);
      at += n + 1;
    } else if (n !== -128) {
      const count = Math.min(1 - n, out.length - written);
      out.fill(data[at++] ?? 0, written, written + count);
      written += count;
    }
  }
  return written;
}

/** Whether the bytes start with a classic TIFF signature (`II*\0`, `MM\0*`). */
export function isTiff(bytes: Uint8Array): boolean {
  return bytes.length >= 8 &&
    ((bytes[0] === 0x49 && bytes[1] === 0x49) || (bytes[0] === 0x4d && bytes[1] === 0x4d));
}

/**
 * Decodes the first image of a baseline TIFF to RGB as Pillow 9.4 does (see the module doc).
 *
 * @param bytes The file.
 * @param fail Makes the error for a reason.
 * @returns RGB pixels.
 * @throws {SyntaxError} From `fail`, for a layout the kit does not read or a corrupt file.
 * @throws {RangeError} Above twice Pillow's `MAX_IMAGE_PIXELS`.
 */
export function decodeTiff(bytes: Uint8Array, fail: FailFn): PixelImage {
  const tags = readTags(bytes, fail);
  const one = (tag: number, fallback?: number) => tags.get(tag)?.[0] ?? fallback;
  const width = one(TAG.width);
  const height = one(TAG.height);
  if (width === undefined || height === undefined) throw fail("it has no image width or length");
  if (width * height > 2 * MAX_IMAGE_PIXELS) {
    throw new RangeError(
      `Cannot decode an image of ${width}x${height} pixels: more than ${
        2 * MAX_IMAGE_PIXELS
      } pixels (PIL's decompression bomb limit)`,
    );
  }
  const samples = one(TAG.samples, 1)!;
  const bits = tags.get(TAG.bits) ?? [1];
  const compression = one(TAG.compression, 1)!;
  const photometric = one(TAG.photometric);
  const predictor = one(TAG.predictor, 1)!;
  const unsupported = (what: string) =>
    fail(
      `${what}, which the kit does not decode (Pillow reads it through libtiff; convert it to PNG)`,
    );
  if (tags.has(TAG.tileWidth)) throw unsupported("a tiled TIFF");
  const bilevel = samples === 1 && bits.length === 1 && bits[0] === 1;
  const wide = bits.every((b) => b === 16) && (photometric === 1 || photometric === 2);
  if (!bilevel && !wide && bits.some((b) => b !== 8)) {
    throw unsupported(`a TIFF of ${bits.join("/")}-bit samples`);
  }
  if (one(TAG.planar, 1) !== 1) throw unsupported("a TIFF with separate colour planes");
  if (![1, 5, 8, 32773, 32946].includes(compression)) {
    throw unsupported(`a TIFF with compression ${compression}`);
  }
  if (predictor !== 1 && predictor !== 2) throw unsupported(`a TIFF with predictor ${predictor}`);
  const grey = (photometric === 0 || photometric === 1 || (photometric === 3 && !bilevel)) &&
    samples === 1;
  const colour = photometric === 2 && samples >= 3;
  if (!grey && !colour) {
    throw unsupported(
      `a TIFF of photometric interpretation ${photometric} with ${samples} samples`,
    );
  }
  const offsets = tags.get(TAG.stripOffsets);
  const counts = tags.get(TAG.stripByteCounts);
  if (!offsets || !counts || offsets.length !== counts.length) {
    throw fail("its strip offsets and byte counts are missing or disagree");
  }
  const rowBytes = bilevel ? Math.ceil(width / 8) : width * samples * (wide ? 2 : 1);
  const little = bytes[0] === 0x49;
  const rowsPerStrip = Math.min(one(TAG.rowsPerStrip, height)!, height);
  const pixels = new Uint8Array(rowBytes * height);
  for (let s = 0; s < offsets.length; s++) {
    const firstRow = s * rowsPerStrip;
    if (firstRow >= height) break;
    const rows = Math.min(rowsPerStrip, height - firstRow);
    const start = offsets[s]!;
    const raw = bytes.subarray(start, start + counts[s]!);
    if (start + counts[s]! > bytes.length) {
      throw fail("image file is truncated (a strip ends past the file)");
    }
    const target = pixels.subarray(firstRow * rowBytes, (firstRow + rows) * rowBytes);
    let got: number;
    if (compression === 1) {
      target.set(raw.subarray(0, target.length));
      got = Math.min(raw.length, target.length);
    } else if (compression === 32773) {
      got = packBits(raw, target);
    } else if (compression === 5) {
      if (raw[0] === 0 && (raw[1]! & 1) === 1) throw unsupported("a TIFF in old-style LZW");
      got = lzw(raw, target);
    } else {
      let inflated: Uint8Array;
      try {
        inflated = inflateSync(raw);
      } catch (error) {
        throw fail(`its deflate data is corrupt (${(error as Error).message})`);
      }
      target.set(inflated.subarray(0, target.length));
      got = Math.min(inflated.length, target.length);
    }
    if (got < target.length) throw fail("image file is truncated (a strip holds too few pixels)");
    if (predictor === 2 && wide) {
      const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
      for (let r = 0; r < rows; r++) {
        for (let i = samples; i < width * samples; i++) {
          const at = r * rowBytes + 2 * i;
          const sum = view.getUint16(at, little) + view.getUint16(at - 2 * samples, little);
          view.setUint16(at, sum & 0xffff, little);
        }
      }
    } else if (predictor === 2 && !bilevel) {
      for (let r = 0; r < rows; r++) {
        const line = r * rowBytes;
        for (let i = samples; i < rowBytes; i++) {
          target[line + i] = (target[line + i]! + target[line + i - samples]!) & 255;
        }
      }
    }
  }
  const out = new Uint8Array(width * height * 3);
  const map = tags.get(TAG.colorMap);
  if (photometric === 3 && (!map || map.length < 3 * 256)) throw fail("its colour map is missing");
  const wideView = new DataView(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  for (let i = 0, o = 0; i < width * height; i++, o += 3) {
    if (wide) {
      // Pillow: 16-bit grey is mode "I;16", which convert("RGB") clips to 255; 16-bit RGB is
      // unpacked ("RGB;16L"/"RGB;16B") to the high byte of each sample.
      if (colour) {
        for (let c = 0; c < 3; c++) {
          out[o + c] = wideView.getUint16(2 * (i * samples + c), little) >> 8;
        }
      } else {
        out[o] = out[o + 1] = out[o + 2] = Math.min(255, wideView.getUint16(2 * i, little));
      }
    } else if (bilevel) {
      const x = i % width;
      const bit = (pixels[Math.floor(i / width) * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
      const v = (photometric === 0 ? 1 - bit : bit) * 255;
      out[o] = out[o + 1] = out[o + 2] = v;
    } else if (colour) {
      out[o] = pixels[i * samples]!;
      out[o + 1] = pixels[i * samples + 1]!;
      out[o + 2] = pixels[i * samples + 2]!;
    } else if (photometric === 3) {
      const v = pixels[i]!;
      out[o] = map![v]! >> 8;
      out[o + 1] = map![256 + v]! >> 8;
      out[o + 2] = map![512 + v]! >> 8;
    } else {
      const v = photometric === 0 ? 255 - pixels[i]! : pixels[i]!;
      out[o] = out[o + 1] = out[o + 2] = v;
    }
  }
  return { width, height, data: out, channels: 3 };
}
