/**
 * `deno task paper`: every figure and table of the notebooks that the paper's published `Data/`
 * folder allows, headless, as SVG, PNG, PDF and CSV:
 *
 * - `best_matches_all.*`: best-match densities of every dataset in one figure;
 * - `best_matches/<name>.*`: the best-match density of each dataset;
 * - `best_match_summary.csv`, `threshold_shares.*`: count, mean, median, extremes and the share of
 *   samples at or above each threshold;
 * - `closest_pairs.csv`, `closest_pairs.*`: the globally closest pairs and where they fall;
 * - `paper_table.csv`, `paper_table_<metric>.*`: the verification table with 95% intervals;
 * - `paper_table_percent.csv`, `paper_table.md`, `paper_table.tex`: the same table as papers print
 *   it (rates in percent, `6.02 [5.91, 6.14]`, datasets by ascending EER unless `tableOrder`);
 * - `leakage_judged.csv|md|tex`, `leakage_judged.*`: each dataset's best matches judged at a
 *   threshold (`judge`: a value, or calibrated on a real impostor score file), when one is given.
 *
 * @module
 */
import { join, relative } from "node:path";
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
import { latexTable } from "../formats/_latex_table.ts";
import { markdownTable } from "../formats/_markdown_table.ts";
import { type DatasetOrder, paperReportTable, reportTableCsv } from "../formats/_report_table.ts";
import { judgeLeakage } from "../metrics/_leakage_judged.ts";
import {
  type JudgedLeakageRow,
  judgedLeakageTable,
  leakageThreshold,
  type LeakageThresholdOptions,
  writeJudgedLeakage,
} from "./_leakage_judged.ts";

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
  /** Row order of `paper_table.md`, `.tex` and `paper_table_percent.csv`. @default ascending EER */
  tableOrder?: DatasetOrder | undefined;
  /**
   * The threshold of "leakage, judged" on the published best matches: a value, or a real
   * impostor score file to calibrate on (the published data holds none, so without either the
   * part is skipped, and said so). @default {}
   */
  judge?: LeakageThresholdOptions;
  /** Pixel scale of the figures' PNG over their SVG size. @default 2 */
  pngScale?: number;
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
    await writeFigureFiles(join(out, name), figure, { scale: options.pngScale ?? 2 });
    written.push(`${name}.svg`, `${name}.png`, `${name}.pdf`);
  };
  const writeText = async (name: string, text: string) => {
    await Deno.writeTextFile(join(out, name), text);
    written.push(name);
  };

  const summaries = new Map<string, BestMatchSummary>();
  if (files.bestMatches.length) {
    const sets = new Map<string, Float64Array>();
    const judgedInputs: Awaited<ReturnType<typeof readBestMatches>>[] = [];
    await Deno.mkdir(join(out, "best_matches"), { recursive: true });
    for (const path of files.bestMatches) {
      const m = await readBestMatches(path);
      judgedInputs.push(m);
      sets.set(m.name, m.similarity);
      summaries.set(m.name, summarizeBestMatches(m.similarity, { thresholds }));
      await writeFigure(
        join("best_matches", m.name),
        bestMatchesDensityFigure(m.similarity, { document, dataset: m.name }),
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
    const threshold = await leakageThreshold(options.judge ?? {}, { reporter });
    if (threshold !== undefined) {
      const rows: JudgedLeakageRow[] = judgedInputs.map((m) => ({
        dataset: m.name,
        judged: judgeLeakage(m, threshold.threshold, { resamples: 1000, seed: 42 }),
      }));
      const stem = join(out, "leakage_judged");
      const paths = await writeJudgedLeakage(stem, stem, judgedLeakageTable(rows, threshold));
      written.push(...paths.map((p) => relative(out, p)));
      log(`leakage, judged: ${rows.length} datasets at the ${threshold.source}`);
    }
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
    const report = paperReportTable(
      table,
      options.tableOrder === undefined ? {} : { order: options.tableOrder },
    );
    await writeText("paper_table_percent.csv", reportTableCsv(report));
    await writeText("paper_table.md", markdownTable(report));
    await writeText("paper_table.tex", latexTable(report, { label: "tab:paper" }));
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
