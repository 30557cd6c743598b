/**
 * Bilinear resizing identical to Pillow 9.4's `Image.resize(size, Image.BILINEAR)` on 8-bit RGB
 * (what torchvision's `Resize` does to a PIL image).
 *
 * Pillow's `ImagingResample` (libImaging/Resample.c) convolves with the triangle filter scaled by
 * the reduction factor (so downscaling averages every source pixel: antialiasing), in two passes:
 * horizontal first over the source rows the vertical pass needs, then vertical, each skipped when
 * that dimension keeps its size. Coefficients are computed in double precision, normalised to sum
 * 1, then converted to fixed point with 22 fractional bits (`PRECISION_BITS = 32 - 8 - 2`),
 * rounding half away from zero; each output sample is `(2^21 + sum(k * v)) >> 22` clipped to
 * 0..255, and the intermediate image is 8-bit. Integer sums are exact, so accumulating row by row
 * (as here) gives Pillow's values bit for bit. Written by hand: no package reproduces Pillow's
 * fixed-point coefficients and 8-bit intermediate image.
 *
 * @module
 */
import { assertRgbImage, type PixelImage, type RgbImage } from "./_rgb_image.ts";

const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);
const SCALE = 1 << PRECISION_BITS;

/** Fixed-point filter taps of one axis: `bounds[2i]` first source index, `bounds[2i+1]` count. */
interface Coefficients {
  ksize: number;
  bounds: Int32Array;
  kk: Int32Array;
}

const cache = new Map<number, Coefficients>();
const CACHE_LIMIT = 256;

function bilinearFilter(x: number): number {
  if (x < 0) x = -x;
  return x < 1 ? 1 - x : 0;
}

/** Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for the full-image box. */
function computeCoefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bilinearFilter((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    const base = xx * ksize;
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      kk[base + x] = w < 0 ? Math.trunc(-0.5 + w * SCALE) : Math.trunc(0.5 + w * SCALE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

function coefficients(inSize: number, outSize: number): Coefficients {
  const key = inSize * 65536 + outSize;
  let c = cache.get(key);
  if (c === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    c = computeCoefficients(inSize, outSize);
    cache.set(key, c);
  }
  return c;
}

let scratch = new Uint8Array(0);
let accumulator = new Int32Array(0);

function clip8(ss: number): number {
  const v = ss >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Horizontal pass over source rows `first .. first + rows - 1` into a 3-channel buffer. */
function horizontalPass(
  source: PixelImage,
  coeffs: Coefficients,
  target: { data: Uint8Array; width: number; first: number; rows: number },
): void {
  const { data: src, width: srcWidth, channels } = source;
  const { ksize, bounds, kk } = coeffs;
  const { data: out, width, first, rows } = target;
  const srcStride = srcWidth * channels;
  let o = 0;
  for (let yy = 0; yy < rows; yy++) {
    const rowBase = (yy + first) * srcStride;
    for (let xx = 0; xx < width; xx++) {
      const xmin = bounds[xx * 2]!;
      const xmax = bounds[xx * 2 + 1]!;
      const kBase = xx * ksize;
      let ss0 = HALF;
      let ss1 = HALF;
      let ss2 = HALF;
      let s = rowBase + xmin * channels;
      for (let x = 0; x < xmax; x++) {
        const w = kk[kBase + x]!;
        ss0 += src[s]! * w;
        ss1 += src[s + 1]! * w;
        ss2 += src[s + 2]! * w;
        s += channels;
      }
      out[o] = clip8(ss0);
      out[o + 1] = clip8(ss1);
      out[o + 2] = clip8(ss2);
      o += 3;
    }
  }
}

/** Vertical pass; `shift` is subtracted from the source row bounds (rows the source starts at). */
function verticalPass(
  source: PixelImage,
  coeffs: Coefficients,
  out: RgbImage,
  shift: number,
): void {
  const { data: src, width, channels } = source;
  const { ksize, bounds, kk } = coeffs;
  const n = width * 3;
  if (accumulator.length < n) accumulator = new Int32Array(n);
  const acc = accumulator;
  const dst = out.data;
  const srcStride = width * channels;
  for (let yy = 0; yy < out.height; yy++) {
    const ymin = bounds[yy * 2]! - shift;
    const ymax = bounds[yy * 2 + 1]!;
    const kBase = yy * ksize;
    acc.fill(HALF, 0, n);
    for (let y = 0; y < ymax; y++) {
      const w = kk[kBase + y]!;
      if (w === 0) continue;
      const row = (ymin + y) * srcStride;
      if (channels === 3) {
        for (let i = 0; i < n; i++) acc[i]! += src[row + i]! * w;
      } else {
        for (let x = 0, i = 0, s = row; x < width; x++, i += 3, s += channels) {
          acc[i]! += src[s]! * w;
          acc[i + 1]! += src[s + 1]! * w;
          acc[i + 2]! += src[s + 2]! * w;
        }
      }
    }
    const o = yy * n;
    for (let i = 0; i < n; i++) dst[o + i] = clip8(acc[i]!);
  }
}

/**
 * Resizes 3- or 4-channel pixels (alpha ignored) into a preallocated RGB image, exactly as Pillow's
 * bilinear `resize` of the RGB image. The source is copied when the size is unchanged.
 *
 * @param source Pixels to resize.
 * @param out Target: its `width` and `height` give the size, its `data` receives the pixels.
 * @returns `out`.
 * @throws {RangeError} When `out` is not a consistent RGB image or `source` has another size of data.
 *
 * @example
 * ```ts
 * import { resizeInto } from "./_resize.ts";
 * const rgba = new Uint8Array([10, 20, 30, 255, 30, 40, 50, 0]);
 * const out = resizeInto(
 *   { width: 2, height: 1, data: rgba, channels: 4 },
 *   { width: 1, height: 1, data: new Uint8Array(3) },
 * );
 * if (out.data.join() !== "20,30,40") throw new Error(`unexpected ${out.data}`);
 * ```
 */
export function resizeInto(source: PixelImage, out: RgbImage): RgbImage {
  const { width: srcWidth, height: srcHeight, data, channels } = source;
  if (
    !Number.isInteger(srcWidth) || srcWidth < 1 || !Number.isInteger(srcHeight) || srcHeight < 1 ||
    data.length !== srcWidth * srcHeight * channels
  ) {
    throw new RangeError(
      `Cannot resize the source as ${srcWidth}x${srcHeight}x${channels} pixels: current data length is ${data.length}`,
    );
  }
  assertRgbImage(out, "the resize target");
  const { width, height } = out;
  const needHorizontal = width !== srcWidth;
  const needVertical = height !== srcHeight;
  if (!needHorizontal && !needVertical) {
    if (channels === 3) {
      out.data.set(data);
    } else {
      for (let i = 0, s = 0; i < out.data.length; i += 3, s += 4) {
        out.data[i] = data[s]!;
        out.data[i + 1] = data[s + 1]!;
        out.data[i + 2] = data[s + 2]!;
      }
    }
    return out;
  }
  const vertical = coefficients(srcHeight, height);
  const first = vertical.bounds[0]!;
  const last = vertical.bounds[height * 2 - 2]! + vertical.bounds[height * 2 - 1]!;
  if (needHorizontal) {
    const horizontal = coefficients(srcWidth, width);
    if (!needVertical) {
      horizontalPass(source, horizontal, { data: out.data, width, first: 0, rows: height });
      return out;
    }
    const rows = last - first;
    const size = width * rows * 3;
    if (scratch.length < size) scratch = new Uint8Array(size);
    horizontalPass(source, horizontal, { data: scratch, width, first, rows });
    verticalPass(
      { width, height: rows, data: scratch.subarray(0, size), channels: 3 },
      vertical,
      out,
      first,
    );
    return out;
  }
  verticalPass(source, vertical, out, 0);
  return out;
}

/**
 * Resizes an RGB image with Pillow's bilinear filter (antialiased when shrinking), bit for bit
 * as `Image.resize((width, height), Image.BILINEAR)` in Pillow 9.4 and so as torchvision's
 * `Resize((height, width))` on a PIL image. Returns a copy when the size is unchanged.
 *
 * @param image The source image.
 * @param width Target width in pixels.
 * @param height Target height in pixels.
 * @returns A new image of the target size.
 * @throws {RangeError} When the target size is not a positive integer or `image` is inconsistent.
 *
 * @example
 * ```ts
 * import { resizeBilinear } from "./_resize.ts";
 * // Halving averages each 2x2 block (the filter covers exactly two source pixels per axis).
 * const image = {
 *   width: 2,
 *   height: 2,
 *   data: new Uint8Array([0, 0, 0, 100, 100, 100, 200, 200, 200, 40, 40, 40]),
 * };
 * const out = resizeBilinear(image, 1, 1);
 * if (out.data.join() !== "85,85,85") throw new Error(`unexpected ${out.data}`);
 * ```
 */
export function resizeBilinear(image: RgbImage, width: number, height: number): RgbImage {
  assertRgbImage(image, "the image to resize");
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(
      `Cannot resize to ${width}x${height}: the target size must be positive integers`,
    );
  }
  const out = { width, height, data: new Uint8Array(width * height * 3) };
  return resizeInto({ ...image, channels: 3 }, out);
}
