/**
 * `deno task similarities INPUT [--n-comparisons N] [--seed S] [--out DIR]`: mated and non-mated
 * cosine similarities of an embeddings file (JSON lines or `.npy`), as the original
 * `compute_similarities.py` wrote them, to `DIR/SimilarityScores/<name>_mated_similarities.txt` and
 * `<name>_non_mated_similarities.txt`, one score per line.
 *
 * @module
 */
import { join } from "node:path";
import { intFlag, parseFlags, runMain, usage, UsageError } from "../lib/cli/_flags.ts";
import { consoleReporter } from "../lib/cli/_reporter.ts";
import { scoresText } from "../lib/formats/_score_file.ts";
import type { SimilarityScores } from "../lib/similarity/_similarity_scores.ts";
import { scoreEmbeddingsFile } from "../lib/tasks/_scores_io.ts";

const FLAGS = {
  "n-comparisons": {
    type: "string",
    description: "pairs of each kind",
    default: "10000",
    aliases: ["n_comparisons"],
  },
  seed: { type: "string", description: "random seed", default: "42" },
  out: { type: "string", description: "output folder", default: "Metrics" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage(
  "deno task similarities INPUT [--n-comparisons N] [--seed S] [--out DIR]",
  FLAGS,
);

/** Options of {@linkcode runSimilarities}. */
export interface RunSimilaritiesOptions {
  /** Pairs of each kind. @default 10000 */
  comparisons?: number;
  /** Random seed. @default 42 */
  seed?: number;
  /** Output folder (files go to its `SimilarityScores/`). @default "Metrics" */
  out?: string;
  /** Progress messages. @default console.log */
  log?: (line: string) => void;
}

/** What {@linkcode runSimilarities} computed and wrote. */
export interface SimilaritiesOutput extends SimilarityScores {
  /** Dataset name (the input's base name). */
  name: string;
  /** Path of the mated score file. */
  matedPath: string;
  /** Path of the non-mated score file. */
  nonMatedPath: string;
}

/**
 * Reads embeddings, samples and scores the pairs, and writes both score files.
 *
 * @param input Embeddings file.
 * @param options Comparisons, seed, output folder, logger.
 * @returns Scores, pairs and file paths.
 * @throws {RangeError} When no mated or no non-mated pair exists.
 */
export async function runSimilarities(
  input: string,
  options: RunSimilaritiesOptions = {},
): Promise<SimilaritiesOutput> {
  const { comparisons = 10000, seed = 42, out = "Metrics" } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const { name, ...scores } = await scoreEmbeddingsFile(input, {
    comparisons,
    seed,
    reporter: consoleReporter({ info: log }),
  });
  const dir = join(out, "SimilarityScores");
  await Deno.mkdir(dir, { recursive: true });
  const matedPath = join(dir, `${name}_mated_similarities.txt`);
  const nonMatedPath = join(dir, `${name}_non_mated_similarities.txt`);
  await Deno.writeTextFile(matedPath, scoresText(scores.mated));
  await Deno.writeTextFile(nonMatedPath, scoresText(scores.nonMated));
  log(`Mated similarities saved to: ${matedPath}`);
  log(`Non-mated similarities saved to: ${nonMatedPath}`);
  return { ...scores, name, matedPath, nonMatedPath };
}

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) throw new UsageError("expected one INPUT embeddings file");
  await runSimilarities(positionals[0], {
    comparisons: intFlag(values, "n-comparisons", { min: 1 }),
    seed: intFlag(values, "seed"),
    out: values.out as string,
  });
}

if (import.meta.main) runMain(main, USAGE);
