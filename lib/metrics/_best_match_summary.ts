/**
 * Summary statistics of a best-match similarity column: count, mean, median, extremes, and the
 * share of samples whose best real match reaches each of a set of verification thresholds.
 *
 * @module
 */
import { numpyMean } from "./_numpy_sum.ts";
import { percentileSorted } from "./_percentile.ts";

/** Options of {@linkcode summarizeBestMatches}. */
export interface BestMatchSummaryOptions {
  /**
   * Thresholds at which to count a best match as a verified match (score >= threshold).
   * @default [0.3, 0.4, 0.5]
   */
  thresholds?: readonly number[];
}

/** Summary of one dataset's best matches. */
export interface BestMatchSummary {
  /** Number of samples. */
  n: number;
  /** Mean similarity (`np.mean`). */
  mean: number;
  /** Median similarity (`np.median`). */
  median: number;
  /** Lowest similarity. */
  min: number;
  /** Highest similarity. */
  max: number;
  /** The thresholds, as given. */
  thresholds: number[];
  /** `shareAbove[k]` = fraction of samples with similarity >= `thresholds[k]`. */
  shareAbove: Float64Array;
}

/**
 * Summarises best-match similarities as numpy does (`np.mean`, and `np.median` on a sorted copy).
 *
 * @param similarity Best-match cosine similarity of each sample.
 * @param options The thresholds.
 * @returns The summary.
 * @throws {RangeError} When `similarity` is empty or holds a non-finite value.
 *
 * @example
 * ```ts
 * import { summarizeBestMatches } from "./_best_match_summary.ts";
 * const s = summarizeBestMatches(new Float64Array([0.1, 0.4, 0.5, 0.9]), { thresholds: [0.5] });
 * if (s.median !== 0.45 || s.shareAbove[0] !== 0.5 || s.max !== 0.9) throw new Error("unexpected");
 * ```
 */
export function summarizeBestMatches(
  similarity: ArrayLike<number>,
  options: BestMatchSummaryOptions = {},
): BestMatchSummary {
  const { thresholds = [0.3, 0.4, 0.5] } = options;
  const n = similarity.length;
  if (n === 0) throw new RangeError("Cannot summarise best matches: current count is 0");
  const sorted = Float64Array.from(similarity);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(sorted[i])) {
      throw new RangeError(`Cannot summarise best matches: value ${i} is ${sorted[i]}`);
    }
  }
  const mean = numpyMean(sorted);
  sorted.sort();
  const shareAbove = new Float64Array(thresholds.length);
  thresholds.forEach((t, k) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    shareAbove[k] = (n - lo) / n;
  });
  return {
    n,
    mean,
    median: percentileSorted(sorted, 50),
    min: sorted[0]!,
    max: sorted[n - 1]!,
    thresholds: [...thresholds],
    shareAbove,
  };
}
