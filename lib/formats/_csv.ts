/**
 * CSV tables of the kit and of the published data (RFC 4180: comma separated, fields optionally in
 * double quotes, `""` for a quote inside one). Reading goes through `csv-parse` (its strict
 * defaults: no relaxed quotes, no trimming, no casting), with the kit's checks on top: every row as
 * wide as the header, and errors that name file and line. Line breaks are `\n`, `\r\n` or `\r`;
 * line numbers count them as csv-parse does (inside a quoted field each `\r` and `\n` counts).
 * Writing stays here: it is a few lines, and must quote exactly as Python's `csv` module
 * (`QUOTE_MINIMAL`, as pandas writes) for byte-identical output.
 *
 * @module
 */
import { CsvError, parse } from "csv-parse/sync";

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

/** What csv-parse tells about each record (its `info` context). */
interface RecordContext {
  /** Line the record ends on (1-based). */
  lines: number;
  /** Empty lines skipped so far. */
  empty_lines: number;
}

/**
 * Parses CSV text strictly: every row must have as many fields as the header; a stray quote or an
 * unterminated quoted field is an error. Blank lines are skipped.
 *
 * @param text The file's text (`\n`, `\r\n` or `\r` line ends).
 * @param options Source name for errors.
 * @returns The header and rows.
 * @throws {SyntaxError} On a malformed line, naming the source and line.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./_csv.ts";
 * const t = parseCsv('a,b\n1,"x,""y"""\n');
 * if (t.rows[0]?.[1] !== 'x,"y"' || t.lines[0] !== 2) throw new Error("unexpected");
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvTable {
  const { source = "<csv>" } = options;
  const starts: number[] = [];
  // Start line of the next record: one past where the last one ended, plus the blank lines
  // skipped since (csv-parse reports where a record ends and how many blank lines it skipped).
  let lastEnd = 0;
  let lastEmpty = 0;
  const startOf = (context: RecordContext) => lastEnd + 1 + (context.empty_lines - lastEmpty);
  let records: string[][];
  try {
    records = parse(text, {
      record_delimiter: ["\r\n", "\n", "\r"],
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[], context: RecordContext) => {
        starts.push(startOf(context));
        lastEnd = context.lines;
        lastEmpty = context.empty_lines;
        return record;
      },
    }) as string[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const context = error as unknown as RecordContext;
    const what = error.code === "CSV_QUOTE_NOT_CLOSED"
      ? `line ${startOf(context)} opens a quoted field that never closes`
      : error.code === "CSV_INVALID_CLOSING_QUOTE"
      ? `line ${context.lines} has text after a closing quote`
      : error.code === "INVALID_OPENING_QUOTE"
      ? `line ${context.lines} has a quote inside an unquoted field`
      : `line ${context.lines}: ${error.message}`;
    throw new SyntaxError(`Cannot parse ${source} as CSV: ${what}`, { cause: error });
  }
  const header = records[0];
  if (header === undefined) {
    throw new SyntaxError(`Cannot parse ${source} as CSV: the file is empty`);
  }
  for (let r = 1; r < records.length; r++) {
    const width = records[r]!.length;
    if (width !== header.length) {
      throw new SyntaxError(
        `Cannot parse ${source} as CSV: line ${
          starts[r]
        } has ${width} fields, the header has ${header.length}`,
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
  /** Read an empty field as NaN (how the kit writes NaN) instead of failing. @default false */
  emptyAsNaN?: boolean;
}

/**
 * A column as finite float64 numbers; an empty (unless `emptyAsNaN`), non-numeric or infinite
 * field is an error.
 *
 * @param table A parsed table.
 * @param name Column name.
 * @param options Whether the values must be non-negative integers, whether empty means NaN.
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
  const { integer = false, emptyAsNaN = false } = options;
  const k = columnIndex(table, name);
  const out = new Float64Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    const field = table.rows[r]![k]!; // every row is header.length wide
    const raw = field.trim();
    if (raw === "" && emptyAsNaN) {
      out[r] = NaN;
      continue;
    }
    const value = raw === "" ? NaN : Number(raw);
    if (!Number.isFinite(value) || (integer && !(Number.isInteger(value) && value >= 0))) {
      const kind = integer ? "a non-negative integer" : "a finite number";
      throw new SyntaxError(
        `Cannot read ${table.source} line ${
          table.lines[r]
        } column "${name}" as ${kind}: current value is "${field}"`,
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
  return table.rows.map((row) => row[k]!); // every row is header.length wide
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
