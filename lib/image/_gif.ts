/**
 * GIF decoding to RGB with the outcome of Pillow 9.4's `Image.open(p).convert("RGB")`, which
 * reads the first frame only (`GifImagePlugin`, loading strategy `RGB_AFTER_FIRST`): the canvas
 * is the logical screen, grown to hold the first frame's rectangle; outside that rectangle it holds
 * the frame's transparent index when its graphic control extension sets one, else index 0; the
 * frame's local colour table, else the global one, maps indices to RGB, and indices past the
 * table (or every index, without a table) map to grey `(i, i, i)`, Pillow's default palette ramp.
 * Bytes between blocks that start no block are skipped one at a time, as Pillow does.
 *
 * Written by hand: the LZW decoder is 60 lines, and these placement and palette rules are
 * Pillow's, not a browser's (which composite on the background colour).
 *
 * @module
 */
import type { PixelImage } from "./_rgb_image.ts";
import { MAX_IMAGE_PIXELS } from "./_signature.ts";

type FailFn = (reason: string) => Error;

const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);

/** The data sub-blocks from `at` joined, and where the block after their terminator starts. */
function subBlocks(
  bytes: Uint8Array,
  at: number,
): { data: Uint8Array; next: number; ended: boolean } {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    if (at >= bytes.length) return { data: join(parts, total), next: at, ended: false };
    const n = bytes[at]!;
    at++;
    if (n === 0) return { data: join(parts, total), next: at, ended: true };
    const part = bytes.subarray(at, Math.min(at + n, bytes.length));
    parts.push(part);
    total += part.length;
    at += n;
  }
}

function join(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Decodes GIF LZW data into `count` indices; returns how many were written (fewer when the end
 * code or the data comes first).
 */
function lzw(data: Uint8Array, minCodeSize: number, out: Uint8Array): number {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const prefix = new Int16Array(4096);
  const suffix = new Uint8Array(4096);
  const lengths = new Uint16Array(4096);
  for (let i = 0; i < clear; i++) {
    suffix[i] = i;
    lengths[i] = 1;
  }
  let size = minCodeSize + 1;
  let next = clear + 2;
  let previous = -1;
  let written = 0;
  let bits = 0;
  let value = 0;
  let at = 0;
  const stack = new Uint8Array(4096);
  while (written < out.length) {
    while (bits < size) {
      if (at >= data.length) return written;
      value |= data[at++]! << bits;
      bits += 8;
    }
    const code = value & ((1 << size) - 1);
    value >>>= size;
    bits -= size;
    if (code === clear) {
      size = minCodeSize + 1;
      next = clear + 2;
      previous = -1;
      continue;
    }
    if (code === end) return written;
    let c = code;
    let depth = 0;
    if (previous === -1) {
      if (code >= next) return written;
      out[written++] = suffix[code]!;
      previous = code;
      continue;
    }
    if (code > next) return written;
    if (code === next) {
      // KwKwK: the previous string plus its own first byte.
      let p = previous;
      while (lengths[p]! > 1) p = prefix[p]!;
      stack[depth++] = suffix[p]!;
      c = previous;
    }
    while (lengths[c]! > 1) {
      stack[depth++] = suffix[c]!;
      c = prefix[c]!;
    }
    const first = suffix[c]!;
    stack[depth++] = first;
    while (depth > 0 && written < out.length) out[written++] = stack[--depth]!;
    if (next < 4096) {
      prefix[next] = previous;
      suffix[next] = first;
      lengths[next] = lengths[previous]! + 1;
      next++;
      if (next === 1 << size && size < 12) size++;
    }
    previous = code;
  }
  return written;
}

/** Whether the bytes start with a GIF signature (`GIF87a`, `GIF89a`). */
export function isGif(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46 &&
    bytes[3] === 0x38 && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61;
}

/**
 * Decodes the first frame of a GIF to RGB as Pillow 9.4 does (see the module doc).
 *
 * @param bytes The file.
 * @param fail Makes the error for a reason.
 * @returns RGB pixels.
 * @throws {SyntaxError} From `fail`, for a file without an image or cut inside one.
 * @throws {RangeError} Above twice Pillow's `MAX_IMAGE_PIXELS`.
 */
export function decodeGif(bytes: Uint8Array, fail: FailFn): PixelImage {
  if (bytes.length < 13) throw fail("the file ends inside its header (truncated)");
  let width = u16(bytes, 6);
  let height = u16(bytes, 8);
  const flags = bytes[10]!;
  let at = 13;
  let globalTable: Uint8Array | undefined;
  if (flags & 0x80) {
    const n = 3 << ((flags & 7) + 1);
    globalTable = bytes.subarray(at, at + n);
    at += n;
  }
  let transparency: number | undefined;
  for (;;) {
    if (at >= bytes.length || bytes[at] === 0x3b) {
      throw fail("it holds no image (cannot identify image file)");
    }
    const block = bytes[at]!;
    if (block === 0x21) {
      const label = bytes[at + 1];
      // Pillow reads the first sub-block of a graphic control extension.
      const first = bytes[at + 2] ?? 0;
      if (label === 0xf9 && first >= 4 && (bytes[at + 3]! & 1)) transparency = bytes[at + 6];
      at = subBlocks(bytes, at + 2).next;
      continue;
    }
    if (block !== 0x2c) {
      at++;
      continue;
    }
    if (at + 10 > bytes.length) throw fail("the file ends inside an image descriptor (truncated)");
    const x0 = u16(bytes, at + 1);
    const y0 = u16(bytes, at + 3);
    const w = u16(bytes, at + 5);
    const h = u16(bytes, at + 7);
    const frameFlags = bytes[at + 9]!;
    at += 10;
    let table = globalTable;
    if (frameFlags & 0x80) {
      const n = 3 << ((frameFlags & 7) + 1);
      table = bytes.subarray(at, at + n);
      at += n;
    }
    width = Math.max(width, x0 + w);
    height = Math.max(height, y0 + h);
    if (width * height > 2 * MAX_IMAGE_PIXELS) {
      throw new RangeError(
        `Cannot decode an image of ${width}x${height} pixels: more than ${
          2 * MAX_IMAGE_PIXELS
        } pixels (PIL's decompression bomb limit)`,
      );
    }
    if (at >= bytes.length) throw fail("the file ends before the image data (truncated)");
    const minCodeSize = bytes[at]!;
    if (minCodeSize < 1 || minCodeSize > 11) {
      throw fail(`its LZW code size is ${minCodeSize}, expected 1 to 11 (broken data)`);
    }
    const { data, ended } = subBlocks(bytes, at + 1);
    const indices = new Uint8Array(w * h);
    const written = lzw(data, minCodeSize, indices);
    if (written < indices.length) {
      // Pillow raises "image file is truncated" whether the data or the LZW codes end first.
      throw fail(
        `image file is truncated (its data ${
          ended ? "ends" : "is cut"
        } after ${written} of ${indices.length} pixels)`,
      );
    }
    const canvas = new Uint8Array(width * height).fill(transparency ?? 0);
    const interlaced = (frameFlags & 0x40) !== 0;
    const rows: number[] = [];
    if (interlaced) {
      for (const [start, step] of [[0, 8], [4, 8], [2, 4], [1, 2]] as const) {
        for (let y = start; y < h; y += step) rows.push(y);
      }
    } else for (let y = 0; y < h; y++) rows.push(y);
    const filled = Math.floor(written / Math.max(w, 1));
    rows.forEach((y, i) => {
      const line = indices.subarray(i * w, (i + 1) * w);
      if (i > filled) return;
      const count = i === filled ? written - i * w : w;
      canvas.set(line.subarray(0, count), (y0 + y) * width + x0);
    });
    const palette = new Uint8Array(768);
    for (let i = 0; i < 256; i++) palette.fill(i, 3 * i, 3 * i + 3);
    if (table) palette.set(table.subarray(0, 768));
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0, o = 0; i < canvas.length; i++, o += 3) {
      const p = canvas[i]! * 3;
      rgb[o] = palette[p]!;
      rgb[o + 1] = palette[p + 1]!;
      rgb[o + 2] = palette[p + 2]!;
    }
    return { width, height, data: rgb, channels: 3 };
  }
}
