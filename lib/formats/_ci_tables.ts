/**
 * The paper's verification table with 95% confidence intervals, as the four CSV files of the
 * replication package's `Data/CI/` (`eer_95.csv`, `fmr_95.csv`, `fdr_95.csv`, `mean_95.csv`, with
 * exactly their columns): the reader merges them into one {@linkcode CiTable} of metrics by
 * dataset, the writer makes them from the kit's metrics. A margin is half the interval width;
 * numbers are written as pandas writes float64, NaN (no bootstrap) as an empty field.
 *
 * @module
 */
import { join } from "node:path";
import type { BootstrapStatistic } from "../metrics/_bootstrap.ts";
import type { DatasetMetrics } from "../metrics/_dataset_metrics.ts";
import { formatCsv, numberColumn, parseCsv, stringColumn } from "./_csv.ts";
import { csvFloat, type NamedMetrics } from "./_metrics_table.ts";

/** One metric of the table: value and interval bounds per dataset (NaN where a file lacks it). */
export interface CiMetric {
  /** The original's metric name: `EER`, `FMR100`, `FMR1000`, `FDR`, `Genuine Mean`, `Impostor Mean`. */
  name: string;
  /** Point estimate per dataset, indexed like {@linkcode CiTable.datasets}. */
  value: Float64Array;
  /** Lower bound of the 95% bootstrap interval per dataset (NaN without bootstrap). */
  lower: Float64Array;
  /** Upper bound of the 95% bootstrap interval per dataset (NaN without bootstrap). */
  upper: Float64Array;
}

/** The merged table: `metrics[m].value[d]` is metric `m` of dataset `datasets[d]`. */
export interface CiTable {
  /** Dataset names (the `Dataset` column), in order of first appearance across the files. */
  datasets: string[];
  /** Metrics in the order of {@linkcode CI_LAYOUT}. */
  metrics: CiMetric[];
}

/** Names of the four tables (their file names without `.csv`). */
export type CiTableName = "eer_95" | "fmr_95" | "fdr_95" | "mean_95";

/** How a metric is stored in the CI files: its table, file name and columns. */
export interface CiColumns {
  /** The table holding the metric. */
  table: CiTableName;
  /** The table's file name, `<table>.csv`. */
  file: string;
  /** The original's metric name. */
  name: string;
  /** Column of the point estimate, e.g. `EER` or `Genuine_Mean`. */
  value: string;
  /** Column of the interval's lower bound, e.g. `CI_Lower` or `FDR_CI_Lower`. */
  lower: string;
  /** Column of the interval's upper bound, e.g. `CI_Upper` or `FDR_CI_Upper`. */
  upper: string;
  /** The half-width column, where the table has one (written, not read). */
  margin?: string;
}

/** The layout of the four CI files, as the paper's replication package writes them, in order. */
export const CI_LAYOUT: readonly CiColumns[] = [
  {
    table: "eer_95",
    file: "eer_95.csv",
    name: "EER",
    value: "EER",
    lower: "CI_Lower",
    upper: "CI_Upper",
    margin: "Margin",
  },
  {
    table: "fmr_95",
    file: "fmr_95.csv",
    name: "FMR100",
    value: "FMR100",
    lower: "FMR100_CI_Lower",
    upper: "FMR100_CI_Upper",
  },
  {
    table: "fmr_95",
    file: "fmr_95.csv",
    name: "FMR1000",
    value: "FMR1000",
    lower: "FMR1000_CI_Lower",
    upper: "FMR1000_CI_Upper",
  },
  {
    table: "fdr_95",
    file: "fdr_95.csv",
    name: "FDR",
    value: "FDR",
    lower: "FDR_CI_Lower",
    upper: "FDR_CI_Upper",
    margin: "FDR_Margin",
  },
  {
    table: "mean_95",
    file: "mean_95.csv",
    name: "Genuine Mean",
    value: "Genuine_Mean",
    lower: "Genuine_CI_Lower",
    upper: "Genuine_CI_Upper",
  },
  {
    table: "mean_95",
    file: "mean_95.csv",
    name: "Impostor Mean",
    value: "Impostor_Mean",
    lower: "Impostor_CI_Lower",
    upper: "Impostor_CI_Upper",
  },
];

/** The four tables in the order of {@linkcode CI_TABLE_COLUMNS}. */
const CI_TABLE_NAMES: readonly CiTableName[] = ["eer_95", "fdr_95", "fmr_95", "mean_95"];

function tableColumns(table: CiTableName): string[] {
  const columns = ["Dataset"];
  for (const c of CI_LAYOUT) {
    if (c.table !== table) continue;
    columns.push(c.value, c.lower, c.upper);
    if (c.margin !== undefined) columns.push(c.margin);
  }
  return columns;
}

/** Columns of each table, as in the published files (from {@linkcode CI_LAYOUT}). */
export const CI_TABLE_COLUMNS: Readonly<Record<CiTableName, readonly string[]>> = {
  eer_95: tableColumns("eer_95"),
  fdr_95: tableColumns("fdr_95"),
  fmr_95: tableColumns("fmr_95"),
  mean_95: tableColumns("mean_95"),
};

/**
 * Merges CI files given as text into one table. Datasets keep the order of first appearance; a
 * dataset listed twice in one file, or an interval that does not hold its value, is an error. An
 * empty field reads as NaN (the kit writes NaN bounds when no bootstrap ran); the interval check
 * applies where value and bounds are all present.
 *
 * @param files Text of each file keyed by its name in {@linkcode CI_LAYOUT} (e.g. `eer_95.csv`).
 * @param options `dir`: folder named in error messages (default `"CI"`).
 * @returns The merged table.
 * @throws {SyntaxError} On a malformed file, naming file and line.
 * @throws {RangeError} When a file of the layout is missing from `files`.
 *
 * @example
 * ```ts
 * import { parseCiTables } from "./_ci_tables.ts";
 * const t = parseCiTables({
 *   "eer_95.csv": "Dataset,EER,CI_Lower,CI_Upper,Margin\nA,0.1,0.09,0.11,0.01\n",
 *   "fmr_95.csv": "Dataset,FMR100,FMR100_CI_Lower,FMR100_CI_Upper,FMR1000,FMR1000_CI_Lower," +
 *     "FMR1000_CI_Upper\nA,0.2,0.1,0.3,0.4,0.3,0.5\n",
 *   "fdr_95.csv": "Dataset,FDR,FDR_CI_Lower,FDR_CI_Upper,FDR_Margin\nA,3,2,4,1\n",
 *   "mean_95.csv": "Dataset,Genuine_Mean,Genuine_CI_Lower,Genuine_CI_Upper,Impostor_Mean," +
 *     "Impostor_CI_Lower,Impostor_CI_Upper\nA,0.5,0.4,0.6,0.01,0,0.02\n",
 * });
 * if (t.datasets[0] !== "A" || t.metrics[0]?.name !== "EER" || t.metrics[3]?.upper[0] !== 4) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseCiTables(
  files: Record<string, string>,
  options: { dir?: string } = {},
): CiTable {
  const { dir = "CI" } = options;
  const datasets: string[] = [];
  const index = new Map<string, number>();
  const parsed = new Map<
    string,
    { names: string[]; lines: Uint32Array; table: ReturnType<typeof parseCsv> }
  >();
  for (const { file } of CI_LAYOUT) {
    if (parsed.has(file)) continue;
    const text = files[file];
    if (text === undefined) {
      throw new RangeError(`Cannot read the CI tables of ${dir}: ${file} is missing`);
    }
    const source = join(dir, file);
    const table = parseCsv(text, { source });
    const names = stringColumn(table, "Dataset");
    const seen = new Set<string>();
    names.forEach((name, r) => {
      if (seen.has(name)) {
        throw new SyntaxError(
          `Cannot read ${source} line ${table.lines[r]}: dataset ${name} is listed twice`,
        );
      }
      seen.add(name);
      if (!index.has(name)) {
        index.set(name, datasets.length);
        datasets.push(name);
      }
    });
    parsed.set(file, { names, lines: table.lines, table });
  }
  const metrics = CI_LAYOUT.map((layout): CiMetric => {
    const { names, lines, table } = parsed.get(layout.file)!;
    const read = (column: string) => numberColumn(table, column, { emptyAsNaN: true });
    const [values, lowers, uppers] = [read(layout.value), read(layout.lower), read(layout.upper)];
    const metric: CiMetric = {
      name: layout.name,
      value: new Float64Array(datasets.length).fill(NaN),
      lower: new Float64Array(datasets.length).fill(NaN),
      upper: new Float64Array(datasets.length).fill(NaN),
    };
    names.forEach((name, r) => {
      const [v, lo, hi] = [values[r]!, lowers[r]!, uppers[r]!];
      const present = !Number.isNaN(v) && !Number.isNaN(lo) && !Number.isNaN(hi);
      if (present && !(lo <= v && v <= hi)) {
        throw new SyntaxError(
          `Cannot read ${table.source} line ${
            lines[r]
          }: the interval [${lo}, ${hi}] of ${layout.name} does not hold ${v}`,
        );
      }
      const d = index.get(name)!;
      metric.value[d] = v;
      metric.lower[d] = lo;
      metric.upper[d] = hi;
    });
    return metric;
  });
  return { datasets, metrics };
}

/**
 * Reads the four CI files of a folder (the published `Data/CI/`, or the kit's own tables).
 *
 * @param dir The folder holding `eer_95.csv`, `fmr_95.csv`, `fdr_95.csv` and `mean_95.csv`.
 * @returns The merged table.
 * @throws {SyntaxError} On a malformed file, naming file and line.
 * @throws {Deno.errors.NotFound} When a file is missing.
 *
 * @example
 * ```ts
 * import { readCiTables } from "./_ci_tables.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/eer_95.csv`, "Dataset,EER,CI_Lower,CI_Upper\nA,0.1,0.1,0.2\n");
 * await Deno.writeTextFile(`${dir}/fmr_95.csv`, "Dataset,FMR100,FMR100_CI_Lower,FMR100_CI_Upper," +
 *   "FMR1000,FMR1000_CI_Lower,FMR1000_CI_Upper\nA,1,1,1,1,1,1\n");
 * await Deno.writeTextFile(`${dir}/fdr_95.csv`, "Dataset,FDR,FDR_CI_Lower,FDR_CI_Upper\nA,2,1,3\n");
 * await Deno.writeTextFile(`${dir}/mean_95.csv`, "Dataset,Genuine_Mean,Genuine_CI_Lower," +
 *   "Genuine_CI_Upper,Impostor_Mean,Impostor_CI_Lower,Impostor_CI_Upper\nA,1,1,1,0,0,0\n");
 * const t = await readCiTables(dir);
 * await Deno.remove(dir, { recursive: true });
 * if (t.metrics.length !== 6 || t.metrics[3]?.value[0] !== 2) throw new Error("unexpected");
 * ```
 */
export async function readCiTables(dir: string): Promise<CiTable> {
  const files: Record<string, string> = {};
  for (const { file } of CI_LAYOUT) {
    if (!(file in files)) files[file] = await Deno.readTextFile(join(dir, file));
  }
  return parseCiTables(files, { dir });
}

const NO_INTERVAL = { lower: NaN, upper: NaN };

/** Each metric of {@linkcode CI_LAYOUT} in the kit's metrics: its point estimate and bootstrap statistic. */
const SOURCES: Readonly<
  Record<string, { statistic: BootstrapStatistic; point: (m: DatasetMetrics) => number }>
> = {
  "EER": { statistic: "eer", point: (m) => m.stats.eer },
  "FMR100": { statistic: "fmr100", point: (m) => m.stats.fmr100 },
  "FMR1000": { statistic: "fmr1000", point: (m) => m.stats.fmr1000 },
  "FDR": { statistic: "fdr", point: (m) => m.fdr },
  "Genuine Mean": { statistic: "gmean", point: (m) => m.stats.gmean },
  "Impostor Mean": { statistic: "imean", point: (m) => m.stats.imean },
};

/**
 * The CI table of the kit's metrics: point estimates and bootstrap bounds per dataset (NaN
 * bounds for a dataset measured without bootstrap).
 *
 * @param rows Datasets in output order.
 * @returns The table, metrics in the order of {@linkcode CI_LAYOUT}.
 *
 * @example
 * ```ts
 * import { datasetMetrics } from "../metrics/_dataset_metrics.ts";
 * import { ciTable } from "./_ci_tables.ts";
 * const metrics = datasetMetrics([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75], { resamples: 0 });
 * const t = ciTable([{ dataset: "toy", metrics }]);
 * if (t.metrics[0]?.value[0] !== 0.225 || !Number.isNaN(t.metrics[0].lower[0]!)) throw new Error();
 * ```
 */
export function ciTable(rows: readonly NamedMetrics[]): CiTable {
  const n = rows.length;
  const metrics = CI_LAYOUT.map(({ name }): CiMetric => {
    const { statistic, point } = SOURCES[name]!;
    const metric: CiMetric = {
      name,
      value: new Float64Array(n),
      lower: new Float64Array(n),
      upper: new Float64Array(n),
    };
    rows.forEach(({ metrics: m }, d) => {
      const interval = m.bootstrap?.intervals[statistic] ?? NO_INTERVAL;
      metric.value[d] = point(m);
      metric.lower[d] = interval.lower;
      metric.upper[d] = interval.upper;
    });
    return metric;
  });
  return { datasets: rows.map((r) => r.dataset), metrics };
}

/**
 * Formats a CI table as the four files: per dataset each metric's value and bounds, and the
 * margin `(upper - lower) / 2` where the table has that column.
 *
 * @param table The table; it must hold every metric of {@linkcode CI_LAYOUT}.
 * @returns CSV text per table name.
 * @throws {RangeError} When a metric of the layout is missing.
 *
 * @example
 * ```ts
 * import { formatCiTables, parseCiTables } from "./_ci_tables.ts";
 * const one = (name: string, v: number) => ({
 *   name, value: Float64Array.of(v), lower: Float64Array.of(v - 0.5), upper: Float64Array.of(v + 0.5),
 * });
 * const table = { datasets: ["A"], metrics: ["EER", "FMR100", "FMR1000", "FDR", "Genuine Mean",
 *   "Impostor Mean"].map((name, i) => one(name, i)) };
 * const files = formatCiTables(table);
 * if (files.eer_95 !== "Dataset,EER,CI_Lower,CI_Upper,Margin\nA,0.0,-0.5,0.5,0.5\n") throw new Error();
 * const back = parseCiTables({ "eer_95.csv": files.eer_95, "fmr_95.csv": files.fmr_95,
 *   "fdr_95.csv": files.fdr_95, "mean_95.csv": files.mean_95 });
 * if (back.metrics[3]?.upper[0] !== 3.5) throw new Error("round trip");
 * ```
 */
export function formatCiTables(table: CiTable): Record<CiTableName, string> {
  const byName = new Map(table.metrics.map((m) => [m.name, m]));
  const layout = CI_LAYOUT.map((c) => {
    const metric = byName.get(c.name);
    if (metric === undefined) {
      throw new RangeError(`Cannot write the CI tables: the table has no metric ${c.name}`);
    }
    return { ...c, metric };
  });
  const f = csvFloat;
  const out = {} as Record<CiTableName, string>;
  for (const name of CI_TABLE_NAMES) {
    const parts = layout.filter((c) => c.table === name);
    const rows = table.datasets.map((dataset, d) => {
      const row = [dataset];
      for (const { metric, margin } of parts) {
        const lower = metric.lower[d]!, upper = metric.upper[d]!;
        row.push(f(metric.value[d]!), f(lower), f(upper));
        if (margin !== undefined) row.push(f((upper - lower) / 2));
      }
      return row;
    });
    out[name] = formatCsv([...CI_TABLE_COLUMNS[name]], rows);
  }
  return out;
}

/**
 * Formats the four CI tables of the kit's metrics: `formatCiTables(ciTable(rows))`. Datasets
 * without bootstrap intervals get empty bounds.
 *
 * @param rows Datasets in output order.
 * @returns CSV text per table name.
 *
 * @example
 * ```ts
 * import { datasetMetrics } from "../metrics/_dataset_metrics.ts";
 * import { ciTablesCsv } from "./_ci_tables.ts";
 * const metrics = datasetMetrics([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75], { resamples: 20 });
 * const tables = ciTablesCsv([{ dataset: "toy", metrics }]);
 * if (!tables.eer_95.startsWith("Dataset,EER,CI_Lower,CI_Upper,Margin\ntoy,0.225,")) throw new Error(tables.eer_95);
 * ```
 */
export function ciTablesCsv(rows: readonly NamedMetrics[]): Record<CiTableName, string> {
  return formatCiTables(ciTable(rows));
}
