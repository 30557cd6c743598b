/**
 * `deno task similarities` and `deno task mated`: mated and non-mated cosine similarities of an
 * embeddings file (JSON lines or `.npy`), sampled as the original `compute_similarities.py`
 * sampled them; the first writes both score files, the second draws the density figure.
 *
 * @module
 */
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import { datasetNameOf, metricsLayout, shardPathOf } from "../formats/_layout.ts";
import { writeFileAtomic } from "../formats/_atomic.ts";
import { scoresText } from "../formats/_score_file.ts";
import { densityData, matedVsNonMatedFigure } from "../plots/_density.ts";
import { newDocument } from "../plots/_document.ts";
import { writeFigureFiles } from "../plots/_render.ts";
import type { SimilarityScores } from "../similarity/_similarity_scores.ts";
import { beginRun, fileInput, pairsDraw } from "./_run_contract.ts";
import { scoreEmbeddingsFile } from "./_scores_io.ts";
import { shardRange, type ShardSpec, shardText } from "./_shard.ts";

/** Options of {@linkcode runSimilarities} and {@linkcode runMated}. */
export interface RunSimilaritiesOptions {
  /** Embeddings file (JSON lines or `.npy`); its base name names the outputs. */
  input: string;
  /** Pairs of each kind. @default 10000 */
  comparisons?: number;
  /** Random seed. @default 42 */
  seed?: number;
  /** Output root (score files go to its `SimilarityScores/`, figures to `Figures/`). @default "Metrics" */
  out?: string;
  /** The original's status lines and warnings, and where the files went. @default consoleReporter() */
  reporter?: Reporter;
  /**
   * Keep only this shard's pair index ranges (`shardRange` of the mated and of the non-mated
   * pairs an unsharded run draws) and write them to the shard's files (`shardPathOf`);
   * `deno task merge similarities` concatenates the shards. Ignored by {@linkcode runMated}.
   * @default undefined (all pairs)
   */
  shard?: ShardSpec | undefined;
}

/** What {@linkcode runSimilarities} computed and wrote. */
export interface SimilaritiesResult extends SimilarityScores {
  /** Dataset name (the input's base name). */
  name: string;
  /** Path of the mated score file. */
  matedPath: string;
  /** Path of the non-mated score file. */
  nonMatedPath: string;
}

/**
 * The scores of a shard: the draw is that of an unsharded run (the whole file is read and every
 * pair drawn from one seeded stream, so the pairs cannot differ), and scoring a pair costs far
 * less than reading it, so the pairs are scored as unsharded and the shard keeps its ranges.
 */
function shardScores(scores: SimilarityScores, shard: ShardSpec): SimilarityScores {
  const cut = (values: Float64Array) => {
    const { start, end } = shardRange(values.length, shard);
    return values.slice(start, end);
  };
  return { ...scores, mated: cut(scores.mated), nonMated: cut(scores.nonMated) };
}

/**
 * Reads embeddings, samples and scores the pairs, and writes
 * `<out>/SimilarityScores/<name>_mated_similarities.txt` and `<name>_non_mated_similarities.txt`,
 * one score per line.
 *
 * @param options Input, comparisons, seed, output root, reporter.
 * @returns Scores, pairs and file paths.
 * @throws {RangeError} When no mated or no non-mated pair exists.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { runSimilarities } from "./_similarities.ts";
 * const out = await Deno.makeTempDir();
 * const input = `${out}/Toy.jsonl`;
 * await Deno.writeTextFile(input, ["a", "a", "b", "b"].map((identity, i) =>
 *   JSON.stringify({ identity, image_name: `${i}.png`, embedding: [1, i] })).join("\n"));
 * const r = await runSimilarities({ input, comparisons: 2, out, reporter: memoryReporter() });
 * await Deno.remove(out, { recursive: true });
 * if (r.name !== "Toy" || r.mated.length !== 2) throw new Error("unexpected");
 * ```
 */
export async function runSimilarities(
  options: RunSimilaritiesOptions,
): Promise<SimilaritiesResult> {
  const { input, comparisons = 10000, seed = 42, out, reporter = consoleReporter() } = options;
  const { shard } = options;
  const layout = metricsLayout(out);
  const place = (path: string) => shard === undefined ? path : shardPathOf(path, shard);
  const matedPath = place(layout.matedScores(datasetNameOf(input)));
  const nonMatedPath = place(layout.nonMatedScores(datasetNameOf(input)));
  await using run = await beginRun([matedPath, nonMatedPath], {
    task: "similarities",
    flags: { input, comparisons, seed, out: out ?? null },
    seeds: { pairs: seed },
    shard: shard === undefined ? null : { index: shard.index, count: shard.count },
  }, async () => [await fileInput("embeddings", input)]);
  const { name, ...all } = await scoreEmbeddingsFile(input, { comparisons, seed, reporter });
  const scores = shard === undefined ? all : shardScores(all, shard);
  if (shard !== undefined) {
    reporter.info(
      `Shard ${shardText(shard)}: ${scores.mated.length} of ${all.mated.length} mated and ` +
        `${scores.nonMated.length} of ${all.nonMated.length} non-mated comparisons`,
    );
  }
  await writeFileAtomic(matedPath, scoresText(scores.mated));
  await writeFileAtomic(nonMatedPath, scoresText(scores.nonMated));
  await run.finish({
    counts: {
      mated: scores.mated.length,
      nonMated: scores.nonMated.length,
      identities: all.identities,
      samples: all.samples,
      matedAvailable: all.matedPairs.available,
      nonMatedAttempts: all.nonMatedPairs.attempts,
    },
    draws: [
      pairsDraw("mated pairs (first, second rows)", all.matedPairs),
      pairsDraw("non-mated pairs (first, second rows)", all.nonMatedPairs),
    ],
  });
  reporter.info(`Mated similarities saved to: ${matedPath}`);
  reporter.info(`Non-mated similarities saved to: ${nonMatedPath}`);
  return { ...scores, name, matedPath, nonMatedPath };
}

/** Options of {@linkcode runMated}. */
export interface RunMatedOptions extends RunSimilaritiesOptions {
  /**
   * Scores already computed from `input` with the same comparisons and seed (the result of
   * {@linkcode runSimilarities}); when given, the file is not read and the pairs are not scored
   * again. @default undefined
   */
  scores?: (SimilarityScores & { name: string }) | undefined;
  /** Pixel scale of the PNG over the SVG's size (the figure is also written as SVG and PDF). @default 2 */
  pngScale?: number;
}

/** What {@linkcode runMated} computed and wrote. */
export interface MatedResult extends SimilarityScores {
  /** Dataset name. */
  name: string;
  /** Path of the SVG. */
  svgPath: string;
  /** Path of the PNG. */
  pngPath: string;
  /** Path of the vector PDF. */
  pdfPath: string;
}

/**
 * Reads embeddings, scores sampled pairs and draws the mated versus non-mated density figure,
 * titled with both counts, to `<out>/Figures/<name>_MatedVsNonmated_<comparisons>.svg` and `.png`.
 *
 * @param options Input, comparisons, seed, output root, reporter, and the scores when a run of
 *   {@linkcode runSimilarities} already has them.
 * @returns Scores and figure paths.
 * @throws {RangeError} When no mated or no non-mated pair exists.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { runMated } from "./_similarities.ts";
 * const out = await Deno.makeTempDir();
 * const input = `${out}/Toy.jsonl`;
 * await Deno.writeTextFile(input, ["a", "a", "b", "b"].map((identity, i) =>
 *   JSON.stringify({ identity, image_name: `${i}.png`, embedding: [1, i] })).join("\n"));
 * const r = await runMated({ input, comparisons: 2, out, reporter: memoryReporter() });
 * await Deno.remove(out, { recursive: true });
 * if (!r.svgPath.endsWith("Figures/Toy_MatedVsNonmated_2.svg")) throw new Error(r.svgPath);
 * ```
 */
export async function runMated(options: RunMatedOptions): Promise<MatedResult> {
  const { input, comparisons = 10000, seed = 42, out, reporter = consoleReporter() } = options;
  const { name, ...scores } = options.scores ??
    await scoreEmbeddingsFile(input, { comparisons, seed, reporter });
  const document = newDocument();
  const figure = matedVsNonMatedFigure(densityData(scores.mated, scores.nonMated), {
    document,
    dataset: name,
  });
  const written = await writeFigureFiles(
    metricsLayout(out).matedFigure(name, comparisons),
    figure,
    {
      scale: options.pngScale ?? 2,
    },
  );
  const { svg: svgPath, png: pngPath, pdf: pdfPath = `${svgPath.slice(0, -4)}.pdf` } = written;
  reporter.info(`Plot saved to: ${svgPath}, ${pngPath} and ${pdfPath}`);
  return { ...scores, name, svgPath, pngPath, pdfPath };
}
