/**
 * `deno task leakage INPUT --casia CASIA [--n-comparisons 10000] [--seed 42]`: the best CASIA
 * match of n random samples of a synthetic dataset (as `compare_embeddings.py` /
 * `compute_similarities.py`): scores, best-match CSV and density figure under `Metrics/`.
 *
 * @module
 */
import { intFlag, parseFlags, runMain, usage, UsageError } from "../lib/cli/_flags.ts";
import { runLeakage } from "../lib/tasks/_leakage.ts";
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
    description: "samples to search (all when fewer)",
    default: "10000",
    aliases: ["n_comparisons"],
  },
  seed: { type: "string", description: "Python random.seed of the sample", default: "42" },
  out: { type: "string", description: "output root", default: "Metrics" },
  "no-figure": { type: "boolean", description: "skip the density figure" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task leakage INPUT --casia CASIA [flags]", FLAGS);

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) return console.log(USAGE);
  if (positionals.length !== 1) throw new UsageError("expected one INPUT embeddings file");
  const { best, files } = await runLeakage({
    input: positionals[0],
    casia: values.casia as string,
    nComparisons: intFlag(values, "n-comparisons", { min: 1 }),
    seed: intFlag(values, "seed"),
    outDir: values.out as string,
    figure: !values["no-figure"],
    search: { onProgress: searchProgressPrinter() },
    log: (m) => console.error(m),
  });
  console.error(`search kernel: ${best.kernel}`);
  for (const f of files) console.log(f);
}

if (import.meta.main) runMain(main, USAGE);
