/**
 * Tables as papers print them: one row per dataset, each column an estimate with its 95% interval
 * (`6.02 [5.91, 6.14]`), in percent for rates, with the order of the datasets stated. This module
 * holds the table model ({@linkcode ReportTable}), the one rounding rule every writer shares
 * ({@linkcode formatEstimate}), the paper's verification table built from the CI tables
 * ({@linkcode paperReportTable}), and the CSV form (read + write): per column the rounded value
 * and bounds as numbers, exactly the digits the Markdown and LaTeX forms print
 * (`_markdown_table.ts`, `_latex_table.ts`).
 *
 * @module
 */
import type { CiTable } from "./_ci_tables.ts";
import { formatCsv, numberColumn, parseCsv, stringColumn } from "./_csv.ts";

/** How a column's numbers are printed. */
export type ReportUnit = "percent" | "number" | "count";

/** One column: a value and interval per row (NaN bounds: no interval; NaN value: not reported). */
export interface ReportColumn {
  /** Column title, e.g. `EER` (the unit is added by the writers: `EER (%)`). */
  name: string;
  /** `percent`: the stored fractions are multiplied by 100; `count`: integers. */
  unit: ReportUnit;
  /** Decimals printed. @default 2 (0 for counts) */
  digits?: number;
  /** Value per row, as stored (fractions for `percent`); NaN prints as {@linkcode ReportTable.missing}. */
  value: Float64Array;
  /** Lower bound per row, or NaN. */
  lower: Float64Array;
  /** Upper bound per row, or NaN. */
  upper: Float64Array;
}

/** A table of estimates: `columns[c].value[r]` belongs to `rows[r]`. */
export interface ReportTable {
  /** Caption title, e.g. `Verification metrics with 95% bootstrap intervals`. */
  title: string;
  /** The sentence that states the row order, e.g. `Datasets by ascending EER.` */
  order: string;
  /** Header of the row-name column. @default "Dataset" in the writers */
  rowHeader?: string;
  /** Row names (datasets), in print order. */
  rows: string[];
  /** Columns, in print order. */
  columns: ReportColumn[];
  /** Text of a cell whose value is NaN (an operating point the data cannot support). @default "n/a" */
  missing?: string;
}

/** The digits of a column: its own, else 0 for counts and 2 otherwise. */
export function columnDigits(column: Pick<ReportColumn, "unit" | "digits">): number {
  return column.digits ?? (column.unit === "count" ? 0 : 2);
}

/**
 * The column title as the writers print it: `EER (%)` for percent, the name otherwise.
 *
 * @param column The column.
 * @returns The title.
 *
 * @example
 * ```ts
 * import { columnTitle } from "./_report_table.ts";
 * if (columnTitle({ name: "EER", unit: "percent" }) !== "EER (%)") throw new Error("unexpected");
 * ```
 */
export function columnTitle(column: Pick<ReportColumn, "name" | "unit">): string {
  return column.unit === "percent" ? `${column.name} (%)` : column.name;
}

/**
 * One number as every table form prints it: times 100 for percent, then `toFixed(digits)`
 * (rounding the binary value to the nearest decimal); NaN is `""`.
 *
 * @param value The stored number.
 * @param column Unit and digits.
 * @returns The printed digits.
 *
 * @example
 * ```ts
 * import { formatNumber } from "./_report_table.ts";
 * if (formatNumber(0.060234, { unit: "percent" }) !== "6.02") throw new Error("unexpected");
 * if (formatNumber(12, { unit: "count" }) !== "12") throw new Error("unexpected");
 * ```
 */
export function formatNumber(value: number, column: Pick<ReportColumn, "unit" | "digits">): string {
  if (Number.isNaN(value)) return "";
  const scaled = column.unit === "percent" ? value * 100 : value;
  return scaled.toFixed(columnDigits(column));
}

/**
 * A cell: `value [lower, upper]`, or the value alone without an interval, or `missing` when the
 * value is NaN.
 *
 * @param column The column.
 * @param row The row index.
 * @param missing Text of a NaN value. @default "n/a"
 * @returns The cell text.
 *
 * @example
 * ```ts
 * import { formatEstimate } from "./_report_table.ts";
 * const column = { name: "EER", unit: "percent" as const, value: Float64Array.of(0.0602),
 *   lower: Float64Array.of(0.0591), upper: Float64Array.of(0.0614) };
 * if (formatEstimate(column, 0) !== "6.02 [5.91, 6.14]") throw new Error(formatEstimate(column, 0));
 * ```
 */
export function formatEstimate(column: ReportColumn, row: number, missing = "n/a"): string {
  const value = column.value[row]!, lower = column.lower[row]!, upper = column.upper[row]!;
  if (Number.isNaN(value)) return missing;
  const v = formatNumber(value, column);
  if (Number.isNaN(lower) || Number.isNaN(upper)) return v;
  return `${v} [${formatNumber(lower, column)}, ${formatNumber(upper, column)}]`;
}

/**
 * Parses a cell printed by {@linkcode formatEstimate} back into numbers as printed (percent stays
 * percent): `[value, lower, upper]`, NaN for what the cell lacks.
 *
 * @param text The cell.
 * @param missing Text of a NaN value. @default "n/a"
 * @returns The three numbers.
 * @throws {SyntaxError} When the text is not a number, optionally followed by `[lower, upper]`.
 *
 * @example
 * ```ts
 * import { parseEstimate } from "./_report_table.ts";
 * const [v, lo, hi] = parseEstimate("6.02 [5.91, 6.14]");
 * if (v !== 6.02 || lo !== 5.91 || hi !== 6.14) throw new Error("unexpected");
 * ```
 */
export function parseEstimate(text: string, missing = "n/a"): [number, number, number] {
  const t = text.trim();
  if (t === missing) return [NaN, NaN, NaN];
  const m = /^(-?[0-9.]+)(?:\s*\[\s*(-?[0-9.]+)\s*,\s*(-?[0-9.]+)\s*\])?$/.exec(t);
  if (m === null) {
    throw new SyntaxError(
      `Cannot read the table cell "${text}": expected a number, optionally followed by [lower, upper]`,
    );
  }
  return [
    Number(m[1]),
    m[2] === undefined ? NaN : Number(m[2]),
    m[3] === undefined ? NaN : Number(m[3]),
  ];
}

/** How {@linkcode paperReportTable} orders the datasets. */
export type DatasetOrder =
  | { by: "name" }
  | { by: "given"; names: readonly string[] }
  | { by: "metric"; metric: string; descending?: boolean };

/**
 * Reads a row order as a flag gives it: `name` (alphabetical), a metric of the table (`EER`,
 * `FDR`, `Genuine Mean`, ...; `:desc` after it for descending), or the datasets themselves,
 * comma separated (every dataset of the table, once).
 *
 * @param text The flag's value.
 * @param metrics The metric names of the table, e.g. `CI_LAYOUT`'s.
 * @returns The order.
 * @throws {RangeError} When the text is empty.
 *
 * @example
 * ```ts
 * import { parseDatasetOrder } from "./_report_table.ts";
 * const metrics = ["EER", "FDR"];
 * const o = parseDatasetOrder("FDR:desc", metrics);
 * if (o.by !== "metric" || o.metric !== "FDR" || !o.descending) throw new Error("unexpected");
 * if (parseDatasetOrder("B,A", metrics).by !== "given") throw new Error("a list of datasets");
 * ```
 */
export function parseDatasetOrder(text: string, metrics: readonly string[]): DatasetOrder {
  const t = text.trim();
  if (t === "") {
    throw new RangeError(
      "Cannot read the table order: expected name, a metric (EER, FDR:desc, ...) or a comma-separated list of datasets",
    );
  }
  if (t === "name") return { by: "name" };
  const [metric, direction] = t.split(":");
  const known = metrics.find((m) => m.toLowerCase() === metric!.trim().toLowerCase());
  if (known !== undefined && (direction === undefined || /^(asc|desc)$/.test(direction))) {
    return { by: "metric", metric: known, descending: direction === "desc" };
  }
  return { by: "given", names: t.split(",").map((n) => n.trim()) };
}

/** Options of {@linkcode paperReportTable}. */
export interface PaperReportTableOptions {
  /** Row order. @default { by: "metric", metric: "EER" } (ascending) */
  order?: DatasetOrder;
  /** Caption title. @default "Verification metrics of each dataset with 95% bootstrap intervals" */
  title?: string;
}

/** Units and digits of the paper's metrics: rates in percent, FDR plain, means as cosines. */
const PAPER_UNITS: Readonly<Record<string, { unit: ReportUnit; digits: number; title: string }>> = {
  "EER": { unit: "percent", digits: 2, title: "EER" },
  "FMR100": { unit: "percent", digits: 2, title: "FNMR@FMR=1%" },
  "FMR1000": { unit: "percent", digits: 2, title: "FNMR@FMR=0.1%" },
  "FDR": { unit: "number", digits: 2, title: "FDR" },
  "Genuine Mean": { unit: "number", digits: 3, title: "Genuine mean" },
  "Impostor Mean": { unit: "number", digits: 3, title: "Impostor mean" },
};

/**
 * Orders row names and states the order in a sentence.
 *
 * @param names The names, as the source lists them.
 * @param order The rule.
 * @param valueOf The value of a metric for a row (for `by: "metric"`).
 * @returns Row indices in print order and the sentence.
 * @throws {RangeError} When a given name is not in `names`, or a name is missing from the list.
 */
export function orderRows(
  names: readonly string[],
  order: DatasetOrder,
  valueOf: (metric: string, row: number) => number,
): { rows: number[]; sentence: string } {
  const index = names.map((_, i) => i);
  if (order.by === "name") {
    index.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
    return { rows: index, sentence: "Datasets in alphabetical order." };
  }
  if (order.by === "given") {
    const at = new Map(names.map((n, i) => [n, i]));
    const rows = order.names.map((n) => {
      const i = at.get(n);
      if (i === undefined) {
        throw new RangeError(
          `Cannot order the table by the given names: ${n} is not a dataset of the table (${
            names.join(", ")
          })`,
        );
      }
      return i;
    });
    const left = names.filter((n) => !order.names.includes(n));
    if (left.length) {
      throw new RangeError(
        `Cannot order the table by the given names: ${left.join(", ")} missing from the order`,
      );
    }
    return { rows, sentence: "Datasets in the order given." };
  }
  const { metric, descending = false } = order;
  const sign = descending ? -1 : 1;
  index.sort((a, b) => {
    const va = valueOf(metric, a), vb = valueOf(metric, b);
    if (Number.isNaN(va) !== Number.isNaN(vb)) return Number.isNaN(va) ? 1 : -1;
    return sign * (va - vb) || (names[a]! < names[b]! ? -1 : 1);
  });
  return {
    rows: index,
    sentence: `Datasets by ${descending ? "descending" : "ascending"} ${metric}.`,
  };
}

/**
 * The fewest decimals, from `column.digits` up to 3 more, at which every interval of the column
 * that has width prints with distinct bounds (so that no interval reads `0.458 [0.458, 0.458]`).
 *
 * @param column The column, with its minimum digits.
 * @returns The digits to print.
 *
 * @example
 * ```ts
 * import { visibleDigits } from "./_report_table.ts";
 * const column = { name: "Genuine mean", unit: "number" as const, digits: 3,
 *   value: Float64Array.of(0.4581), lower: Float64Array.of(0.4578), upper: Float64Array.of(0.4584) };
 * if (visibleDigits(column) !== 4) throw new Error("0.4578 and 0.4584 need 4 decimals");
 * ```
 */
export function visibleDigits(column: ReportColumn): number {
  const base = columnDigits(column);
  for (let digits = base; digits < base + 3; digits++) {
    const at = { unit: column.unit, digits };
    let distinct = true;
    for (let r = 0; r < column.value.length && distinct; r++) {
      const lo = column.lower[r]!, hi = column.upper[r]!;
      if (!(lo < hi)) continue;
      distinct = formatNumber(lo, at) !== formatNumber(hi, at);
    }
    if (distinct) return digits;
  }
  return base + 3;
}

/**
 * The paper's verification table: EER, FNMR at FMR 1% and 0.1% (pyeer's FMR100 and FMR1000) in
 * percent, FDR, genuine and impostor mean, each with its 95% interval, datasets in a stated order.
 * Each column prints the fewest decimals (at least 2 for rates and FDR, 3 for means) at which its
 * intervals stay visible ({@linkcode visibleDigits}).
 *
 * @param ci The CI table (the published `Data/CI/` or the kit's own).
 * @param options Order and title.
 * @returns The report table.
 * @throws {RangeError} When the order names an unknown dataset or metric.
 *
 * @example
 * ```ts
 * import { formatEstimate, paperReportTable } from "./_report_table.ts";
 * const m = (name: string, v: number[]) => ({ name, value: Float64Array.from(v),
 *   lower: Float64Array.from(v, (x) => x * 0.9), upper: Float64Array.from(v, (x) => x * 1.1) });
 * const t = paperReportTable({ datasets: ["B", "A"], metrics: [m("EER", [0.2, 0.1]), m("FDR", [3, 4])] });
 * if (t.rows.join() !== "A,B" || formatEstimate(t.columns[0]!, 0) !== "10.00 [9.00, 11.00]") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function paperReportTable(ci: CiTable, options: PaperReportTableOptions = {}): ReportTable {
  const {
    order = { by: "metric", metric: "EER" },
    title = "Verification metrics of each dataset with 95% bootstrap intervals",
  } = options;
  const byName = new Map(ci.metrics.map((m) => [m.name, m]));
  const valueOf = (metric: string, row: number) => {
    const m = byName.get(metric);
    if (m === undefined) {
      throw new RangeError(
        `Cannot order the table by ${metric}: the table has ${[...byName.keys()].join(", ")}`,
      );
    }
    return m.value[row]!;
  };
  const { rows, sentence } = orderRows(ci.datasets, order, valueOf);
  const pick = (a: Float64Array) => Float64Array.from(rows, (r) => a[r]!);
  return {
    title,
    order: sentence,
    rowHeader: "Dataset",
    rows: rows.map((r) => ci.datasets[r]!),
    columns: ci.metrics.map((m) => {
      const style = PAPER_UNITS[m.name] ?? { unit: "number" as const, digits: 3, title: m.name };
      const column: ReportColumn = {
        name: style.title,
        unit: style.unit,
        digits: style.digits,
        value: pick(m.value),
        lower: pick(m.lower),
        upper: pick(m.upper),
      };
      return { ...column, digits: visibleDigits(column) };
    }),
  };
}

/** The three CSV headers of a column: value, lower and upper bound. */
function csvHeaders(column: ReportColumn): [string, string, string] {
  const t = columnTitle(column);
  return [t, `${t} CI lower`, `${t} CI upper`];
}

/**
 * The CSV form of a report table: a row-name column, then per column the rounded value and
 * bounds (`EER (%)`, `EER (%) CI lower`, `EER (%) CI upper`), printed with the digits the
 * Markdown and LaTeX forms print; an empty field where a number is NaN. Title and order are not
 * part of the CSV.
 *
 * @param table The table.
 * @returns CSV text with a header row.
 * @throws {RangeError} When a column's length differs from the number of rows.
 *
 * @example
 * ```ts
 * import { reportTableCsv } from "./_report_table.ts";
 * const csv = reportTableCsv({ title: "T", order: "As given.", rows: ["A"], columns: [{ name: "EER",
 *   unit: "percent", value: Float64Array.of(0.5), lower: Float64Array.of(NaN), upper: Float64Array.of(NaN) }] });
 * if (csv !== "Dataset,EER (%),EER (%) CI lower,EER (%) CI upper\nA,50.00,,\n") throw new Error(csv);
 * ```
 */
export function reportTableCsv(table: ReportTable): string {
  checkTable(table);
  const header = [table.rowHeader ?? "Dataset", ...table.columns.flatMap(csvHeaders)];
  const rows = table.rows.map((name, r) => [
    name,
    ...table.columns.flatMap((c) => [
      formatNumber(c.value[r]!, c),
      formatNumber(c.lower[r]!, c),
      formatNumber(c.upper[r]!, c),
    ]),
  ]);
  return formatCsv(header, rows);
}

/**
 * Reads the CSV form back: the numbers as printed (percent stays percent, so a column's unit
 * becomes `number` with the printed digits unknown).
 *
 * @param text CSV text written by {@linkcode reportTableCsv}.
 * @param source File name for error messages.
 * @returns Row names and, per column (named by its title, `EER (%)`), the numbers as printed.
 * @throws {SyntaxError} When a column lacks its `CI lower` or `CI upper` partner, or a field is
 *   not a number, naming file and line.
 *
 * @example
 * ```ts
 * import { parseReportTableCsv } from "./_report_table.ts";
 * const t = parseReportTableCsv("Dataset,EER (%),EER (%) CI lower,EER (%) CI upper\nA,6.02,5.91,6.14\n");
 * if (t.rows[0] !== "A" || t.columns[0]?.name !== "EER (%)" || t.columns[0].upper[0] !== 6.14) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseReportTableCsv(
  text: string,
  source = "<report table csv>",
): { rowHeader: string; rows: string[]; columns: ReportColumn[] } {
  const table = parseCsv(text, { source });
  const rowHeader = table.header[0] ?? "Dataset";
  const rows = stringColumn(table, rowHeader);
  const columns: ReportColumn[] = [];
  for (let k = 1; k < table.header.length; k += 3) {
    const name = table.header[k]!;
    const [lo, hi] = [table.header[k + 1], table.header[k + 2]];
    if (lo !== `${name} CI lower` || hi !== `${name} CI upper`) {
      throw new SyntaxError(
        `Cannot read ${source} line 1: column "${name}" must be followed by "${name} CI lower" and "${name} CI upper"`,
      );
    }
    const read = (column: string) => numberColumn(table, column, { emptyAsNaN: true });
    columns.push({ name, unit: "number", value: read(name), lower: read(lo), upper: read(hi) });
  }
  return { rowHeader, rows, columns };
}

/**
 * Checks that every column holds one value and bound per row.
 *
 * @param table The table.
 * @throws {RangeError} Naming the column whose length differs.
 */
export function checkTable(table: ReportTable): void {
  const n = table.rows.length;
  for (const c of table.columns) {
    if (c.value.length !== n || c.lower.length !== n || c.upper.length !== n) {
      throw new RangeError(
        `Cannot write the table "${table.title}": column ${c.name} has ${c.value.length} values for ${n} rows`,
      );
    }
  }
}

/** A report table read back from Markdown or LaTeX: row names and the estimate of each cell. */
export interface ParsedReportTable {
  /** Title of the first column (`Dataset`). */
  rowHeader: string;
  /** The first cell of each row. */
  rows: string[];
  /** One column per header title after the first, its cells parsed by {@linkcode parseEstimate}. */
  columns: ReportColumn[];
}

/**
 * The cells of a table read from text (Markdown or LaTeX), as a {@linkcode ParsedReportTable}: the
 * one place where both readers check each row's cell count and parse the estimates.
 *
 * @param header The header row's cells.
 * @param body Each row's cells.
 * @param lineOf The 1-based line of each body row, for messages.
 * @param options The file for messages, and the text of a missing value.
 * @returns The table.
 * @throws {SyntaxError} Naming file and line, on a row of another cell count or a cell that is not
 *   an estimate.
 *
 * @example
 * ```ts
 * import { reportTableFromCells } from "./_report_table.ts";
 * const t = reportTableFromCells(["Dataset", "EER"], [["A", "6.02 [5.91, 6.14]"]], [3], {
 *   source: "t.md",
 *   missing: "n/a",
 * });
 * if (t.rows[0] !== "A" || t.columns[0]?.upper[0] !== 6.14) throw new Error("unexpected");
 * ```
 */
export function reportTableFromCells(
  header: readonly string[],
  body: readonly (readonly string[])[],
  lineOf: readonly number[],
  options: { source: string; missing: string },
): ParsedReportTable {
  const { source, missing } = options;
  const columns = header.slice(1).map((name): ReportColumn => ({
    name,
    unit: "number",
    value: new Float64Array(body.length),
    lower: new Float64Array(body.length),
    upper: new Float64Array(body.length),
  }));
  body.forEach((cells, r) => {
    const line = lineOf[r];
    if (cells.length !== header.length) {
      throw new SyntaxError(
        `Cannot read ${source} line ${line}: ${cells.length} cells, the header has ${header.length}`,
      );
    }
    columns.forEach((c, k) => {
      try {
        [c.value[r], c.lower[r], c.upper[r]] = parseEstimate(cells[k + 1]!, missing);
      } catch (error) {
        throw new SyntaxError(`Cannot read ${source} line ${line}: ${(error as Error).message}`);
      }
    });
  });
  return { rowHeader: header[0]!, rows: body.map((cells) => cells[0]!), columns };
}
