/**
 * A strict CSV reader and writer for the published data's tables (RFC 4180: comma separated, fields
 * optionally in double quotes, `""` for a quote inside one), with errors that name file and line.
 *
 * @module
 */

/** A parsed CSV file: a header and rows of the same width, with the line each row started on. */
export interface CsvTable {
  /** File name (or other label) used in error messages. */
  source: string;
  /** Column names of the first row. */
  header: string[];
  /** Data rows, each `header.length` fields long. */
  rows: string[][];
  /** 1-based line number of each row in the text. */
  lines: Uint32Array;
}

/** Options of {@linkcode parseCsv}. */
export interface ParseCsvOptions {
  /** Name used in error messages. @default "<csv>" */
  source?: string;
}

/**
 * Parses CSV text strictly: every row must have as many fields as the header; a stray quote or an
 * unterminated quoted field is an error. Blank lines are skipped.
 *
 * @param text The file's text (`\n` or `\r\n` line ends).
 * @param options Source name for errors.
 * @returns The header and rows.
 * @throws {SyntaxError} On a malformed line, naming the source and line.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./_csv.ts";
 * const t = parseCsv('a,b\n1,"x,""y"""\n');
 * if (t.rows[0][1] !== 'x,"y"' || t.lines[0] !== 2) throw new Error("unexpected");
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvTable {
  const { source = "<csv>" } = options;
  const records: string[][] = [];
  const starts: number[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = "";
    let atFieldStart = true;
    let quoted = false;
    let endOfRecord = false;
    while (i < n && !endOfRecord) {
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          const next = text[i];
          if (i < n && next !== "," && next !== "\n" && next !== "\r") {
            throw new SyntaxError(
              `Cannot parse ${source} as CSV: line ${line} has text after a closing quote`,
            );
          }
          continue;
        }
        if (c === "\n") line++;
        field += c;
        i++;
      } else if (c === '"') {
        if (!atFieldStart) {
          throw new SyntaxError(
            `Cannot parse ${source} as CSV: line ${line} has a quote inside an unquoted field`,
          );
        }
        quoted = true;
        atFieldStart = false;
        i++;
      } else if (c === ",") {
        fields.push(field);
        field = "";
        atFieldStart = true;
        i++;
      } else if (c === "\n" || c === "\r") {
        i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
        line++;
        endOfRecord = true;
      } else {
        field += c;
        atFieldStart = false;
        i++;
      }
    }
    if (quoted) {
      throw new SyntaxError(
        `Cannot parse ${source} as CSV: line ${startLine} opens a quoted field that never closes`,
      );
    }
    fields.push(field);
    if (fields.length === 1 && fields[0] === "") continue;
    records.push(fields);
    starts.push(startLine);
  }
  if (records.length === 0) {
    throw new SyntaxError(`Cannot parse ${source} as CSV: the file is empty`);
  }
  const header = records[0];
  for (let r = 1; r < records.length; r++) {
    if (records[r].length !== header.length) {
      throw new SyntaxError(
        `Cannot parse ${source} as CSV: line ${starts[r]} has ${
          records[r].length
        } fields, the header has ${header.length}`,
      );
    }
  }
  return { source, header, rows: records.slice(1), lines: Uint32Array.from(starts.slice(1)) };
}

/**
 * Index of a column, checked.
 *
 * @param table A parsed table.
 * @param name Column name.
 * @returns Its index in the header.
 * @throws {SyntaxError} When the header lacks the column.
 *
 * @example
 * ```ts
 * import { columnIndex, parseCsv } from "./_csv.ts";
 * if (columnIndex(parseCsv("a,b\n1,2"), "b") !== 1) throw new Error("unexpected");
 * ```
 */
export function columnIndex(table: CsvTable, name: string): number {
  const k = table.header.indexOf(name);
  if (k < 0) {
    throw new SyntaxError(
      `Cannot read column "${name}" of ${table.source}: line 1 has ${table.header.join(",")}`,
    );
  }
  return k;
}

/** Options of {@linkcode numberColumn}. */
export interface NumberColumnOptions {
  /** Require non-negative integers. @default false */
  integer?: boolean;
}

/**
 * A column as finite float64 numbers; an empty, non-numeric or infinite field is an error.
 *
 * @param table A parsed table.
 * @param name Column name.
 * @param options Whether the values must be non-negative integers.
 * @returns One number per row.
 * @throws {SyntaxError} On a missing column or a bad value, naming the source and line.
 *
 * @example
 * ```ts
 * import { numberColumn, parseCsv } from "./_csv.ts";
 * const v = numberColumn(parseCsv("x\n0.5\n-1e-3"), "x");
 * if (v[0] !== 0.5 || v[1] !== -0.001) throw new Error("unexpected");
 * ```
 */
export function numberColumn(
  table: CsvTable,
  name: string,
  options: NumberColumnOptions = {},
): Float64Array {
  const { integer = false } = options;
  const k = columnIndex(table, name);
  const out = new Float64Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    const raw = table.rows[r][k].trim();
    const value = raw === "" ? NaN : Number(raw);
    if (!Number.isFinite(value) || (integer && !(Number.isInteger(value) && value >= 0))) {
      const kind = integer ? "a non-negative integer" : "a finite number";
      throw new SyntaxError(
        `Cannot read ${table.source} line ${
          table.lines[r]
        } column "${name}" as ${kind}: current value is "${table.rows[r][k]}"`,
      );
    }
    out[r] = value;
  }
  return out;
}

/**
 * A column as strings.
 *
 * @param table A parsed table.
 * @param name Column name.
 * @returns One string per row.
 * @throws {SyntaxError} When the header lacks the column.
 *
 * @example
 * ```ts
 * import { parseCsv, stringColumn } from "./_csv.ts";
 * if (stringColumn(parseCsv("a\nx"), "a")[0] !== "x") throw new Error("unexpected");
 * ```
 */
export function stringColumn(table: CsvTable, name: string): string[] {
  const k = columnIndex(table, name);
  return table.rows.map((row) => row[k]);
}

/**
 * Formats rows as CSV text: fields holding a comma, quote or line break are quoted; numbers are
 * written in JavaScript's shortest round-trip form, so they parse back to the same float64.
 *
 * @param header Column names.
 * @param rows Rows of strings or numbers (NaN is written as an empty field).
 * @returns CSV text ending with a newline.
 *
 * @example
 * ```ts
 * import { formatCsv } from "./_csv.ts";
 * if (formatCsv(["a", "b"], [["x,y", 0.1]]) !== 'a,b\n"x,y",0.1\n') throw new Error("unexpected");
 * ```
 */
export function formatCsv(header: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number): string => {
    if (typeof v === "number") return Number.isNaN(v) ? "" : String(v);
    return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  };
  const lines = [header.map(cell).join(",")];
  for (const row of rows) lines.push(row.map(cell).join(","));
  return lines.join("\n") + "\n";
}
