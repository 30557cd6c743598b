/**
 * `deno task closest INPUT --casia CASIA [--n-comparisons N] [--top 100]`: the top-K most similar
 * (sample, CASIA) pairs, positive scores only, as `find_closest.py` wrote them
 * (`Metrics/Closest/<name>_Top<K>Global_<N>.json`).
 *
 * @module
 */
import { intFlag, parseFlags, runMain, usage, UsageError } from "../lib/cli/_flags.ts";
import { runClosest } from "../lib/tasks/_leakage.ts";
import { searchProgressPrinter } from "../lib/cli/_search_progress.ts";

const FLAGS = {
  casia: {
    type: "string",
    description: "reference embeddings (JSON lines or .npy)",
    default: "Metrics/Embeddings/CASIA.json",
    aliases: ["casia_file", "casia-file"],
  },
  "n-comparisons": {
    type: "string",
    description: "samples to search (default: every embedding)",
    aliases: ["n_comparisons"],
  },
  top: { type: "string", description: "pairs to keep", default: "100", aliases: ["top_global"] },
  seed: { type: "string", description: "Python random.seed of the sample", default: "42" },
  out: { type: "string", description: "output root", default: "Metrics" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task closest INPUT --casia CASIA [flags]", FLAGS);

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) return console.log(USAGE);
  if (positionals.length !== 1) throw new UsageError("expected one INPUT embeddings file");
  const { pairs, file } = await runClosest({
    input: positionals[0],
    casia: values.casia as string,
    nComparisons: values["n-comparisons"] === undefined
      ? undefined
      : intFlag(values, "n-comparisons", { min: 1 }),
    top: intFlag(values, "top", { min: 1 }),
    seed: intFlag(values, "seed"),
    outDir: values.out as string,
    search: { onProgress: searchProgressPrinter() },
    log: (m) => console.error(m),
  });
  console.error(`search kernel: ${pairs.kernel}; best pair ${pairs.scores[0] ?? "none"}`);
  console.log(file);
}

if (import.meta.main) runMain(main, USAGE);
