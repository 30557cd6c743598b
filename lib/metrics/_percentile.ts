/**
 * Percentiles by numpy's default `'linear'` method (Hyndman–Fan type 7), with numpy's own
 * interpolation arithmetic so that results agree bit for bit with `np.percentile`.
 *
 * @module
 */

/**
 * The `q`-th percentile of values already sorted ascending, as `np.percentile(v, q)`:
 * virtual index `(n − 1)·(q/100)`, then `a + (b − a)·γ` for γ < 0.5 and `b − (b − a)·(1 − γ)`
 * otherwise (numpy's `_lerp`).
 *
 * @param sorted Values sorted ascending, no NaN.
 * @param q Percentile in [0, 100].
 * @returns The percentile.
 * @throws {RangeError} When `sorted` is empty or `q` is outside [0, 100].
 *
 * @example
 * ```ts
 * import { percentileSorted } from "./_percentile.ts";
 * if (percentileSorted(new Float64Array([1, 2, 3, 4]), 25) !== 1.75) throw new Error("unexpected");
 * ```
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("Cannot take a percentile of no values: current length is 0");
  if (!(q >= 0 && q <= 100)) {
    throw new RangeError(`Cannot take a percentile: q must be in [0, 100], current value is ${q}`);
  }
  const virtual = (n - 1) * (q / 100);
  const below = Math.floor(virtual);
  const lower = Math.min(Math.max(below, 0), n - 1);
  const upper = Math.min(below + 1, n - 1);
  const gamma = virtual - below;
  const a = sorted[lower]!, b = sorted[upper]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/**
 * The `q`-th percentile of unsorted values (sorted on a copy), as `np.percentile(values, q)`.
 *
 * @param values Values, no NaN.
 * @param q Percentile in [0, 100].
 * @returns The percentile.
 * @throws {RangeError} When `values` is empty, holds NaN, or `q` is outside [0, 100].
 *
 * @example
 * ```ts
 * import { percentile } from "./_percentile.ts";
 * if (percentile([4, 1, 3, 2], 50) !== 2.5) throw new Error("unexpected");
 * ```
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values);
  for (let i = 0; i < sorted.length; i++) {
    if (Number.isNaN(sorted[i])) {
      throw new RangeError(`Cannot take a percentile: value at index ${i} is NaN`);
    }
  }
  return percentileSorted(sorted.sort(), q);
}
