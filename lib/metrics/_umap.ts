/**
 * UMAP of embeddings into 2 (or 3) dimensions, for the picture of an embedding space beside the
 * PCA: the maintained `umap-js` package (the PAIR implementation of McInnes et al.'s UMAP), fed the
 * rows and a seeded random source from lib/random, so that the same rows and seed give the same
 * picture. UMAP keeps neighbourhoods rather than distances: clusters are meaningful, the space
 * between them is not.
 *
 * @module
 */
import { UMAP } from "umap-js";
import { createRng, uniformFloat } from "../random/mod.ts";
import type { EmbeddingRows } from "./_diversity.ts";

/** Options of {@linkcode umap}. */
export interface UmapOptions {
  /** Output dimensions, 2 or 3. @default 2 */
  components?: number;
  /** Neighbours each point keeps; at most the rows minus one are used. @default 15 */
  neighbours?: number;
  /** How tightly points may pack in the picture. @default 0.1 */
  minDist?: number;
  /** Optimisation epochs; by default umap-js's choice for the row count. */
  epochs?: number;
  /** Seed of the random source. @default 42 */
  seed?: number;
}

/**
 * Projects the rows with UMAP (cosine distance, as fits L2-normalised embeddings).
 *
 * @param embeddings Row-major rows and their dimension (at least three rows).
 * @param options Components, neighbours, minimum distance, epochs, seed.
 * @returns `n x components` coordinates, row-major.
 * @throws {RangeError} When there are fewer than three rows, the components are not 2 or 3, or
 *   the values do not make rows of `dim`.
 *
 * @example
 * ```ts
 * import { umap } from "./_umap.ts";
 * const rows = new Float32Array([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9, 0.95, 0.05, 0.05, 0.95]);
 * const xy = umap({ vectors: rows, dim: 2 }, { neighbours: 2, seed: 1 });
 * if (xy.length !== 12 || !xy.every(Number.isFinite)) throw new Error("unexpected");
 * ```
 */
export function umap(embeddings: EmbeddingRows, options: UmapOptions = {}): Float64Array {
  const { components = 2, neighbours = 15, minDist = 0.1, seed = 42, epochs } = options;
  const { vectors, dim } = embeddings;
  if (!Number.isInteger(dim) || dim <= 0 || vectors.length % dim !== 0) {
    throw new RangeError(`Cannot run UMAP: ${vectors.length} values do not make rows of ${dim}`);
  }
  const n = vectors.length / dim;
  if (n < 3) throw new RangeError(`Cannot run UMAP: ${n} rows, at least 3 needed`);
  if (components !== 2 && components !== 3) {
    throw new RangeError(
      `Cannot run UMAP: components must be 2 or 3, current value is ${components}`,
    );
  }
  const rows: number[][] = [];
  for (let r = 0; r < n; r++) {
    rows.push(Array.from({ length: dim }, (_, d) => vectors[r * dim + d]!));
  }
  const rng = createRng(seed);
  const model = new UMAP({
    nComponents: components,
    nNeighbors: Math.max(2, Math.min(neighbours, n - 1)),
    minDist,
    distanceFn: cosineDistance,
    random: () => uniformFloat(rng),
    ...(epochs === undefined ? {} : { nEpochs: epochs }),
  });
  const out = model.fit(rows);
  const flat = new Float64Array(n * components);
  out.forEach((p, r) => p.forEach((v, k) => (flat[r * components + k] = v)));
  return flat;
}

function cosineDistance(a: number[], b: number[]): number {
  let dot = 0, na = 0, nb = 0;
  for (let d = 0; d < a.length; d++) {
    dot += a[d]! * b[d]!;
    na += a[d]! * a[d]!;
    nb += b[d]! * b[d]!;
  }
  const denom = Math.sqrt(na * nb);
  return denom > 0 ? 1 - dot / denom : 1;
}
