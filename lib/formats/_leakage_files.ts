/**
 * The identity-leakage output files, byte-compatible with the original package: the best-match
 * scores (`<name>_BestMatches_<n>.txt`, `"%.6f"` per line), the best-match table
 * (`<name>_BestMatches_<n>.csv`, the published `Best_Matches` columns) and the global closest
 * pairs (`<name>_Top<K>Global_<N>.json`, written line by line as `find_closest.py` did), plus the
 * `query_path,casia_path,similarity_score` export that `get_paths.sh` made with jq.
 *
 * @module
 */
import type { EmbeddingSet } from "../embeddings/_embedding_set.ts";
import { pythonFloatRepr, pythonJsonString } from "./_python_float.ts";
import { BEST_MATCHES_COLUMNS } from "./_best_match_csv.ts";
import { formatCsv } from "./_csv.ts";
import type { BestMatchResult } from "../similarity/_search.ts";
import type { TopKPairs } from "../similarity/_topk.ts";

/** Header of the published best-match CSV (the reader's column list). */
export const BEST_MATCHES_HEADER: readonly string[] = BEST_MATCHES_COLUMNS;

/**
 * Formats a number as Python's `f"{x:.6f}"`: the exact binary value rounded half to even (JS
 * `toFixed` rounds exact ties away from zero; ties at 6 decimals are the odd multiples of 1/128).
 *
 * @param value The number.
 * @returns Six-decimal text.
 *
 * @example
 * ```ts
 * import { formatFixed6 } from "./_leakage_files.ts";
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
 * The best-match scores file: one `"%.6f"` line per searched query, in search order.
 *
 * @param scores Best-match score of each query.
 * @returns File text ending with a newline (empty when there are no scores).
 *
 * @example
 * ```ts
 * import { bestMatchScoresText } from "./_leakage_files.ts";
 * if (bestMatchScoresText([0.25, 1 / 3]) !== "0.250000\n0.333333\n") throw new Error();
 * ```
 */
export function bestMatchScoresText(scores: ArrayLike<number>): string {
  let out = "";
  for (let i = 0; i < scores.length; i++) out += formatFixed6(scores[i]) + "\n";
  return out;
}

/**
 * The best-match CSV (`sample_index,...,similarity`) of a search: indices are rows of the two
 * embedding files, similarity is Python's `repr` of the float32 score.
 *
 * @param queries The synthetic embeddings searched.
 * @param gallery The reference (CASIA) embeddings.
 * @param best The search result.
 * @returns CSV text with `\n` line ends and minimal quoting, as pandas writes it.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { bestMatchesCsv } from "./_leakage_files.ts";
 * const q = embeddingSet(["7"], ["a,1.jpg"], new Float32Array([1]), 1);
 * const g = embeddingSet(["0001"], ["image_5.jpg"], new Float32Array([1]), 1);
 * const best = { queries: new Uint32Array([0]), gallery: new Uint32Array([0]),
 *   scores: new Float32Array([0.5]), kernel: "js" };
 * const lines = bestMatchesCsv(q, g, best).split("\n");
 * if (lines[1] !== '0,7,"a,1.jpg",0,0001,image_5.jpg,0.5') throw new Error(lines[1]);
 * ```
 */
export function bestMatchesCsv(
  queries: EmbeddingSet,
  gallery: EmbeddingSet,
  best: BestMatchResult,
): string {
  const rows: string[][] = [];
  for (let i = 0; i < best.queries.length; i++) {
    const q = best.queries[i];
    const g = best.gallery[i];
    rows.push([
      String(q),
      queries.identities[q],
      queries.imageNames[q],
      String(g),
      gallery.identities[g],
      gallery.imageNames[g],
      pythonFloatRepr(best.scores[i]),
    ]);
  }
  return formatCsv([...BEST_MATCHES_HEADER], rows);
}

/** Metadata of {@linkcode closestJson}. */
export interface ClosestJsonOptions {
  /** The input path as the user gave it (`metadata.input_file`). */
  inputFile: string;
  /** The requested sample count (`n_samples_compared`, also in the file name). */
  nSamplesCompared: number;
  /** The requested K (`top_global_matches`). */
  topGlobalMatches: number;
}

/**
 * The closest-pairs JSON exactly as `find_closest.py` streamed it: an indented `metadata` block,
 * then one compact object per line (`json.dump(..., separators=(",", ":"))`, ASCII-escaped), and
 * `total_pairs_considered = n_samples_compared x number of results` (the original's formula).
 *
 * @param queries The synthetic embeddings searched.
 * @param gallery The reference (CASIA) embeddings.
 * @param pairs The global top-K, best first.
 * @param options Metadata values.
 * @returns File text ending with a newline.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { closestJson } from "./_leakage_files.ts";
 * const q = embeddingSet(["7"], ["a.png"], new Float32Array([1]), 1);
 * const g = embeddingSet(["01"], ["b.jpg"], new Float32Array([1]), 1);
 * const pairs = { scores: new Float32Array([0.75]), queries: new Uint32Array([0]),
 *   gallery: new Uint32Array([0]) };
 * const text = closestJson(q, g, pairs, { inputFile: "X.json", nSamplesCompared: 1, topGlobalMatches: 100 });
 * const parsed = JSON.parse(text);
 * if (parsed.results[0].casia_path !== "01/b.jpg" || parsed.metadata.total_pairs_considered !== 1) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function closestJson(
  queries: EmbeddingSet,
  gallery: EmbeddingSet,
  pairs: TopKPairs,
  options: ClosestJsonOptions,
): string {
  const { inputFile, nSamplesCompared, topGlobalMatches } = options;
  const n = pairs.scores.length;
  const lines = [
    "{",
    '  "metadata": {',
    `    "input_file": ${JSON.stringify(inputFile)},`,
    `    "n_samples_compared": ${nSamplesCompared},`,
    `    "top_global_matches": ${topGlobalMatches},`,
    `    "total_pairs_considered": ${nSamplesCompared * n}`,
    "  },",
    '  "results": [',
  ];
  const str = pythonJsonString;
  for (let r = 0; r < n; r++) {
    const qi = pairs.queries[r];
    const gi = pairs.gallery[r];
    const qId = queries.identities[qi], qName = queries.imageNames[qi];
    const gId = gallery.identities[gi], gName = gallery.imageNames[gi];
    lines.push(
      `{"rank":${r + 1},"similarity_score":${pythonFloatRepr(pairs.scores[r])},` +
        `"query_identity":${str(qId)},"query_image_name":${str(qName)},` +
        `"query_path":${str(`${qId}/${qName}`)},"casia_identity":${str(gId)},` +
        `"casia_image_name":${str(gName)},"casia_path":${str(`${gId}/${gName}`)}}` +
        (r < n - 1 ? "," : ""),
    );
  }
  lines.push("  ]", "}");
  return lines.join("\n") + "\n";
}

/** One row of the paths export. */
export interface ClosestPathRow {
  queryPath: string;
  casiaPath: string;
  similarity: number;
}

/**
 * The `query_path,casia_path,similarity_score` CSV of closest pairs, as jq's `@csv` wrote it in
 * `get_paths.sh`: strings always double-quoted, the score as its JSON literal (Python's `repr`,
 * which jq 1.7 passes through unchanged).
 *
 * @param rows The pairs, in rank order.
 * @returns CSV text ending with a newline.
 *
 * @example
 * ```ts
 * import { closestPathsCsv } from "./_leakage_files.ts";
 * const text = closestPathsCsv([{ queryPath: "1/a.png", casiaPath: "2/b.jpg", similarity: 0.5 }]);
 * if (text !== 'query_path,casia_path,similarity_score\n"1/a.png","2/b.jpg",0.5\n') throw new Error(text);
 * ```
 */
export function closestPathsCsv(rows: readonly ClosestPathRow[]): string {
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  let out = "query_path,casia_path,similarity_score\n";
  for (const row of rows) {
    out += `${quote(row.queryPath)},${quote(row.casiaPath)},${pythonFloatRepr(row.similarity)}\n`;
  }
  return out;
}
