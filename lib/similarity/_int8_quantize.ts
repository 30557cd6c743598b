/**
 * Symmetric int8 quantisation of embedding rows for the int8 search prefilter, with the facts the
 * error bound needs: for a row `x = s q + e` (scale `s`, integer codes `q`, residual `e`), the
 * norms `|s q|`, `|e|` and `|x|`, each computed in float64 and rounded up by a relative `2^-40`
 * so that the bound built from them is never too small.
 *
 * Scales: queries get one scale per row (a row's scale multiplies all its scores alike, so it does
 * not change which gallery rows its block top-k keeps, and a per-row scale gives each row its
 * smallest residual); a gallery block gets one scale for all its rows, so that the int32 dot
 * products of a query row rank the block's rows exactly as the approximate scores do and the
 * top-k can be taken on the int32 block inside the graph, with no float conversion of it. Codes
 * lie in [-127, 127]; queries are stored as `q + 128` in a `Uint8Array` (ONNX `MatMulInteger`'s
 * fast uint8 x int8 form, zero point 128), gallery blocks as an `Int8Array` transposed to
 * `dim x cols` (the graph's `B`). A zero row gets scale 0 and codes 0 (its residual is 0);
 * a row holding NaN or an infinity gets NaN norms, so no bound built from it certifies anything.
 *
 * @module
 */

/** Per-row facts of quantised rows: `x = scale * q + e`. */
export interface QuantizedNorms {
  /** Scale of each row (queries) or of the whole block (gallery: every entry the same). */
  scale: Float64Array;
  /** `|scale * q|` of each row (rounded up). */
  codeNorm: Float64Array;
  /** `|e|`, the residual norm of each row (rounded up). */
  residualNorm: Float64Array;
  /** `|x|` of each row (rounded up). */
  norm: Float64Array;
}

/** Gallery rows quantised before their codes are transposed out. */
const TILE = 64;

/** Relative amount each norm is rounded up by, to cover float64 rounding in its computation. */
const ROUND_UP = 1 + 2 ** -40;

/**
 * Allocates {@linkcode QuantizedNorms} for `rows` rows.
 *
 * @param rows Row capacity.
 * @returns Zeroed columns.
 *
 * @example
 * ```ts
 * import { quantizedNorms } from "./_int8_quantize.ts";
 * if (quantizedNorms(3).norm.length !== 3) throw new Error("unexpected");
 * ```
 */
export function quantizedNorms(rows: number): QuantizedNorms {
  return {
    scale: new Float64Array(rows),
    codeNorm: new Float64Array(rows),
    residualNorm: new Float64Array(rows),
    norm: new Float64Array(rows),
  };
}

/** Largest absolute value of `rows[start..end)`: NaN when one is NaN, Infinity for an infinity. */
function maxAbs(rows: Float32Array, start: number, end: number): number {
  let m = 0;
  for (let i = start; i < end; i++) {
    const a = Math.abs(rows[i]!);
    if (!(a <= m)) m = a; // NaN sticks
  }
  return m;
}

/**
 * Codes of one row at `inverse = 1 / scale` (0 for scale 0) into `codes`, and its norms into
 * `norms[r]`. Codes are `round(x / scale)`, clamped to [-127, 127]; NaN becomes 0.
 */
function quantizeRow(
  rows: Float32Array,
  start: number,
  dim: number,
  scale: number,
  inverse: number,
  codes: Int8Array,
  norms: QuantizedNorms,
  r: number,
): void {
  let cq = 0, ce = 0, cx = 0;
  for (let d = 0; d < dim; d++) {
    const x = rows[start + d]!;
    let q = Math.floor(x * inverse + 0.5);
    if (!(q <= 127)) q = q > 127 ? 127 : 0;
    else if (q < -127) q = -127;
    codes[d] = q;
    const sq = scale * q;
    const e = x - sq;
    cq += sq * sq;
    ce += e * e;
    cx += x * x;
  }
  const bad = !Number.isFinite(cx) || !Number.isFinite(scale);
  norms.scale[r] = scale;
  norms.codeNorm[r] = bad ? NaN : Math.sqrt(cq) * ROUND_UP;
  norms.residualNorm[r] = bad ? NaN : Math.sqrt(ce) * ROUND_UP;
  norms.norm[r] = bad ? NaN : Math.sqrt(cx) * ROUND_UP;
}

/**
 * Quantises `count` query rows with one scale per row (`max |x_i| / 127`) into uint8 codes
 * `q + 128`, row-major.
 *
 * @param rows Row-major float32 rows (at least `count * dim` values).
 * @param count Rows to quantise.
 * @param dim Row width.
 * @param out Codes, at least `count * dim` long.
 * @param norms Receives each row's scale and norms (at least `count` long).
 *
 * @example
 * ```ts
 * import { quantizedNorms, quantizeQueryRows } from "./_int8_quantize.ts";
 * const out = new Uint8Array(2);
 * const norms = quantizedNorms(1);
 * quantizeQueryRows(new Float32Array([0.6, -0.8]), 1, 2, out, norms);
 * if (out[1] !== 128 - 127 || out[0] !== 128 + 95) throw new Error(`codes ${out}`);
 * ```
 */
export function quantizeQueryRows(
  rows: Float32Array,
  count: number,
  dim: number,
  out: Uint8Array,
  norms: QuantizedNorms,
): void {
  const row = new Int8Array(dim);
  for (let r = 0; r < count; r++) {
    const start = r * dim;
    const m = maxAbs(rows, start, start + dim);
    const inverse = m > 0 && Number.isFinite(m) ? 127 / m : 0;
    quantizeRow(rows, start, dim, m / 127, inverse, row, norms, r);
    for (let d = 0; d < dim; d++) out[start + d] = row[d]! + 128;
  }
}

/**
 * Quantises a gallery block of `count` rows with one scale for the block (`max |y_i| / 127` over
 * all its rows, non-finite values left out of the maximum) into int8 codes transposed to
 * `dim x count` (column `j` is row `j`).
 *
 * @param rows Row-major float32 rows (at least `count * dim` values).
 * @param count Rows in the block.
 * @param dim Row width.
 * @param out Codes, at least `dim * count` long, written as `out[d * count + j]`.
 * @param norms Receives the block scale and each row's norms (at least `count` long).
 * @returns The block's scale.
 *
 * @example
 * ```ts
 * import { quantizedNorms, quantizeGalleryBlock } from "./_int8_quantize.ts";
 * const out = new Int8Array(4);
 * const norms = quantizedNorms(2);
 * const scale = quantizeGalleryBlock(new Float32Array([1, 0, 0, -0.5]), 2, 2, out, norms);
 * if (scale !== 1 / 127 || out.join() !== "127,0,0,-63") throw new Error(`codes ${out}`);
 * ```
 */
export function quantizeGalleryBlock(
  rows: Float32Array,
  count: number,
  dim: number,
  out: Int8Array,
  norms: QuantizedNorms,
): number {
  let m = 0;
  for (let i = 0; i < count * dim; i++) {
    const a = Math.abs(rows[i]!);
    if (a > m && a !== Infinity) m = a;
  }
  const scale = m / 127;
  const inverse = m > 0 ? 127 / m : 0;
  // Rows are quantised a tile at a time and the tile is written out column by column, so the
  // transposed writes are runs of TILE bytes rather than one byte per page.
  const tile = new Int8Array(TILE * dim);
  for (let j0 = 0; j0 < count; j0 += TILE) {
    const n = Math.min(TILE, count - j0);
    for (let t = 0; t < n; t++) {
      const j = j0 + t;
      quantizeRow(rows, j * dim, dim, scale, inverse, tile.subarray(t * dim), norms, j);
    }
    for (let d = 0; d < dim; d++) {
      const o = d * count + j0;
      for (let t = 0; t < n; t++) out[o + t] = tile[t * dim + d]!;
    }
  }
  return scale;
}
