/**
 * `deno task metrics [--scores DIR] [--bootstrap B] [--seed S] [--out DIR]`: for every
 * `<name>_non_mated_similarities.txt` with its `<name>_mated_similarities.txt` twin in the scores
 * folder, pyeer's statistics, FDR and 95% bootstrap intervals; writes
 * `OUT/All_Datasets_metrics.csv`, the paper's CI tables `OUT/CI/{eer,fmr,fdr,mean}_95.csv`, and
 * `OUT/Figures_with_metrics/<name>_MatedVsNonmated.{svg,png}`. Datasets that cannot be read are
 * skipped and reported with the reason.
 *
 * @module
 */
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { intFlag, parseFlags, runMain, usage } from "../lib/cli/_flags.ts";
import { datasetMetrics } from "../lib/metrics/_dataset_metrics.ts";
import { densityData, metricsDensityFigure } from "../lib/plots/_density.ts";
import { writeFigureFiles } from "../lib/plots/_render.ts";
import { ciTablesCsv } from "../lib/formats/_ci_tables_writer.ts";
import { metricsTableCsv, type NamedMetrics } from "../lib/formats/_metrics_table.ts";
import { readScoreFile } from "../lib/formats/_score_file.ts";

const FLAGS = {
  scores: {
    type: "string",
    description: "folder of score files",
    default: "Metrics/SimilarityScores",
    aliases: ["scores_dir", "scores-dir"],
  },
  bootstrap: {
    type: "string",
    description: "bootstrap resamples (0: no intervals)",
    default: "1000",
    aliases: ["n_bootstrap", "n-bootstrap"],
  },
  seed: { type: "string", description: "random seed of the bootstrap", default: "42" },
  out: { type: "string", description: "output folder", default: "Metrics" },
  "no-figures": { type: "boolean", description: "skip the density figures" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage(
  "deno task metrics [--scores DIR] [--bootstrap B] [--seed S] [--out DIR]",
  FLAGS,
);

const NON_MATED_SUFFIX = "_non_mated_similarities.txt";
const MATED_SUFFIX = "_mated_similarities.txt";

/** Options of {@linkcode runMetrics}. */
export interface RunMetricsOptions {
  /** Folder of score files. @default "Metrics/SimilarityScores" */
  scores?: string;
  /** Output folder. @default "Metrics" */
  out?: string;
  /** Bootstrap resamples; 0 writes no intervals. @default 1000 */
  resamples?: number;
  /** Bootstrap seed (each dataset starts from it). @default 42 */
  seed?: number;
  /** Draw the density figures. @default true */
  figures?: boolean;
  /** Progress messages. @default console.log */
  log?: (line: string) => void;
}

/** A dataset left out and why. */
export interface SkippedDataset {
  dataset: string;
  reason: string;
}

/** What {@linkcode runMetrics} computed and wrote. */
export interface MetricsOutput {
  /** Datasets measured, in name order. */
  datasets: NamedMetrics[];
  /** Datasets skipped with the reason. */
  skipped: SkippedDataset[];
  /** Files written. */
  files: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * Measures every dataset of a scores folder and writes the tables and figures.
 *
 * @param options Folders, resamples, seed, figures, logger.
 * @returns Metrics, skipped datasets and written files.
 * @throws {RangeError} When no dataset of the folder could be measured.
 * @throws {Deno.errors.NotFound} When the scores folder does not exist.
 */
export async function runMetrics(options: RunMetricsOptions = {}): Promise<MetricsOutput> {
  const {
    scores = "Metrics/SimilarityScores",
    out = "Metrics",
    resamples = 1000,
    seed = 42,
    figures = true,
  } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const names = new Set<string>();
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
  for await (const entry of Deno.readDir(scores)) {
    if (entry.isFile || entry.isSymlink) names.add(entry.name);
  }
  const skipped: SkippedDataset[] = [];
  const bases = [...names].filter((n) => n.endsWith(NON_MATED_SUFFIX))
    .map((n) => n.slice(0, -NON_MATED_SUFFIX.length)).sort();
  for (const n of [...names].sort()) {
    if (!n.endsWith(MATED_SUFFIX) || n.endsWith(NON_MATED_SUFFIX)) continue;
    const base = n.slice(0, -MATED_SUFFIX.length);
    if (!names.has(base + NON_MATED_SUFFIX)) {
      skipped.push({ dataset: base, reason: `no ${base}${NON_MATED_SUFFIX} beside ${n}` });
    }
  }
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const datasets: NamedMetrics[] = [];
  const files: string[] = [];
  const figureDir = join(out, "Figures_with_metrics");
  for (const base of bases) {
    if (!names.has(base + MATED_SUFFIX)) {
      skipped.push({
        dataset: base,
        reason: `no ${base}${MATED_SUFFIX} beside its non-mated file`,
      });
      continue;
    }
    let genuine: Float64Array, impostor: Float64Array;
    try {
      genuine = await readScoreFile(join(scores, base + MATED_SUFFIX));
      impostor = await readScoreFile(join(scores, base + NON_MATED_SUFFIX));
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
    log(`\nDataset: ${base}`);
    log(`Genuine mean/std: ${s.gmean.toFixed(4)} / ${s.gstd.toFixed(4)}`);
    log(`Impostor mean/std: ${s.imean.toFixed(4)} / ${s.istd.toFixed(4)}`);
    log(`EER: ${pct(s.eer)} at threshold ${s.eer_th.toFixed(4)}`);
    log(`FMR100: ${pct(s.fmr100)} at threshold ${s.fmr100_th.toFixed(4)}`);
    log(`FMR1000: ${pct(s.fmr1000)} at threshold ${s.fmr1000_th.toFixed(4)}`);
    log(`FDR: ${metrics.fdr.toFixed(4)}`);
    if (metrics.bootstrap) {
      const iv = metrics.bootstrap.intervals;
      log(
        `95% bootstrap CIs (${resamples} resamples, seed ${seed}): EER [${pct(iv.eer.lower)}, ${
          pct(iv.eer.upper)
        }], FMR100 [${pct(iv.fmr100.lower)}, ${pct(iv.fmr100.upper)}], FMR1000 [${
          pct(iv.fmr1000.lower)
        }, ${pct(iv.fmr1000.upper)}], FDR [${iv.fdr.lower.toFixed(4)}, ${iv.fdr.upper.toFixed(4)}]`,
      );
    }
    log(`(${((performance.now() - start) / 1000).toFixed(2)} s)`);
    datasets.push({ dataset: base, metrics });
    if (figures) {
      await Deno.mkdir(figureDir, { recursive: true });
      const figure = metricsDensityFigure(
        {
          ...densityData(genuine, impostor),
          thresholds: { eer: s.eer_th, fmr100: s.fmr100_th, fmr1000: s.fmr1000_th },
        },
        { document },
      );
      const { svg: svgPath, png: pngPath } = await writeFigureFiles(
        join(figureDir, `${base}_MatedVsNonmated`),
        figure,
      );
      files.push(svgPath, pngPath);
      log(`Plot saved to: ${svgPath}`);
    }
  }
  for (const s of skipped) log(`Skipped ${s.dataset}: ${s.reason}`);
  if (datasets.length === 0) {
    throw new RangeError(
      `Cannot compute metrics: no dataset in ${scores} has a readable pair of *${MATED_SUFFIX} and *${NON_MATED_SUFFIX} files`,
    );
  }
  await Deno.mkdir(join(out, "CI"), { recursive: true });
  const tablePath = join(out, "All_Datasets_metrics.csv");
  await Deno.writeTextFile(tablePath, metricsTableCsv(datasets));
  files.push(tablePath);
  for (const [name, text] of Object.entries(ciTablesCsv(datasets))) {
    const path = join(out, "CI", `${name}.csv`);
    await Deno.writeTextFile(path, text);
    files.push(path);
  }
  log(`\nMaster metrics file saved to: ${tablePath}`);
  log(`CI tables saved to: ${join(out, "CI")}`);
  return { datasets, skipped, files };
}

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  await runMetrics({
    scores: values.scores as string,
    out: values.out as string,
    resamples: intFlag(values, "bootstrap"),
    seed: intFlag(values, "seed"),
    figures: !values["no-figures"],
  });
}

if (import.meta.main) runMain(main, USAGE);
