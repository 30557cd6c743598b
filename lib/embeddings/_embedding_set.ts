/**
 * The one type that flows through the kit after the model: rows of L2-normalised embeddings with
 * their identity and image name, held as one row-major `Float32Array`.
 *
 * @module
 */

/** Embeddings of a dataset: row `i` is `vectors.subarray(i * dim, (i + 1) * dim)`. */
export interface EmbeddingSet {
  /** Identity (the sub-folder name) of each row. */
  identities: string[];
  /** Image file name (within its identity folder) of each row. */
  imageNames: string[];
  /** Row-major `n x dim` matrix. */
  vectors: Float32Array;
  /** Embedding dimension (512 for ArcFace). */
  dim: number;
}

/**
 * Rows grouped by identity, as integer columns: `rows.subarray(offsets[k], offsets[k + 1])` are
 * the row indices of identity `names[k]`, in first-appearance order of identities.
 */
export interface IdentityGroups {
  /** Identities, in first-appearance order. */
  names: string[];
  /** Identity index of each row. */
  labels: Uint32Array;
  /** `names.length + 1` offsets into `rows`. */
  offsets: Uint32Array;
  /** Row indices sorted by identity (stable). */
  rows: Uint32Array;
}

/**
 * Creates an {@linkcode EmbeddingSet} after checking that the columns agree.
 *
 * @param identities Identity of each row.
 * @param imageNames Image name of each row.
 * @param vectors Row-major matrix, `identities.length * dim` long.
 * @param dim Embedding dimension.
 * @returns The set.
 * @throws {RangeError} When the lengths disagree.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "./_embedding_set.ts";
 * const set = embeddingSet(["a"], ["1.png"], new Float32Array([1, 0]), 2);
 * if (set.identities.length !== 1) throw new Error("unexpected");
 * ```
 */
export function embeddingSet(
  identities: string[],
  imageNames: string[],
  vectors: Float32Array,
  dim: number,
): EmbeddingSet {
  if (!Number.isInteger(dim) || dim <= 0) {
    throw new RangeError(
      `Cannot create an embedding set: dim must be a positive integer, got ${dim}`,
    );
  }
  if (imageNames.length !== identities.length || vectors.length !== identities.length * dim) {
    throw new RangeError(
      `Cannot create an embedding set: ${identities.length} identities, ${imageNames.length} image names and ${vectors.length} values do not make rows of ${dim}`,
    );
  }
  return { identities, imageNames, vectors, dim };
}

/**
 * Number of rows of a set.
 *
 * @param set The embeddings.
 * @returns `set.identities.length`.
 *
 * @example
 * ```ts
 * import { embeddingSet, size } from "./_embedding_set.ts";
 * if (size(embeddingSet([], [], new Float32Array(0), 512)) !== 0) throw new Error("unexpected");
 * ```
 */
export function size(set: EmbeddingSet): number {
  return set.identities.length;
}

/**
 * Groups the rows of a set by identity (a counting sort, stable within each identity).
 *
 * @param set The embeddings.
 * @returns Integer columns describing the groups.
 *
 * @example
 * ```ts
 * import { embeddingSet, groupByIdentity } from "./_embedding_set.ts";
 * const g = groupByIdentity(embeddingSet(["b", "a", "b"], ["1", "2", "3"], new Float32Array(3), 1));
 * if (g.names.join() !== "b,a" || Array.from(g.rows).join() !== "0,2,1") throw new Error("unexpected");
 * ```
 */
export function groupByIdentity(set: EmbeddingSet): IdentityGroups {
  const n = set.identities.length;
  const index = new Map<string, number>();
  const names: string[] = [];
  const labels = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const id = set.identities[i]!;
    let k = index.get(id);
    if (k === undefined) {
      k = names.length;
      index.set(id, k);
      names.push(id);
    }
    labels[i] = k;
  }
  const offsets = new Uint32Array(names.length + 1);
  for (let i = 0; i < n; i++) offsets[labels[i]! + 1]!++;
  for (let k = 0; k < names.length; k++) offsets[k + 1]! += offsets[k]!;
  const cursor = offsets.slice(0, names.length);
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[cursor[labels[i]!]!++] = i;
  return { names, labels, offsets, rows };
}
