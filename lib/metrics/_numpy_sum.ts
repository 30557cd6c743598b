/**
 * Sums, means and standard deviations that round exactly like numpy's reductions on a contiguous
 * float64 vector (`np.sum`, `np.mean`, `np.std`), so that statistics reproduce pyeer bit for bit.
 *
 * numpy adds a reduction in buffers of 8192 elements, left to right, starting from 0; each buffer
 * is summed pairwise (numpy `pairwise_sum`): fewer than 8 values in a plain loop, up to 128 values
 * with 8 interleaved accumulators combined as `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))` plus the
 * remainder in order, and larger blocks split at `n/2 - (n/2 mod 8)` and recursed.
 *
 * @module
 */

/** Values numpy would hold as a float64 vector. */
export type NumericArray = Float64Array | Float32Array | ArrayLike<number>;

const BUFFER = 8192;
const BLOCK = 128;

function pairwise(a: NumericArray, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= BLOCK) {
    let r0 = a[start]!, r1 = a[start + 1]!, r2 = a[start + 2]!, r3 = a[start + 3]!;
    let r4 = a[start + 4]!, r5 = a[start + 5]!, r6 = a[start + 6]!, r7 = a[start + 7]!;
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const o = start + i;
      r0 += a[o]!;
      r1 += a[o + 1]!;
      r2 += a[o + 2]!;
      r3 += a[o + 3]!;
      r4 += a[o + 4]!;
      r5 += a[o + 5]!;
      r6 += a[o + 6]!;
      r7 += a[o + 7]!;
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, start, n2) + pairwise(a, start + n2, n - n2);
}

/**
 * Sums `values` in the order numpy's `np.sum` uses for a contiguous float64 vector.
 *
 * @param values The values (float32 values are widened to float64 first, as `np.asarray(x, float)`).
 * @returns The sum, bit-identical to `np.sum(np.asarray(values, dtype=float))`; 0 for no values.
 *
 * @example
 * ```ts
 * import { numpySum } from "./_numpy_sum.ts";
 * if (numpySum([0.1, 0.2, 0.3]) !== 0.6000000000000001) throw new Error("unexpected");
 * ```
 */
export function numpySum(values: NumericArray): number {
  const n = values.length;
  let total = 0;
  for (let start = 0; start < n; start += BUFFER) {
    total += pairwise(values, start, Math.min(BUFFER, n - start));
  }
  return total;
}

/**
 * Mean as `np.mean` computes it: `np.sum` divided by the count.
 *
 * @param values The values.
 * @returns The mean.
 * @throws {RangeError} When `values` is empty (numpy returns NaN with a warning).
 *
 * @example
 * ```ts
 * import { numpyMean } from "./_numpy_sum.ts";
 * if (numpyMean([0.9, 0.8, 0.7, 0.4]) !== 0.7000000000000001) throw new Error("unexpected");
 * ```
 */
export function numpyMean(values: NumericArray): number {
  if (values.length === 0) {
    throw new RangeError("Cannot compute the mean of no values: current length is 0");
  }
  return numpySum(values) / values.length;
}

/** Options of {@linkcode numpyVar}. */
export interface NumpyVarOptions {
  /** Delta degrees of freedom: the divisor is `n - ddof`. @default 0 */
  ddof?: number;
  /** The mean if already known (must be {@linkcode numpyMean} of the values for exactness). */
  mean?: number | undefined;
}

/**
 * Variance as `np.var(values, ddof=ddof)` computes it: the mean by `np.sum`, the deviations squared
 * as `x * x`, summed by `np.sum`, divided by `n - ddof`.
 *
 * @param values The values.
 * @param options `ddof` (default 0) and a known `mean`.
 * @returns The variance; NaN when `n - ddof <= 0` (as numpy, which also warns).
 * @throws {RangeError} When `values` is empty.
 *
 * @example
 * ```ts
 * import { numpyVar } from "./_numpy_sum.ts";
 * if (numpyVar([1, 2, 3, 4], { ddof: 1 }) !== 1.6666666666666667) throw new Error("unexpected");
 * ```
 */
export function numpyVar(values: NumericArray, options: NumpyVarOptions = {}): number {
  const n = values.length;
  const { ddof = 0, mean = numpyMean(values) } = options;
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    squares[i] = d * d;
  }
  const divisor = n - ddof;
  return divisor > 0 ? numpySum(squares) / divisor : NaN;
}

/**
 * Population standard deviation (ddof 0) as `np.std` computes it: the square root of
 * {@linkcode numpyVar}.
 *
 * @param values The values.
 * @param mean The mean if already known (must be {@linkcode numpyMean} of `values` for exactness).
 * @returns The standard deviation.
 * @throws {RangeError} When `values` is empty.
 *
 * @example
 * ```ts
 * import { numpyStd } from "./_numpy_sum.ts";
 * if (numpyStd([0.9, 0.8, 0.7, 0.4]) !== 0.18708286933869708) throw new Error("unexpected");
 * ```
 */
export function numpyStd(values: NumericArray, mean?: number): number {
  return Math.sqrt(numpyVar(values, { mean }));
}
