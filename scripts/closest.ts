/**
 * `deno task closest INPUT --casia CASIA [--n-comparisons N] [--top 100]`: the top-K most similar
 * (sample, CASIA) pairs, positive scores only, as `find_closest.py` wrote them
 * (`Metrics/Closest/<name>_Top<K>Global_<N>.json`).
 *
 * @module
 */
import {
  choiceFlag,
  consoleReporter,
  intFlag,
  parseFlags,
  runMain,
  searchProgressPrinter,
  usage,
  UsageError,
} from "../lib/cli/mod.ts";
import { metricsLayout } from "../lib/formats/mod.ts";
import { KERNEL_REQUESTS, runClosest, SHARD_FLAG, shardFlag } from "../lib/tasks/mod.ts";

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
    description: "samples to search (default: every embedding)",
    aliases: ["n_comparisons"],
  },
  top: { type: "string", description: "pairs to keep", default: "100", aliases: ["top_global"] },
  seed: { type: "string", description: "Python random.seed of the sample", default: "42" },
  out: { type: "string", description: "output root", default: LAYOUT.root },
  shard: SHARD_FLAG,
  kernel: {
    type: "string",
    description: "search kernel: auto (int8 on VNNI, large scans), int8, fp32 or js; all exact",
    default: "auto",
  },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task closest INPUT --casia CASIA [flags]", FLAGS, {
  writes: [
    `${metricsLayout("OUT").dir("closest")}/<name>_Top<K>Global_<N>.json`,
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
  const { pairs, file } = await runClosest({
    input,
    casia: values.casia as string,
    nComparisons: values["n-comparisons"] === undefined
      ? undefined
      : intFlag(values, "n-comparisons", { min: 1 }),
    top: intFlag(values, "top", { min: 1 }),
    seed: intFlag(values, "seed"),
    outDir: values.out as string,
    search: { onProgress: searchProgressPrinter(reporter) },
    kernel: choiceFlag(values, "kernel", KERNEL_REQUESTS),
    reporter,
    shard: shardFlag(values),
  });
  console.error(`best pair ${pairs.scores[0] ?? "none"} (ran on ${pairs.kernel})`);
  console.log(file);
}

if (import.meta.main) runMain(main, USAGE);
