/**
 * Fisher discriminant ratio of genuine versus impostor scores:
 * `FDR = (μ_g − μ_i)² / (σ_g² + σ_i²)`. With the population variance (ddof 0, pyeer's σ) it equals
 * `d'² / 2`.
 *
 * @module
 */
import { numpyMean, numpyVar } from "./_numpy_sum.ts";
import { finiteScores, type Scores } from "./_score_tally.ts";

/** Options of {@linkcode fdr}. */
export interface FdrOptions {
  /** Delta degrees of freedom of both variances. @default 0 */
  ddof?: number;
}

/**
 * FDR from means and variances.
 *
 * @param genuine Mean and variance of the genuine scores.
 * @param impostor Mean and variance of the impostor scores.
 * @returns `(gmean − imean)² / (gvar + ivar)`: Infinity for separated constant lists, NaN when
 *   the means are equal too.
 *
 * @example
 * ```ts
 * import { fdrFromMoments } from "./_fdr.ts";
 * if (fdrFromMoments({ mean: 1, variance: 0.5 }, { mean: 0, variance: 0.5 }) !== 1) throw new Error("unexpected");
 * ```
 */
export function fdrFromMoments(
  genuine: { mean: number; variance: number },
  impostor: { mean: number; variance: number },
): number {
  const d = genuine.mean - impostor.mean;
  return (d * d) / (genuine.variance + impostor.variance);
}

/**
 * FDR of two score lists, with numpy's mean and variance (`np.var(x, ddof=ddof)`).
 *
 * @param genuine Mated scores.
 * @param impostor Non-mated scores.
 * @param options `ddof`, default 0.
 * @returns The ratio; NaN when a list has no more than `ddof` scores.
 * @throws {RangeError} When a list is empty or holds a NaN or infinite value.
 *
 * @example
 * ```ts
 * import { fdr } from "./_fdr.ts";
 * const v = fdr([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75]);
 * if (v !== 1.2291196388261856) throw new Error(String(v));
 * ```
 */
export function fdr(genuine: Scores, impostor: Scores, options: FdrOptions = {}): number {
  const { ddof = 0 } = options;
  const g = finiteScores(genuine, "genuine scores");
  const i = finiteScores(impostor, "impostor scores");
  const gm = numpyMean(g), im = numpyMean(i);
  return fdrFromMoments(
    { mean: gm, variance: numpyVar(g, { ddof, mean: gm }) },
    { mean: im, variance: numpyVar(i, { ddof, mean: im }) },
  );
}
