/**
 * `deno task paper`: every figure and table of the notebooks that the paper's published `Data/`
 * folder allows, headless, as SVG, PNG and CSV:
 *
 * - `best_matches_all.*`: best-match densities of every dataset in one figure;
 * - `best_matches/<name>.*`: the best-match density of each dataset;
 * - `best_match_summary.csv`, `threshold_shares.*`: count, mean, median, extremes and the share of
 *   samples at or above each threshold;
 * - `closest_pairs.csv`, `closest_pairs.*`: the globally closest pairs and where they fall;
 * - `paper_table.csv`, `paper_table_<metric>.*`: the verification table with 95% intervals.
 *
 * @module
 */
import { join } from "node:path";
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import { readBestMatches } from "../formats/_best_match_csv.ts";
import { type CiTable, readCiTables } from "../formats/_ci_tables.ts";
import { readClosest } from "../formats/_closest_json.ts";
import { formatCsv } from "../formats/_csv.ts";
import { metricsLayout } from "../formats/_layout.ts";
import { listPublishedData } from "../formats/_published_data.ts";
import { type BestMatchSummary, summarizeBestMatches } from "../metrics/_best_match_summary.ts";
import { bestMatchesDensityFigure } from "../plots/_best_matches.ts";
import { bestMatchesRidgelineFigure } from "../plots/_best_matches_ridgeline.ts";
import { closestPairsStripFigure } from "../plots/_closest_pairs_strip.ts";
import { newDocument } from "../plots/_document.ts";
import { paperTableFigure } from "../plots/_paper_table.ts";
import { writeFigureFiles } from "../plots/_render.ts";
import { thresholdSharesFigure } from "../plots/_threshold_shares.ts";

/** Options of {@linkcode runPaper}. */
export interface RunPaperOptions {
  /** The published `Data/` folder (`Best_Matches/`, `Closest/`, `CI/`). */
  data: string;
  /** Output folder. @default "Metrics/paper" */
  out?: string;
  /** Thresholds of the best-match shares. @default [0.3, 0.4, 0.5] */
  thresholds?: number[];
  /** Folder of the kit's own CI tables, drawn beside the paper's. @default undefined */
  compare?: string | undefined;
  /** One line per part drawn and the count of files written. @default consoleReporter() */
  reporter?: Reporter;
}

/** What {@linkcode runPaper} wrote. */
export interface PaperResult {
  /** The files written, relative to the output folder. */
  files: string[];
}

/**
 * Writes every figure and table of the published data.
 *
 * @param options Data folder, output folder, thresholds, comparison tables, reporter.
 * @returns The files written, relative to the output folder.
 * @throws {RangeError} When the folder holds none of `Best_Matches/`, `Closest/` or `CI/`.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { runPaper } from "./_paper.ts";
 * const data = await Deno.makeTempDir();
 * const error = await runPaper({ data, out: `${data}/out`, reporter: memoryReporter() })
 *   .catch((e) => e);
 * await Deno.remove(data, { recursive: true });
 * if (!(error instanceof RangeError)) throw new Error("an empty Data/ folder is refused");
 * ```
 */
export async function runPaper(options: RunPaperOptions): Promise<PaperResult> {
  const {
    data,
    out = join(metricsLayout().root, "paper"),
    thresholds = [0.3, 0.4, 0.5],
    compare,
    reporter = consoleReporter(),
  } = options;
  const log = (line: string) => reporter.info(line);
  const files = await listPublishedData(data);
  if (!files.bestMatches.length && !files.closest.length && !files.ciDir) {
    throw new RangeError(
      `Cannot draw the paper's figures from ${data}: it holds no Best_Matches/, Closest/ or CI/`,
    );
  }
  const document = newDocument();
  const written: string[] = [];
  await Deno.mkdir(out, { recursive: true });
  const writeFigure = async (name: string, figure: Element) => {
    await writeFigureFiles(join(out, name), figure);
    written.push(`${name}.svg`, `${name}.png`);
  };
  const writeText = async (name: string, text: string) => {
    await Deno.writeTextFile(join(out, name), text);
    written.push(name);
  };

  const summaries = new Map<string, BestMatchSummary>();
  if (files.bestMatches.length) {
    const sets = new Map<string, Float64Array>();
    await Deno.mkdir(join(out, "best_matches"), { recursive: true });
    for (const path of files.bestMatches) {
      const m = await readBestMatches(path);
      sets.set(m.name, m.similarity);
      summaries.set(m.name, summarizeBestMatches(m.similarity, { thresholds }));
      await writeFigure(
        join("best_matches", m.name),
        bestMatchesDensityFigure(m.similarity, { document }),
      );
    }
    await writeFigure("best_matches_all", bestMatchesRidgelineFigure(sets, { document }));
    await writeFigure("threshold_shares", thresholdSharesFigure(summaries, { document }));
    const header = [
      "Dataset",
      "n",
      "mean",
      "median",
      "min",
      "max",
      ...thresholds.map((t) => `share_ge_${t}`),
    ];
    const rows = [...summaries].map(([name, s]) => [
      name,
      s.n,
      s.mean,
      s.median,
      s.min,
      s.max,
      ...s.shareAbove,
    ]);
    await writeText("best_match_summary.csv", formatCsv(header, rows));
    log(`best matches: ${sets.size} datasets`);
  }

  if (files.closest.length) {
    const sets = await Promise.all(files.closest.map(readClosest));
    const rows = sets.flatMap((c) =>
      Array.from(
        c.rank,
        (rank, i) => [c.name, rank, c.similarity[i]!, c.queryPath[i]!, c.casiaPath[i]!],
      )
    );
    await writeText(
      "closest_pairs.csv",
      formatCsv(["Dataset", "rank", "similarity_score", "query_path", "casia_path"], rows),
    );
    await writeFigure(
      "closest_pairs",
      closestPairsStripFigure(sets, {
        document,
        ...(summaries.size ? { bestMatches: summaries } : {}),
      }),
    );
    log(`closest pairs: ${sets.length} datasets`);
  }

  if (files.ciDir) {
    const table = await readCiTables(files.ciDir);
    const kit: CiTable | undefined = compare ? await readCiTables(compare) : undefined;
    const header = ["Dataset"];
    for (const m of table.metrics) {
      const key = m.name.replaceAll(" ", "_");
      header.push(key, `${key}_CI_Lower`, `${key}_CI_Upper`);
    }
    const rows = table.datasets.map((dataset, d) => [
      dataset,
      ...table.metrics.flatMap((m) => [m.value[d]!, m.lower[d]!, m.upper[d]!]),
    ]);
    await writeText("paper_table.csv", formatCsv(header, rows));
    for (const m of table.metrics) {
      const order = m.name === "FDR" || m.name === "Genuine Mean" ? "descending" : "ascending";
      await writeFigure(
        `paper_table_${m.name.replaceAll(" ", "_")}`,
        paperTableFigure(table, { document, metric: m.name, compare: kit, order }),
      );
    }
    log(`paper table: ${table.datasets.length} datasets, ${table.metrics.length} metrics`);
  }
  log(`wrote ${written.length} files under ${out}/`);
  return { files: written };
}
