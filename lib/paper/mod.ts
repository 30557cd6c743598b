/**
 * Readers of the published results of "Beyond Real Faces" (the replication package's `Data/`
 * folder): best matches, closest pairs and the CI tables, parsed strictly with errors that name
 * file and line, plus the best-match summary the notebooks and `deno task paper` share.
 *
 * @example
 * ```ts
 * import { parseCsv, summarizeBestMatches } from "./mod.ts";
 * const t = parseCsv("similarity\n0.2\n0.6\n");
 * const s = summarizeBestMatches(t.rows.map((r) => Number(r[0])), { thresholds: [0.5] });
 * if (s.shareAbove[0] !== 0.5) throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "../metrics/_best_match_summary.ts";
export * from "../formats/_best_match_csv.ts";
export * from "../formats/_ci_tables.ts";
export * from "../formats/_closest_json.ts";
export * from "../formats/_csv.ts";
export * from "../formats/_published_data.ts";
