/**
 * `deno task metrics`: for every dataset of a scores folder with both score files (paired by the
 * layout's one rule, {@linkcode pairScoreFiles}), pyeer's statistics, FDR and 95% bootstrap
 * intervals; writes `All_Datasets_metrics.csv`, the paper's CI tables `CI/{eer,fmr,fdr,mean}_95.csv`
 * and the density figures with their thresholds. Datasets that cannot be read are skipped with the
 * reason.
 *
 * @module
 */
import { join } from "node:path";
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import { ciTable, ciTablesCsv } from "../formats/_ci_tables.ts";
import { latexTable } from "../formats/_latex_table.ts";
import { markdownTable } from "../formats/_markdown_table.ts";
import { paperReportTable, reportTableCsv } from "../formats/_report_table.ts";
import {
  MATED_SUFFIX,
  metricsLayout,
  NON_MATED_SUFFIX,
  pairScoreFiles,
} from "../formats/_layout.ts";
import { metricsTableCsv, type NamedMetrics } from "../formats/_metrics_table.ts";
import { readScoreFile } from "../formats/_score_file.ts";
import { writeFileAtomic } from "../formats/_atomic.ts";
import {
  type NamedOperatingPoints,
  type VerificationInput,
  writeVerificationReport,
} from "./_verification_report.ts";
import type { ManifestInput } from "../formats/_manifest.ts";
import { beginRun, fileInput } from "./_run_contract.ts";
import { type DatasetMetrics, datasetMetrics } from "../metrics/_dataset_metrics.ts";
import { densityData, metricsDensityFigure } from "../plots/_density.ts";
import { newDocument } from "../plots/_document.ts";
import { figureFilePaths, writeFigureFiles } from "../plots/_render.ts";

/** Options of {@linkcode runMetrics}. */
export interface RunMetricsOptions {
  /** Folder of score files. @default "Metrics/SimilarityScores" */
  scores?: string;
  /** Output root. @default "Metrics" */
  out?: string;
  /** Bootstrap resamples; 0 writes no intervals. @default 1000 */
  resamples?: number;
  /** Bootstrap seed (each dataset starts from it). @default 42 */
  seed?: number;
  /** Draw the density figures. @default true */
  figures?: boolean;
  /** Pixel scale of the figures' PNG over their SVG size (each is also written as SVG and PDF). @default 2 */
  pngScale?: number;
  /** Each dataset's numbers, the skipped datasets, and where the files went. @default consoleReporter() */
  reporter?: Reporter;
}

/** A dataset left out and why. */
export interface SkippedDataset {
  /** Dataset name, the score files' prefix. */
  dataset: string;
  /** Why it was skipped: the missing partner score file, or the read error's message. */
  reason: string;
}

/** What {@linkcode runMetrics} computed and wrote. */
export interface MetricsResult {
  /** Datasets measured, in name order. */
  datasets: NamedMetrics[];
  /** Datasets skipped with the reason. */
  skipped: SkippedDataset[];
  /** Files written. */
  files: string[];
  /** FNMR@FMR = 10% .. 0.0001% per dataset, in name order (see `_verification_report.ts`). */
  operatingPoints: NamedOperatingPoints[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** The lines the metrics task prints for one dataset, in the original's words. */
function metricsLines(
  dataset: string,
  metrics: DatasetMetrics,
  options: { resamples: number; seed: number },
): string[] {
  const s = metrics.stats;
  const lines = [
    `\nDataset: ${dataset}`,
    `Genuine mean/std: ${s.gmean.toFixed(4)} / ${s.gstd.toFixed(4)}`,
    `Impostor mean/std: ${s.imean.toFixed(4)} / ${s.istd.toFixed(4)}`,
    `EER: ${pct(s.eer)} at threshold ${s.eer_th.toFixed(4)}`,
    `FMR100: ${pct(s.fmr100)} at threshold ${s.fmr100_th.toFixed(4)}`,
    `FMR1000: ${pct(s.fmr1000)} at threshold ${s.fmr1000_th.toFixed(4)}`,
    `FDR: ${metrics.fdr.toFixed(4)}`,
  ];
  if (metrics.bootstrap) {
    const iv = metrics.bootstrap.intervals;
    lines.push(
      `95% bootstrap CIs (${options.resamples} resamples, seed ${options.seed}): EER [${
        pct(iv.eer.lower)
      }, ${pct(iv.eer.upper)}], FMR100 [${pct(iv.fmr100.lower)}, ${
        pct(iv.fmr100.upper)
      }], FMR1000 [${pct(iv.fmr1000.lower)}, ${pct(iv.fmr1000.upper)}], FDR [${
        iv.fdr.lower.toFixed(4)
      }, ${iv.fdr.upper.toFixed(4)}]`,
    );
  }
  return lines;
}

async function scoreFileNames(scores: string): Promise<string[]> {
  const info = await Deno.stat(scores).catch((error) => {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(
        `Cannot read score files: ${scores} does not exist (expected a folder of <name>${MATED_SUFFIX} and <name>${NON_MATED_SUFFIX} files, e.g. from deno task similarities)`,
      );
    }
    throw error;
  });
  if (!info.isDirectory) {
    throw new TypeError(`Cannot read score files: ${scores} is not a folder`);
  }
  const names: string[] = [];
  for await (const entry of Deno.readDir(scores)) {
    if (entry.isFile || entry.isSymlink) names.push(entry.name);
  }
  return names;
}

/**
 * Measures every dataset of a scores folder and writes the tables and figures under `out`.
 *
 * @param options Folders, resamples, seed, figures, reporter.
 * @returns Metrics, skipped datasets and written files.
 * @throws {RangeError} When no dataset of the folder could be measured.
 * @throws {Deno.errors.NotFound} When the scores folder does not exist.
 * @throws {TypeError} When the scores path is not a folder.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { runMetrics } from "./_metrics.ts";
 * const out = await Deno.makeTempDir();
 * await Deno.mkdir(`${out}/scores`);
 * await Deno.writeTextFile(`${out}/scores/A_mated_similarities.txt`, "0.9\n0.8\n0.7\n");
 * await Deno.writeTextFile(`${out}/scores/A_non_mated_similarities.txt`, "0.1\n0.2\n0.75\n");
 * await Deno.writeTextFile(`${out}/scores/B_mated_similarities.txt`, "0.9\n");
 * const r = await runMetrics({
 *   scores: `${out}/scores`, out, resamples: 0, figures: false, reporter: memoryReporter(),
 * });
 * await Deno.remove(out, { recursive: true });
 * if (r.datasets[0]?.dataset !== "A" || r.skipped[0]?.dataset !== "B") throw new Error("unexpected");
 * ```
 */
export async function runMetrics(options: RunMetricsOptions = {}): Promise<MetricsResult> {
  const {
    scores = metricsLayout().dir("scores"),
    out,
    resamples = 1000,
    seed = 42,
    figures = true,
    pngScale = 2,
    reporter = consoleReporter(),
  } = options;
  const layout = metricsLayout(out);
  const tablePath = layout.metricsTable();
  await using run = await beginRun([tablePath], {
    task: "metrics",
    flags: { scores, out: out ?? null, resamples, seed, figures },
    seeds: { bootstrap: seed },
  });
  const inputs: ManifestInput[] = [];
  const { pairs, unpaired } = pairScoreFiles(await scoreFileNames(scores));
  const skipped: SkippedDataset[] = unpaired.map((u) => ({
    dataset: u.dataset,
    reason: `no ${u.missing} beside ${u.file}`,
  }));
  const document = newDocument();
  const datasets: NamedMetrics[] = [];
  const verification: VerificationInput[] = [];
  const files: string[] = [];
  for (const pair of pairs) {
    const base = pair.dataset;
    let genuine: Float64Array, impostor: Float64Array;
    try {
      genuine = await readScoreFile(join(scores, pair.mated));
      impostor = await readScoreFile(join(scores, pair.nonMated));
      inputs.push(
        await fileInput(`${base} mated scores`, join(scores, pair.mated)),
        await fileInput(`${base} non-mated scores`, join(scores, pair.nonMated)),
      );
    } catch (error) {
      skipped.push({
        dataset: base,
        reason: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    const start = performance.now();
    const metrics = datasetMetrics(genuine, impostor, { resamples, seed });
    const s = metrics.stats;
    for (const line of metricsLines(base, metrics, { resamples, seed })) reporter.info(line);
    reporter.info(`(${((performance.now() - start) / 1000).toFixed(2)} s)`);
    datasets.push({ dataset: base, metrics });
    verification.push({ dataset: base, genuine, impostor, stats: s });
    if (figures) {
      const figure = metricsDensityFigure(
        {
          ...densityData(genuine, impostor),
          thresholds: {
            eer: s.eer_th,
            fmr100: s.fmr100_th,
            fmr1000: s.fmr1000_th,
            eerRate: s.eer,
            fnmrAtFmr100: s.fmr100,
            fnmrAtFmr1000: s.fmr1000,
          },
        },
        { document, dataset: base },
      );
      const written = await writeFigureFiles(layout.metricsFigure(base), figure, {
        scale: pngScale,
      });
      const paths = figureFilePaths(written);
      files.push(...paths);
      reporter.info(`Plot saved to: ${paths.slice(0, -1).join(", ")} and ${paths.at(-1)}`);
    }
  }
  for (const s of skipped) reporter.info(`Skipped ${s.dataset}: ${s.reason}`);
  if (datasets.length === 0) {
    throw new RangeError(
      `Cannot compute metrics: no dataset in ${scores} has a readable pair of *${MATED_SUFFIX} and *${NON_MATED_SUFFIX} files`,
    );
  }
  await Deno.mkdir(layout.dir("ci"), { recursive: true });
  await writeFileAtomic(tablePath, metricsTableCsv(datasets));
  files.push(tablePath);
  const report = await writeVerificationReport(verification, layout, {
    resamples,
    seed,
    figures,
    pngScale,
    reporter,
  });
  files.push(...report.files);
  const ciTables = ciTablesCsv(datasets);
  for (const [name, text] of Object.entries(ciTables)) {
    const path = layout.ciTable(name);
    await writeFileAtomic(path, text);
    files.push(path);
  }
  const tablePaths: string[] = [];
  const paperTable = paperReportTable(ciTable(datasets), {
    title: "Verification metrics with 95% bootstrap intervals",
  });
  for (
    const [ext, text] of [
      [".csv", reportTableCsv(paperTable)],
      [".md", markdownTable(paperTable)],
      [".tex", latexTable(paperTable, { label: "tab:verification" })],
    ] as const
  ) {
    const path = `${layout.verificationTable()}${ext}`;
    await writeFileAtomic(path, text);
    files.push(path);
    tablePaths.push(path);
  }
  reporter.info(`Verification table (percent, 95% intervals) saved to: ${tablePaths.join(", ")}`);
  await run.finish({
    inputs,
    counts: { datasets: datasets.length, skipped: skipped.length },
    outputs: files.filter((f) => !/\.(svg|png|pdf)$/.test(f)),
  });
  reporter.info(`\nMaster metrics file saved to: ${tablePath}`);
  reporter.info(
    `CI tables saved to: ${layout.dir("ci")} (${
      Object.keys(ciTables).map((name) => `${name}.csv`).join(", ")
    })`,
  );
  return { datasets, skipped, files, operatingPoints: report.operatingPoints };
}
