/**
 * The int8 prefilter's bound at work: gallery rows that int8 holds exactly (integer entries, one of
 * them 127, so the block scale is 1 and the gallery residual is 0) and a query whose own rounding
 * residual reverses the order of two rows. Only the query-residual term (`|e_x| |y|`) of the
 * bounds sends the search back to exact scores: of a kept candidate (`bound`, prefilter k = 2)
 * and of the rows the prefilter left out (the cap, k = 1); without it the approximate winner
 * would be returned.
 */
import assert from "node:assert/strict";
import { type EmbeddingSet, embeddingSet } from "../../lib/embeddings/_embedding_set.ts";
import { createRng, uniformFloat, uniformInt } from "../../lib/random/mod.ts";
import { createJsScoreTopK } from "../../lib/similarity/_gemm.ts";
import { createInt8TopK } from "../../lib/similarity/_int8_matmul.ts";
import { quantizedNorms, quantizeQueryRows } from "../../lib/similarity/_int8_quantize.ts";
import { createOrtScoreTopK } from "../../lib/similarity/_ort_matmul.ts";
import { bestMatches } from "../../lib/similarity/_search.ts";

const DIM = 16;

function set(v: Float32Array): EmbeddingSet {
  const ids = Array.from({ length: v.length / DIM }, (_, i) => `id${i}`);
  return embeddingSet(ids, ids.map((_, i) => `${i}.jpg`), v, DIM);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < DIM; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * A query x and gallery rows [y2, y1] where <x, y1> beats <x, y2> by more than `margin`, but the
 * int8 approximation <s c, y> (x = s c + e) ranks y2 first by more than `margin`.
 */
function reversedPair(seed: number, margin: number) {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: DIM }, () => (uniformFloat(rng) * 2 - 1) * 10);
  const codes = new Uint8Array(DIM);
  const norms = quantizedNorms(1);
  quantizeQueryRows(x, 1, DIM, codes, norms);
  const s = norms.scale[0]!;
  const approx = Array.from(codes, (c) => s * (c - 128));
  const residual = Array.from(x, (v, i) => v - approx[i]!);
  for (let attempt = 0; attempt < 200_000; attempt++) {
    const d = Array.from(
      { length: DIM },
      (_, i) => i === 0 ? 0 : Math.sign(residual[i]!) * uniformInt(rng, 3) - uniformInt(rng, 2),
    );
    const a = dot(approx, d), e = dot(residual, d);
    if (a < -margin && a + e > margin) {
      const y2 = Array.from({ length: DIM }, (_, i) => i === 0 ? 127 : uniformInt(rng, 121) - 60);
      const y1 = y2.map((v, i) => v + d[i]!);
      return { x, gallery: Float32Array.from([...y2, ...y1]) };
    }
  }
  throw new Error(`seed ${seed}: no reversed pair found`);
}

Deno.test("bestMatches(query, gallery, { int8 }) is exact when the query's rounding alone reverses two rows", async () => {
  const int8 = await createInt8TopK({ threads: 1 });
  const ort = await createOrtScoreTopK({ threads: 1 });
  try {
    for (let seed = 1; seed <= 24; seed++) {
      const { x, gallery } = reversedPair(seed, 0.05);
      const q = set(x), g = set(gallery);
      const prefilterK = 1 + (seed % 2);
      const options = { normalize: false, prefilterK, queryBlock: 1, galleryBlock: 2 };
      const exact = await bestMatches(q, g, { ...options, kernel: createJsScoreTopK() });
      assert.equal(exact.gallery[0], 1, `seed ${seed}: y1 is the true best`);
      const fast = await bestMatches(q, g, { ...options, kernel: ort, int8 });
      assert.equal(
        fast.gallery[0],
        1,
        `seed ${seed}: the int8 search returned the approximate winner`,
      );
      assert.equal(fast.scores[0], exact.scores[0], `seed ${seed}`);
    }
  } finally {
    await int8.release();
    await ort.release();
  }
});
