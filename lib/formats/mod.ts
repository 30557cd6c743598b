/**
 * The files the kit reads and writes, one module per format, each with its column list, reader
 * and writer (round-trip tested, byte-compatible with the original package and the paper's
 * published `Data/`): score files, the best-match CSV and scores, the closest-pairs JSON, the
 * closest-paths CSV, the metrics table, the four CI tables, report tables as papers print them
 * (CSV, Markdown, LaTeX booktabs), generic CSV and Python's float text;
 * plus the `Metrics/` layout (every output path from a dataset name, `datasetNameOf`, the pairing
 * of score files) and the finder of the published data.
 *
 * @example
 * ```ts
 * import { bestMatchesCsv, metricsLayout, parseBestMatches } from "./mod.ts";
 * const path = metricsLayout("Metrics").bestMatchCsv("Demo", 2);
 * const text = bestMatchesCsv({
 *   sampleIndex: [4, 0], sampleIdentity: ["7", "3"], sampleImageName: ["a,1.png", "b.png"],
 *   bestMatchIndex: [9, 2], bestMatchIdentity: ["0001", "0002"],
 *   bestMatchImageName: ["x.jpg", "y.jpg"], similarity: new Float32Array([0.5, 0.25]),
 * });
 * const table = parseBestMatches(text, path);
 * if (table.name !== "Demo" || table.sampleImageName[0] !== "a,1.png" || table.similarity[1] !== 0.25) {
 *   throw new Error("the best-match CSV does not round-trip");
 * }
 * ```
 *
 * @module
 */
export * from "./_atomic.ts";
export * from "./_best_match_csv.ts";
export * from "./_ci_tables.ts";
export * from "./_closest_json.ts";
export * from "./_closest_shard.ts";
export * from "./_closest_paths_csv.ts";
export * from "./_csv.ts";
export * from "./_diversity_csv.ts";
export * from "./_identities_csv.ts";
export * from "./_latex_table.ts";
export * from "./_layout.ts";
export * from "./_list_files.ts";
export * from "./_manifest.ts";
export * from "./_markdown_table.ts";
export * from "./_metrics_table.ts";
export * from "./_published_data.ts";
export * from "./_python_float.ts";
export * from "./_report_table.ts";
export * from "./_score_file.ts";
