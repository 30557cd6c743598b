/**
 * The file side of mated and non-mated scoring, shared by `deno task similarities` and
 * `deno task mated`: read an embeddings file, score it with the pure
 * {@linkcode similarityScores}, and word the facts it returns in the original
 * `compute_similarities.py`'s status lines and warnings.
 *
 * @module
 */
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import { readEmbeddings } from "../embeddings/_read.ts";
import { datasetNameOf } from "../formats/_layout.ts";
import type { MatedPairs, NonMatedPairs } from "../similarity/_pairs.ts";
import {
  type SimilarityScores,
  similarityScores,
  type SimilarityScoresOptions,
} from "../similarity/_similarity_scores.ts";

/**
 * What the original printed about a mated sample: the single-image warning, the number of pairs,
 * and the warning when every pair is used.
 *
 * @param pairs The sample's facts.
 * @returns Lines in the original's words (warnings start with `Warning:`).
 *
 * @example
 * ```ts
 * import { matedPairsLines } from "./_scores_io.ts";
 * const lines = matedPairsLines({ requested: 10, available: 4, identities: 3, singleImageIdentities: 1 });
 * if (lines.at(-1) !== "Warning: Only 4 mated pairs available, using all of them") throw new Error(lines.join("|"));
 * ```
 */
export function matedPairsLines(
  pairs: Pick<MatedPairs, "requested" | "available" | "identities" | "singleImageIdentities">,
): string[] {
  const { requested, available, identities, singleImageIdentities } = pairs;
  const lines: string[] = [];
  if (singleImageIdentities > 0) {
    lines.push(
      `Warning: ${singleImageIdentities} of ${identities} identities have a single image and give no mated pair`,
    );
  }
  lines.push(`Total possible mated pairs: ${available}`);
  if (available <= requested) {
    lines.push(`Warning: Only ${available} mated pairs available, using all of them`);
  }
  return lines;
}

/**
 * What the original printed about a non-mated sample: a warning when the attempts ran out.
 *
 * @param pairs The sample (its length) and the count requested.
 * @returns No line, or the warning.
 *
 * @example
 * ```ts
 * import { nonMatedPairsLines } from "./_scores_io.ts";
 * const first = new Uint32Array(3);
 * const lines = nonMatedPairsLines({ first, requested: 5 });
 * if (lines[0] !== "Warning: Only generated 3 non-mated comparisons out of 5 requested") throw new Error();
 * ```
 */
export function nonMatedPairsLines(pairs: Pick<NonMatedPairs, "first" | "requested">): string[] {
  const made = pairs.first.length;
  return made < pairs.requested
    ? [`Warning: Only generated ${made} non-mated comparisons out of ${pairs.requested} requested`]
    : [];
}

/**
 * The status lines the original printed after sampling and scoring: identities, samples, the
 * pair facts, and the comparisons generated.
 *
 * @param scores A result of {@linkcode similarityScores}.
 * @returns Lines, in the original's order and words.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { similarityScores } from "../similarity/_similarity_scores.ts";
 * import { similarityScoresLines } from "./_scores_io.ts";
 * const set = embeddingSet(["a", "a", "b"], ["1", "2", "3"], new Float32Array([1, 0, 1, 0.1, 0, 1]), 2);
 * const lines = similarityScoresLines(similarityScores(set, { comparisons: 2 }));
 * if (lines[0] !== "Loaded 2 identities" || lines[1] !== "Total samples: 3") throw new Error(lines.join("|"));
 * ```
 */
export function similarityScoresLines(scores: SimilarityScores): string[] {
  return [
    `Loaded ${scores.identities} identities`,
    `Total samples: ${scores.samples}`,
    ...matedPairsLines(scores.matedPairs),
    ...nonMatedPairsLines(scores.nonMatedPairs),
    `Generated ${scores.mated.length} mated comparisons`,
    `Generated ${scores.nonMated.length} non-mated comparisons`,
  ];
}

/** Options of {@linkcode scoreEmbeddingsFile}. */
export interface ScoreEmbeddingsFileOptions extends SimilarityScoresOptions {
  /** Receives the original's status lines and warnings, as `info`. @default consoleReporter() */
  reporter?: Reporter;
}

/**
 * Reads an embeddings file (JSON lines or `.npy`) and scores sampled mated and non-mated pairs,
 * reporting the original's status lines and warnings (all through `reporter.info`, so that they
 * print on stdout as the original's did).
 *
 * @param input Embeddings file.
 * @param options Comparisons, seed, reporter.
 * @returns The scores and the dataset name (the file's base name).
 * @throws {RangeError} When no mated or no non-mated pair exists.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { scoreEmbeddingsFile } from "./_scores_io.ts";
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * await Deno.writeTextFile(path, ["a", "a", "b"].map((id, i) =>
 *   JSON.stringify({ identity: id, image_name: `${i}.png`, embedding: [1, i] })).join("\n"));
 * const reporter = memoryReporter();
 * const s = await scoreEmbeddingsFile(path, { comparisons: 1, reporter });
 * await Deno.remove(path);
 * if (s.mated.length !== 1 || reporter.infos[1] !== "Seed: 42") throw new Error(reporter.infos.join("|"));
 * ```
 */
export async function scoreEmbeddingsFile(
  input: string,
  options: ScoreEmbeddingsFileOptions = {},
): Promise<SimilarityScores & { name: string }> {
  const { seed = 42, reporter = consoleReporter() } = options;
  reporter.info("Loading embeddings...");
  const set = await readEmbeddings(input);
  reporter.info(`Seed: ${seed}`);
  const scores = similarityScores(set, { ...options, seed });
  for (const line of similarityScoresLines(scores)) reporter.info(line);
  return { ...scores, name: datasetNameOf(input) };
}
