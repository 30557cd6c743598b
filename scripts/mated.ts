/**
 * `deno task mated INPUT [--n-comparisons N] [--seed S] [--out DIR]`: the mated versus non-mated
 * density figure of an embeddings file, titled with both counts, to
 * `DIR/Figures/<name>_MatedVsNonmated_<N>.svg` and `.png`.
 *
 * @module
 */
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { intFlag, parseFlags, runMain, usage, UsageError } from "../lib/cli/_flags.ts";
import { consoleReporter } from "../lib/cli/_reporter.ts";
import { densityData, matedVsNonMatedFigure } from "../lib/plots/_density.ts";
import { writeFigureFiles } from "../lib/plots/_render.ts";
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

const USAGE = usage("deno task mated INPUT [--n-comparisons N] [--seed S] [--out DIR]", FLAGS);

/** Options of {@linkcode runMated}. */
export interface RunMatedOptions {
  /** Pairs of each kind. @default 10000 */
  comparisons?: number;
  /** Random seed. @default 42 */
  seed?: number;
  /** Output folder (figures go to its `Figures/`). @default "Metrics" */
  out?: string;
  /** Progress messages. @default console.log */
  log?: (line: string) => void;
}

/** What {@linkcode runMated} computed and wrote. */
export interface MatedOutput extends SimilarityScores {
  /** Dataset name. */
  name: string;
  /** Path of the SVG. */
  svgPath: string;
  /** Path of the PNG. */
  pngPath: string;
}

/**
 * Reads embeddings, scores sampled pairs and draws the density figure.
 *
 * @param input Embeddings file.
 * @param options Comparisons, seed, output folder, logger.
 * @returns Scores and figure paths.
 * @throws {RangeError} When no mated or no non-mated pair exists.
 */
export async function runMated(input: string, options: RunMatedOptions = {}): Promise<MatedOutput> {
  const { comparisons = 10000, seed = 42, out = "Metrics" } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const { name, ...scores } = await scoreEmbeddingsFile(input, {
    comparisons,
    seed,
    reporter: consoleReporter({ info: log }),
  });
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const figure = matedVsNonMatedFigure(densityData(scores.mated, scores.nonMated), { document });
  const { svg: svgPath, png: pngPath } = await writeFigureFiles(
    join(out, "Figures", `${name}_MatedVsNonmated_${comparisons}`),
    figure,
  );
  log(`Plot saved to: ${svgPath} and ${pngPath}`);
  return { ...scores, name, svgPath, pngPath };
}

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) throw new UsageError("expected one INPUT embeddings file");
  await runMated(positionals[0], {
    comparisons: intFlag(values, "n-comparisons", { min: 1 }),
    seed: intFlag(values, "seed"),
    out: values.out as string,
  });
}

if (import.meta.main) runMain(main, USAGE);
