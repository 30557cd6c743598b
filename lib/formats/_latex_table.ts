/**
 * The LaTeX form of a report table, in the `booktabs` style (`\toprule`, `\midrule`,
 * `\bottomrule`, no vertical rules): a `table` float with the title and order sentence as its
 * caption, a row-name column and one right-aligned column per estimate, cells as
 * {@linkcode formatEstimate} prints them (`6.02 [5.91, 6.14]`). Text is escaped for LaTeX
 * (`DIGIFACE_1M_1` becomes `DIGIFACE\_1M\_1`, `%` becomes `\%`). Written, and read back into
 * the printed numbers, so that the LaTeX numbers can be checked against the CSV's.
 *
 * @module
 */
import {
  checkTable,
  columnTitle,
  formatEstimate,
  type ParsedReportTable,
  type ReportTable,
  reportTableFromCells,
} from "./_report_table.ts";

const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\textbackslash{}",
  "&": "\\&",
  "%": "\\%",
  "$": "\\$",
  "#": "\\#",
  "_": "\\_",
  "{": "\\{",
  "}": "\\}",
  "~": "\\textasciitilde{}",
  "^": "\\textasciicircum{}",
};

/**
 * Escapes text for LaTeX: the ten special characters become their commands.
 *
 * @param text Plain text.
 * @returns LaTeX source that prints it.
 *
 * @example
 * ```ts
 * import { latexEscape } from "./_latex_table.ts";
 * if (latexEscape("DIGIFACE_1M_1 (%)") !== "DIGIFACE\\_1M\\_1 (\\%)") throw new Error("unexpected");
 * ```
 */
export function latexEscape(text: string): string {
  return text.replace(/[\\&%$#_{}~^]/g, (ch) => ESCAPES[ch]!);
}

/** Inverse of {@linkcode latexEscape} for the text it writes. */
function latexUnescape(text: string): string {
  return text
    .replaceAll("\\textbackslash{}", "\\")
    .replaceAll("\\textasciitilde{}", "~")
    .replaceAll("\\textasciicircum{}", "^")
    .replace(/\\([&%$#_{}])/g, "$1");
}

/** Options of {@linkcode latexTable}. */
export interface LatexTableOptions {
  /** `\label` of the table. @default "tab:verification" */
  label?: string;
}

/**
 * Formats a report table as a LaTeX `table` with a booktabs `tabular` (needs
 * `\usepackage{booktabs}`).
 *
 * @param table The table.
 * @param options The label.
 * @returns LaTeX source ending with a newline.
 * @throws {RangeError} When a column's length differs from the number of rows.
 *
 * @example
 * ```ts
 * import { latexTable } from "./_latex_table.ts";
 * const tex = latexTable({ title: "T", order: "As given.", rows: ["A_1"], columns: [{ name: "EER",
 *   unit: "percent", value: Float64Array.of(0.5), lower: Float64Array.of(0.4), upper: Float64Array.of(0.6) }] });
 * if (!tex.includes("\\toprule\nDataset & EER (\\%) \\\\\n\\midrule\nA\\_1 & 50.00 [40.00, 60.00] \\\\\n")) {
 *   throw new Error(tex);
 * }
 * ```
 */
export function latexTable(table: ReportTable, options: LatexTableOptions = {}): string {
  const { label = "tab:verification" } = options;
  checkTable(table);
  const missing = table.missing ?? "n/a";
  const row = (cells: string[]) => `${cells.map(latexEscape).join(" & ")} \\\\`;
  const lines = [
    "% needs \\usepackage{booktabs}",
    "\\begin{table}[t]",
    "\\centering",
    `\\caption{${latexEscape(`${table.title}. ${table.order}`)}}`,
    `\\label{${label}}`,
    `\\begin{tabular}{l${"r".repeat(table.columns.length)}}`,
    "\\toprule",
    row([table.rowHeader ?? "Dataset", ...table.columns.map(columnTitle)]),
    "\\midrule",
    ...table.rows.map((name, r) =>
      row([name, ...table.columns.map((c) => formatEstimate(c, r, missing))])
    ),
    "\\bottomrule",
    "\\end{tabular}",
    "\\end{table}",
  ];
  return lines.join("\n") + "\n";
}

/** Splits a tabular row at unescaped `&` and drops its closing `\\`. */
function splitLatexRow(line: string): string[] {
  const body = line.trim().replace(/\\\\$/, "");
  return body.split(/(?<!\\)&/).map((c) => latexUnescape(c.trim()));
}

/**
 * Reads the tabular of {@linkcode latexTable} back: row names and, per column (named by its
 * printed title), the numbers as printed.
 *
 * @param text The LaTeX source.
 * @param options `source` for error messages; `missing`, the text of an unreported cell.
 * @returns Row header, row names, columns.
 * @throws {SyntaxError} When the source has no `\toprule ... \midrule ... \bottomrule` block, a
 *   row has another width, or a cell is not an estimate, naming the line.
 *
 * @example
 * ```ts
 * import { parseLatexTable } from "./_latex_table.ts";
 * const t = parseLatexTable("\\toprule\nDataset & EER (\\%) \\\\\n\\midrule\nA\\_1 & 6.02 [5.91, 6.14] \\\\\n\\bottomrule\n");
 * if (t.rows[0] !== "A_1" || t.columns[0]?.name !== "EER (%)" || t.columns[0].value[0] !== 6.02) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseLatexTable(
  text: string,
  options: { source?: string; missing?: string } = {},
): ParsedReportTable {
  const { source = "<latex table>", missing = "n/a" } = options;
  const lines = text.split(/\r?\n/);
  const top = lines.findIndex((l) => l.trim() === "\\toprule");
  const mid = lines.findIndex((l, i) => i > top && l.trim() === "\\midrule");
  const bottom = lines.findIndex((l, i) => i > mid && l.trim() === "\\bottomrule");
  if (top < 0 || mid !== top + 2 || bottom < 0) {
    throw new SyntaxError(
      `Cannot read ${source}: expected \\toprule, one header row, \\midrule, rows and \\bottomrule`,
    );
  }
  const header = splitLatexRow(lines[top + 1]!);
  const body = lines.slice(mid + 1, bottom).map(splitLatexRow);
  return reportTableFromCells(header, body, body.map((_, r) => mid + 2 + r), { source, missing });
}
