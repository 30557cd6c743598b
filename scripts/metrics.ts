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
import {
  intFlag,
  parseFlags,
  pngScaleFlag,
  pngScaleFlagSpec,
  runMain,
  usage,
} from "../lib/cli/mod.ts";
import { metricsLayout } from "../lib/formats/mod.ts";
import { runMetrics } from "../lib/tasks/mod.ts";

const LAYOUT = metricsLayout();

const FLAGS = {
  scores: {
    type: "string",
    description: "folder of score files",
    default: LAYOUT.dir("scores"),
    aliases: ["scores_dir", "scores-dir"],
  },
  bootstrap: {
    type: "string",
    description: "bootstrap resamples (0: no intervals)",
    default: "1000",
    aliases: ["n_bootstrap", "n-bootstrap"],
  },
  seed: { type: "string", description: "random seed of the bootstrap", default: "42" },
  out: { type: "string", description: "output folder", default: LAYOUT.root },
  "no-figures": { type: "boolean", description: "skip the density, DET and ROC figures" },
  ...pngScaleFlagSpec(2),
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage(
  "deno task metrics [--scores DIR] [--bootstrap B] [--seed S] [--out DIR]",
  FLAGS,
  {
    writes: [
      metricsLayout("OUT").metricsTable(),
      metricsLayout("OUT").ciTable("{eer,fmr,fdr,mean}_95"),
      `${metricsLayout("OUT").operatingPointsTable()}.csv, .md and .tex (FNMR at FMR 1e-1..1e-6)`,
      `${
        metricsLayout("OUT").verificationFigure("DET", "<name>")
      } and <name>_ROC, All_Datasets_DET and _ROC (unless --no-figures)`,
      `${metricsLayout("OUT").metricsFigure("<name>")}.svg, .png and .pdf (unless --no-figures)`,
    ],
  },
);

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
    pngScale: pngScaleFlag(values),
  });
}

if (import.meta.main) runMain(main, USAGE);
