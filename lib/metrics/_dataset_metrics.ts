/**
 * Everything the metrics task reports for one dataset: pyeer's statistics, FDR, and bootstrap
 * confidence intervals, from one sort of each score list.
 *
 * @module
 */
import { bootstrapCis, type BootstrapResult } from "./_bootstrap.ts";
import { type EerStats, eerStatsFromTally } from "./_eer_stats.ts";
import { fdrFromMoments } from "./_fdr.ts";
import { numpyVar } from "./_numpy_sum.ts";
import type { Rng } from "../random/mod.ts";
import { finiteScores, type Scores, scoreTally } from "./_score_tally.ts";

/** Options of {@linkcode datasetMetrics}. */
export interface DatasetMetricsOptions {
  /** Bootstrap resamples; 0 skips the intervals. @default 1000 */
  resamples?: number;
  /** Seed of the bootstrap generator (ignored when `rng` is given). @default 42 */
  seed?: number;
  /** The bootstrap's random source. */
  rng?: Rng | undefined;
  /** Called after each resample. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** The metrics of one dataset. */
export interface DatasetMetrics {
  /** Number of genuine (mated) scores. */
  genuineCount: number;
  /** Number of impostor (non-mated) scores. */
  impostorCount: number;
  /** pyeer's `get_eer_stats` fields. */
  stats: EerStats;
  /** Fisher discriminant ratio with ddof-0 variances (= d'²/2). */
  fdr: number;
  /** Bootstrap intervals, or `null` when `resamples` is 0. */
  bootstrap: BootstrapResult | null;
}

/**
 * Computes pyeer's statistics, the FDR and (unless `resamples` is 0) the 95% percentile-bootstrap
 * intervals of EER, FMR100, FMR1000, FDR and both means.
 *
 * @param genuine Mated similarity scores.
 * @param impostor Non-mated similarity scores.
 * @param options Resamples (default 1000), seed (default 42) or generator, progress callback.
 * @returns The metrics.
 * @throws {RangeError} When a list is empty or holds a NaN or infinite value.
 *
 * @example
 * ```ts
 * import { datasetMetrics } from "./_dataset_metrics.ts";
 * const m = datasetMetrics([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75], { resamples: 10 });
 * if (m.stats.eer !== 0.225 || m.fdr !== 1.2291196388261856 || !m.bootstrap) throw new Error("unexpected");
 * ```
 */
export function datasetMetrics(
  genuine: Scores,
  impostor: Scores,
  options: DatasetMetricsOptions = {},
): DatasetMetrics {
  const { resamples = 1000, seed = 42, rng, onProgress } = options;
  const gen = finiteScores(genuine, "genuine scores");
  const imp = finiteScores(impostor, "impostor scores");
  const stats = eerStatsFromTally(scoreTally(gen, imp), gen, imp);
  const fdr = fdrFromMoments(
    { mean: stats.gmean, variance: numpyVar(gen, { mean: stats.gmean }) },
    { mean: stats.imean, variance: numpyVar(imp, { mean: stats.imean }) },
  );
  const bootstrap = resamples > 0
    ? bootstrapCis(gen, imp, { resamples, seed, rng, onProgress })
    : null;
  return { genuineCount: gen.length, impostorCount: imp.length, stats, fdr, bootstrap };
}
