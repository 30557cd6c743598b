/**
 * L2 normalisation of embedding rows, the kit's one copy: the embedding pipeline normalises the
 * model's output with it, and the search normalises query rows before a cosine search. The sum of
 * squares is accumulated in float64 in row order; each float32 value is divided by the norm and
 * rounded once to float32.
 *
 * The zero-row rule: a row whose sum of squares is 0 (every value +0 or -0) is left as it is, so a
 * zero row stays zero and scores 0 against anything. This is scikit-learn's `normalize` (it
 * divides by 1 where the norm is 0) and `torch.nn.functional.normalize` (it divides by
 * `max(norm, eps)`); it is also what every copy this function replaced did (they skipped the row
 * or divided it by 1), so no embedding file, score or figure of the kit changed with it. A row
 * that holds a NaN has a NaN norm and becomes all NaN.
 *
 * @module
 */

/** Options of {@linkcode normalizeRows}. */
export interface NormalizeRowsOptions {
  /**
   * Where the normalised rows go: `rows` itself or a buffer as long that does not overlap it.
   * @default rows (in place)
   */
  out?: Float32Array;
  /**
   * The norm each value is divided by: `"float32"`, the float64 norm rounded to float32 first (the
   * norm of a float32 row held as float32, as `x / np.linalg.norm(x)` and
   * `torch.nn.functional.normalize` hold it: the embedding pipeline's rule); `"float64"`, the
   * float64 norm itself (the search's rule). The two can differ in the last bit of a value.
   * @default "float32"
   */
  norm?: "float32" | "float64";
}

/**
 * L2-normalises each row of a row-major `n x dim` float32 matrix (see the module documentation
 * for the arithmetic and the zero-row rule).
 *
 * @param rows The matrix, row-major, `n * dim` values.
 * @param dim Row length.
 * @param options The destination (default in place) and the precision of the norm.
 * @returns `out` (or `rows`), the rows divided by their norms.
 * @throws {RangeError} When `dim` is not a positive integer, `rows.length` is not a multiple of
 *   it, or `out` has another length.
 *
 * @example
 * ```ts
 * import { normalizeRows } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const m = normalizeRows(new Float32Array([3, 4, 0, 0]), 2);
 * assert.deepEqual(Array.from(m), [Math.fround(0.6), Math.fround(0.8), 0, 0]); // zero row stays zero
 * const out = new Float32Array(2);
 * normalizeRows(new Float32Array([0, -2]), 2, { out, norm: "float64" });
 * assert.deepEqual(Array.from(out), [0, -1]);
 * ```
 */
export function normalizeRows(
  rows: Float32Array,
  dim: number,
  options: NormalizeRowsOptions = {},
): Float32Array {
  const { out = rows, norm = "float32" } = options;
  if (!Number.isInteger(dim) || dim <= 0 || rows.length % dim !== 0) {
    throw new RangeError(
      `Cannot normalise rows of length ${dim}: current matrix length is ${rows.length}`,
    );
  }
  if (out.length !== rows.length) {
    throw new RangeError(
      `Cannot normalise rows into out: it must hold ${rows.length} values, current length is ${out.length}`,
    );
  }
  if (norm !== "float32" && norm !== "float64") {
    throw new RangeError(
      `Cannot normalise rows: norm must be "float32" or "float64", current value is ${norm}`,
    );
  }
  const roundNorm = norm === "float32";
  const copyZeroRows = out !== rows;
  for (let start = 0; start < rows.length; start += dim) {
    const end = start + dim;
    let sum = 0;
    for (let i = start; i < end; i++) sum += rows[i]! * rows[i]!;
    if (sum === 0) {
      if (copyZeroRows) out.set(rows.subarray(start, end), start);
      continue;
    }
    const divisor = roundNorm ? Math.fround(Math.sqrt(sum)) : Math.sqrt(sum);
    for (let i = start; i < end; i++) out[i] = rows[i]! / divisor;
  }
  return out;
}
