/**
 * The operating-point table of a verification report: FNMR at FMR = 10%, 1%, 0.1%, ... 0.0001%
 * (1e-1 .. 1e-6), each with its threshold and a percentile-bootstrap confidence interval, as papers
 * print it. The rule is the conventional FNMR@FMR≤α of {@linkcode fnmrAtFmr}: the lowest observed
 * threshold whose FMR (#{imp >= t} / I) is at most α, or a virtual threshold above every score
 * (FNMR 1) when none qualifies.
 *
 * Only the decades the impostor count supports are estimated: with I impostor scores, a rate of α
 * means α·I false matches, and below 3 of them even a run with no false match at all cannot show,
 * at 95% confidence, that the FMR is at most α (the "rule of three": the upper bound after 0 errors
 * in I trials is about 3/I). Such a row is kept, marked unsupported, with NaN values.
 *
 * Method: with c the largest count whose rate c/I is at most α (float64 division, as the rates
 * are computed), v* is the (c+1)-th highest impostor score and FNMR = #{gen <= v*} / G; the
 * threshold is the lowest observed score above v*. Each bootstrap replicate resamples the
 * genuine and impostor scores independently (counts over the distinct values, `drawCounts` of
 * `lib/random`, genuine first, one stream: the draws of `bootstrapCis`, so with the same seed the
 * intervals come from the same resamples as the EER's), so it costs one count walk for all targets.
 *
 * @module
 */
import { createRng, drawCounts, type Rng } from "../random/mod.ts";
import type { Interval } from "./_bootstrap.ts";
import { percentileSorted } from "./_percentile.ts";
import { type Scores, scoreTally } from "./_score_tally.ts";

/** FMR = 1e-1 .. 1e-6, the decades of a verification report. */
export const FMR_DECADES: readonly number[] = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6];

/** One row of the operating-point table. */
export interface OperatingPointRow {
  /** The FMR bound α. */
  target: number;
  /** The row's name in percent: `FNMR@FMR=1%`, `FNMR@FMR=0.01%`. */
  name: string;
  /** pyeer's column name for the same decade (`FMR100` for 1%); pyeer picks the nearest FMR instead. */
  pyeerName: string;
  /** Whether the impostor count supports the decade (α·I >= `minFalseMatches`). */
  supported: boolean;
  /** FNMR at the operating point; NaN when unsupported. */
  fnmr: number;
  /** The FMR reached there (at most α); NaN when unsupported. */
  fmr: number;
  /** The threshold; `null` when unsupported or for the virtual threshold above every score. */
  threshold: number | null;
  /** Bootstrap interval of the FNMR; `null` when unsupported or with no resamples. */
  interval: Interval | null;
}

/** The operating-point table of one dataset. */
export interface OperatingPoints {
  /** Number of genuine scores G. */
  genuineCount: number;
  /** Number of impostor scores I. */
  impostorCount: number;
  /** Bootstrap resamples B (0: no intervals). */
  resamples: number;
  /** Confidence level of the intervals, percent. */
  level: number;
  /** The least α·I a supported decade needs. */
  minFalseMatches: number;
  /** One row per target, in the order given. */
  rows: OperatingPointRow[];
}

/** Options of {@linkcode operatingPoints}. */
export interface OperatingPointsOptions {
  /** FMR bounds α, each in (0, 1]. @default FMR_DECADES */
  targets?: readonly number[];
  /** Bootstrap resamples; 0 computes no intervals. @default 1000 */
  resamples?: number;
  /** Seed of the default generator (ignored when `rng` is given). @default 42 */
  seed?: number;
  /** The random source; by default `createRng(seed)` (xoshiro128**). */
  rng?: Rng | undefined;
  /** Confidence level in percent. @default 95 */
  level?: number;
  /** The least α·I (expected false matches at the bound) a decade needs to be estimated. @default 3 */
  minFalseMatches?: number;
}

/** `1%`, `0.1%`, `0.0001%`: a rate in percent with the digits it needs. */
function percentName(rate: number): string {
  return `${Number((rate * 100).toPrecision(12))}%`;
}

/**
 * The names of a row: `FNMR@FMR=1%` and pyeer's `FMR100` (the reciprocal of the rate; `FMR` plus
 * the reciprocal rounded when it is not a whole number).
 *
 * @param target The FMR bound α in (0, 1].
 * @returns The report name and pyeer's name.
 *
 * @example
 * ```ts
 * import { operatingPointNames } from "./_operating_points.ts";
 * const n = operatingPointNames(1e-4);
 * if (n.name !== "FNMR@FMR=0.01%" || n.pyeerName !== "FMR10000") throw new Error(JSON.stringify(n));
 * ```
 */
export function operatingPointNames(target: number): { name: string; pyeerName: string } {
  return { name: `FNMR@FMR=${percentName(target)}`, pyeerName: `FMR${Math.round(1 / target)}` };
}

/** The largest count c with fl(c / total) <= alpha. */
function allowedFalseMatches(alpha: number, total: number): number {
  let c = Math.min(total, Math.floor(alpha * total));
  while (c > 0 && c / total > alpha) c--;
  while (c < total && (c + 1) / total <= alpha) c++;
  return c;
}

/**
 * FNMR at FMR ≤ α for every target, with thresholds and bootstrap intervals, estimated only where
 * the impostor count supports the decade (see the module documentation).
 *
 * @param genuine Mated similarity scores.
 * @param impostor Non-mated similarity scores.
 * @param options Targets (default 1e-1 .. 1e-6), resamples (default 1000), seed (42) or `rng`,
 *   level (95), and the least expected false matches of a supported decade (3).
 * @returns The table.
 * @throws {RangeError} When a list is empty or not finite, a target is not in (0, 1], `resamples`
 *   is neither 0 nor an integer >= 2, or `level` is not in (0, 100).
 *
 * @example
 * ```ts
 * import { operatingPoints } from "./_operating_points.ts";
 * const gen = [0.9, 0.8, 0.7, 0.4];
 * const imp = Array.from({ length: 100 }, (_, i) => i / 200);
 * const t = operatingPoints(gen, imp, { targets: [0.1, 0.01], resamples: 0 });
 * const [ten, one] = t.rows;
 * // FMR <= 10% accepts at most 10 of 100 impostors: the threshold is 0.45 (0.45 .. 0.495).
 * if (ten?.threshold !== 0.45 || ten.fnmr !== 0.25 || ten.fmr !== 0.1) throw new Error("unexpected");
 * if (one?.supported !== false) throw new Error("1% of 100 impostors is 1 false match, below 3");
 * ```
 */
export function operatingPoints(
  genuine: Scores,
  impostor: Scores,
  options: OperatingPointsOptions = {},
): OperatingPoints {
  const {
    targets = FMR_DECADES,
    resamples = 1000,
    seed = 42,
    level = 95,
    minFalseMatches = 3,
  } = options;
  for (const a of targets) {
    if (!(a > 0 && a <= 1)) {
      throw new RangeError(
        `Cannot compute FNMR at FMR <= alpha: alpha must be in (0, 1], current value is ${a}`,
      );
    }
  }
  if (resamples !== 0 && !(Number.isInteger(resamples) && resamples >= 2)) {
    throw new RangeError(
      `Cannot bootstrap operating points: resamples must be 0 or an integer >= 2, current value is ${resamples}`,
    );
  }
  if (!(level > 0 && level < 100)) {
    throw new RangeError(
      `Cannot bootstrap operating points: level must be in (0, 100), current value is ${level}`,
    );
  }
  const tally = scoreTally(genuine, impostor);
  const g = tally.genuine, im = tally.impostor;
  const G = g.total, I = im.total;
  // For each distinct impostor value, how many distinct genuine values are <= it.
  const genuineUpTo = new Uint32Array(im.values.length);
  for (let k = 0, j = 0; k < im.values.length; k++) {
    while (j < g.values.length && g.values[j]! <= im.values[k]!) j++;
    genuineUpTo[k] = j;
  }
  const supported = targets.map((a) => a * I >= minFalseMatches);
  const allowed = targets.map((a) => allowedFalseMatches(a, I));

  // Supported rows by allowed count, ascending: one walk down the impostor counts finds every v*.
  const order = targets.map((_, r) => r).filter((r) => supported[r])
    .sort((a, b) => allowed[a]! - allowed[b]!);
  /** Per row, the index of v* among the distinct impostor values, or -1 when every impostor may match. */
  const vStarIndices = (counts: Uint32Array, out: Int32Array) => {
    let above = 0, k = counts.length - 1;
    for (const r of order) {
      const c = allowed[r]!;
      while (k >= 0 && above + counts[k]! <= c) above += counts[k--]!;
      out[r] = k;
    }
  };
  const vStar = new Int32Array(targets.length);
  const genuineAtOrBelow = (prefix: Float64Array, k: number) =>
    k < 0 ? 0 : prefix[genuineUpTo[k]!]!;

  const prefixOf = (counts: Uint32Array, out: Float64Array) => {
    out[0] = 0;
    for (let j = 0; j < counts.length; j++) out[j + 1] = out[j]! + counts[j]!;
  };
  const gPrefix = new Float64Array(g.values.length + 1);
  prefixOf(g.counts, gPrefix);
  vStarIndices(im.counts, vStar);
  const rows: OperatingPointRow[] = targets.map((target, r) => {
    const names = operatingPointNames(target);
    if (!supported[r]) {
      return {
        target,
        ...names,
        supported: false,
        fnmr: NaN,
        fmr: NaN,
        threshold: null,
        interval: null,
      };
    }
    const k = vStar[r]!;
    const fnmr = genuineAtOrBelow(gPrefix, k) / G;
    let threshold: number | null;
    let falseMatches: number;
    if (k < 0) {
      threshold = tally.thresholds[0]!;
      falseMatches = I;
    } else {
      const nextImp = k + 1 < im.values.length ? im.values[k + 1]! : Infinity;
      const j = genuineUpTo[k]!;
      const nextGen = j < g.values.length ? g.values[j]! : Infinity;
      const next = Math.min(nextImp, nextGen);
      threshold = next === Infinity ? null : next;
      let above = 0;
      for (let q = k + 1; q < im.values.length; q++) above += im.counts[q]!;
      falseMatches = above;
    }
    return {
      target,
      ...names,
      supported: true,
      fnmr,
      fmr: falseMatches / I,
      threshold,
      interval: null,
    };
  });

  if (resamples > 0 && supported.some(Boolean)) {
    const rng = options.rng ?? createRng(seed);
    const gc = new Uint32Array(g.values.length), ic = new Uint32Array(im.values.length);
    const prefix = new Float64Array(g.values.length + 1);
    const replicates = targets.map(() => new Float64Array(resamples));
    const gMap = g.rankOfPosition ?? undefined, iMap = im.rankOfPosition ?? undefined;
    for (let b = 0; b < resamples; b++) {
      drawCounts(rng, gc, { total: G, map: gMap });
      drawCounts(rng, ic, { total: I, map: iMap });
      prefixOf(gc, prefix);
      vStarIndices(ic, vStar);
      for (const r of order) replicates[r]![b] = genuineAtOrBelow(prefix, vStar[r]!) / G;
    }
    const lowQ = (100 - level) / 2, highQ = (100 + level) / 2;
    rows.forEach((row, r) => {
      if (!row.supported) return;
      const sorted = replicates[r]!.sort();
      row.interval = {
        lower: percentileSorted(sorted, lowQ),
        upper: percentileSorted(sorted, highQ),
      };
    });
  }
  return { genuineCount: G, impostorCount: I, resamples, level, minFalseMatches, rows };
}
