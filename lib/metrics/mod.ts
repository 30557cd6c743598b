/**
 * Verification metrics of mated versus non-mated similarity scores: every field of pyeer's
 * `get_eer_stats` bit for bit, FDR, seaborn's KDE curve, numpy percentiles and summation, a
 * seeded generator, and count-based percentile-bootstrap confidence intervals.
 *
 * @example
 * ```ts
 * import { bootstrapCis, eerStats, kde } from "./mod.ts";
 * const gen = [0.9, 0.8, 0.7, 0.4], imp = [0.1, 0.2, 0.5, 0.3, 0.75];
 * if (eerStats(gen, imp).eer !== 0.225) throw new Error("unexpected EER");
 * if (kde(gen)?.x.length !== 200) throw new Error("unexpected grid");
 * const { intervals } = bootstrapCis(gen, imp, { resamples: 20 });
 * if (!(intervals.eer.lower <= intervals.eer.upper)) throw new Error("unordered bounds");
 * ```
 *
 * @module
 */
export * from "./_best_match_summary.ts";
export * from "./_bootstrap.ts";
export * from "./_dataset_metrics.ts";
export * from "./_eer_stats.ts";
export * from "./_fdr.ts";
export * from "./_kde.ts";
export * from "./_numpy_sum.ts";
export * from "./_operating_point.ts";
export * from "./_percentile.ts";
export * from "./_score_tally.ts";
