/**
 * Metric tables written by the metrics task: `All_Datasets_metrics.csv` and the paper's four
 * confidence-interval tables.
 *
 * @example
 * ```ts
 * import { datasetMetrics } from "../metrics/_dataset_metrics.ts";
 * import { ciTablesCsv, metricsTableCsv } from "./mod.ts";
 * const metrics = datasetMetrics([0.9, 0.8, 0.7], [0.1, 0.2, 0.75], { resamples: 10 });
 * const rows = [{ dataset: "toy", metrics }];
 * if (!metricsTableCsv(rows).includes("toy") || !ciTablesCsv(rows).fdr_95.includes("toy")) throw new Error("missing row");
 * ```
 *
 * @module
 */
export * from "../formats/_ci_tables_writer.ts";
export * from "../formats/_metrics_table.ts";
