/**
 * Cosine similarity as scikit-learn's `cosine_similarity` computes it: each row divided by its
 * Euclidean norm (a zero row stays zero, so it scores 0 against anything), then the dot product,
 * in float64.
 *
 * @module
 */
import type { EmbeddingSet } from "../embeddings/_embedding_set.ts";

/** A vector or an embedding row. */
export type Vector = Float32Array | Float64Array | ArrayLike<number>;

/** Row pairs of a set, as two index columns. */
export interface PairIndices {
  /** First row of each pair. */
  first: Uint32Array;
  /** Second row of each pair. */
  second: Uint32Array;
}

function norm(v: Vector, start: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) {
    const x = v[start + k]!;
    s += x * x;
  }
  const n = Math.sqrt(s);
  return n === 0 ? 1 : n;
}

function normalisedDot(a: Vector, aStart: number, b: Vector, bStart: number, dim: number): number {
  const na = norm(a, aStart, dim), nb = norm(b, bStart, dim);
  let dot = 0;
  for (let k = 0; k < dim; k++) dot += (a[aStart + k]! / na) * (b[bStart + k]! / nb);
  return dot;
}

/**
 * Cosine similarity of two vectors with scikit-learn's conventions.
 *
 * @param a First vector.
 * @param b Second vector, same length.
 * @returns `(a/‖a‖)·(b/‖b‖)`, 0 when either vector is zero.
 * @throws {RangeError} When the lengths differ or are 0.
 *
 * @example
 * ```ts
 * import { cosineSimilarity } from "./_cosine.ts";
 * if (cosineSimilarity([3, 4], [6, 8]) !== 1) throw new Error("unexpected");
 * if (cosineSimilarity([0, 0], [1, 0]) !== 0) throw new Error("zero vector scores 0");
 * ```
 */
export function cosineSimilarity(a: Vector, b: Vector): number {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(
      `Cannot compute a cosine similarity of vectors of ${a.length} and ${b.length} values`,
    );
  }
  return normalisedDot(a, 0, b, 0, a.length);
}

/**
 * Cosine similarity of row pairs of an embedding set, scikit-learn style, in float64.
 *
 * @param set The embeddings.
 * @param pairs Row index columns of equal length.
 * @returns One score per pair.
 * @throws {RangeError} When the columns differ in length or an index is out of range.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { pairScores } from "./_cosine.ts";
 * const set = embeddingSet(["a", "b"], ["1", "2"], new Float32Array([1, 0, 0, 2]), 2);
 * const s = pairScores(set, { first: new Uint32Array([0]), second: new Uint32Array([1]) });
 * if (s[0] !== 0) throw new Error("orthogonal rows score 0");
 * ```
 */
export function pairScores(set: EmbeddingSet, pairs: PairIndices): Float64Array {
  const { first, second } = pairs;
  if (first.length !== second.length) {
    throw new RangeError(
      `Cannot score pairs: ${first.length} first rows and ${second.length} second rows`,
    );
  }
  const n = set.identities.length, dim = set.dim, v = set.vectors;
  const out = new Float64Array(first.length);
  for (let p = 0; p < first.length; p++) {
    const i = first[p]!, j = second[p]!; // p < first.length === second.length
    if (i >= n || j >= n) {
      throw new RangeError(
        `Cannot score pair ${p}: row ${Math.max(i, j)} is outside the ${n} rows`,
      );
    }
    out[p] = normalisedDot(v, i * dim, v, j * dim, dim);
  }
  return out;
}
