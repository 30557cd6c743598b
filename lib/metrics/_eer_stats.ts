/**
 * Every statistic of pyeer's `get_eer_stats(gen, imp, hformat=False, ds_scores=False)` (pyeer
 * 0.5.x), reproduced bit for bit: the ROC arrays over the distinct scores, the EER by pyeer's
 * two-threshold rule, the "nearest FMR" operating points, AUC, Youden's J, MCC, and the
 * distribution statistics with numpy's summation. Scores are similarities: a comparison is
 * accepted when `score >= threshold`.
 *
 * @module
 */
import { numpyMean, numpyStd, numpySum } from "./_numpy_sum.ts";
import { finiteScores, type Scores, type ScoreTally, scoreTally } from "./_score_tally.ts";

/** pyeer's `Stats` without the echoed input scores. Field names follow pyeer. */
export interface EerStats {
  /** Distinct genuine ∪ impostor scores, ascending. */
  thrs: Float64Array;
  /** False match rate at each threshold: `#{imp >= t} / I`. */
  fmr: Float64Array;
  /** False non-match rate at each threshold: `#{gen < t} / G`. */
  fnmr: Float64Array;
  /** Area under the ROC over the observed thresholds (pyeer's trapezoid, no (0,0) anchor). */
  auc: number;
  /** Largest Youden's J (`1 - fnmr - fmr`) over the thresholds. */
  j_index: number;
  /** The first threshold of the largest Youden's J. */
  j_index_th: number;
  /** Largest Matthews correlation coefficient over the thresholds. */
  mccoef: number;
  /** The first threshold of the largest MCC. */
  mccoef_th: number;
  /** FNMR at the FMR nearest to 0. */
  fmr0: number;
  /** FNMR at the FMR nearest to 0.001 (pyeer's FMR1000). */
  fmr1000: number;
  /** FNMR at the FMR nearest to 0.01 (pyeer's FMR100). */
  fmr100: number;
  /** FNMR at the FMR nearest to 0.05. */
  fmr20: number;
  /** FNMR at the FMR nearest to 0.1. */
  fmr10: number;
  /** FMR at the last threshold with FNMR 0 (the lowest genuine score). */
  fnmr0: number;
  /** Threshold of `fmr0`. */
  fmr0_th: number;
  /** Threshold of `fmr1000`. */
  fmr1000_th: number;
  /** Threshold of `fmr100`. */
  fmr100_th: number;
  /** Threshold of `fmr20`. */
  fmr20_th: number;
  /** Threshold of `fmr10`. */
  fmr10_th: number;
  /** Threshold of `fnmr0`. */
  fnmr0_th: number;
  /** Genuine mean (np.mean). */
  gmean: number;
  /** Genuine standard deviation, ddof 0 (np.std). */
  gstd: number;
  /** Impostor mean (np.mean). */
  imean: number;
  /** Impostor standard deviation, ddof 0 (np.std). */
  istd: number;
  /** Sensitivity index d'. */
  decidability: number;
  /** Equal error rate: the midpoint of FMR and FNMR at pyeer's chosen threshold. */
  eer: number;
  /** The smaller of FMR and FNMR at the EER threshold. */
  eer_low: number;
  /** The larger of FMR and FNMR at the EER threshold. */
  eer_high: number;
  /** The EER threshold. */
  eer_th: number;
}

/** False match and non-match counts at each threshold of a tally. */
export interface ErrorCounts {
  /** `#{imp >= thresholds[k]}`. */
  falseMatches: Float64Array;
  /** `#{gen < thresholds[k]}`. */
  falseNonMatches: Float64Array;
}

/**
 * Counts false matches and false non-matches at every threshold of a tally.
 *
 * @param tally The tally of both lists.
 * @returns Integer-valued float64 columns, one entry per threshold.
 *
 * @example
 * ```ts
 * import { errorCounts } from "./_eer_stats.ts";
 * import { scoreTally } from "./_score_tally.ts";
 * const c = errorCounts(scoreTally([0.9, 0.5], [0.5, 0.1]));
 * if (c.falseMatches.join() !== "2,1,0" || c.falseNonMatches.join() !== "0,0,1") throw new Error("unexpected");
 * ```
 */
export function errorCounts(tally: ScoreTally): ErrorCounts {
  const { thresholds, membership, genuine, impostor } = tally;
  const k = thresholds.length;
  const falseMatches = new Float64Array(k);
  const falseNonMatches = new Float64Array(k);
  let gi = 0, ii = 0, genBelow = 0, impBelow = 0;
  const impTotal = impostor.total;
  for (let t = 0; t < k; t++) {
    falseMatches[t] = impTotal - impBelow;
    falseNonMatches[t] = genBelow;
    const m = membership[t]!;
    if (m & 1) genBelow += genuine.counts[gi++]!;
    if (m & 2) impBelow += impostor.counts[ii++]!;
  }
  return { falseMatches, falseNonMatches };
}

/** The pyeer "EER" choice at given rates. */
export interface EerPoint {
  /** The midpoint of FMR and FNMR at the chosen index. */
  eer: number;
  /** The smaller of the two rates there. */
  eerLow: number;
  /** The larger of the two rates there. */
  eerHigh: number;
  /** Index into the thresholds. */
  index: number;
}

/**
 * pyeer's EER rule over the rate arrays: the first index `b` where `fmr - fnmr <= 0`, its
 * predecessor `a` (unless the difference is exactly 0 or `b` is 0), and of the two the one with the
 * smaller `fmr + fnmr` (ties to `a`); the EER is the midpoint of the two rates there. With no
 * crossing, EER = 1 at index 0.
 *
 * @param fmr False match rates, non-increasing.
 * @param fnmr False non-match rates, non-decreasing.
 * @returns The EER, its low and high rates, and the chosen index.
 * @throws {RangeError} When the arrays are empty or differ in length.
 *
 * @example
 * ```ts
 * import { eerPoint } from "./_eer_stats.ts";
 * const p = eerPoint(new Float64Array([1, 0.5, 0]), new Float64Array([0, 0.5, 1]));
 * if (p.eer !== 0.5 || p.index !== 1) throw new Error("unexpected");
 * ```
 */
export function eerPoint(fmr: Float64Array, fnmr: Float64Array): EerPoint {
  const k = fmr.length;
  if (k === 0 || fnmr.length !== k) {
    throw new RangeError(
      `Cannot find the EER: the rate arrays hold ${k} and ${fnmr.length} values`,
    );
  }
  let b = -1;
  for (let t = 0; t < k; t++) {
    if (fmr[t]! - fnmr[t]! <= 0) {
      b = t;
      break;
    }
  }
  if (b < 0) return { eer: 1, eerLow: 1, eerHigh: 1, index: 0 };
  const a = fmr[b]! - fnmr[b]! !== 0 && b !== 0 ? b - 1 : b;
  const idx = fmr[a]! + fnmr[a]! <= fmr[b]! + fnmr[b]! ? a : b;
  const x = fmr[idx]!, y = fnmr[idx]!;
  return { eer: (y + x) / 2, eerLow: Math.min(x, y), eerHigh: Math.max(x, y), index: idx };
}

/**
 * pyeer's operating point: the first index whose FMR is nearest to `target`
 * (`argmin |fmr - target|`; the chosen FMR may lie above the target).
 *
 * @param fmr False match rates.
 * @param target The FMR aimed at, e.g. 0.01 for FMR100.
 * @returns The index.
 * @throws {RangeError} When `fmr` is empty.
 *
 * @example
 * ```ts
 * import { nearestFmrIndex } from "./_eer_stats.ts";
 * if (nearestFmrIndex(new Float64Array([1, 0.2, 0]), 0.1) !== 1) throw new Error("ties go first");
 * ```
 */
export function nearestFmrIndex(fmr: Float64Array, target: number): number {
  if (fmr.length === 0) throw new RangeError("Cannot find an operating point: current length is 0");
  let best = 0;
  let bestDistance = Math.abs(fmr[0]! - target);
  for (let t = 1; t < fmr.length; t++) {
    const d = Math.abs(fmr[t]! - target);
    if (d < bestDistance) {
      bestDistance = d;
      best = t;
    }
  }
  return best;
}

function firstArgmax(values: Float64Array): number {
  let best = 0;
  for (let t = 1; t < values.length; t++) if (values[t]! > values[best]!) best = t;
  return best;
}

/**
 * Every field of pyeer's `get_eer_stats(genuine, impostor)` except the echoed inputs, bit-exact.
 * Float32 input is widened to float64 first, as the original's Python lists were.
 *
 * @param genuine Mated similarity scores, all finite.
 * @param impostor Non-mated similarity scores, all finite.
 * @returns The statistics, with `thrs`, `fmr` and `fnmr` as `Float64Array`.
 * @throws {RangeError} When a list is empty or holds a NaN or infinite value.
 *
 * @example
 * ```ts
 * import { eerStats } from "./_eer_stats.ts";
 * const s = eerStats([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75]);
 * if (s.eer !== 0.225 || s.eer_th !== 0.7 || s.fmr10 !== 0.25) throw new Error("unexpected");
 * ```
 */
export function eerStats(genuine: Scores, impostor: Scores): EerStats {
  const gen = finiteScores(genuine, "genuine scores");
  const imp = finiteScores(impostor, "impostor scores");
  return eerStatsFromTally(scoreTally(gen, imp), gen, imp);
}

/**
 * {@linkcode eerStats} from an existing tally; the means and deviations are summed over the
 * scores in the given order, as numpy does.
 *
 * @param tally The tally of `genuine` and `impostor`.
 * @param genuine The genuine scores, finite.
 * @param impostor The impostor scores, finite.
 * @returns The statistics.
 * @throws {RangeError} When the lengths disagree with the tally.
 *
 * @example
 * ```ts
 * import { eerStatsFromTally } from "./_eer_stats.ts";
 * import { scoreTally } from "./_score_tally.ts";
 * const s = eerStatsFromTally(scoreTally([0.7, 0.8, 0.9], [0.1, 0.2]), [0.7, 0.8, 0.9], [0.1, 0.2]);
 * if (s.eer !== 0 || s.auc !== 1) throw new Error("unexpected");
 * ```
 */
export function eerStatsFromTally(
  tally: ScoreTally,
  genuine: Scores,
  impostor: Scores,
): EerStats {
  const gTotal = tally.genuine.total, iTotal = tally.impostor.total;
  if (genuine.length !== gTotal || impostor.length !== iTotal) {
    throw new RangeError(
      `Cannot compute the statistics from this tally: it counts ${gTotal} and ${iTotal} scores, current lengths are ${genuine.length} and ${impostor.length}`,
    );
  }
  const thrs = tally.thresholds;
  const k = thrs.length;
  const { falseMatches: fm, falseNonMatches: fnm } = errorCounts(tally);
  const fmr = new Float64Array(k);
  const fnmr = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    fmr[t] = fm[t]! / iTotal;
    fnmr[t] = fnm[t]! / gTotal;
  }

  const terms = new Float64Array(Math.max(k - 1, 0));
  for (let t = 0; t + 1 < k; t++) {
    const tpr0 = 1 - fnmr[t]!, tpr1 = 1 - fnmr[t + 1]!;
    terms[t] = (fmr[t]! - fmr[t + 1]!) * (tpr0 + (tpr1 - tpr0) / 2);
  }
  const auc = numpySum(terms);

  const j = new Float64Array(k);
  const mcc = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    j[t] = (1 - fnmr[t]!) - fmr[t]!;
    const tp = gTotal - fnm[t]!, tn = iTotal - fm[t]!;
    const num = tp * tn - fm[t]! * fnm[t]!;
    let den = (Math.sqrt(tp + fm[t]!) * Math.sqrt(tp + fnm[t]!)) *
      (Math.sqrt(tn + fm[t]!) * Math.sqrt(tn + fnm[t]!));
    if (den === 0) den = 1;
    mcc[t] = num / den;
  }
  const jIdx = firstArgmax(j);
  const mccIdx = firstArgmax(mcc);

  const at = (target: number) => nearestFmrIndex(fmr, target);
  const i0 = at(0), i1000 = at(0.001), i100 = at(0.01), i20 = at(0.05), i10 = at(0.1);
  let iFnmr0 = 0;
  for (let t = 0; t < k; t++) if (fnmr[t] === 0) iFnmr0 = t;

  const gmean = numpyMean(genuine), imean = numpyMean(impostor);
  const gstd = numpyStd(genuine, gmean), istd = numpyStd(impostor, imean);
  const decidability = gstd === 0 && istd === 0
    ? 1
    : Math.abs(gmean - imean) / Math.sqrt(0.5 * (gstd ** 2 + istd ** 2));

  const e = eerPoint(fmr, fnmr);
  return {
    thrs,
    fmr,
    fnmr,
    auc,
    j_index: j[jIdx]!,
    j_index_th: thrs[jIdx]!,
    mccoef: mcc[mccIdx]!,
    mccoef_th: thrs[mccIdx]!,
    fmr0: fnmr[i0]!,
    fmr1000: fnmr[i1000]!,
    fmr100: fnmr[i100]!,
    fmr20: fnmr[i20]!,
    fmr10: fnmr[i10]!,
    fnmr0: fmr[iFnmr0]!,
    fmr0_th: thrs[i0]!,
    fmr1000_th: thrs[i1000]!,
    fmr100_th: thrs[i100]!,
    fmr20_th: thrs[i20]!,
    fmr10_th: thrs[i10]!,
    fnmr0_th: thrs[iFnmr0]!,
    gmean,
    gstd,
    imean,
    istd,
    decidability,
    eer: e.eer,
    eer_low: e.eerLow,
    eer_high: e.eerHigh,
    eer_th: thrs[e.index]!,
  };
}
