/**
 * Mated and non-mated similarity scores of an embedding set: the work of the original
 * `compute_similarities.py` (and of the mated figure script), seeded.
 *
 * @module
 */
import { type EmbeddingSet, groupByIdentity } from "../embeddings/_embedding_set.ts";
import { datasetName, readEmbeddings } from "../embeddings/_read.ts";
import { createRng, type Rng } from "../random/_xoshiro.ts";
import { pairScores } from "./_cosine.ts";
import {
  type MatedPairs,
  type NonMatedPairs,
  sampleMatedPairs,
  sampleNonMatedPairs,
} from "./_pairs.ts";

/** Options of {@linkcode similarityScores}. */
export interface SimilarityScoresOptions {
  /** Comparisons wanted of each kind. @default 10000 */
  comparisons?: number;
  /** Seed of the default generator (ignored when `rng` is given). @default 42 */
  seed?: number;
  /** The random source (mated pairs are drawn first, then non-mated, from one stream). */
  rng?: Rng;
}

/** Scores and the pairs behind them. */
export interface SimilarityScores {
  /** Mated (genuine) cosine similarities. */
  mated: Float64Array;
  /** Non-mated (impostor) cosine similarities. */
  nonMated: Float64Array;
  matedPairs: MatedPairs;
  nonMatedPairs: NonMatedPairs;
  /** Identities in the set. */
  identities: number;
  /** Messages to print, in the original's words. */
  messages: string[];
}

/**
 * Samples mated and non-mated pairs and scores them by cosine similarity.
 *
 * @param set The embeddings.
 * @param options Comparisons (default 10000), seed (default 42) or generator.
 * @returns The scores, pairs and messages.
 * @throws {RangeError} When no identity has two images (no mated pair) or the set holds a single
 *   identity (no non-mated pair).
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { similarityScores } from "./_similarity_scores.ts";
 * const set = embeddingSet(["a", "a", "b", "b"], ["1", "2", "3", "4"], new Float32Array([1, 0, 1, 0.1, 0, 1, 0.1, 1]), 2);
 * const s = similarityScores(set, { comparisons: 10 });
 * if (s.mated.length !== 2 || !(s.mated[0] > s.nonMated[0])) throw new Error("unexpected");
 * ```
 */
export function similarityScores(
  set: EmbeddingSet,
  options: SimilarityScoresOptions = {},
): SimilarityScores {
  const { comparisons = 10000, seed = 42 } = options;
  const rng = options.rng ?? createRng(seed);
  const groups = groupByIdentity(set);
  const messages = [
    `Loaded ${groups.names.length} identities`,
    `Total samples: ${set.identities.length}`,
  ];
  const matedPairs = sampleMatedPairs(groups, comparisons, { rng });
  messages.push(...matedPairs.messages);
  const nonMatedPairs = sampleNonMatedPairs(groups, comparisons, { rng });
  messages.push(...nonMatedPairs.messages);
  const mated = pairScores(set, matedPairs);
  const nonMated = pairScores(set, nonMatedPairs);
  messages.push(
    `Generated ${mated.length} mated comparisons`,
    `Generated ${nonMated.length} non-mated comparisons`,
  );
  return { mated, nonMated, matedPairs, nonMatedPairs, identities: groups.names.length, messages };
}

/** Options of {@linkcode scoreEmbeddingsFile}. */
export interface ScoreEmbeddingsFileOptions extends SimilarityScoresOptions {
  /** Status lines, as the original printed them. @default console.log */
  log?: (line: string) => void;
}

/**
 * Reads an embeddings file (JSON lines or `.npy`) and scores sampled mated and non-mated pairs,
 * printing the original's status lines and warnings.
 *
 * @param input Embeddings file.
 * @param options Comparisons, seed, logger.
 * @returns The scores and the dataset name (the file's base name).
 * @throws {RangeError} When no mated or no non-mated pair exists.
 */
export async function scoreEmbeddingsFile(
  input: string,
  options: ScoreEmbeddingsFileOptions = {},
): Promise<SimilarityScores & { name: string }> {
  const { seed = 42, log = (line: string) => console.log(line) } = options;
  log("Loading embeddings...");
  const set = await readEmbeddings(input);
  log(`Seed: ${seed}`);
  const scores = similarityScores(set, { ...options, seed });
  for (const line of scores.messages) log(line);
  return { ...scores, name: datasetName(input) };
}
