/**
 * `All_Datasets_metrics.csv`: one row per dataset with the columns of the original
 * `analyze_embeddings_with_metrics.py` (`Dataset`, `Genuine Mean`, ..., `Total Comparisons`),
 * then pyeer's other fields under its report labels, the FDR, and the bootstrap interval columns.
 * Numbers are written as pandas writes float64 (Python's repr); NaN as an empty field.
 *
 * @module
 */
import { pythonFloatRepr } from "./_python_float.ts";
import type { DatasetMetrics } from "../metrics/_dataset_metrics.ts";
import { formatCsv } from "./_csv.ts";

/** A dataset's name with its metrics. */
export interface NamedMetrics {
  /** Dataset name (the score files' prefix). */
  dataset: string;
  metrics: DatasetMetrics;
}

type Column = [string, (m: DatasetMetrics) => number | string];

const ci =
  (name: "eer" | "fmr100" | "fmr1000" | "fdr" | "gmean" | "imean", bound: "lower" | "upper") =>
  (m: DatasetMetrics) => m.bootstrap ? m.bootstrap.intervals[name][bound] : NaN;

/** The original's columns, in its order. */
export const ORIGINAL_METRICS_COLUMNS: readonly string[] = [
  "Dataset",
  "Genuine Mean",
  "Genuine Std",
  "Impostor Mean",
  "Impostor Std",
  "EER",
  "EER Threshold",
  "FMR100",
  "FMR100 Threshold",
  "FMR1000",
  "FMR1000 Threshold",
  "Total Comparisons",
];

const COLUMNS: Column[] = [
  ["Genuine Mean", (m) => m.stats.gmean],
  ["Genuine Std", (m) => m.stats.gstd],
  ["Impostor Mean", (m) => m.stats.imean],
  ["Impostor Std", (m) => m.stats.istd],
  ["EER", (m) => m.stats.eer],
  ["EER Threshold", (m) => m.stats.eer_th],
  ["FMR100", (m) => m.stats.fmr100],
  ["FMR100 Threshold", (m) => m.stats.fmr100_th],
  ["FMR1000", (m) => m.stats.fmr1000],
  ["FMR1000 Threshold", (m) => m.stats.fmr1000_th],
  ["Total Comparisons", (m) => String(m.genuineCount + m.impostorCount)],
  ["Genuine Comparisons", (m) => String(m.genuineCount)],
  ["Impostor Comparisons", (m) => String(m.impostorCount)],
  ["EER Low", (m) => m.stats.eer_low],
  ["EER High", (m) => m.stats.eer_high],
  ["FMR20", (m) => m.stats.fmr20],
  ["FMR20 Threshold", (m) => m.stats.fmr20_th],
  ["FMR10", (m) => m.stats.fmr10],
  ["FMR10 Threshold", (m) => m.stats.fmr10_th],
  ["ZeroFMR", (m) => m.stats.fmr0],
  ["ZeroFMR Threshold", (m) => m.stats.fmr0_th],
  ["ZeroFNMR", (m) => m.stats.fnmr0],
  ["ZeroFNMR Threshold", (m) => m.stats.fnmr0_th],
  ["Sensitivity index (d')", (m) => m.stats.decidability],
  ["AUC", (m) => m.stats.auc],
  ["J-Index", (m) => m.stats.j_index],
  ["J-Index Threshold", (m) => m.stats.j_index_th],
  ["MCC", (m) => m.stats.mccoef],
  ["MCC Threshold", (m) => m.stats.mccoef_th],
  ["FDR", (m) => m.fdr],
  ["Bootstrap Resamples", (m) => String(m.bootstrap?.resamples ?? 0)],
  ["EER CI Lower", ci("eer", "lower")],
  ["EER CI Upper", ci("eer", "upper")],
  ["FMR100 CI Lower", ci("fmr100", "lower")],
  ["FMR100 CI Upper", ci("fmr100", "upper")],
  ["FMR1000 CI Lower", ci("fmr1000", "lower")],
  ["FMR1000 CI Upper", ci("fmr1000", "upper")],
  ["FDR CI Lower", ci("fdr", "lower")],
  ["FDR CI Upper", ci("fdr", "upper")],
  ["Genuine Mean CI Lower", ci("gmean", "lower")],
  ["Genuine Mean CI Upper", ci("gmean", "upper")],
  ["Impostor Mean CI Lower", ci("imean", "lower")],
  ["Impostor Mean CI Upper", ci("imean", "upper")],
];

/** Every column of {@linkcode metricsTableCsv}, in order. */
export const METRICS_TABLE_COLUMNS: readonly string[] = ["Dataset", ...COLUMNS.map((c) => c[0])];

/**
 * A number as pandas' `to_csv` writes a float64: Python's repr, NaN as an empty field.
 *
 * @param value The number.
 * @returns The CSV field text.
 *
 * @example
 * ```ts
 * import { csvFloat } from "./_metrics_table.ts";
 * if ([1, 1e-5, NaN].map(csvFloat).join("|") !== "1.0|1e-05|") throw new Error("unexpected");
 * ```
 */
export function csvFloat(value: number): string {
  if (Number.isNaN(value)) return "";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return pythonFloatRepr(value);
}

/**
 * Formats `All_Datasets_metrics.csv`.
 *
 * @param rows Datasets in output order.
 * @returns CSV text with a header row.
 *
 * @example
 * ```ts
 * import { datasetMetrics } from "../metrics/_dataset_metrics.ts";
 * import { metricsTableCsv } from "./_metrics_table.ts";
 * const metrics = datasetMetrics([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75], { resamples: 0 });
 * const csv = metricsTableCsv([{ dataset: "toy", metrics }]);
 * if (!csv.startsWith("Dataset,Genuine Mean,Genuine Std,") || !csv.includes("toy,0.7000000000000001,")) {
 *   throw new Error(csv);
 * }
 * ```
 */
export function metricsTableCsv(rows: readonly NamedMetrics[]): string {
  return formatCsv(
    [...METRICS_TABLE_COLUMNS],
    rows.map((r) => [
      r.dataset,
      ...COLUMNS.map(([, get]) => {
        const v = get(r.metrics);
        return typeof v === "string" ? v : csvFloat(v);
      }),
    ]),
  );
}
