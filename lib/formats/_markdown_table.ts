/**
 * The Markdown form of a report table (GitHub-flavoured pipe table): a bold title and the order
 * sentence above, then a row-name column and one right-aligned column per estimate, cells as
 * {@linkcode formatEstimate} prints them (`6.02 [5.91, 6.14]`). Written, and read back into the
 * printed numbers (round-trip tested against the CSV form).
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

/** A cell's text with the characters that would end it escaped (`|` and line breaks). */
function markdownCell(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replace(/\r?\n/g, " ");
}

/** Splits a pipe-table line into its cells, honouring `\|` and `\\`. */
function splitRow(line: string): string[] {
  const body = line.trim().replace(/^\|/, "");
  const cells: string[] = [];
  let cell = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === "\\" && i + 1 < body.length) {
      cell += body[++i];
    } else if (ch === "|") {
      cells.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  if (cell.trim() !== "") cells.push(cell.trim());
  return cells;
}

/**
 * Formats a report table as Markdown: `**title.** order` and a pipe table.
 *
 * @param table The table.
 * @returns Markdown text ending with a newline.
 * @throws {RangeError} When a column's length differs from the number of rows.
 *
 * @example
 * ```ts
 * import { markdownTable } from "./_markdown_table.ts";
 * const md = markdownTable({ title: "T", order: "As given.", rows: ["A|B"], columns: [{ name: "EER",
 *   unit: "percent", value: Float64Array.of(0.5), lower: Float64Array.of(0.4), upper: Float64Array.of(0.6) }] });
 * if (!md.endsWith("| Dataset | EER (%) |\n| :--- | ---: |\n| A\\|B | 50.00 [40.00, 60.00] |\n")) throw new Error(md);
 * ```
 */
export function markdownTable(table: ReportTable): string {
  checkTable(table);
  const missing = table.missing ?? "n/a";
  const header = [table.rowHeader ?? "Dataset", ...table.columns.map(columnTitle)];
  const lines = [
    `**${markdownCell(table.title)}.** ${markdownCell(table.order)}`,
    "",
    `| ${header.map(markdownCell).join(" | ")} |`,
    `| :--- | ${table.columns.map(() => "---:").join(" | ")} |`,
    ...table.rows.map((name, r) =>
      `| ${
        [name, ...table.columns.map((c) => formatEstimate(c, r, missing))].map(markdownCell).join(
          " | ",
        )
      } |`
    ),
  ];
  return lines.join("\n") + "\n";
}

/**
 * Reads the pipe table of {@linkcode markdownTable} back: row names and, per column (named by its
 * printed title), the numbers as printed.
 *
 * @param text The Markdown.
 * @param options `source` for error messages; `missing`, the text of an unreported cell.
 * @returns Row header, row names, columns.
 * @throws {SyntaxError} When there is no pipe table, a row has another width, or a cell is not an
 *   estimate, naming the line.
 *
 * @example
 * ```ts
 * import { parseMarkdownTable } from "./_markdown_table.ts";
 * const t = parseMarkdownTable("| Dataset | EER (%) |\n| :--- | ---: |\n| A | 6.02 [5.91, 6.14] |\n");
 * if (t.rows[0] !== "A" || t.columns[0]?.lower[0] !== 5.91) throw new Error("unexpected");
 * ```
 */
export function parseMarkdownTable(
  text: string,
  options: { source?: string; missing?: string } = {},
): ParsedReportTable {
  const { source = "<markdown table>", missing = "n/a" } = options;
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l, i) =>
    l.trim().startsWith("|") && /^\s*\|\s*:?-{3,}/.test(lines[i + 1] ?? "")
  );
  if (start < 0) throw new SyntaxError(`Cannot read ${source}: it holds no pipe table`);
  const header = splitRow(lines[start]!);
  const body: string[][] = [];
  const lineOf: number[] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.trim().startsWith("|"); i++) {
    const cells = splitRow(lines[i]!);
    if (cells.length !== header.length) {
      throw new SyntaxError(
        `Cannot read ${source} line ${
          i + 1
        }: ${cells.length} cells, the header has ${header.length}`,
      );
    }
    body.push(cells);
    lineOf.push(i + 1);
  }
  return reportTableFromCells(header, body, lineOf, { source, missing });
}
