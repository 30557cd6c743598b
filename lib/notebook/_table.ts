/**
 * Tables for notebooks: columns rendered as an HTML table (`text/html`) with an aligned text
 * version (`text/plain`) for consoles and plain-text viewers.
 *
 * @module
 */
import { type Displayable, displayable } from "./_display.ts";
import { escapeHtml } from "./_html.ts";

/** A table as named columns of equal length; a missing (`undefined`) cell shows empty. */
export type Columns = Record<string, ArrayLike<string | number | undefined>>;

/** Options of {@linkcode displayTable}. */
export interface DisplayTableOptions {
  /** Significant digits of non-integer numbers. @default 4 */
  digits?: number;
  /** Caption over the table. @default undefined */
  caption?: string;
}

/**
 * Formats a table cell: integers as they are, other numbers with `digits` significant digits,
 * NaN or a missing value as an empty cell.
 *
 * @param value The cell.
 * @param digits Significant digits.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { formatCell } from "./_table.ts";
 * if (formatCell(0.123456, 3) !== "0.123" || formatCell(12, 3) !== "12") throw new Error();
 * ```
 */
export function formatCell(value: string | number | undefined, digits: number): string {
  if (typeof value === "string") return value;
  if (value === undefined || Number.isNaN(value)) return "";
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(digits)));
}

/**
 * Makes a displayable table from columns.
 *
 * @param columns Column name to values; all the same length.
 * @param options Digits and caption.
 * @returns A value that shows as an HTML table in the kernel (`text/plain` elsewhere).
 * @throws {RangeError} When the columns differ in length.
 *
 * @example
 * ```ts
 * import { displayTable } from "./_table.ts";
 * import { mimeBundle } from "./_display.ts";
 * const b = mimeBundle(displayTable({ dataset: ["A<B"], eer: new Float64Array([0.123456]) }));
 * if (!b["text/html"]?.includes("A&lt;B") || !b["text/plain"]?.includes("0.1235")) throw new Error();
 * ```
 */
export function displayTable(columns: Columns, options: DisplayTableOptions = {}): Displayable {
  const { digits = 4, caption } = options;
  const table = Object.entries(columns);
  const [firstName, firstValues] = table[0] ?? ["", []];
  const n = firstValues.length;
  for (const [name, values] of table) {
    if (values.length !== n) {
      throw new RangeError(
        `Cannot display the table: column "${name}" has ${values.length} rows, "${firstName}" has ${n}`,
      );
    }
  }
  const shown = table.map(([name, values]) => {
    const cells = Array.from({ length: n }, (_, r) => formatCell(values[r], digits));
    return {
      name,
      cells,
      numeric: n > 0 && typeof values[0] === "number",
      width: Math.max(name.length, ...cells.map((s) => s.length)),
    };
  });
  const html = [
    "<table>",
    caption ? `<caption>${escapeHtml(caption)}</caption>` : "",
    "<thead><tr>",
    ...shown.map(({ name }) => `<th>${escapeHtml(name)}</th>`),
    "</tr></thead><tbody>",
  ];
  for (let r = 0; r < n; r++) {
    html.push("<tr>");
    for (const { cells, numeric } of shown) {
      const align = numeric ? ' style="text-align:right"' : "";
      html.push(`<td${align}>${escapeHtml(cells[r]!)}</td>`);
    }
    html.push("</tr>");
  }
  html.push("</tbody></table>");
  const pad = (s: string, { numeric, width }: { numeric: boolean; width: number }) =>
    numeric ? s.padStart(width) : s.padEnd(width);
  const text = [shown.map((column) => pad(column.name, column)).join("  ")];
  for (let r = 0; r < n; r++) {
    text.push(shown.map((column) => pad(column.cells[r]!, column)).join("  "));
  }
  if (caption) text.unshift(caption);
  return displayable({ "text/html": html.join(""), "text/plain": text.join("\n") });
}
