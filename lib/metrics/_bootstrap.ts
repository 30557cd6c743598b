/**
 * Percentile-bootstrap confidence intervals of the paper's verification metrics (EER, FMR100,
 * FMR1000, FDR, genuine and impostor means), computed from resampled COUNTS over the scores
 * sorted once.
 *
 * A resample of G genuine scores with replacement is a multinomial vector of counts over the G
 * sorted positions; drawing it (`drawCounts` of `lib/random`) costs one uniform integer per score
 * and no sorting. pyeer's EER and nearest-FMR rules depend only on the cumulative counts at the
 * distinct values that the resample holds, so each replicate is one merge walk over the tallied
 * values (stopping once the EER is found and the FMR has fallen to 0.001), and the means and
 * variances are count-weighted sums. Genuine and impostor scores are resampled independently, genuine first, from one RNG
 * stream. Identity clustering is ignored (scores are treated as i.i.d.), as in the paper.
 *
 * @module
 */
import { fdrFromMoments } from "./_fdr.ts";
import { percentileSorted } from "./_percentile.ts";
import { createRng, drawCounts, type Rng } from "../random/mod.ts";
import { finiteScores, type Scores, type ScoreTally, scoreTally } from "./_score_tally.ts";

/** The statistics recomputed on each resample. */
export interface Replicate {
  /** pyeer EER. */
  eer: number;
  /** pyeer FMR100: FNMR at the FMR nearest to 0.01. */
  fmr100: number;
  /** pyeer FMR1000: FNMR at the FMR nearest to 0.001. */
  fmr1000: number;
  /** Genuine mean. */
  gmean: number;
  /** Impostor mean. */
  imean: number;
  /** Genuine variance, ddof 0. */
  gvar: number;
  /** Impostor variance, ddof 0. */
  ivar: number;
  /** Fisher discriminant ratio with ddof-0 variances. */
  fdr: number;
}

/** Names of the bootstrapped statistics. */
export const BOOTSTRAP_STATISTICS = ["eer", "fmr100", "fmr1000", "fdr", "gmean", "imean"] as const;

/** One of {@linkcode BOOTSTRAP_STATISTICS}. */
export type BootstrapStatistic = typeof BOOTSTRAP_STATISTICS[number];

/** A two-sided confidence interval. */
export interface Interval {
  /** Lower bound: the (100 − level)/2 percentile of the replicates. */
  lower: number;
  /** Upper bound: the (100 + level)/2 percentile of the replicates. */
  upper: number;
}

/** Options of {@linkcode bootstrapCis}. */
export interface BootstrapOptions {
  /** Number of resamples B. @default 1000 */
  resamples?: number;
  /** Seed of the default generator (ignored when `rng` is given). @default 42 */
  seed?: number;
  /** The random source; by default `createRng(seed)` (xoshiro128**). */
  rng?: Rng | undefined;
  /** Confidence level in percent: bounds at (100 − level)/2 and (100 + level)/2. @default 95 */
  level?: number;
  /** Called after each resample with the number done. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Intervals and the replicate values behind them. */
export interface BootstrapResult {
  /** B. */
  resamples: number;
  /** Confidence level in percent. */
  level: number;
  /** Interval per statistic (numpy 'linear' percentiles of the replicates). */
  intervals: Record<BootstrapStatistic, Interval>;
  /** Replicate values per statistic, in resample order. */
  replicates: Record<BootstrapStatistic, Float64Array>;
}

/** Per threshold, where its count lives in each list's count vector. */
interface Slots {
  /** Genuine distinct index of the threshold (clamped to a valid index when not a member). */
  genuine: Uint32Array;
  impostor: Uint32Array;
  /** 1 where the threshold is a genuine value, else 0. */
  genuineBit: Uint8Array;
  impostorBit: Uint8Array;
}

const slotCache = new WeakMap<ScoreTally, Slots>();

function slotsOf(tally: ScoreTally): Slots {
  const cached = slotCache.get(tally);
  if (cached) return cached;
  const k = tally.thresholds.length;
  const slots: Slots = {
    genuine: new Uint32Array(k),
    impostor: new Uint32Array(k),
    genuineBit: new Uint8Array(k),
    impostorBit: new Uint8Array(k),
  };
  const gLast = tally.genuine.values.length - 1, iLast = tally.impostor.values.length - 1;
  for (let t = 0, g = 0, i = 0; t < k; t++) {
    const m = tally.membership[t]!;
    slots.genuine[t] = Math.min(g, gLast);
    slots.impostor[t] = Math.min(i, iLast);
    slots.genuineBit[t] = m & 1;
    slots.impostorBit[t] = (m >> 1) & 1;
    if (m & 1) g++;
    if (m & 2) i++;
  }
  slotCache.set(tally, slots);
  return slots;
}

/** The smallest count c with fl(c / total) >= target: fl(fm / total) < target iff fm < c. */
function fmrCutoff(target: number, total: number): number {
  let c = Math.max(0, Math.ceil(target * total));
  while (c > 0 && (c - 1) / total >= target) c--;
  while (c / total < target) c++;
  return c;
}

/** Resampled counts seen per threshold. */
class ThresholdCounts {
  constructor(
    readonly slots: Slots,
    readonly gc: Uint32Array,
    readonly ic: Uint32Array,
  ) {}
  genuineAt(t: number): number {
    return this.gc[this.slots.genuine[t]!]! * this.slots.genuineBit[t]!;
  }
  impostorAt(t: number): number {
    return this.ic[this.slots.impostor[t]!]! * this.slots.impostorBit[t]!;
  }
  /** The last threshold before `t` that the resample holds, or -1. */
  previousPresent(t: number): number {
    let p = t - 1;
    while (p >= 0 && this.genuineAt(p) + this.impostorAt(p) === 0) p--;
    return p;
  }
}

function moments(values: Float64Array, counts: Uint32Array) {
  // Deviations from the middle distinct value keep cancellation in the variance small.
  const shift = values[values.length >> 1]!;
  let total = 0, s1 = 0, s2 = 0;
  for (let k = 0; k < values.length; k++) {
    const c = counts[k]!, d = values[k]! - shift;
    total += c;
    s1 += c * d;
    s2 += c * (d * d);
  }
  const m = s1 / total;
  return { total, mean: shift + m, variance: Math.max(s2 / total - m * m, 0) };
}

/**
 * The statistics of one resample given as counts per distinct value of each list (a value the
 * resample misses has count 0): pyeer's EER and nearest-FMR rules over the thresholds the
 * resample holds (equal to `eerStats` on the resampled scores), and the means, variances and FDR
 * from count-weighted sums (shifted by the middle value; equal to numpy's to about 1e-13 relative).
 *
 * A threshold missing from the resample has the same counts as the next one present, so the walk
 * tests every threshold without branching on presence, and looks back (over a few entries) only
 * for pyeer's predecessor index and for the first index of an FMR plateau. It stops once the EER
 * is found and the FMR has fallen below 0.001.
 *
 * @param tally The full-data tally.
 * @param genuineCounts Resampled count of each distinct genuine value (sum G).
 * @param impostorCounts Resampled count of each distinct impostor value (sum I).
 * @returns The replicate.
 * @throws {RangeError} When a count vector has the wrong length or a list sums to 0.
 *
 * @example
 * ```ts
 * import { replicateFromCounts } from "./_bootstrap.ts";
 * import { scoreTally } from "./_score_tally.ts";
 * const t = scoreTally([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75]);
 * const r = replicateFromCounts(t, new Uint32Array([1, 1, 1, 1]), new Uint32Array([1, 1, 1, 1, 1]));
 * if (r.eer !== 0.225 || r.fmr100 !== 0.5) throw new Error("unexpected");
 * ```
 */
export function replicateFromCounts(
  tally: ScoreTally,
  genuineCounts: Uint32Array,
  impostorCounts: Uint32Array,
): Replicate {
  const { thresholds, genuine, impostor } = tally;
  if (
    genuineCounts.length !== genuine.values.length ||
    impostorCounts.length !== impostor.values.length
  ) {
    throw new RangeError(
      `Cannot compute a replicate: expected ${genuine.values.length} and ${impostor.values.length} counts, current lengths are ${genuineCounts.length} and ${impostorCounts.length}`,
    );
  }
  const g = moments(genuine.values, genuineCounts);
  const i = moments(impostor.values, impostorCounts);
  const gTotal = g.total, iTotal = i.total;
  if (gTotal === 0 || iTotal === 0) {
    throw new RangeError(
      `Cannot compute a replicate: the resample holds ${gTotal} genuine and ${iTotal} impostor scores`,
    );
  }
  const slots = slotsOf(tally);
  const counts = new ThresholdCounts(slots, genuineCounts, impostorCounts);
  const { genuine: gSlot, impostor: iSlot, genuineBit: gBit, impostorBit: iBit } = slots;
  let last = thresholds.length - 1;
  while (counts.genuineAt(last) + counts.impostorAt(last) === 0) last--;

  // Integer tests decide as the rate arithmetic would: with G·I < 2^52, fm/I <= fnm/G as
  // doubles exactly when fm·G <= fnm·I; fl(fm/I) < target exactly when fm < fmrCutoff(target).
  const exact = gTotal * iTotal < 4503599627370496;
  const cut100 = fmrCutoff(0.01, iTotal), cut1000 = fmrCutoff(0.001, iTotal);
  let fmr100 = NaN, fmr1000 = NaN, nextCut = cut100;
  let eer = 1, eerFound = false;
  let genBelow = 0, impBelow = 0;
  for (let t = 0; t <= last; t++) {
    const fm = iTotal - impBelow, fnm = genBelow;
    if (!eerFound && (exact ? fm * gTotal <= fnm * iTotal : fm / iTotal - fnm / gTotal <= 0)) {
      eerFound = true;
      eer = eerAt(counts, t, fm, fnm, gTotal, iTotal);
      if (!Number.isNaN(fmr1000)) break;
    }
    if (fm < nextCut) {
      if (Number.isNaN(fmr100)) {
        fmr100 = nearestAt(counts, t, fm, fnm, 0.01, gTotal, iTotal, false);
        nextCut = cut1000;
      }
      if (fm < cut1000) {
        fmr1000 = nearestAt(counts, t, fm, fnm, 0.001, gTotal, iTotal, false);
        nextCut = -1;
        if (eerFound) break;
      }
    }
    genBelow += genuineCounts[gSlot[t]!]! * gBit[t]!;
    impBelow += impostorCounts[iSlot[t]!]! * iBit[t]!;
  }
  // An FMR that never fell below a target: the nearest is the first index of the last plateau.
  const fm = iTotal - impBelow;
  if (Number.isNaN(fmr100)) {
    fmr100 = nearestAt(counts, last + 1, fm, genBelow, 0.01, gTotal, iTotal, true);
  }
  if (Number.isNaN(fmr1000)) {
    fmr1000 = nearestAt(counts, last + 1, fm, genBelow, 0.001, gTotal, iTotal, true);
  }

  return {
    eer,
    fmr100,
    fmr1000,
    gmean: g.mean,
    imean: i.mean,
    gvar: g.variance,
    ivar: i.variance,
    fdr: fdrFromMoments(g, i),
  };
}

/** pyeer's EER when `t` (counts fm, fnm) is the first threshold with FMR <= FNMR. */
function eerAt(
  counts: ThresholdCounts,
  t: number,
  fm: number,
  fnm: number,
  gTotal: number,
  iTotal: number,
): number {
  const fmrB = fm / iTotal, fnmrB = fnm / gTotal;
  const p = counts.previousPresent(t);
  if (fmrB - fnmrB !== 0 && p >= 0) {
    const fmrA = (fm + counts.impostorAt(p)) / iTotal;
    const fnmrA = (fnm - counts.genuineAt(p)) / gTotal;
    if (fmrA + fnmrA <= fmrB + fnmrB) return (fnmrA + fmrA) / 2;
  }
  return (fnmrB + fmrB) / 2;
}

/**
 * pyeer's argmin |fmr − target| when `t` is the first threshold below the target: the first
 * index of the plateau just above (it comes first, so it wins ties) or `t` itself. With
 * `aboveOnly`, `t` is past the last threshold and only the plateau above counts.
 */
function nearestAt(
  counts: ThresholdCounts,
  t: number,
  fm: number,
  fnm: number,
  target: number,
  gTotal: number,
  iTotal: number,
  aboveOnly: boolean,
): number {
  const p = counts.previousPresent(t);
  if (p < 0) return fnm / gTotal;
  const aboveFm = fm + counts.impostorAt(p);
  let aboveFnm = fnm - counts.genuineAt(p);
  for (let s = p - 1; s >= 0 && counts.impostorAt(s) === 0; s--) aboveFnm -= counts.genuineAt(s);
  if (aboveOnly) return aboveFnm / gTotal;
  const dAbove = Math.abs(aboveFm / iTotal - target);
  const dBelow = Math.abs(fm / iTotal - target);
  return dAbove <= dBelow ? aboveFnm / gTotal : fnm / gTotal;
}

/**
 * Percentile-bootstrap confidence intervals of EER, FMR100, FMR1000, FDR and the genuine and
 * impostor means (see the module documentation for the method). The point estimates are the
 * full-data statistics of `eerStats` and `fdr`, not the bootstrap means.
 *
 * @param genuine Mated similarity scores.
 * @param impostor Non-mated similarity scores.
 * @param options Resamples (default 1000), seed (default 42) or an injected `rng`, level
 *   (default 95) and a progress callback.
 * @returns Intervals and replicates.
 * @throws {RangeError} When a list is empty or not finite, `resamples` < 2, or `level` is not in (0, 100).
 *
 * @example
 * ```ts
 * import { bootstrapCis } from "./_bootstrap.ts";
 * const gen = Array.from({ length: 200 }, (_, i) => 0.5 + 0.4 * Math.sin(i));
 * const imp = Array.from({ length: 300 }, (_, i) => 0.1 * Math.cos(i));
 * const { intervals } = bootstrapCis(gen, imp, { resamples: 50, seed: 1 });
 * if (!(intervals.gmean.lower <= intervals.gmean.upper)) throw new Error("unordered bounds");
 * ```
 */
export function bootstrapCis(
  genuine: Scores,
  impostor: Scores,
  options: BootstrapOptions = {},
): BootstrapResult {
  const { resamples = 1000, seed = 42, level = 95, onProgress } = options;
  const rng = options.rng ?? createRng(seed);
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new RangeError(
      `Cannot bootstrap: resamples must be an integer >= 2, current value is ${resamples}`,
    );
  }
  if (!(level > 0 && level < 100)) {
    throw new RangeError(`Cannot bootstrap: level must be in (0, 100), current value is ${level}`);
  }
  const tally = scoreTally(
    finiteScores(genuine, "genuine scores"),
    finiteScores(impostor, "impostor scores"),
  );
  const genCounts = new Uint32Array(tally.genuine.values.length);
  const impCounts = new Uint32Array(tally.impostor.values.length);
  const genMap = tally.genuine.rankOfPosition ?? undefined;
  const impMap = tally.impostor.rankOfPosition ?? undefined;
  const replicates = {} as Record<BootstrapStatistic, Float64Array>;
  for (const name of BOOTSTRAP_STATISTICS) replicates[name] = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    drawCounts(rng, genCounts, { total: tally.genuine.total, map: genMap });
    drawCounts(rng, impCounts, { total: tally.impostor.total, map: impMap });
    const r = replicateFromCounts(tally, genCounts, impCounts);
    for (const name of BOOTSTRAP_STATISTICS) replicates[name][b] = r[name];
    onProgress?.(b + 1, resamples);
  }
  const intervals = {} as Record<BootstrapStatistic, Interval>;
  const lowQ = (100 - level) / 2, highQ = (100 + level) / 2;
  for (const name of BOOTSTRAP_STATISTICS) {
    const sorted = replicates[name].slice().sort();
    intervals[name] = {
      lower: percentileSorted(sorted, lowQ),
      upper: percentileSorted(sorted, highQ),
    };
  }
  return { resamples, level, intervals, replicates };
}
