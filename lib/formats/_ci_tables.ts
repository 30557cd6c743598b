/**
 * Reader of the paper's verification table with 95% confidence intervals (`CI/eer_95.csv`,
 * `fmr_95.csv`, `fdr_95.csv`, `mean_95.csv`), merged into one table of metrics by dataset.
 *
 * @module
 */
import { join } from "node:path";
import { numberColumn, parseCsv, stringColumn } from "./_csv.ts";

/** One metric of the table: value and interval bounds per dataset (NaN where a file lacks it). */
export interface CiMetric {
  /** The original's metric name: `EER`, `FMR100`, `FMR1000`, `FDR`, `Genuine Mean`, `Impostor Mean`. */
  name: string;
  value: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/** The merged table: `metrics[m].value[d]` is metric `m` of dataset `datasets[d]`. */
export interface CiTable {
  datasets: string[];
  metrics: CiMetric[];
}

/** How a metric is stored in the CI files: file name and its three columns. */
export interface CiColumns {
  file: string;
  name: string;
  value: string;
  lower: string;
  upper: string;
}

/** The layout of the four CI files, as the paper's replication package writes them. */
export const CI_LAYOUT: readonly CiColumns[] = [
  { file: "eer_95.csv", name: "EER", value: "EER", lower: "CI_Lower", upper: "CI_Upper" },
  {
    file: "fmr_95.csv",
    name: "FMR100",
    value: "FMR100",
    lower: "FMR100_CI_Lower",
    upper: "FMR100_CI_Upper",
  },
  {
    file: "fmr_95.csv",
    name: "FMR1000",
    value: "FMR1000",
    lower: "FMR1000_CI_Lower",
    upper: "FMR1000_CI_Upper",
  },
  { file: "fdr_95.csv", name: "FDR", value: "FDR", lower: "FDR_CI_Lower", upper: "FDR_CI_Upper" },
  {
    file: "mean_95.csv",
    name: "Genuine Mean",
    value: "Genuine_Mean",
    lower: "Genuine_CI_Lower",
    upper: "Genuine_CI_Upper",
  },
  {
    file: "mean_95.csv",
    name: "Impostor Mean",
    value: "Impostor_Mean",
    lower: "Impostor_CI_Lower",
    upper: "Impostor_CI_Upper",
  },
];

/**
 * Merges CI files given as text into one table. Datasets keep the order of first appearance; a
 * dataset listed twice in one file, or an interval that does not hold its value, is an error.
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
 * if (t.datasets[0] !== "A" || t.metrics[0].name !== "EER" || t.metrics[3].upper[0] !== 4) {
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
    const columns = [layout.value, layout.lower, layout.upper].map((c) => numberColumn(table, c));
    const metric: CiMetric = {
      name: layout.name,
      value: new Float64Array(datasets.length).fill(NaN),
      lower: new Float64Array(datasets.length).fill(NaN),
      upper: new Float64Array(datasets.length).fill(NaN),
    };
    names.forEach((name, r) => {
      const [v, lo, hi] = [columns[0][r], columns[1][r], columns[2][r]];
      if (!(lo <= v && v <= hi)) {
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
 * if (t.metrics.length !== 6 || t.metrics[3].value[0] !== 2) throw new Error("unexpected");
 * ```
 */
export async function readCiTables(dir: string): Promise<CiTable> {
  const files: Record<string, string> = {};
  for (const { file } of CI_LAYOUT) {
    if (!(file in files)) files[file] = await Deno.readTextFile(join(dir, file));
  }
  return parseCiTables(files, { dir });
}
