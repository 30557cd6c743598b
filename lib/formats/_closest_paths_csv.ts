/**
 * The closest-paths CSV, `Extracted_paths/<name>_Top<K>Global_<N>_matches.csv`: the
 * `query_path,casia_path,similarity_score` export of a closest-pairs JSON that the original's
 * `get_paths.sh` made with jq (`@csv`), and that the comparison grid (`plot-similar`) reads.
 *
 * @module
 */
import { numberColumn, parseCsv, stringColumn } from "./_csv.ts";
import { pythonFloatRepr } from "./_python_float.ts";
import { commonLength } from "./_columns.ts";

/** The columns of a closest-paths CSV, in order. */
export const CLOSEST_PATHS_COLUMNS: readonly string[] = [
  "query_path",
  "casia_path",
  "similarity_score",
];

/** The columns {@linkcode closestPathsCsv} writes: one entry per pair, in rank order. */
export interface ClosestPathColumns {
  /** `<identity>/<image>` of the synthetic image. */
  queryPath: readonly string[];
  /** `<identity>/<image>` of the CASIA-WebFace image. */
  casiaPath: readonly string[];
  /** Score of each pair. */
  similarity: ArrayLike<number>;
}

/** A closest-paths CSV as read. */
export interface ClosestPathTable extends ClosestPathColumns {
  /** Column `query_path`: `<identity>/<image>` of the synthetic image, in file order. */
  queryPath: string[];
  /** Column `casia_path`: `<identity>/<image>` of the CASIA-WebFace image, in file order. */
  casiaPath: string[];
  /** Column `similarity_score`: score of each pair, as written (float64). */
  similarity: Float64Array;
}

/**
 * The `query_path,casia_path,similarity_score` CSV of closest pairs, as jq's `@csv` wrote it in
 * `get_paths.sh`: strings always double-quoted, the score as its JSON literal (Python's `repr`,
 * which jq 1.7 passes through unchanged).
 *
 * @param pairs The pairs, in rank order (a read closest-pairs JSON fits as it is).
 * @returns CSV text ending with a newline.
 * @throws {RangeError} When the columns differ in length.
 *
 * @example
 * ```ts
 * import { closestPathsCsv } from "./_closest_paths_csv.ts";
 * const text = closestPathsCsv({ queryPath: ["1/a.png"], casiaPath: ["2/b.jpg"], similarity: [0.5] });
 * if (text !== 'query_path,casia_path,similarity_score\n"1/a.png","2/b.jpg",0.5\n') throw new Error(text);
 * ```
 */
export function closestPathsCsv(pairs: ClosestPathColumns): string {
  const n = commonLength("closest paths as CSV", [
    pairs.queryPath,
    pairs.casiaPath,
    pairs.similarity,
  ]);
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  let out = `${CLOSEST_PATHS_COLUMNS.join(",")}\n`;
  for (let i = 0; i < n; i++) {
    out += `${quote(pairs.queryPath[i]!)},${quote(pairs.casiaPath[i]!)},${
      pythonFloatRepr(pairs.similarity[i]!)
    }\n`;
  }
  return out;
}

/**
 * Parses a closest-paths CSV. The three columns of {@linkcode CLOSEST_PATHS_COLUMNS} must be
 * present (others are ignored); scores must be finite numbers.
 *
 * @param text CSV text.
 * @param source File path, for error messages.
 * @returns The columns, in file order.
 * @throws {SyntaxError} On a malformed line, a missing column or a bad score, naming file and line.
 *
 * @example
 * ```ts
 * import { parseClosestPaths } from "./_closest_paths_csv.ts";
 * const t = parseClosestPaths('query_path,casia_path,similarity_score\n"1/a,b.png","2/c.jpg",0.5\n', "m.csv");
 * if (t.queryPath[0] !== "1/a,b.png" || t.similarity[0] !== 0.5) throw new Error("unexpected");
 * ```
 */
export function parseClosestPaths(text: string, source: string): ClosestPathTable {
  const table = parseCsv(text, { source });
  const [query, casia, score] = CLOSEST_PATHS_COLUMNS;
  return {
    queryPath: stringColumn(table, query!),
    casiaPath: stringColumn(table, casia!),
    similarity: numberColumn(table, score!),
  };
}

/**
 * Reads a closest-paths CSV (`deno task paths` writes them).
 *
 * @param path The file.
 * @returns The columns, in file order.
 * @throws {SyntaxError} On a malformed line, a missing column or a bad score, naming file and line.
 * @throws {Deno.errors.NotFound} When the file is missing.
 *
 * @example
 * ```ts
 * import { readClosestPaths } from "./_closest_paths_csv.ts";
 * const path = await Deno.makeTempFile({ suffix: "_matches.csv" });
 * await Deno.writeTextFile(path, 'query_path,casia_path,similarity_score\n"1/a.png","2/b.jpg",1e-05\n');
 * const t = await readClosestPaths(path);
 * await Deno.remove(path);
 * if (t.casiaPath[0] !== "2/b.jpg" || t.similarity[0] !== 1e-5) throw new Error("unexpected");
 * ```
 */
export async function readClosestPaths(path: string): Promise<ClosestPathTable> {
  return parseClosestPaths(await Deno.readTextFile(path), path);
}
