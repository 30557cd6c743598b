/**
 * Verification curves from genuine and impostor similarity scores, as scikit-learn computes them:
 * {@linkcode rocCurve} equals `sklearn.metrics.roc_curve(y, s)` (with its default
 * `drop_intermediate=True`) and {@linkcode detCurve} equals `sklearn.metrics.det_curve(y, s)`, where
 * `y` is 1 for a genuine and 0 for an impostor score. Both walk the distinct scores of
 * genuine ∪ impostor from the highest down (scikit-learn's `_binary_clf_curve`): at threshold `t` a
 * comparison is accepted when `score >= t`, so FMR = #{imp >= t} / I and FNMR = #{gen < t} / G, the
 * rule of pyeer and of {@linkcode eerStats}. Rates are count / total in float64, as numpy divides.
 *
 * {@linkcode probit} (the standard normal quantile, Wichura's AS 241) places rates on the
 * normal-deviate axes of a DET plot.
 *
 * @module
 */
import { type Scores, scoreTally } from "./_score_tally.ts";

/** A ROC curve as `roc_curve` returns it. */
export interface RocCurve {
  /** False match rate per point, non-decreasing, from 0 to 1. */
  fmr: Float64Array;
  /** True match rate (1 − FNMR) per point, non-decreasing, from 0 to 1. */
  tmr: Float64Array;
  /**
   * Threshold per point, decreasing. The first is `Infinity` (scikit-learn ≥ 1.3; 1.2 writes the
   * highest score + 1), the threshold above every score where the curve starts at (0, 0).
   */
  thresholds: Float64Array;
}

/** A DET curve as `det_curve` returns it. */
export interface DetCurve {
  /** False match rate per point, non-increasing. */
  fmr: Float64Array;
  /** False non-match rate per point, non-decreasing. */
  fnmr: Float64Array;
  /** Threshold per point, increasing. */
  thresholds: Float64Array;
}

/** Options of {@linkcode rocCurve}. */
export interface RocCurveOptions {
  /** Drop points on straight segments of the curve, as `roc_curve`'s `drop_intermediate`. @default true */
  dropIntermediate?: boolean;
}

/** Cumulative counts from the highest distinct score down: `_binary_clf_curve`'s output. */
interface DescendingCounts {
  /** Distinct scores, decreasing. */
  thresholds: Float64Array;
  /** #{gen >= thresholds[k]}. */
  tps: Float64Array;
  /** #{imp >= thresholds[k]}. */
  fps: Float64Array;
}

function descendingCounts(genuine: Scores, impostor: Scores): DescendingCounts {
  const tally = scoreTally(genuine, impostor);
  const k = tally.thresholds.length;
  const thresholds = new Float64Array(k), tps = new Float64Array(k), fps = new Float64Array(k);
  const gc = tally.genuine.counts, ic = tally.impostor.counts;
  let g = gc.length - 1, i = ic.length - 1, tp = 0, fp = 0;
  for (let t = k - 1, out = 0; t >= 0; t--, out++) {
    const m = tally.membership[t]!;
    if (m & 1) tp += gc[g--]!;
    if (m & 2) fp += ic[i--]!;
    thresholds[out] = tally.thresholds[t]!;
    tps[out] = tp;
    fps[out] = fp;
  }
  return { thresholds, tps, fps };
}

/**
 * The ROC curve of `sklearn.metrics.roc_curve` on genuine (label 1) and impostor (label 0) scores.
 *
 * @param genuine Mated similarity scores.
 * @param impostor Non-mated similarity scores.
 * @param options Whether to drop the points on straight segments (default true, as scikit-learn).
 * @returns FMR, TMR and thresholds, starting at (0, 0) with threshold `Infinity`.
 * @throws {RangeError} When a list is empty or holds a NaN or infinite value.
 *
 * @example
 * ```ts
 * import { rocCurve } from "./_det_roc.ts";
 * import assert from "node:assert/strict";
 * const roc = rocCurve([0.35, 0.8], [0.1, 0.4]);
 * assert.deepEqual(Array.from(roc.fmr), [0, 0, 0.5, 0.5, 1]);
 * assert.deepEqual(Array.from(roc.tmr), [0, 0.5, 0.5, 1, 1]);
 * assert.deepEqual(Array.from(roc.thresholds), [Infinity, 0.8, 0.4, 0.35, 0.1]);
 * ```
 */
export function rocCurve(
  genuine: Scores,
  impostor: Scores,
  options: RocCurveOptions = {},
): RocCurve {
  const { dropIntermediate = true } = options;
  const { thresholds, tps, fps } = descendingCounts(genuine, impostor);
  const k = thresholds.length;
  let keep: Uint32Array;
  if (dropIntermediate && k > 2) {
    // scikit-learn keeps a point where either second difference is non-zero, and both ends.
    const kept = new Uint32Array(k);
    let n = 0;
    kept[n++] = 0;
    for (let t = 1; t < k - 1; t++) {
      const d2f = fps[t + 1]! - 2 * fps[t]! + fps[t - 1]!;
      const d2t = tps[t + 1]! - 2 * tps[t]! + tps[t - 1]!;
      if (d2f !== 0 || d2t !== 0) kept[n++] = t;
    }
    kept[n++] = k - 1;
    keep = kept.subarray(0, n);
  } else {
    keep = Uint32Array.from({ length: k }, (_, t) => t);
  }
  const n = keep.length + 1;
  const fmr = new Float64Array(n), tmr = new Float64Array(n), thr = new Float64Array(n);
  const pTotal = tps[k - 1]!, nTotal = fps[k - 1]!;
  thr[0] = Infinity;
  for (let j = 0; j < keep.length; j++) {
    const t = keep[j]!;
    fmr[j + 1] = fps[t]! / nTotal;
    tmr[j + 1] = tps[t]! / pTotal;
    thr[j + 1] = thresholds[t]!;
  }
  return { fmr, tmr, thresholds: thr };
}

/**
 * The DET curve of `sklearn.metrics.det_curve` on genuine (label 1) and impostor (label 0)
 * scores: the distinct thresholds from the highest one that still accepts every genuine score
 * (FNMR 0) up to the lowest one whose FMR is already the curve's smallest, in increasing order, so
 * FMR falls and FNMR rises along the arrays.
 *
 * @param genuine Mated similarity scores.
 * @param impostor Non-mated similarity scores.
 * @returns FMR, FNMR and thresholds.
 * @throws {RangeError} When a list is empty or holds a NaN or infinite value.
 *
 * @example
 * ```ts
 * import { detCurve } from "./_det_roc.ts";
 * import assert from "node:assert/strict";
 * const det = detCurve([0.35, 0.8], [0.1, 0.4]);
 * assert.deepEqual(Array.from(det.fmr), [0.5, 0.5, 0]);
 * assert.deepEqual(Array.from(det.fnmr), [0, 0.5, 0.5]);
 * assert.deepEqual(Array.from(det.thresholds), [0.35, 0.4, 0.8]);
 * ```
 */
export function detCurve(genuine: Scores, impostor: Scores): DetCurve {
  const { thresholds, tps, fps } = descendingCounts(genuine, impostor);
  const k = thresholds.length;
  const pTotal = tps[k - 1]!, nTotal = fps[k - 1]!;
  // first = the last index whose fps equals fps[0] (searchsorted right − 1, never below 0);
  // last = the first index whose tps reaches the total (searchsorted left), inclusive.
  let first = 0;
  while (first + 1 < k && fps[first + 1] === fps[0]) first++;
  let last = 0;
  while (tps[last]! < pTotal) last++;
  const n = last - first + 1;
  const fmr = new Float64Array(n), fnmr = new Float64Array(n), thr = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const t = last - j;
    fmr[j] = fps[t]! / nTotal;
    fnmr[j] = (pTotal - tps[t]!) / pTotal;
    thr[j] = thresholds[t]!;
  }
  return { fmr, fnmr, thresholds: thr };
}

/** Evaluates a polynomial with coefficients from the constant term up (Horner). */
function poly(c: readonly number[], x: number): number {
  let y = 0;
  for (let i = c.length - 1; i >= 0; i--) y = y * x + c[i]!;
  return y;
}

// Wichura (1988), Algorithm AS 241 PPND16, accurate to about 1e-16.
const A = [
  3.387132872796366608,
  133.14166789178437745,
  1971.5909503065514427,
  13731.693765509461125,
  45921.953931549871457,
  67265.770927008700853,
  33430.575583588128105,
  2509.0809287301226727,
];
const B = [
  1,
  42.313330701600911252,
  687.1870074920579083,
  5394.1960214247511077,
  21213.794301586595867,
  39307.89580009271061,
  28729.085735721942674,
  5226.495278852854561,
];
const C = [
  1.42343711074968357734,
  4.6303378461565452959,
  5.7694972214606914055,
  3.64784832476320460504,
  1.27045825245236838258,
  0.24178072517745061177,
  0.0227238449892691845833,
  7.7454501427834140764e-4,
];
const D = [
  1,
  2.05319162663775882187,
  1.6763848301838038494,
  0.68976733498510000455,
  0.14810397642748007459,
  0.0151986665636164571966,
  5.475938084995344946e-4,
  1.05075007164441684324e-9,
];
const E = [
  6.6579046435011037772,
  5.4637849111641143699,
  1.7848265399172913358,
  0.29656057182850489123,
  0.026532189526576123093,
  0.0012426609473880784386,
  2.71155556874348757815e-5,
  2.01033439929228813265e-7,
];
const F = [
  1,
  0.59983220655588793769,
  0.13692988092273580531,
  0.0148753612908506148525,
  7.868691311456132591e-4,
  1.8463183175100546818e-5,
  1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];

/**
 * The standard normal quantile Φ⁻¹(p) (Wichura's algorithm AS 241, PPND16): the normal deviate
 * that a DET plot puts a rate at. `probit(0)` is `-Infinity`, `probit(1)` is `Infinity`.
 *
 * @param p A probability in [0, 1].
 * @returns Φ⁻¹(p).
 * @throws {RangeError} When `p` is outside [0, 1] or NaN.
 *
 * @example
 * ```ts
 * import { probit } from "./_det_roc.ts";
 * if (probit(0.5) !== 0 || Math.abs(probit(0.975) - 1.959963984540054) > 1e-14) {
 *   throw new Error("unexpected quantile");
 * }
 * ```
 */
export function probit(p: number): number {
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(
      `Cannot take the normal quantile: p must be in [0, 1], current value is ${p}`,
    );
  }
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(A, r)) / poly(B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(C, r) / poly(D, r);
  } else {
    r -= 5;
    x = poly(E, r) / poly(F, r);
  }
  return q < 0 ? -x : x;
}
