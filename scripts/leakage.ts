/**
 * `deno task leakage INPUT --casia CASIA [--n-comparisons 10000] [--seed 42]`: the best CASIA
 * match of n random samples of a synthetic dataset (as `compare_embeddings.py` /
 * `compute_similarities.py`): scores, best-match CSV and density figure under `Metrics/`.
 *
 * @module
 */
import {
  choiceFlag,
  consoleReporter,
  intFlag,
  parseFlags,
  pngScaleFlag,
  pngScaleFlagSpec,
  runMain,
  searchProgressPrinter,
  usage,
  UsageError,
} from "../lib/cli/mod.ts";
import { metricsLayout } from "../lib/formats/mod.ts";
import {
  KERNEL_REQUESTS,
  LEAKAGE_THRESHOLD_FLAGS,
  leakageThresholdFlags,
  runLeakage,
  SHARD_FLAG,
  shardFlag,
} from "../lib/tasks/mod.ts";

const LAYOUT = metricsLayout();

const FLAGS = {
  casia: {
    type: "string",
    description: "reference embeddings (JSON lines or .npy)",
    default: LAYOUT.embeddings("CASIA", ".json"),
    aliases: ["casia_file", "casia-file"],
  },
  "n-comparisons": {
    type: "string",
    description: "samples to search (all when fewer)",
    default: "10000",
    aliases: ["n_comparisons"],
  },
  seed: { type: "string", description: "Python random.seed of the sample", default: "42" },
  out: { type: "string", description: "output root", default: LAYOUT.root },
  "no-figures": {
    type: "boolean",
    description: "skip the density figure",
    aliases: ["no-figure", "no_figures"],
  },
  shard: SHARD_FLAG,
  kernel: {
    type: "string",
    description: "search kernel: auto (int8 on VNNI, large scans), int8, fp32 or js; all exact",
    default: "auto",
  },
  ...pngScaleFlagSpec(2),
  ...LEAKAGE_THRESHOLD_FLAGS,
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const OUT = metricsLayout("OUT");
const USAGE = usage("deno task leakage INPUT --casia CASIA [flags]", FLAGS, {
  writes: [
    `${OUT.bestMatchScores("<name>", 10000)} (10000: --n-comparisons)`,
    OUT.bestMatchCsv("<name>", 10000),
    `${OUT.leakageJudged("<name>", 10000)}.csv, .md and .tex, and the figure ${
      OUT.leakageJudgedFigure("<name>", 10000)
    }: leakage judged at the threshold (given, or calibrated on --impostor-scores, by default ${
      OUT.nonMatedScores("<casia name>")
    } when it is there)`,
    `${OUT.bestMatchFigure("<name>", 10000)}.svg, .png and .pdf (unless --no-figures)`,
  ],
});

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) return console.log(USAGE);
  const reporter = consoleReporter({ info: (line) => console.error(line) });
  const [input, ...extra] = positionals;
  if (input === undefined || extra.length > 0) {
    throw new UsageError("expected one INPUT embeddings file");
  }
  const { best, files } = await runLeakage({
    input,
    casia: values.casia as string,
    nComparisons: intFlag(values, "n-comparisons", { min: 1 }),
    seed: intFlag(values, "seed"),
    outDir: values.out as string,
    figure: !values["no-figures"],
    pngScale: pngScaleFlag(values),
    search: { onProgress: searchProgressPrinter(reporter) },
    kernel: choiceFlag(values, "kernel", KERNEL_REQUESTS),
    reporter,
    shard: shardFlag(values),
    judge: leakageThresholdFlags(values),
  });
  console.error(`searched on ${best.kernel}`);
  for (const f of files) console.log(f);
}

if (import.meta.main) runMain(main, USAGE);
