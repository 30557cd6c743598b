/**
 * Reader of the identity-leakage search results of the published data (`Best_Matches/*.csv`):
 * for each sample of a synthetic dataset, its most similar CASIA-WebFace image.
 *
 * @module
 */
import { numberColumn, parseCsv, stringColumn } from "./_csv.ts";

/** The best-match table of one dataset, as columns. */
export interface BestMatches {
  /** Dataset name, from the file name `<name>_BestMatches_<n>.csv`. */
  name: string;
  /** Row index of each sample in the dataset's embedding file. */
  sampleIndex: Uint32Array;
  sampleIdentity: string[];
  sampleImageName: string[];
  /** Row index of the best match in the CASIA-WebFace embeddings. */
  bestMatchIndex: Uint32Array;
  bestMatchIdentity: string[];
  bestMatchImageName: string[];
  /** Cosine similarity of each sample to its best match. */
  similarity: Float64Array;
}

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

/**
 * The dataset name of a best-match or closest-pairs file: the base name up to `_BestMatches_` or
 * `_Top<K>Global_`, or without its extension when neither is present.
 *
 * @param path File path.
 * @returns The dataset name.
 *
 * @example
 * ```ts
 * import { datasetNameOf } from "./_best_match_csv.ts";
 * if (datasetNameOf("x/Syn-Multi-PIE_BestMatches_10000.csv") !== "Syn-Multi-PIE") throw new Error();
 * if (datasetNameOf("SDFD_Top100Global_1000.json") !== "SDFD") throw new Error("unexpected");
 * ```
 */
export function datasetNameOf(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  const m = /^(.+?)_(?:BestMatches_\d+|Top\d+Global_\d+)\.[^.]+$/.exec(base);
  return m ? m[1] : base.replace(/\.[^.]+$/, "");
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
export function parseBestMatches(text: string, source: string): BestMatches {
  const table = parseCsv(text, { source });
  const similarity = numberColumn(table, "similarity");
  for (let r = 0; r < similarity.length; r++) {
    if (similarity[r] < -1.000001 || similarity[r] > 1.000001) {
      throw new SyntaxError(
        `Cannot read ${source} line ${table.lines[r]} as a cosine similarity: current value is ${
          similarity[r]
        }`,
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
export async function readBestMatches(csvPath: string): Promise<BestMatches> {
  return parseBestMatches(await Deno.readTextFile(csvPath), csvPath);
}
