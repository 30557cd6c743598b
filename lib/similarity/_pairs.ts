/**
 * Random mated and non-mated pairs of an embedding set, as the original
 * `compute_similarities.py` drew them, but seeded and without listing all pairs:
 *
 * - mated: a uniform sample without replacement of n pairs among all same-identity pairs
 *   (Floyd's algorithm over the pair index space, each index unranked to an identity and a pair
 *   (i < j) of its images), or all of them when there are no more than n;
 * - non-mated: up to 10n attempts, each two distinct rows drawn uniformly (Python's
 *   `random.sample(range(N), 2)`), kept when their identities differ.
 *
 * @module
 */
import type { IdentityGroups } from "../embeddings/_embedding_set.ts";
import { createRng, type Rng, uniformInt } from "../random/mod.ts";
import type { PairIndices } from "./_cosine.ts";

/** Options of the pair samplers. */
export interface PairSampleOptions {
  /** Seed of the default generator (ignored when `rng` is given). @default 42 */
  seed?: number;
  /** The random source; by default `createRng(seed)`. */
  rng?: Rng;
}

/**
 * A mated sample and the facts the original printed about it (the task words them): every pair
 * is taken when `available <= requested`.
 */
export interface MatedPairs extends PairIndices {
  /** Pairs asked for (`n`). */
  requested: number;
  /** Number of same-identity pairs in the set. */
  available: number;
  /** Identities in the set. */
  identities: number;
  /** Identities with a single image (they give no mated pair). */
  singleImageIdentities: number;
}

/** A non-mated sample: fewer than `requested` pairs when the attempts ran out. */
export interface NonMatedPairs extends PairIndices {
  /** Pairs asked for (`n`). */
  requested: number;
  /** Draws made (at most 10n). */
  attempts: number;
}

function checkCount(n: number): void {
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new RangeError(
      `Cannot sample pairs: n must be a positive integer, current value is ${n}`,
    );
  }
}

/** Pairs (i < j) of m items before row i, in lexicographic order. */
function pairsBeforeRow(i: number, m: number): number {
  return i * m - (i * (i + 1)) / 2;
}

/**
 * Samples mated (same-identity) pairs uniformly without replacement, in ascending pair order
 * (identities in group order, then images (i, j) with i < j in row order).
 *
 * @param groups Rows grouped by identity (`groupByIdentity`).
 * @param n Pairs wanted.
 * @param options Seed or generator.
 * @returns Row pairs, with the counts requested and available and the single-image identities.
 * @throws {RangeError} When `n` is not a positive integer, or no identity has two images.
 *
 * @example
 * ```ts
 * import { embeddingSet, groupByIdentity } from "../embeddings/_embedding_set.ts";
 * import { sampleMatedPairs } from "./_pairs.ts";
 * const set = embeddingSet(["a", "a", "a", "b"], ["1", "2", "3", "4"], new Float32Array(4), 1);
 * const pairs = sampleMatedPairs(groupByIdentity(set), 2, { seed: 1 });
 * if (pairs.available !== 3 || pairs.first.length !== 2) throw new Error("unexpected");
 * ```
 */
export function sampleMatedPairs(
  groups: IdentityGroups,
  n: number,
  options: PairSampleOptions = {},
): MatedPairs {
  checkCount(n);
  const { seed = 42 } = options;
  const rng = options.rng ?? createRng(seed);
  const { offsets, rows } = groups;
  const k = groups.names.length;
  const cumulative = new Float64Array(k + 1);
  let single = 0;
  for (let c = 0; c < k; c++) {
    const m = offsets[c + 1]! - offsets[c]!; // offsets has k + 1 entries
    if (m === 1) single++;
    cumulative[c + 1] = cumulative[c]! + (m * (m - 1)) / 2;
  }
  const available = cumulative[k]!;
  if (!Number.isSafeInteger(available)) {
    throw new RangeError(`Cannot sample mated pairs: ${available} pairs exceed 2^53`);
  }
  if (available === 0) {
    throw new RangeError(
      "Cannot sample mated pairs: no identity has two images. Check if identities have multiple samples.",
    );
  }
  let chosen: Float64Array;
  if (available > n) {
    // Floyd's algorithm: n distinct indices of [0, available), each subset equally likely.
    const picked = new Set<number>();
    for (let j = available - n; j < available; j++) {
      const t = uniformInt(rng, j + 1);
      picked.add(picked.has(t) ? j : t);
    }
    chosen = Float64Array.from(picked).sort();
  } else {
    chosen = new Float64Array(available);
    for (let p = 0; p < available; p++) chosen[p] = p;
  }
  const first = new Uint32Array(chosen.length);
  const second = new Uint32Array(chosen.length);
  let c = 0;
  for (let p = 0; p < chosen.length; p++) {
    const index = chosen[p]!;
    while (cumulative[c + 1]! <= index) c++; // indices ascend, so identities only move forward
    const start = offsets[c]!;
    const m = offsets[c + 1]! - start;
    const q = index - cumulative[c]!;
    const b = 2 * m - 1;
    let i = Math.max(0, Math.floor((b - Math.sqrt(b * b - 8 * q)) / 2));
    while (i > 0 && pairsBeforeRow(i, m) > q) i--;
    while (pairsBeforeRow(i + 1, m) <= q) i++;
    const j = q - pairsBeforeRow(i, m) + i + 1;
    first[p] = rows[start + i]!;
    second[p] = rows[start + j]!;
  }
  return {
    first,
    second,
    requested: n,
    available,
    identities: k,
    singleImageIdentities: single,
  };
}

/**
 * Samples non-mated pairs as the original did: up to `10n` attempts, each two distinct rows drawn
 * uniformly (first, then second among the others), kept when their identities differ.
 *
 * @param groups Rows grouped by identity (`groupByIdentity`; only `labels` and `names` are used).
 * @param n Pairs wanted.
 * @param options Seed or generator.
 * @returns Row pairs (fewer than `n` if the attempts ran out) and the attempts made.
 * @throws {RangeError} When `n` is not a positive integer or the set holds fewer than two identities.
 *
 * @example
 * ```ts
 * import { embeddingSet, groupByIdentity } from "../embeddings/_embedding_set.ts";
 * import { sampleNonMatedPairs } from "./_pairs.ts";
 * const set = embeddingSet(["a", "a", "b", "b"], ["1", "2", "3", "4"], new Float32Array(4), 1);
 * const g = groupByIdentity(set);
 * const pairs = sampleNonMatedPairs(g, 5, { seed: 1 });
 * pairs.first.forEach((a, p) => {
 *   if (g.labels[a] === g.labels[pairs.second[p]!]) throw new Error("mated pair");
 * });
 * ```
 */
export function sampleNonMatedPairs(
  groups: IdentityGroups,
  n: number,
  options: PairSampleOptions = {},
): NonMatedPairs {
  checkCount(n);
  const { seed = 42 } = options;
  const rng = options.rng ?? createRng(seed);
  const { labels, names } = groups;
  if (names.length < 2) {
    throw new RangeError(
      `Cannot sample non-mated pairs: the embeddings hold ${names.length} identit${
        names.length === 1 ? `y ("${names[0]}")` : "ies"
      }, so no non-mated pair exists. Check if you have multiple identities.`,
    );
  }
  const rowCount = labels.length;
  const first = new Uint32Array(n), second = new Uint32Array(n);
  let made = 0, attempts = 0;
  const maxAttempts = n * 10;
  while (made < n && attempts < maxAttempts) {
    attempts++;
    const a = uniformInt(rng, rowCount);
    let b = uniformInt(rng, rowCount - 1);
    if (b >= a) b++;
    if (labels[a] !== labels[b]) {
      first[made] = a;
      second[made] = b;
      made++;
    }
  }
  return { first: first.slice(0, made), second: second.slice(0, made), requested: n, attempts };
}
