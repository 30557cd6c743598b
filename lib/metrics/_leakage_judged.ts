/**
 * Identity leakage judged against a threshold calibrated on real impostor scores, as a face
 * verification system would judge it: a synthetic sample "leaks" when its best real match
 * reaches the threshold at which the model falsely matches a given share (FMR) of real non-mated
 * pairs (by default CASIA-WebFace's at FMR = 1e-3).
 *
 * - Calibration ({@linkcode calibrateThreshold}): with N impostor scores and the target FMR α,
 *   k = the largest count with k / N ≤ α; the threshold is the smallest float64 t with at most k
 *   impostor scores ≥ t, which is the next float64 above the (k+1)-th largest score (pyeer's and
 *   scikit-learn's rule: a pair matches when its score is ≥ the threshold).
 * - Per sample ({@linkcode judgeLeakage}): the share of samples whose best match is ≥ t, with a
 *   percentile-bootstrap interval over the samples (resampled with replacement as counts, with
 *   `lib/random`'s `drawCounts`; the threshold is held fixed, as the calibration set is far
 *   larger than the sample).
 * - Per identity: how many sampled synthetic identities have at least one sample at or above t,
 *   and how many distinct real identities those samples' best matches hit.
 *
 * @module
 */
import { createRng, drawCounts, type Rng } from "../random/mod.ts";
import { percentileSorted } from "./_percentile.ts";

/** The threshold of {@linkcode calibrateThreshold} and how it was found. */
export interface CalibratedThreshold {
  /** The threshold: a pair matches when its score is ≥ it. */
  threshold: number;
  /** The FMR aimed at. */
  fmr: number;
  /** The FMR reached on the impostor scores: (impostors ≥ threshold) / N, at most `fmr`. */
  achievedFmr: number;
  /** N, the impostor scores used. */
  impostors: number;
  /** Impostor scores at or above the threshold. */
  falseMatches: number;
  /**
   * Whether N × `fmr` ≥ 3: at least 3 expected false matches at that rate, the rule the kit's
   * operating points use (below it the calibrated threshold rests on one or two scores).
   */
  supported: boolean;
}

/** The next float64 above `x` (finite `x`). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/**
 * The verification threshold at a target FMR, calibrated on impostor (non-mated) scores.
 *
 * @param impostor Real non-mated scores (finite).
 * @param fmr The target false match rate in (0, 1]. @default 1e-3
 * @returns The threshold, the FMR it reaches and whether the count supports the target.
 * @throws {RangeError} When there are no scores, a score is not finite, or `fmr` is outside (0, 1].
 *
 * @example
 * ```ts
 * import { calibrateThreshold } from "./_leakage_judged.ts";
 * const imp = Float64Array.from({ length: 1000 }, (_, i) => i / 1000);
 * const c = calibrateThreshold(imp, 0.01);
 * if (c.falseMatches !== 10 || !(c.threshold > 0.989 && c.threshold < 0.990001)) throw new Error();
 * ```
 */
export function calibrateThreshold(
  impostor: ArrayLike<number>,
  fmr = 1e-3,
): CalibratedThreshold {
  const n = impostor.length;
  if (n === 0) {
    throw new RangeError("Cannot calibrate a threshold on impostor scores: current count is 0");
  }
  if (!(fmr > 0 && fmr <= 1)) {
    throw new RangeError(
      `Cannot calibrate a threshold at FMR ${fmr}: the FMR must be in (0, 1]`,
    );
  }
  const sorted = Float64Array.from(impostor);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(sorted[i]!)) {
      throw new RangeError(
        `Cannot calibrate a threshold on impostor scores: score ${i} is ${sorted[i]}`,
      );
    }
  }
  sorted.sort();
  let k = Math.min(n, Math.floor(fmr * n));
  while (k < n && (k + 1) / n <= fmr) k++;
  while (k > 0 && k / n > fmr) k--;
  // Threshold just above the (k+1)-th largest score: at most k scores reach it.
  const threshold = k >= n ? sorted[0]! : nextUp(sorted[n - 1 - k]!);
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < threshold) lo = mid + 1;
    else hi = mid;
  }
  const falseMatches = n - lo;
  return {
    threshold,
    fmr,
    achievedFmr: falseMatches / n,
    impostors: n,
    falseMatches,
    supported: n * fmr >= 3,
  };
}

/** The best match of each sample, as columns (the best-match CSV's). */
export interface BestMatchColumns {
  /** Best-match similarity of each sample. */
  similarity: ArrayLike<number>;
  /** Synthetic identity of each sample. */
  sampleIdentity: readonly string[];
  /** Real identity of each sample's best match. */
  bestMatchIdentity: readonly string[];
}

/** Options of {@linkcode judgeLeakage}. */
export interface JudgeLeakageOptions {
  /** Bootstrap resamples of the share; 0 for none (NaN bounds). @default 1000 */
  resamples?: number;
  /** Seed of the default generator (ignored when `rng` is given). @default 42 */
  seed?: number;
  /** The random source. @default createRng(seed) */
  rng?: Rng | undefined;
  /** Confidence level in percent. @default 95 */
  level?: number;
}

/** Leakage of one dataset at one threshold. */
export interface JudgedLeakage {
  /** The threshold judged against. */
  threshold: number;
  /** Samples. */
  samples: number;
  /** Samples whose best match is ≥ the threshold. */
  leakedSamples: number;
  /** `leakedSamples / samples`. */
  share: number;
  /** Percentile-bootstrap interval of `share` (NaN bounds without resamples). */
  lower: number;
  /** Upper bound of the interval. */
  upper: number;
  /** Bootstrap resamples behind the interval. */
  resamples: number;
  /** Distinct synthetic identities among the samples. */
  identities: number;
  /** Distinct synthetic identities with at least one sample ≥ the threshold. */
  leakedIdentities: number;
  /** Distinct real identities hit by the best matches of those samples. */
  realIdentitiesHit: number;
}

/**
 * Judges the best matches of one dataset against a threshold: the share of samples that reach
 * it (with a bootstrap interval), the synthetic identities with such samples and the distinct
 * real identities they hit.
 *
 * @param best Similarity and both identities of each sample's best match.
 * @param threshold The threshold (e.g. {@linkcode calibrateThreshold}'s).
 * @param options Resamples, seed or RNG, level.
 * @returns The judged leakage.
 * @throws {RangeError} When there are no samples, the columns differ in length, a similarity is
 *   not finite, or the threshold is NaN.
 *
 * @example
 * ```ts
 * import { judgeLeakage } from "./_leakage_judged.ts";
 * const j = judgeLeakage({ similarity: [0.9, 0.2, 0.8, 0.7], sampleIdentity: ["a", "a", "b", "c"],
 *   bestMatchIdentity: ["X", "Y", "X", "Z"] }, 0.75, { resamples: 200 });
 * if (j.leakedSamples !== 2 || j.leakedIdentities !== 2 || j.realIdentitiesHit !== 1) throw new Error();
 * if (!(j.lower <= 0.5 && 0.5 <= j.upper)) throw new Error("the interval holds the share");
 * ```
 */
export function judgeLeakage(
  best: BestMatchColumns,
  threshold: number,
  options: JudgeLeakageOptions = {},
): JudgedLeakage {
  const { resamples = 1000, seed = 42, level = 95 } = options;
  const { similarity, sampleIdentity, bestMatchIdentity } = best;
  const n = similarity.length;
  if (n === 0) throw new RangeError("Cannot judge leakage: current sample count is 0");
  if (sampleIdentity.length !== n || bestMatchIdentity.length !== n) {
    throw new RangeError(
      `Cannot judge leakage: ${n} similarities but ${sampleIdentity.length} sample and ${bestMatchIdentity.length} best-match identities`,
    );
  }
  if (Number.isNaN(threshold)) throw new RangeError("Cannot judge leakage: the threshold is NaN");
  const leaked = new Uint32Array(n);
  const identities = new Set<string>();
  const leakedIdentities = new Set<string>();
  const hit = new Set<string>();
  let count = 0;
  for (let i = 0; i < n; i++) {
    const s = similarity[i]!;
    if (!Number.isFinite(s)) {
      throw new RangeError(`Cannot judge leakage: similarity ${i} is ${s}`);
    }
    identities.add(sampleIdentity[i]!);
    if (s >= threshold) {
      leaked[i] = 1;
      count++;
      leakedIdentities.add(sampleIdentity[i]!);
      hit.add(bestMatchIdentity[i]!);
    }
  }
  let lower = NaN, upper = NaN;
  if (resamples > 0) {
    const rng = options.rng ?? createRng(seed);
    const bins = new Uint32Array(2);
    const shares = new Float64Array(resamples);
    for (let b = 0; b < resamples; b++) {
      drawCounts(rng, bins, { total: n, map: leaked });
      shares[b] = bins[1]! / n;
    }
    shares.sort();
    lower = percentileSorted(shares, (100 - level) / 2);
    upper = percentileSorted(shares, (100 + level) / 2);
  }
  return {
    threshold,
    samples: n,
    leakedSamples: count,
    share: count / n,
    lower,
    upper,
    resamples: Math.max(0, resamples),
    identities: identities.size,
    leakedIdentities: leakedIdentities.size,
    realIdentitiesHit: hit.size,
  };
}
