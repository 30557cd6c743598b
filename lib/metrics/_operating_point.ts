/**
 * Operating points beyond pyeer's fields: the conventional FNMR at the lowest threshold whose FMR
 * is at most α, and pyeer's "nearest FMR" rule at any target (pyeer itself has no FMR10000).
 *
 * @module
 */
import type { EerStats } from "./_eer_stats.ts";
import { nearestFmrIndex } from "./_eer_stats.ts";

/** A false non-match rate at a threshold. */
export interface OperatingPoint {
  /** FNMR there. */
  fnmr: number;
  /** FMR there. */
  fmr: number;
  /** The threshold; `null` for the virtual threshold above every score (FMR 0, FNMR 1). */
  threshold: number | null;
}

/**
 * The conventional FNMR@FMR≤α: FNMR at the lowest observed threshold with FMR ≤ `alpha`, or at a
 * virtual threshold above every score (FNMR 1, threshold `null`) when none qualifies.
 *
 * @param stats The ROC arrays of {@linkcode eerStats} (`thrs`, `fmr`, `fnmr`).
 * @param alpha The FMR bound in [0, 1].
 * @returns The operating point.
 * @throws {RangeError} When `alpha` is outside [0, 1].
 *
 * @example
 * ```ts
 * import { eerStats } from "./_eer_stats.ts";
 * import { fnmrAtFmr } from "./_operating_point.ts";
 * const p = fnmrAtFmr(eerStats([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75]), 0.01);
 * if (p.fnmr !== 0.5 || p.threshold !== 0.8) throw new Error("unexpected");
 * ```
 */
export function fnmrAtFmr(
  stats: Pick<EerStats, "thrs" | "fmr" | "fnmr">,
  alpha: number,
): OperatingPoint {
  if (!(alpha >= 0 && alpha <= 1)) {
    throw new RangeError(
      `Cannot find FNMR at FMR <= alpha: alpha must be in [0, 1], current value is ${alpha}`,
    );
  }
  const { thrs, fmr, fnmr } = stats;
  for (let t = 0; t < thrs.length; t++) {
    if (fmr[t]! <= alpha) return { fnmr: fnmr[t]!, fmr: fmr[t]!, threshold: thrs[t]! };
  }
  return { fnmr: 1, fmr: 0, threshold: null };
}

/**
 * pyeer's rule at any target: FNMR at the first threshold whose FMR is nearest to `target`.
 *
 * @param stats The ROC arrays of {@linkcode eerStats}.
 * @param target The FMR aimed at, e.g. 1e-4.
 * @returns The operating point.
 * @throws {RangeError} When the arrays are empty.
 *
 * @example
 * ```ts
 * import { eerStats } from "./_eer_stats.ts";
 * import { fnmrAtNearestFmr } from "./_operating_point.ts";
 * const s = eerStats([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75]);
 * if (fnmrAtNearestFmr(s, 0.01).fnmr !== s.fmr100) throw new Error("unexpected");
 * ```
 */
export function fnmrAtNearestFmr(
  stats: Pick<EerStats, "thrs" | "fmr" | "fnmr">,
  target: number,
): OperatingPoint {
  const t = nearestFmrIndex(stats.fmr, target);
  return { fnmr: stats.fnmr[t]!, fmr: stats.fmr[t]!, threshold: stats.thrs[t]! };
}
