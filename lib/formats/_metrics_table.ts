/**
 * `All_Datasets_metrics.csv`: one row per dataset with the columns of the original
 * `analyze_embeddings_with_metrics.py` (`Dataset`, `Genuine Mean`, ..., `Total Comparisons`),
 * then pyeer's other fields under its report labels, the FDR, and the bootstrap interval columns.
 * Numbers are written as pandas writes float64 (Python's repr), counts as integers, NaN as an
 * empty field. The reader takes any such table (the original's twelve columns or the kit's full
 * set) back to columns of numbers.
 *
 * @module
 */
import { pythonFloatRepr } from "./_python_float.ts";
import type { DatasetMetrics } from "../metrics/_dataset_metrics.ts";
import { columnIndex, type CsvTable, formatCsv, parseCsv, stringColumn } from "./_csv.ts";

/** A dataset's name with its metrics. */
export interface NamedMetrics {
  /** Dataset name (the score files' prefix). */
  dataset: string;
  /** Its statistics, FDR and bootstrap intervals (`bootstrap` is `null` when none ran). */
  metrics: DatasetMetrics;
}

type Column = [string, (m: DatasetMetrics) => number];

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
  ["Total Comparisons", (m) => m.genuineCount + m.impostorCount],
  ["Genuine Comparisons", (m) => m.genuineCount],
  ["Impostor Comparisons", (m) => m.impostorCount],
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
  ["Bootstrap Resamples", (m) => m.bootstrap?.resamples ?? 0],
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

/** Columns that hold counts, written as integers (`9`, not `9.0`). */
const COUNT_COLUMNS: ReadonlySet<string> = new Set([
  "Total Comparisons",
  "Genuine Comparisons",
  "Impostor Comparisons",
  "Bootstrap Resamples",
]);

/** A metrics table as columns: `columns[c].values[d]` is metric `c` of dataset `datasets[d]`. */
export interface MetricsTable {
  /** Dataset of each row. */
  datasets: string[];
  /** The metric columns in file order (the columns after `Dataset`). */
  columns: MetricsColumn[];
}

/** One metric column of a {@linkcode MetricsTable}. */
export interface MetricsColumn {
  /** Column name, e.g. `EER`. */
  name: string;
  /** One value per dataset; NaN where the field is empty. */
  values: Float64Array;
}

/**
 * The metrics table of the kit's metrics, with every column of {@linkcode METRICS_TABLE_COLUMNS}.
 *
 * @param rows Datasets in output order.
 * @returns The table as columns.
 *
 * @example
 * ```ts
 * import { datasetMetrics } from "../metrics/_dataset_metrics.ts";
 * import { metricsTable } from "./_metrics_table.ts";
 * const metrics = datasetMetrics([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75], { resamples: 0 });
 * const t = metricsTable([{ dataset: "toy", metrics }]);
 * if (t.columns.find((c) => c.name === "EER")?.values[0] !== 0.225) throw new Error("unexpected");
 * ```
 */
export function metricsTable(rows: readonly NamedMetrics[]): MetricsTable {
  return {
    datasets: rows.map((r) => r.dataset),
    columns: COLUMNS.map(([name, get]) => ({
      name,
      values: Float64Array.from(rows, (r) => get(r.metrics)),
    })),
  };
}

/**
 * Formats a metrics table: a `Dataset` column, then its columns in order; counts as integers,
 * other numbers as {@linkcode csvFloat} writes them.
 *
 * @param table The table.
 * @returns CSV text with a header row.
 * @throws {RangeError} When a column's length differs from the number of datasets.
 *
 * @example
 * ```ts
 * import { formatMetricsTable } from "./_metrics_table.ts";
 * const csv = formatMetricsTable({ datasets: ["A"], columns: [
 *   { name: "EER", values: Float64Array.of(0.5) }, { name: "Total Comparisons", values: Float64Array.of(9) },
 * ] });
 * if (csv !== "Dataset,EER,Total Comparisons\nA,0.5,9\n") throw new Error(csv);
 * ```
 */
export function formatMetricsTable(table: MetricsTable): string {
  const n = table.datasets.length;
  for (const { name, values } of table.columns) {
    if (values.length !== n) {
      throw new RangeError(
        `Cannot write the metrics table: column ${name} has ${values.length} values for ${n} datasets`,
      );
    }
  }
  const format = table.columns.map(({ name }) =>
    COUNT_COLUMNS.has(name) ? (v: number) => (Number.isNaN(v) ? "" : String(v)) : csvFloat
  );
  return formatCsv(
    ["Dataset", ...table.columns.map((c) => c.name)],
    table.datasets.map((dataset, d) => [
      dataset,
      ...table.columns.map((c, k) => format[k]!(c.values[d]!)),
    ]),
  );
}

/**
 * Formats `All_Datasets_metrics.csv`: `formatMetricsTable(metricsTable(rows))`.
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
  return formatMetricsTable(metricsTable(rows));
}

/** A metric column as numbers: empty is NaN, `inf` and `-inf` as pandas writes infinities. */
function metricColumn(table: CsvTable, name: string): Float64Array {
  const k = columnIndex(table, name);
  const out = new Float64Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    const field = table.rows[r]![k]!; // every row is header.length wide
    const v = field.trim();
    const value = v === "" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v);
    if (v !== "" && Number.isNaN(value)) {
      throw new SyntaxError(
        `Cannot read ${table.source} line ${
          table.lines[r]
        } column "${name}" as a number: current value is "${field}"`,
      );
    }
    out[r] = value;
  }
  return out;
}

/**
 * Parses a metrics table: a `Dataset` column and any metric columns (the original's twelve, or
 * the kit's full set). Every metric field must be a number, `inf`, `-inf` or empty (NaN).
 *
 * @param text CSV text.
 * @param source File path, for error messages.
 * @returns The table as columns, in file order.
 * @throws {SyntaxError} On a malformed line or field, or a table without `Dataset`, naming file
 *   and line.
 *
 * @example
 * ```ts
 * import { parseMetricsTable } from "./_metrics_table.ts";
 * const t = parseMetricsTable("Dataset,EER,FDR\nA,0.25,\n", "All_Datasets_metrics.csv");
 * if (t.datasets[0] !== "A" || t.columns[0]?.values[0] !== 0.25) throw new Error("unexpected");
 * if (!Number.isNaN(t.columns[1]?.values[0] ?? 0)) throw new Error("empty is NaN");
 * ```
 */
export function parseMetricsTable(text: string, source: string): MetricsTable {
  const table = parseCsv(text, { source });
  const datasets = stringColumn(table, "Dataset");
  const columns = table.header
    .filter((name) => name !== "Dataset")
    .map((name) => ({ name, values: metricColumn(table, name) }));
  return { datasets, columns };
}

/**
 * Reads a metrics table (`All_Datasets_metrics.csv`).
 *
 * @param path The file.
 * @returns The table as columns.
 * @throws {SyntaxError} On a malformed line or field, naming file and line.
 * @throws {Deno.errors.NotFound} When the file is missing.
 *
 * @example
 * ```ts
 * import { readMetricsTable } from "./_metrics_table.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, "Dataset,EER\nA,0.5\n");
 * const t = await readMetricsTable(path);
 * await Deno.remove(path);
 * if (t.columns[0]?.name !== "EER") throw new Error("unexpected");
 * ```
 */
export async function readMetricsTable(path: string): Promise<MetricsTable> {
  return parseMetricsTable(await Deno.readTextFile(path), path);
}
