/**
 * Generated embeddings with known duplicate identities, for the diversity tests: random unit
 * centres in 512 dimensions (two of them score about N(0, 0.044²), so never above 0.4), images
 * scattered around them, and "twin" identities planted beside chosen originals (their centre is
 * the original's nudged by a little noise, cosine about 0.9) and "bridges" (the normalised sum of
 * two originals, cosine about 0.7 with each). The edges (pairs of planted centres above 0.4, which
 * include the ones a plant implies: two twins of one original, a bridge to a twin) are computed
 * from the planted centres, not from the images, so a test knows the answer without measuring it.
 *
 * @module
 */
import { normal, streamRng } from "../../lib/random/mod.ts";

/** What to plant. */
export interface PlantOptions {
  /** Independent identities. */
  originals: number;
  /** Images per identity (a list cycles over the identities). */
  images: number | number[];
  /** Twins: each entry is the original (index among all identities so far) it copies. */
  twins?: number[];
  /** Bridges: each entry is two identities whose centres it sits between. */
  bridges?: [number, number][];
  /** Embedding dimension. @default 512 */
  dim?: number;
  /** Per-dimension noise of an image around its centre (0.02: cosine about 0.9). @default 0.02 */
  noise?: number;
  /** Seed. @default 1 */
  seed?: number;
}

/** The generated set and its planted edges (identity index pairs, earlier first). */
export interface Planted {
  identities: string[];
  imageNames: string[];
  vectors: Float32Array;
  dim: number;
  identityCount: number;
  edges: [number, number][];
}

function unit(v: Float64Array): Float64Array {
  let sq = 0;
  for (const x of v) sq += x * x;
  const n = Math.sqrt(sq);
  return v.map((x) => x / n);
}

/**
 * Generates the set: identities `id000`, `id001`, ... in order (originals, then twins, then
 * bridges), rows grouped by identity, each row L2-normalised.
 */
export function plantIdentities(options: PlantOptions): Planted {
  const { originals, images, twins = [], bridges = [], dim = 512, noise = 0.02, seed = 1 } =
    options;
  const rng = streamRng(seed, "planted identities");
  const random = (scale: number) => Float64Array.from({ length: dim }, () => scale * normal(rng));
  const centres: Float64Array[] = [];
  for (let i = 0; i < originals; i++) centres.push(unit(random(1)));
  for (const t of twins) {
    const base = centres[t]!;
    const jitter = random(0.02);
    centres.push(unit(base.map((x, d) => x + jitter[d]!)));
  }
  for (const [a, b] of bridges) {
    const ca = centres[a]!, cb = centres[b]!;
    centres.push(unit(ca.map((x, d) => x + cb[d]!)));
  }
  const edges: [number, number][] = [];
  for (let i = 0; i < centres.length; i++) {
    for (let j = i + 1; j < centres.length; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += centres[i]![d]! * centres[j]![d]!;
      if (s > 0.4) edges.push([i, j]);
    }
  }
  const identities: string[] = [], imageNames: string[] = [], rows: number[] = [];
  centres.forEach((c, k) => {
    const m = Array.isArray(images) ? images[k % images.length]! : images;
    for (let i = 0; i < m; i++) {
      const e = random(noise);
      identities.push(`id${String(k).padStart(3, "0")}`);
      imageNames.push(`${i}.png`);
      rows.push(...unit(c.map((x, d) => x + e[d]!)));
    }
  });
  return {
    identities,
    imageNames,
    vectors: Float32Array.from(rows),
    dim,
    identityCount: centres.length,
    edges,
  };
}
