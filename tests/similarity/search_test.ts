import assert from "node:assert/strict";
import { type EmbeddingSet, embeddingSet } from "../../lib/embeddings/embedding_set.ts";
import { createJsScoreTopK, type ScoreTopKKernel } from "../../lib/similarity/gemm.ts";
import { createOrtScoreTopK } from "../../lib/similarity/ort_matmul.ts";
import { bestMatches, type SearchProgress, topKPairs } from "../../lib/similarity/search.ts";

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSet(n: number, dim: number, seed: number, unit = true): EmbeddingSet {
  const r = rng(seed);
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const x = r() * 2 - 1 + 0.15; // a shared offset makes many similarities positive
      v[i * dim + d] = x;
      s += x * x;
    }
    const scale = unit ? 1 / Math.sqrt(s) : 0.5 + r() * 3;
    for (let d = 0; d < dim; d++) v[i * dim + d] *= scale;
  }
  const ids = Array.from({ length: n }, (_, i) => `id${i % 17}`);
  return embeddingSet(ids, ids.map((_, i) => `${i}.jpg`), v, dim);
}

/** Float64 brute-force score matrix (cosine when `normalize`). */
function bruteScores(q: EmbeddingSet, g: EmbeddingSet, normalize: boolean): Float64Array[] {
  const { dim } = q;
  const norm = (v: Float32Array, i: number) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += v[i * dim + d] ** 2;
    return normalize ? Math.sqrt(s) : 1;
  };
  const gn = g.identities.map((_, j) => norm(g.vectors, j));
  return q.identities.map((_, i) => {
    const qn = norm(q.vectors, i);
    const row = new Float64Array(g.identities.length);
    for (let j = 0; j < row.length; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += q.vectors[i * dim + d] * g.vectors[j * dim + d];
      row[j] = s / (qn * gn[j]);
    }
    return row;
  });
}

const kernels: [string, () => Promise<ScoreTopKKernel>][] = [
  ["ort-cpu", () => createOrtScoreTopK({ threads: 1 })],
  ["js", () => Promise.resolve(createJsScoreTopK())],
];

const TOL = 1e-5;

for (const [name, make] of kernels) {
  Deno.test(`bestMatches(queries, gallery) on ${name} equals float64 brute force, planted duplicate wins`, async () => {
    const dim = 48;
    const q = randomSet(150, dim, 1);
    const g = randomSet(2100, dim, 2);
    g.vectors.set(q.vectors.subarray(7 * dim, 8 * dim), 1500 * dim); // query 7 == gallery 1500
    const rows = [7, 3, 149, 0, 42, 42];
    const ref = bruteScores(q, g, true);
    const kernel = await make();
    const best = await bestMatches(q, g, { kernel, rows, queryBlock: 4, galleryBlock: 700 });
    await kernel.release();
    assert.equal(best.kernel, name);
    assert.deepEqual(Array.from(best.queries), rows);
    assert.equal(best.gallery[0], 1500);
    assert.ok(Math.abs(best.scores[0] - 1) < TOL);
    for (let i = 0; i < rows.length; i++) {
      const row = ref[rows[i]];
      let arg = 0;
      for (let j = 1; j < row.length; j++) if (row[j] > row[arg]) arg = j;
      // Same match, or one tied with it at float32 rounding.
      assert.ok(
        row[best.gallery[i]] >= row[arg] - TOL,
        `query ${rows[i]}: ${best.gallery[i]} vs ${arg}`,
      );
      assert.ok(Math.abs(best.scores[i] - row[arg]) < TOL);
    }
  });

  Deno.test(`topKPairs(queries, gallery) on ${name} returns the brute-force global top-K set`, async () => {
    const dim = 40;
    const q = randomSet(90, dim, 3, false);
    const g = randomSet(1300, dim, 4, false);
    const k = 60;
    for (const normalize of [true, false]) {
      const ref = bruteScores(q, g, normalize);
      const all: { s: number; i: number; j: number }[] = [];
      ref.forEach((row, i) => row.forEach((s, j) => s > 0 && all.push({ s, i, j })));
      all.sort((a, b) => b.s - a.s);
      const kernel = await make();
      const top = await topKPairs(q, g, { kernel, k, normalize, queryBlock: 16, galleryBlock: 50 });
      await kernel.release();
      assert.equal(top.scores.length, k);
      const kth = all[k - 1].s;
      for (let r = 0; r < k; r++) {
        if (r > 0) assert.ok(top.scores[r] <= top.scores[r - 1]);
        const exact = ref[top.queries[r]][top.gallery[r]];
        assert.ok(Math.abs(exact - top.scores[r]) < TOL * Math.max(1, Math.abs(exact)));
        assert.ok(exact >= kth - TOL * Math.max(1, kth), `rank ${r}: ${exact} below ${kth}`);
      }
      const got = new Set(Array.from(top.queries, (qi, r) => `${qi}:${top.gallery[r]}`));
      const missing = all.slice(0, k).filter((p) => !got.has(`${p.i}:${p.j}`));
      for (const p of missing) assert.ok(p.s <= top.scores[k - 1] + TOL, `missed ${p.i}:${p.j}`);
    }
  });
}

Deno.test("topKPairs(queries, gallery) keeps only positive pairs and reports progress", async () => {
  const g = embeddingSet(
    ["a", "b", "c"],
    ["1", "2", "3"],
    new Float32Array([1, 0, -1, 0, 0, 1]),
    2,
  );
  const q = embeddingSet(["x", "y"], ["1", "2"], new Float32Array([1, 0, -1, 0]), 2);
  const seen: SearchProgress[] = [];
  const top = await topKPairs(q, g, {
    k: 10,
    galleryBlock: 2,
    kernel: createJsScoreTopK(),
    onProgress: (p) => seen.push(p),
  });
  assert.deepEqual(Array.from(top.queries), [0, 1]);
  assert.deepEqual(Array.from(top.gallery), [0, 1]);
  assert.deepEqual(seen.map((p) => p.pairs), [4, 6]);
  assert.equal(seen.at(-1)!.totalPairs, 6);
  assert.equal(seen.at(-1)!.etaMs, 0);
});

Deno.test("bestMatches(queries, gallery) rejects mismatched dimensions and bad rows", async () => {
  const g = embeddingSet(["a"], ["1"], new Float32Array([1, 0]), 2);
  const q3 = embeddingSet(["x"], ["1"], new Float32Array([1, 0, 0]), 3);
  await assert.rejects(() => bestMatches(q3, g), RangeError);
  const q = embeddingSet(["x"], ["1"], new Float32Array([1, 0]), 2);
  await assert.rejects(() => bestMatches(q, g, { rows: [1] }), /not in \[0, 1\)/);
});
