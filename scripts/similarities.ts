/**
 * `deno task similarities INPUT [--n-comparisons N] [--seed S] [--out DIR]`: mated and non-mated
 * cosine similarities of an embeddings file (JSON lines or `.npy`), as the original
 * `compute_similarities.py` wrote them, to `DIR/SimilarityScores/<name>_mated_similarities.txt` and
 * `<name>_non_mated_similarities.txt`, one score per line.
 *
 * @module
 */
import { intFlag, parseFlags, runMain, usage, UsageError } from "../lib/cli/mod.ts";
import { metricsLayout } from "../lib/formats/mod.ts";
import { runSimilarities, SHARD_FLAG, shardFlag } from "../lib/tasks/mod.ts";

const LAYOUT = metricsLayout();

const FLAGS = {
  "n-comparisons": {
    type: "string",
    description: "pairs of each kind",
    default: "10000",
    aliases: ["n_comparisons"],
  },
  seed: { type: "string", description: "random seed", default: "42" },
  out: { type: "string", description: "output folder", default: LAYOUT.root },
  shard: SHARD_FLAG,
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage(
  "deno task similarities INPUT [--n-comparisons N] [--seed S] [--out DIR]",
  FLAGS,
  {
    writes: [
      metricsLayout("OUT").matedScores("<name>"),
      metricsLayout("OUT").nonMatedScores("<name>"),
    ],
  },
);

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [input, ...extra] = positionals;
  if (input === undefined || extra.length > 0) {
    throw new UsageError("expected one INPUT embeddings file");
  }
  await runSimilarities({
    input,
    comparisons: intFlag(values, "n-comparisons", { min: 1 }),
    seed: intFlag(values, "seed"),
    out: values.out as string,
    shard: shardFlag(values),
  });
}

if (import.meta.main) runMain(main, USAGE);
