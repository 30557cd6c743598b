/**
 * Test images written here, without Python: PNG files of any colour type (rows unfiltered) and
 * JPEG files from libjpeg (MozJPEG wasm encoder).
 *
 * @module
 */
import encode from "@jsquash/jpeg/encode.js";
import { deflateSync } from "node:zlib";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A PNG image: rows of packed samples as the PNG format lays them out. */
export interface PngSpec {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: number;
  depth: number;
  /** One packed row per image row (without the filter byte). */
  rows: Uint8Array[];
  /** RGB triples. */
  palette?: Uint8Array;
}

/**
 * Writes a PNG file (filter type 0 on every row, one IDAT chunk).
 *
 * @param spec The image.
 * @returns The file's bytes.
 */
export function writePng(spec: PngSpec): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, spec.width);
  view.setUint32(4, spec.height);
  header[8] = spec.depth;
  header[9] = spec.colorType;
  const raw = concat(spec.rows.flatMap((r) => [new Uint8Array([0]), r]));
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    ...(spec.palette ? [chunk("PLTE", spec.palette)] : []),
    chunk("IDAT", new Uint8Array(deflateSync(raw))),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/**
 * Encodes RGBA pixels as a baseline JPEG with libjpeg (MozJPEG, 4:2:0).
 *
 * @param rgba `width * height * 4` samples.
 * @param size The image size.
 * @returns The file's bytes.
 */
export async function writeJpeg(
  rgba: Uint8Array,
  size: { width: number; height: number },
): Promise<Uint8Array> {
  const image = {
    data: new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length),
    width: size.width,
    height: size.height,
    colorSpace: "srgb",
  } as ImageData;
  return new Uint8Array(await encode(image, { quality: 90, progressive: false, baseline: true }));
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function noiseBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}
