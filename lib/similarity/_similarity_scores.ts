/**
 * Mated and non-mated similarity scores of an embedding set: the work of the original
 * `compute_similarities.py` (and of the mated figure script), seeded. Pure: the result carries
 * the counts the original printed; `lib/tasks` reads the file and words them.
 *
 * @module
 */
import { type EmbeddingSet, groupByIdentity } from "../embeddings/_embedding_set.ts";
import { createRng, type Rng } from "../random/mod.ts";
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
  /** The pairs behind `mated`, index for index, with their requested and available counts. */
  matedPairs: MatedPairs;
  /** The pairs behind `nonMated`, index for index, with the pairs requested and the draws made. */
  nonMatedPairs: NonMatedPairs;
  /** Identities in the set. */
  identities: number;
  /** Rows (images) in the set. */
  samples: number;
}

/**
 * Samples mated and non-mated pairs and scores them by cosine similarity.
 *
 * @param set The embeddings.
 * @param options Comparisons (default 10000), seed (default 42) or generator.
 * @returns The scores, the pairs (with their counts) and the set's identity and row counts.
 * @throws {RangeError} When no identity has two images (no mated pair) or the set holds a single
 *   identity (no non-mated pair).
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { similarityScores } from "./_similarity_scores.ts";
 * const set = embeddingSet(["a", "a", "b", "b"], ["1", "2", "3", "4"], new Float32Array([1, 0, 1, 0.1, 0, 1, 0.1, 1]), 2);
 * const s = similarityScores(set, { comparisons: 10 });
 * if (s.mated.length !== 2 || !(s.mated[0]! > s.nonMated[0]!)) throw new Error("unexpected");
 * ```
 */
export function similarityScores(
  set: EmbeddingSet,
  options: SimilarityScoresOptions = {},
): SimilarityScores {
  const { comparisons = 10000, seed = 42 } = options;
  const rng = options.rng ?? createRng(seed);
  const groups = groupByIdentity(set);
  const matedPairs = sampleMatedPairs(groups, comparisons, { rng });
  const nonMatedPairs = sampleNonMatedPairs(groups, comparisons, { rng });
  const mated = pairScores(set, matedPairs);
  const nonMated = pairScores(set, nonMatedPairs);
  return {
    mated,
    nonMated,
    matedPairs,
    nonMatedPairs,
    identities: groups.names.length,
    samples: set.identities.length,
  };
}
