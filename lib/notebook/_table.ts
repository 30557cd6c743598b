/**
 * Tables for notebooks: columns rendered as an HTML table (`text/html`) with an aligned text
 * version (`text/plain`) for consoles and plain-text viewers.
 *
 * @module
 */
import { type Displayable, displayable } from "./_display.ts";
import { escapeHtml } from "./_html.ts";

/** A table as named columns of equal length. */
export type Columns = Record<string, ArrayLike<string | number>>;

/** Options of {@linkcode displayTable}. */
export interface DisplayTableOptions {
  /** Significant digits of non-integer numbers. @default 4 */
  digits?: number;
  /** Caption over the table. @default undefined */
  caption?: string;
}

/**
 * Formats a table cell: integers as they are, other numbers with `digits` significant digits,
 * NaN as an empty cell.
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
export function formatCell(value: string | number, digits: number): string {
  if (typeof value === "string") return value;
  if (Number.isNaN(value)) return "";
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
 * if (!b["text/html"].includes("A&lt;B") || !b["text/plain"].includes("0.1235")) throw new Error();
 * ```
 */
export function displayTable(columns: Columns, options: DisplayTableOptions = {}): Displayable {
  const { digits = 4, caption } = options;
  const names = Object.keys(columns);
  const n = names.length ? columns[names[0]].length : 0;
  for (const name of names) {
    if (columns[name].length !== n) {
      throw new RangeError(
        `Cannot display the table: column "${name}" has ${columns[name].length} rows, "${
          names[0]
        }" has ${n}`,
      );
    }
  }
  const cells = names.map((name) =>
    Array.from({ length: n }, (_, r) => formatCell(columns[name][r], digits))
  );
  const numeric = names.map((name) => n > 0 && typeof columns[name][0] === "number");
  const html = [
    "<table>",
    caption ? `<caption>${escapeHtml(caption)}</caption>` : "",
    "<thead><tr>",
    ...names.map((name) => `<th>${escapeHtml(name)}</th>`),
    "</tr></thead><tbody>",
  ];
  for (let r = 0; r < n; r++) {
    html.push("<tr>");
    names.forEach((_, c) => {
      const align = numeric[c] ? ' style="text-align:right"' : "";
      html.push(`<td${align}>${escapeHtml(cells[c][r])}</td>`);
    });
    html.push("</tr>");
  }
  html.push("</tbody></table>");
  const widths = names.map((name, c) => Math.max(name.length, ...cells[c].map((s) => s.length)));
  const pad = (s: string, c: number) => numeric[c] ? s.padStart(widths[c]) : s.padEnd(widths[c]);
  const text = [names.map((name, c) => pad(name, c)).join("  ")];
  for (let r = 0; r < n; r++) text.push(names.map((_, c) => pad(cells[c][r], c)).join("  "));
  if (caption) text.unshift(caption);
  return displayable({ "text/html": html.join(""), "text/plain": text.join("\n") });
}
