/**
 * The univariate Gaussian kernel density estimate that seaborn's `kdeplot(x)` draws (seaborn
 * 0.12/0.13 over scipy's `gaussian_kde`): Scott's bandwidth on the ddof-1 variance, a 200-point
 * grid reaching 3 bandwidths beyond the data, no renormalisation after clipping.
 *
 * @module
 */
import { numpySum } from "./numpy_sum.ts";
import type { Scores } from "./score_tally.ts";

/** Options of {@linkcode kde}. */
export interface KdeOptions {
  /** Number of grid points. @default 200 */
  gridsize?: number;
  /** How many bandwidths the grid extends past the extreme data points. @default 3 */
  cut?: number;
  /** Bounds the grid never leaves. @default [-Infinity, Infinity] */
  clip?: [number, number];
  /** Factor on Scott's bandwidth. @default 1 */
  bwAdjust?: number;
}

/** A density curve on a regular grid. */
export interface KdeCurve {
  /** Grid points, ascending. */
  x: Float64Array;
  /** Density at each grid point. */
  y: Float64Array;
  /** Kernel standard deviation h. */
  bandwidth: number;
  /** Number of finite values used. */
  n: number;
}

/**
 * Gaussian KDE as seaborn computes it for `kdeplot(values)`. NaN and infinite values are dropped;
 * with fewer than 2 values left, or all of them equal, seaborn draws nothing and this returns
 * `null`. The kernel sum runs over the data once per grid point without an n × grid matrix, in
 * data order as scipy does, so millions of values need no extra memory.
 *
 * Bandwidth: `σ² = Σ w(x − x̄)² / (1 − Σw²)` with `w = 1/n` (numpy `cov` with `aweights`),
 * `h = σ · n^(−1/5) · bwAdjust`. Grid: `np.linspace(max(min − cut·h, clip₀), min(max + cut·h,
 * clip₁), gridsize)`. Density: `Σ (1/n) · exp(−½(x_i/h − g/h)²) / (h√(2π))`.
 *
 * @param values The sample.
 * @param options Grid size, cut, clip and bandwidth factor.
 * @returns The curve, or `null` when seaborn would draw nothing.
 * @throws {RangeError} When `gridsize` is below 2, or `cut` or `bwAdjust` is negative or not finite.
 *
 * @example
 * ```ts
 * import { kde } from "./kde.ts";
 * const curve = kde([0.9, 0.8, 0.7, 0.4]);
 * if (!curve || curve.x.length !== 200 || Math.abs(curve.y[0] - 0.006772986899458403) > 1e-15) {
 *   throw new Error("unexpected");
 * }
 * if (kde([1, 1, 1]) !== null) throw new Error("constant data draws nothing");
 * ```
 */
export function kde(values: Scores, options: KdeOptions = {}): KdeCurve | null {
  const { gridsize = 200, cut = 3, clip = [-Infinity, Infinity], bwAdjust = 1 } = options;
  if (!Number.isInteger(gridsize) || gridsize < 2) {
    throw new RangeError(
      `Cannot estimate a density on this grid: gridsize must be an integer >= 2, current value is ${gridsize}`,
    );
  }
  if (!(cut >= 0 && Number.isFinite(cut))) {
    throw new RangeError(
      `Cannot estimate a density: cut must be finite and >= 0, current value is ${cut}`,
    );
  }
  if (!(bwAdjust > 0 && Number.isFinite(bwAdjust))) {
    throw new RangeError(
      `Cannot estimate a density: bwAdjust must be finite and > 0, current value is ${bwAdjust}`,
    );
  }
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  const data = new Float64Array(n);
  let min = Infinity, max = -Infinity;
  for (let i = 0, k = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    data[k++] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n < 2 || min === max) return null;

  const weight = 1 / n;
  const weighted = new Float64Array(n);
  for (let i = 0; i < n; i++) weighted[i] = data[i] * weight;
  const weights = new Float64Array(n).fill(weight);
  const weightSum = numpySum(weights);
  const mean = numpySum(weighted) / weightSum;
  for (let i = 0; i < n; i++) weights[i] = weight * weight;
  const squaredWeightSum = numpySum(weights);
  const fact = weightSum - squaredWeightSum / weightSum;
  let dot = 0;
  for (let i = 0; i < n; i++) {
    const d = data[i] - mean;
    dot += d * (d * weight);
  }
  const variance = dot * (1 / fact);
  const neff = 1 / squaredWeightSum;
  const factor = Math.pow(neff, -1 / 5) * bwAdjust;
  const h = Math.sqrt(variance * (factor * factor));

  const lo = Math.max(min - h * cut, clip[0]);
  const hi = Math.min(max + h * cut, clip[1]);
  const x = new Float64Array(gridsize);
  const step = (hi - lo) / (gridsize - 1);
  for (let k = 0; k < gridsize; k++) x[k] = k * step + lo;
  x[gridsize - 1] = hi;

  const scaledGrid = new Float64Array(gridsize);
  for (let k = 0; k < gridsize; k++) scaledGrid[k] = x[k] / h;
  const norm = Math.pow(2 * Math.PI, -0.5) / h;
  const y = new Float64Array(gridsize);
  for (let i = 0; i < n; i++) {
    const p = data[i] / h;
    for (let k = 0; k < gridsize; k++) {
      const r = p - scaledGrid[k];
      y[k] += weight * (Math.exp(-(r * r) / 2) * norm);
    }
  }
  return { x, y, bandwidth: h, n };
}
