/**
 * The best-match files of the identity-leakage search, byte-compatible with the original package:
 * the table `Best_Matches/<name>_BestMatches_<n>.csv` (the published columns, for each sample of a
 * synthetic dataset its most similar CASIA-WebFace image) and the scores
 * `SimilarityScores/<name>_BestMatches_<n>.txt` (`"%.6f"` per line).
 *
 * @module
 */
import { formatCsv, numberColumn, parseCsv, stringColumn } from "./_csv.ts";
import { datasetNameOf } from "./_layout.ts";
import { pythonFloatRepr } from "./_python_float.ts";
import { commonLength } from "./_columns.ts";

/** The columns of a best-match CSV, in order. */
export const BEST_MATCHES_COLUMNS: readonly string[] = [
  "sample_index",
  "sample_identity",
  "sample_image_name",
  "best_match_index",
  "best_match_identity",
  "best_match_image_name",
  "similarity",
];

/** The columns {@linkcode bestMatchesCsv} writes: one entry per searched sample, in search order. */
export interface BestMatchColumns {
  /** Row index of each sample in the dataset's embedding file. */
  sampleIndex: ArrayLike<number>;
  /** Identity label of each sample, as stored in the dataset's embedding file. */
  sampleIdentity: readonly string[];
  /** Image file name of each sample, as stored in the dataset's embedding file. */
  sampleImageName: readonly string[];
  /** Row index of the best match in the CASIA-WebFace embeddings. */
  bestMatchIndex: ArrayLike<number>;
  /** CASIA-WebFace identity (folder name, e.g. `0001`) of each sample's best match. */
  bestMatchIdentity: readonly string[];
  /** CASIA-WebFace image file name of each sample's best match (e.g. `image_5.jpg`). */
  bestMatchImageName: readonly string[];
  /** Cosine similarity of each sample to its best match (the search's float32 scores). */
  similarity: ArrayLike<number>;
}

/** The best-match table of one dataset, as read: {@linkcode BestMatchColumns} with a name. */
export interface BestMatchTable extends BestMatchColumns {
  /** Dataset name, from the file name `<name>_BestMatches_<n>.csv`. */
  name: string;
  /** Column `sample_index`: row of each sample in the dataset's embedding file. */
  sampleIndex: Uint32Array;
  /** Column `sample_identity`: identity label of each sample. */
  sampleIdentity: string[];
  /** Column `sample_image_name`: image file name of each sample. */
  sampleImageName: string[];
  /** Column `best_match_index`: row of the best match in the CASIA-WebFace embeddings. */
  bestMatchIndex: Uint32Array;
  /** Column `best_match_identity`: CASIA-WebFace identity of the best match. */
  bestMatchIdentity: string[];
  /** Column `best_match_image_name`: CASIA-WebFace image file name of the best match. */
  bestMatchImageName: string[];
  /** Column `similarity`: cosine similarity to the best match, in [-1, 1], as written (float64). */
  similarity: Float64Array;
}

/**
 * Parses the text of a best-match CSV. Every column of {@linkcode BEST_MATCHES_COLUMNS} must be
 * present; indices must be non-negative integers and similarities finite numbers in [-1, 1].
 *
 * @param text CSV text.
 * @param source File path, for the dataset name and error messages.
 * @returns The columns.
 * @throws {SyntaxError} On a malformed line or value, naming file and line.
 *
 * @example
 * ```ts
 * import { parseBestMatches } from "./_best_match_csv.ts";
 * const csv = "sample_index,sample_identity,sample_image_name,best_match_index," +
 *   'best_match_identity,best_match_image_name,similarity\n0,7,"a,1.jpg",5,99,b.jpg,0.25\n';
 * const m = parseBestMatches(csv, "D_BestMatches_1.csv");
 * if (m.name !== "D" || m.sampleImageName[0] !== "a,1.jpg" || m.similarity[0] !== 0.25) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseBestMatches(text: string, source: string): BestMatchTable {
  const table = parseCsv(text, { source });
  const similarity = numberColumn(table, "similarity");
  for (let r = 0; r < similarity.length; r++) {
    const s = similarity[r]!;
    if (s < -1.000001 || s > 1.000001) {
      throw new SyntaxError(
        `Cannot read ${source} line ${
          table.lines[r]
        } as a cosine similarity: current value is ${s}`,
      );
    }
  }
  return {
    name: datasetNameOf(source),
    sampleIndex: Uint32Array.from(numberColumn(table, "sample_index", { integer: true })),
    sampleIdentity: stringColumn(table, "sample_identity"),
    sampleImageName: stringColumn(table, "sample_image_name"),
    bestMatchIndex: Uint32Array.from(numberColumn(table, "best_match_index", { integer: true })),
    bestMatchIdentity: stringColumn(table, "best_match_identity"),
    bestMatchImageName: stringColumn(table, "best_match_image_name"),
    similarity,
  };
}

/**
 * Reads a best-match CSV (`Best_Matches/<name>_BestMatches_<n>.csv` of the published data, or the
 * kit's own `Metrics/Best_Matches/`).
 *
 * @param csvPath Path of the file.
 * @returns The columns.
 * @throws {SyntaxError} On a malformed line or value, naming file and line.
 * @throws {Deno.errors.NotFound} When the file is missing.
 *
 * @example
 * ```ts
 * import { readBestMatches } from "./_best_match_csv.ts";
 * const path = await Deno.makeTempFile({ suffix: "_BestMatches_1.csv" });
 * await Deno.writeTextFile(path, "sample_index,sample_identity,sample_image_name," +
 *   "best_match_index,best_match_identity,best_match_image_name,similarity\n0,a,x.png,3,b,y.jpg,0.5\n");
 * const m = await readBestMatches(path);
 * await Deno.remove(path);
 * if (m.bestMatchIndex[0] !== 3) throw new Error("unexpected");
 * ```
 */
export async function readBestMatches(csvPath: string): Promise<BestMatchTable> {
  return parseBestMatches(await Deno.readTextFile(csvPath), csvPath);
}

/**
 * Formats the best-match CSV: indices as integers, names quoted where pandas quotes them, the
 * similarity as Python's `repr` of the score (of the float32 value, for the search's scores).
 *
 * @param columns One entry per searched sample, in search order.
 * @returns CSV text with `\n` line ends and minimal quoting, as pandas writes it.
 * @throws {RangeError} When the columns differ in length.
 *
 * @example
 * ```ts
 * import { bestMatchesCsv } from "./_best_match_csv.ts";
 * const lines = bestMatchesCsv({
 *   sampleIndex: [0], sampleIdentity: ["7"], sampleImageName: ["a,1.jpg"],
 *   bestMatchIndex: [0], bestMatchIdentity: ["0001"], bestMatchImageName: ["image_5.jpg"],
 *   similarity: new Float32Array([0.5]),
 * }).split("\n");
 * if (lines[1] !== '0,7,"a,1.jpg",0,0001,image_5.jpg,0.5') throw new Error(lines[1]);
 * ```
 */
export function bestMatchesCsv(columns: BestMatchColumns): string {
  const n = commonLength("best matches as CSV", [
    columns.sampleIndex,
    columns.sampleIdentity,
    columns.sampleImageName,
    columns.bestMatchIndex,
    columns.bestMatchIdentity,
    columns.bestMatchImageName,
    columns.similarity,
  ]);
  const rows = new Array<string[]>(n);
  for (let i = 0; i < n; i++) {
    rows[i] = [
      String(columns.sampleIndex[i]),
      columns.sampleIdentity[i]!,
      columns.sampleImageName[i]!,
      String(columns.bestMatchIndex[i]),
      columns.bestMatchIdentity[i]!,
      columns.bestMatchImageName[i]!,
      pythonFloatRepr(columns.similarity[i]!),
    ];
  }
  return formatCsv([...BEST_MATCHES_COLUMNS], rows);
}

/**
 * Formats a number as Python's `f"{x:.6f}"`: the exact binary value rounded half to even (JS
 * `toFixed` rounds exact ties away from zero; ties at 6 decimals are the odd multiples of 1/128).
 *
 * @param value The number.
 * @returns Six-decimal text.
 *
 * @example
 * ```ts
 * import { formatFixed6 } from "./_best_match_csv.ts";
 * if (formatFixed6(0.0078125) !== "0.007812" || formatFixed6(0.5) !== "0.500000") throw new Error();
 * if (formatFixed6(-0.0000001) !== "-0.000000") throw new Error("sign of a rounded negative");
 * ```
 */
export function formatFixed6(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  const abs = Math.abs(value);
  let text = abs.toFixed(6);
  if (Number.isInteger(abs * 128) && abs.toFixed(7).endsWith("5")) {
    const down = abs.toFixed(7).slice(0, -1); // the tie: keep the even neighbour
    const last = Number(down.at(-1));
    if (last % 2 === 0) text = down;
  }
  return (value < 0 || Object.is(value, -0) ? "-" : "") + text;
}

/**
 * The best-match scores file: one `"%.6f"` line per searched sample, in search order. It reads
 * back with the score-file reader (`parseScores`), to six decimals.
 *
 * @param scores Best-match score of each sample.
 * @returns File text ending with a newline (empty when there are no scores).
 *
 * @example
 * ```ts
 * import { bestMatchScoresText } from "./_best_match_csv.ts";
 * if (bestMatchScoresText([0.25, 1 / 3]) !== "0.250000\n0.333333\n") throw new Error();
 * ```
 */
export function bestMatchScoresText(scores: ArrayLike<number>): string {
  let out = "";
  for (let i = 0; i < scores.length; i++) out += formatFixed6(scores[i]!) + "\n";
  return out;
}
