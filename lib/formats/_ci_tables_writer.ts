/**
 * The paper's four confidence-interval tables (`eer_95.csv`, `fmr_95.csv`, `fdr_95.csv`,
 * `mean_95.csv` of the replication package's `Data/CI`), with exactly their columns. A margin is
 * half the interval width.
 *
 * @module
 */
import type { Interval } from "../metrics/_bootstrap.ts";
import { formatCsv } from "./_csv.ts";
import { csvFloat, type NamedMetrics } from "./_metrics_table.ts";

/** Names of the four tables (their file names without `.csv`). */
export type CiTableName = "eer_95" | "fmr_95" | "fdr_95" | "mean_95";

/** Columns of each table, as in the published files. */
export const CI_TABLE_COLUMNS: Readonly<Record<CiTableName, readonly string[]>> = {
  eer_95: ["Dataset", "EER", "CI_Lower", "CI_Upper", "Margin"],
  fdr_95: ["Dataset", "FDR", "FDR_CI_Lower", "FDR_CI_Upper", "FDR_Margin"],
  fmr_95: [
    "Dataset",
    "FMR100",
    "FMR100_CI_Lower",
    "FMR100_CI_Upper",
    "FMR1000",
    "FMR1000_CI_Lower",
    "FMR1000_CI_Upper",
  ],
  mean_95: [
    "Dataset",
    "Genuine_Mean",
    "Genuine_CI_Lower",
    "Genuine_CI_Upper",
    "Impostor_Mean",
    "Impostor_CI_Lower",
    "Impostor_CI_Upper",
  ],
};

const NO_INTERVAL: Interval = { lower: NaN, upper: NaN };

/**
 * Formats the four CI tables. Datasets without bootstrap intervals get empty bounds.
 *
 * @param rows Datasets in output order.
 * @returns CSV text per table name.
 *
 * @example
 * ```ts
 * import { datasetMetrics } from "../metrics/_dataset_metrics.ts";
 * import { ciTablesCsv } from "./_ci_tables_writer.ts";
 * const metrics = datasetMetrics([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75], { resamples: 20 });
 * const tables = ciTablesCsv([{ dataset: "toy", metrics }]);
 * if (!tables.eer_95.startsWith("Dataset,EER,CI_Lower,CI_Upper,Margin\ntoy,0.225,")) throw new Error(tables.eer_95);
 * ```
 */
export function ciTablesCsv(rows: readonly NamedMetrics[]): Record<CiTableName, string> {
  const f = csvFloat;
  const iv = (r: NamedMetrics, name: "eer" | "fmr100" | "fmr1000" | "fdr" | "gmean" | "imean") =>
    r.metrics.bootstrap?.intervals[name] ?? NO_INTERVAL;
  const margin = (i: Interval) => f((i.upper - i.lower) / 2);
  return {
    eer_95: formatCsv(
      [...CI_TABLE_COLUMNS.eer_95],
      rows.map((r) => {
        const i = iv(r, "eer");
        return [r.dataset, f(r.metrics.stats.eer), f(i.lower), f(i.upper), margin(i)];
      }),
    ),
    fdr_95: formatCsv(
      [...CI_TABLE_COLUMNS.fdr_95],
      rows.map((r) => {
        const i = iv(r, "fdr");
        return [r.dataset, f(r.metrics.fdr), f(i.lower), f(i.upper), margin(i)];
      }),
    ),
    fmr_95: formatCsv(
      [...CI_TABLE_COLUMNS.fmr_95],
      rows.map((r) => {
        const a = iv(r, "fmr100"), b = iv(r, "fmr1000");
        const s = r.metrics.stats;
        return [
          r.dataset,
          f(s.fmr100),
          f(a.lower),
          f(a.upper),
          f(s.fmr1000),
          f(b.lower),
          f(b.upper),
        ];
      }),
    ),
    mean_95: formatCsv(
      [...CI_TABLE_COLUMNS.mean_95],
      rows.map((r) => {
        const a = iv(r, "gmean"), b = iv(r, "imean");
        const s = r.metrics.stats;
        return [r.dataset, f(s.gmean), f(a.lower), f(a.upper), f(s.imean), f(b.lower), f(b.upper)];
      }),
    ),
  };
}
