/**
 * Diversity of a face dataset from its embeddings: how many distinct identities it holds, and how
 * far the images of one identity spread.
 *
 * - **Class centres**: the mean of each identity's rows; its length (1 when every image embeds to
 *   the same unit vector, smaller as they spread) is kept, and the centre is L2-normalised.
 * - **Unique identities as Vec2Face counts them**: cosine similarities of every pair of centres;
 *   an identity is unique when no identity before it (in the set's order) has a centre scoring
 *   strictly above the threshold (0.4 by default) with its own. This is the rule of Vec2Face's
 *   evaluation, `(np.triu(sim > t, k=1).sum(axis=0) == 0).sum()`, so the count reproduces theirs
 *   and depends on the order of identities.
 * - **Identity groups**: the same pairs read as edges of a graph and merged transitively
 *   (union-find): each connected component is one identity. The count does not depend on the
 *   order and is never above Vec2Face's (each component's first identity is unique by their rule).
 * - **Intra-class spread**: per identity, every mated score (cosine of each pair of its images,
 *   in float64) summarised as count, mean, population standard deviation, minimum, median
 *   (numpy's `percentile(50)`), maximum.
 *
 * Everything here is a plain float64 brute force over typed columns; the pair scan of centres is
 * `k²/2` dot products, fine up to some tens of thousands of identities.
 *
 * @module
 */
import { percentileSorted } from "./_percentile.ts";

/** Row-major embeddings: row `i` is `vectors[i * dim .. (i + 1) * dim)` (an `EmbeddingSet` fits). */
export interface EmbeddingRows {
  /** `n x dim` values. */
  vectors: ArrayLike<number>;
  /** Embedding dimension. */
  dim: number;
}

/** Rows grouped by identity: `rows.subarray(offsets[c], offsets[c + 1])` are identity `c`'s. */
export interface IdentityRows {
  /** `identities + 1` offsets into `rows`. */
  offsets: ArrayLike<number>;
  /** Row indices ordered by identity. */
  rows: ArrayLike<number>;
}

/** Class centres of a set's identities. */
export interface IdentityCentres {
  /** `identities x dim`, row-major, each row L2-normalised (all zeros when the mean is zero). */
  centres: Float64Array;
  /** Embedding dimension. */
  dim: number;
  /** Images of each identity. */
  counts: Uint32Array;
  /** Length of each identity's mean row before normalising. */
  meanNorms: Float64Array;
}

/** Pairs of identities whose centres score strictly above a threshold, `first < second`. */
export interface CentrePairs {
  /** The earlier identity of each pair. */
  first: Uint32Array;
  /** The later identity of each pair. */
  second: Uint32Array;
  /** Cosine similarity of the two centres. */
  scores: Float64Array;
}

/** Unique identities by both rules, with the groups. */
export interface UniqueIdentities {
  /** Identities measured. */
  identities: number;
  /** Vec2Face's count: identities with no earlier identity above the threshold. */
  vec2face: number;
  /** Connected components of the pairs: identities merged transitively. */
  groups: number;
  /** Group of each identity, `0 .. groups - 1`, numbered by first member. */
  groupOf: Uint32Array;
  /** Identities of each group. */
  groupSizes: Uint32Array;
  /** Identities in the largest group. */
  largestGroup: number;
  /** Identities that share their group with another. */
  mergedIdentities: number;
}

/** Mated-score summary of each identity, as columns (NaN where an identity has one image). */
export interface IntraClassSpread {
  /** Images of each identity. */
  images: Uint32Array;
  /** Mated pairs of each identity, `m(m - 1)/2`. */
  pairs: Float64Array;
  /** Mean mated score. */
  mean: Float64Array;
  /** Population standard deviation of the mated scores. */
  std: Float64Array;
  /** Lowest mated score. */
  min: Float64Array;
  /** Median mated score (numpy's `percentile(50)`). */
  median: Float64Array;
  /** Highest mated score. */
  max: Float64Array;
}

function checkShape(vectors: ArrayLike<number>, dim: number, what: string): number {
  if (!Number.isInteger(dim) || dim <= 0) {
    throw new RangeError(`Cannot ${what}: dim must be a positive integer, current value is ${dim}`);
  }
  if (vectors.length % dim !== 0) {
    throw new RangeError(
      `Cannot ${what}: ${vectors.length} values do not make rows of ${dim}`,
    );
  }
  return vectors.length / dim;
}

function checkGroups(groups: IdentityRows, rowCount: number, what: string): number {
  const k = groups.offsets.length - 1;
  if (k < 0 || groups.offsets[0] !== 0 || groups.offsets[k] !== groups.rows.length) {
    throw new RangeError(
      `Cannot ${what}: offsets must start at 0 and end at rows.length (${groups.rows.length})`,
    );
  }
  for (let i = 0; i < groups.rows.length; i++) {
    const r = groups.rows[i]!;
    if (!(r >= 0 && r < rowCount)) {
      throw new RangeError(
        `Cannot ${what}: row index ${r} at position ${i} is outside the ${rowCount} rows`,
      );
    }
  }
  return k;
}

/**
 * The class centre of every identity: the mean of its rows, L2-normalised, with the mean's length.
 *
 * @param embeddings Row-major embeddings and their dimension.
 * @param groups Rows grouped by identity (`groupByIdentity` of lib/embeddings).
 * @returns Centres, counts and mean lengths.
 * @throws {RangeError} When the shape or the groups do not fit, or an identity has no row.
 *
 * @example
 * ```ts
 * import { identityCentres } from "./_diversity.ts";
 * const c = identityCentres({ vectors: new Float32Array([1, 0, 0, 1, 1, 0]), dim: 2 }, {
 *   offsets: [0, 2, 3], rows: [0, 1, 2],
 * });
 * if (Math.abs(c.meanNorms[0]! - Math.SQRT1_2) > 1e-12 || c.centres[2] !== 1) throw new Error("unexpected");
 * ```
 */
export function identityCentres(embeddings: EmbeddingRows, groups: IdentityRows): IdentityCentres {
  const { vectors, dim } = embeddings;
  const n = checkShape(vectors, dim, "compute class centres");
  const k = checkGroups(groups, n, "compute class centres");
  const centres = new Float64Array(k * dim);
  const counts = new Uint32Array(k);
  const meanNorms = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const start = groups.offsets[c]!, end = groups.offsets[c + 1]!;
    const m = end - start;
    if (m <= 0) {
      throw new RangeError(`Cannot compute class centres: identity ${c} has no row`);
    }
    counts[c] = m;
    const o = c * dim;
    for (let p = start; p < end; p++) {
      const r = groups.rows[p]! * dim;
      for (let d = 0; d < dim; d++) centres[o + d]! += vectors[r + d]!;
    }
    let sq = 0;
    for (let d = 0; d < dim; d++) {
      const v = centres[o + d]! / m;
      centres[o + d] = v;
      sq += v * v;
    }
    const norm = Math.sqrt(sq);
    meanNorms[c] = norm;
    if (norm > 0) { for (let d = 0; d < dim; d++) centres[o + d]! /= norm; }
  }
  return { centres, dim, counts, meanNorms };
}

/**
 * Every pair of centres (`first < second`) whose cosine similarity is strictly above `threshold`:
 * a float64 brute force over the upper triangle, four columns per pass.
 *
 * @param centres L2-normalised centres and their dimension ({@linkcode identityCentres}).
 * @param threshold The cosine bound. @default 0.4
 * @returns The pairs in row-major order of (first, second), with their scores.
 * @throws {RangeError} When the shape does not fit or the threshold is not finite.
 *
 * @example
 * ```ts
 * import { centrePairsAbove } from "./_diversity.ts";
 * const p = centrePairsAbove({ centres: new Float64Array([1, 0, 0.6, 0.8, 0, 1]), dim: 2 }, 0.5);
 * if (p.first.join() !== "0,1" || p.second.join() !== "1,2") throw new Error("unexpected");
 * ```
 */
export function centrePairsAbove(
  { centres, dim }: { centres: ArrayLike<number>; dim: number },
  threshold = 0.4,
): CentrePairs {
  const k = checkShape(centres, dim, "compare class centres");
  if (!Number.isFinite(threshold)) {
    throw new RangeError(
      `Cannot compare class centres: the threshold must be finite, current value is ${threshold}`,
    );
  }
  const first: number[] = [], second: number[] = [], scores: number[] = [];
  const keep = (i: number, j: number, s: number) => {
    if (s > threshold) {
      first.push(i);
      second.push(j);
      scores.push(s);
    }
  };
  for (let i = 0; i < k; i++) {
    const a = i * dim;
    let j = i + 1;
    for (; j + 4 <= k; j += 4) {
      const b0 = j * dim, b1 = b0 + dim, b2 = b1 + dim, b3 = b2 + dim;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let d = 0; d < dim; d++) {
        const x = centres[a + d]!;
        s0 += x * centres[b0 + d]!;
        s1 += x * centres[b1 + d]!;
        s2 += x * centres[b2 + d]!;
        s3 += x * centres[b3 + d]!;
      }
      keep(i, j, s0);
      keep(i, j + 1, s1);
      keep(i, j + 2, s2);
      keep(i, j + 3, s3);
    }
    for (; j < k; j++) {
      const b = j * dim;
      let s = 0;
      for (let d = 0; d < dim; d++) s += centres[a + d]! * centres[b + d]!;
      keep(i, j, s);
    }
  }
  return {
    first: Uint32Array.from(first),
    second: Uint32Array.from(second),
    scores: Float64Array.from(scores),
  };
}

/**
 * Unique identities from the pairs of centres above the threshold: Vec2Face's count (identities
 * with no earlier partner) and the connected components (union-find with path halving).
 *
 * @param identities Number of identities.
 * @param pairs Pairs of identity indices (`first < second` for Vec2Face's rule).
 * @returns Both counts, each identity's group and the group sizes.
 * @throws {RangeError} When a pair names an identity outside `0 .. identities - 1`.
 *
 * @example
 * ```ts
 * import { uniqueIdentities } from "./_diversity.ts";
 * // 0-2 and 1-2 are twins: by Vec2Face's rule 0, 1 and 3 are unique; transitively {0, 1, 2}, {3}.
 * const u = uniqueIdentities(4, { first: [0, 1], second: [2, 2] });
 * if (u.vec2face !== 3 || u.groups !== 2 || u.largestGroup !== 3) throw new Error("unexpected");
 * ```
 */
export function uniqueIdentities(
  identities: number,
  pairs: { first: ArrayLike<number>; second: ArrayLike<number> },
): UniqueIdentities {
  if (!Number.isSafeInteger(identities) || identities < 0) {
    throw new RangeError(
      `Cannot count unique identities: the count must be a non-negative integer, current value is ${identities}`,
    );
  }
  if (pairs.first.length !== pairs.second.length) {
    throw new RangeError(
      `Cannot count unique identities: ${pairs.first.length} first and ${pairs.second.length} second indices`,
    );
  }
  const parent = new Uint32Array(identities);
  for (let i = 0; i < identities; i++) parent[i] = i;
  const find = (x: number) => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const hasEarlier = new Uint8Array(identities);
  for (let p = 0; p < pairs.first.length; p++) {
    const a = pairs.first[p]!, b = pairs.second[p]!;
    for (const v of [a, b]) {
      if (!(Number.isInteger(v) && v >= 0 && v < identities)) {
        throw new RangeError(
          `Cannot count unique identities: pair ${p} names identity ${v}, outside 0..${
            identities - 1
          }`,
        );
      }
    }
    if (a === b) continue;
    hasEarlier[Math.max(a, b)] = 1;
    const ra = find(a), rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  let vec2face = 0;
  for (let i = 0; i < identities; i++) if (hasEarlier[i] === 0) vec2face++;
  const groupOf = new Uint32Array(identities);
  const numberOf = new Int32Array(identities).fill(-1);
  const sizes: number[] = [];
  for (let i = 0; i < identities; i++) {
    const root = find(i);
    if (numberOf[root] === -1) {
      numberOf[root] = sizes.length;
      sizes.push(0);
    }
    const g = numberOf[root]!;
    groupOf[i] = g;
    sizes[g]!++;
  }
  let largestGroup = 0, mergedIdentities = 0;
  for (const s of sizes) {
    if (s > largestGroup) largestGroup = s;
    if (s > 1) mergedIdentities += s;
  }
  return {
    identities,
    vec2face,
    groups: sizes.length,
    groupOf,
    groupSizes: Uint32Array.from(sizes),
    largestGroup,
    mergedIdentities,
  };
}

/**
 * The spread of each identity: every mated score (cosine of each pair of its images, float64)
 * summarised as count, mean, population standard deviation, min, median and max.
 *
 * @param embeddings Row-major embeddings and their dimension.
 * @param groups Rows grouped by identity.
 * @returns Columns, one entry per identity; NaN statistics for an identity with one image.
 * @throws {RangeError} When the shape or the groups do not fit.
 *
 * @example
 * ```ts
 * import { intraClassSpread } from "./_diversity.ts";
 * const rows = { vectors: new Float32Array([1, 0, 1, 0, 0, 1]), dim: 2 };
 * const s = intraClassSpread(rows, { offsets: [0, 3], rows: [0, 1, 2] });
 * // scores 1, 0, 0: mean 1/3, median 0, max 1
 * if (s.pairs[0] !== 3 || s.median[0] !== 0 || s.max[0] !== 1) throw new Error("unexpected");
 * ```
 */
export function intraClassSpread(
  embeddings: EmbeddingRows,
  groups: IdentityRows,
): IntraClassSpread {
  const { vectors, dim } = embeddings;
  const n = checkShape(vectors, dim, "measure the intra-class spread");
  const k = checkGroups(groups, n, "measure the intra-class spread");
  const norms = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let sq = 0;
    for (let d = 0; d < dim; d++) sq += vectors[r * dim + d]! ** 2;
    norms[r] = Math.sqrt(sq);
  }
  const out: IntraClassSpread = {
    images: new Uint32Array(k),
    pairs: new Float64Array(k),
    mean: new Float64Array(k).fill(NaN),
    std: new Float64Array(k).fill(NaN),
    min: new Float64Array(k).fill(NaN),
    median: new Float64Array(k).fill(NaN),
    max: new Float64Array(k).fill(NaN),
  };
  let buffer = new Float64Array(0);
  for (let c = 0; c < k; c++) {
    const start = groups.offsets[c]!, end = groups.offsets[c + 1]!;
    const m = end - start;
    const count = (m * (m - 1)) / 2;
    out.images[c] = m;
    out.pairs[c] = count;
    if (count === 0) continue;
    if (buffer.length < count) buffer = new Float64Array(count);
    let p = 0, sum = 0;
    for (let i = start; i < end; i++) {
      const a = groups.rows[i]! * dim, na = norms[groups.rows[i]!]!;
      for (let j = i + 1; j < end; j++) {
        const b = groups.rows[j]! * dim;
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += vectors[a + d]! * vectors[b + d]!;
        const denom = na * norms[groups.rows[j]!]!;
        const s = denom > 0 ? dot / denom : 0;
        buffer[p++] = s;
        sum += s;
      }
    }
    const scores = buffer.subarray(0, count).sort();
    const mean = sum / count;
    let sq = 0;
    for (let q = 0; q < count; q++) sq += (scores[q]! - mean) ** 2;
    out.mean[c] = mean;
    out.std[c] = Math.sqrt(sq / count);
    out.min[c] = scores[0]!;
    out.median[c] = percentileSorted(scores, 50);
    out.max[c] = scores[count - 1]!;
  }
  return out;
}

/** Options of {@linkcode datasetDiversity}. */
export interface DatasetDiversityOptions {
  /** Cosine bound above which two class centres count as one identity. @default 0.4 */
  threshold?: number;
  /**
   * The pairs of centres above the threshold, when the caller found them with a faster kernel;
   * by default {@linkcode centrePairsAbove}.
   */
  pairs?: CentrePairs;
}

/** The diversity of one dataset. */
export interface DatasetDiversity {
  /** Rows (images). */
  images: number;
  /** The cosine bound used. */
  threshold: number;
  /** Class centres. */
  centres: IdentityCentres;
  /** Pairs of centres above the threshold. */
  pairs: CentrePairs;
  /** Unique identities by both rules. */
  unique: UniqueIdentities;
  /** Per-identity spread. */
  spread: IntraClassSpread;
  /** Identities with a single image (no mated score). */
  singleImageIdentities: number;
  /** Mean of the per-identity mean mated scores (identities with two images or more). */
  meanOfMeans: number;
  /** Median of the per-identity mean mated scores. */
  medianOfMeans: number;
}

/**
 * Centres, unique identities and intra-class spread of one dataset.
 *
 * @param embeddings Row-major embeddings and their dimension.
 * @param groups Rows grouped by identity.
 * @param options Threshold, pairs found elsewhere.
 * @returns The diversity; `meanOfMeans` and `medianOfMeans` are NaN when no identity has two images.
 * @throws {RangeError} When the shape or groups do not fit, or the threshold is not finite.
 *
 * @example
 * ```ts
 * import { datasetDiversity } from "./_diversity.ts";
 * // identities 0 and 1 point the same way: one unique identity besides identity 2
 * const v = new Float32Array([1, 0, 1, 0.1, 0.9, 0.1, 1, 0, 0, 1]);
 * const d = datasetDiversity({ vectors: v, dim: 2 }, { offsets: [0, 2, 4, 5], rows: [0, 1, 2, 3, 4] });
 * if (d.unique.vec2face !== 2 || d.unique.groups !== 2 || d.singleImageIdentities !== 1) throw new Error("unexpected");
 * ```
 */
export function datasetDiversity(
  embeddings: EmbeddingRows,
  groups: IdentityRows,
  options: DatasetDiversityOptions = {},
): DatasetDiversity {
  const { threshold = 0.4 } = options;
  if (!Number.isFinite(threshold)) {
    throw new RangeError(
      `Cannot measure diversity: the threshold must be finite, current value is ${threshold}`,
    );
  }
  const centres = identityCentres(embeddings, groups);
  const pairs = options.pairs ?? centrePairsAbove(centres, threshold);
  const k = centres.counts.length;
  const unique = uniqueIdentities(k, pairs);
  const spread = intraClassSpread(embeddings, groups);
  const means: number[] = [];
  let single = 0;
  for (let c = 0; c < k; c++) {
    if (spread.pairs[c] === 0) single++;
    else means.push(spread.mean[c]!);
  }
  const sorted = Float64Array.from(means).sort();
  let sum = 0;
  for (const m of sorted) sum += m;
  return {
    images: embeddings.vectors.length / embeddings.dim,
    threshold,
    centres,
    pairs,
    unique,
    spread,
    singleImageIdentities: single,
    meanOfMeans: sorted.length > 0 ? sum / sorted.length : NaN,
    medianOfMeans: sorted.length > 0 ? percentileSorted(sorted, 50) : NaN,
  };
}
