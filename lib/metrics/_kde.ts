/**
 * The univariate Gaussian kernel density estimate that seaborn's `kdeplot(x)` draws (seaborn
 * 0.12/0.13 over scipy's `gaussian_kde`): Scott's bandwidth on the ddof-1 variance, a 200-point
 * grid reaching 3 bandwidths beyond the data, no renormalisation after clipping.
 *
 * @module
 */
import { numpySum } from "./_numpy_sum.ts";
import type { Scores } from "./_score_tally.ts";

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

/** Beyond this many bandwidths exp(−r²/2) underflows to 0 in float64. */
const UNDERFLOW_RADIUS = 38.7;
/** Grid points between exact evaluations of the kernel in the recurrence. */
const ANCHOR_EVERY = 16;

/**
 * Adds `scale · exp(−½(x_i/h − g_k)²)` of every data point to `y` at every scaled grid point `g`.
 * Per data point only the grid points within {@linkcode UNDERFLOW_RADIUS} (where the kernel is
 * non-zero in float64) are visited, and along the regular grid the kernel follows the exact
 * recurrence `E_{k+1} = E_k·Q_k`, `Q_{k+1} = Q_k·e^{−a²}` (a the scaled step), re-anchored with
 * `Math.exp` every {@linkcode ANCHOR_EVERY} points, which keeps the relative error below 1e-13.
 */
function addKernels(
  data: Float64Array,
  grid: Float64Array,
  scale: number,
  y: Float64Array,
  h: number,
): void {
  const last = grid.length - 1;
  const a = (grid[last]! - grid[0]!) / last;
  if (!(a > 0)) {
    for (let i = 0; i < data.length; i++) {
      const p = data[i]! / h;
      for (let k = 0; k <= last; k++) y[k]! += scale * Math.exp(-((p - grid[k]!) ** 2) / 2);
    }
    return;
  }
  const decay = Math.exp(-a * a);
  for (let i = 0; i < data.length; i++) {
    const p = data[i]! / h;
    const lo = Math.max(0, Math.ceil((p - UNDERFLOW_RADIUS - grid[0]!) / a));
    const hi = Math.min(last, Math.floor((p + UNDERFLOW_RADIUS - grid[0]!) / a));
    for (let start = lo; start <= hi; start += ANCHOR_EVERY) {
      const r = p - grid[start]!;
      let e = Math.exp(-(r * r) / 2);
      let q = Math.exp(a * r - (a * a) / 2);
      const end = Math.min(hi, start + ANCHOR_EVERY - 1);
      y[start]! += scale * e;
      for (let k = start + 1; k <= end; k++) {
        e *= q;
        q *= decay;
        y[k]! += scale * e;
      }
    }
  }
}

/**
 * Gaussian KDE as seaborn computes it for `kdeplot(values)`. NaN and infinite values are dropped;
 * with fewer than 2 values left, or all of them equal, seaborn draws nothing and this returns
 * `null`. The kernel sum streams over the data without an n × grid matrix, so millions of values
 * need no extra memory.
 *
 * Bandwidth: `σ² = Σ w(x − x̄)² / (1 − Σw²)` with `w = 1/n` (numpy `cov` with `aweights`),
 * `h = σ · n^(−1/5) · bwAdjust`. Grid: `np.linspace(max(min − cut·h, clip₀), min(max + cut·h,
 * clip₁), gridsize)`. Density: `Σ (1/n) · exp(−½(x_i/h − g/h)²) / (h√(2π))`, evaluated
 * within 1e-13 relative of the direct sum (see `addKernels`).
 *
 * @param values The sample.
 * @param options Grid size, cut, clip and bandwidth factor.
 * @returns The curve, or `null` when seaborn would draw nothing.
 * @throws {RangeError} When `gridsize` is below 2, or `cut` or `bwAdjust` is negative or not finite.
 *
 * @example
 * ```ts
 * import { kde } from "./_kde.ts";
 * const curve = kde([0.9, 0.8, 0.7, 0.4]);
 * if (!curve || curve.x.length !== 200 || Math.abs(curve.y[0]! - 0.006772986899458403) > 1e-15) {
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
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    data[k++] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n < 2 || min === max) return null;

  const weight = 1 / n;
  const weighted = new Float64Array(n);
  for (let i = 0; i < n; i++) weighted[i] = data[i]! * weight;
  const weights = new Float64Array(n).fill(weight);
  const weightSum = numpySum(weights);
  const mean = numpySum(weighted) / weightSum;
  for (let i = 0; i < n; i++) weights[i] = weight * weight;
  const squaredWeightSum = numpySum(weights);
  const fact = weightSum - squaredWeightSum / weightSum;
  let dot = 0;
  for (let i = 0; i < n; i++) {
    const d = data[i]! - mean;
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
  for (let k = 0; k < gridsize; k++) scaledGrid[k] = x[k]! / h;
  const norm = Math.pow(2 * Math.PI, -0.5) / h;
  const y = new Float64Array(gridsize);
  addKernels(data, scaledGrid, weight * norm, y, h);
  return { x, y, bandwidth: h, n };
}
