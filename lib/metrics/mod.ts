/**
 * Verification metrics of mated versus non-mated similarity scores, each equal to the Python
 * reference the original package used: every field of pyeer's `get_eer_stats` bit for bit, FDR,
 * seaborn's KDE curve, numpy's percentiles and pairwise summation, count-based percentile-bootstrap
 * confidence intervals (resampled with `lib/random`'s `drawCounts`), the metrics of one dataset
 * together, operating points, and the summary of a best-match column. Scores come in as any
 * array of numbers; nothing here reads files or prints.
 *
 * @example
 * ```ts
 * import { bootstrapCis, eerStats, fdr, kde, summarizeBestMatches } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const gen = [0.9, 0.8, 0.7, 0.4], imp = [0.1, 0.2, 0.5, 0.3, 0.75];
 * const stats = eerStats(gen, imp);
 * assert.equal(stats.eer, 0.225);
 * assert.equal(stats.eer_th, 0.7);
 * assert.equal(fdr(gen, imp), 1.2291196388261856);
 * assert.equal(kde(gen)?.x.length, 200);
 * const { intervals } = bootstrapCis(gen, imp, { resamples: 20, seed: 42 });
 * assert.ok(intervals.eer.lower <= stats.eer && stats.eer <= intervals.eer.upper);
 * assert.equal(summarizeBestMatches(gen, { thresholds: [0.75] }).shareAbove[0], 0.5);
 * ```
 *
 * @module
 */
export * from "./_best_match_summary.ts";
export * from "./_bootstrap.ts";
export * from "./_dataset_metrics.ts";
export * from "./_det_roc.ts";
export * from "./_diversity.ts";
export * from "./_eer_stats.ts";
export * from "./_fdr.ts";
export * from "./_kde.ts";
export * from "./_leakage_judged.ts";
export * from "./_numpy_sum.ts";
export * from "./_operating_point.ts";
export * from "./_operating_points.ts";
export * from "./_pca.ts";
export * from "./_percentile.ts";
export * from "./_score_tally.ts";
export * from "./_umap.ts";
