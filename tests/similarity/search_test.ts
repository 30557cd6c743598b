import assert from "node:assert/strict";
import { type EmbeddingSet, embeddingSet } from "../../lib/embeddings/_embedding_set.ts";
import { createRng, uniformFloat } from "../../lib/random/mod.ts";
import { createJsScoreTopK, type ScoreTopKKernel } from "../../lib/similarity/_gemm.ts";
import { createOrtScoreTopK } from "../../lib/similarity/_ort_matmul.ts";
import { memoryReporter } from "../../lib/cli/_reporter.ts";
import {
  bestMatches,
  createSearchKernel,
  type SearchProgress,
  topKPairs,
} from "../../lib/similarity/_search.ts";

/** Deterministic uniform numbers in [0, 1) from the kit's seeded generator. */
function rng(seed: number): () => number {
  const source = createRng(seed);
  return () => uniformFloat(source);
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
    for (let d = 0; d < dim; d++) v[i * dim + d]! *= scale;
  }
  const ids = Array.from({ length: n }, (_, i) => `id${i % 17}`);
  return embeddingSet(ids, ids.map((_, i) => `${i}.jpg`), v, dim);
}

/** Float64 brute-force score matrix (cosine when `normalize`). */
function bruteScores(q: EmbeddingSet, g: EmbeddingSet, normalize: boolean): Float64Array[] {
  const { dim } = q;
  const norm = (v: Float32Array, i: number) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += v[i * dim + d]! ** 2;
    return normalize ? Math.sqrt(s) : 1;
  };
  const gn = g.identities.map((_, j) => norm(g.vectors, j));
  return q.identities.map((_, i) => {
    const qn = norm(q.vectors, i);
    const row = new Float64Array(g.identities.length);
    for (let j = 0; j < row.length; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += q.vectors[i * dim + d]! * g.vectors[j * dim + d]!;
      row[j] = s / (qn * gn[j]!);
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
    assert.ok(Math.abs(best.scores[0]! - 1) < TOL);
    for (let i = 0; i < rows.length; i++) {
      const row = ref[rows[i]!]!;
      let arg = 0;
      for (let j = 1; j < row.length; j++) if (row[j]! > row[arg]!) arg = j;
      // Same match, or one tied with it at float32 rounding.
      assert.ok(
        row[best.gallery[i]!]! >= row[arg]! - TOL,
        `query ${rows[i]}: ${best.gallery[i]} vs ${arg}`,
      );
      assert.ok(Math.abs(best.scores[i]! - row[arg]!) < TOL);
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
      const kth = all[k - 1]!.s;
      for (let r = 0; r < k; r++) {
        if (r > 0) assert.ok(top.scores[r]! <= top.scores[r - 1]!);
        const exact = ref[top.queries[r]!]![top.gallery[r]!]!;
        assert.ok(Math.abs(exact - top.scores[r]!) < TOL * Math.max(1, Math.abs(exact)));
        assert.ok(exact >= kth - TOL * Math.max(1, kth), `rank ${r}: ${exact} below ${kth}`);
      }
      const got = new Set(Array.from(top.queries, (qi, r) => `${qi}:${top.gallery[r]}`));
      const missing = all.slice(0, k).filter((p) => !got.has(`${p.i}:${p.j}`));
      for (const p of missing) assert.ok(p.s <= top.scores[k - 1]! + TOL, `missed ${p.i}:${p.j}`);
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

Deno.test("createSearchKernel(options) falls back to JavaScript and says why", async () => {
  const reporter = memoryReporter();
  const kernel = await createSearchKernel({
    reporter,
    createNative: () => Promise.reject(new Error("onnxruntime-node did not load")),
  });
  assert.equal(kernel.name, "js");
  assert.deepEqual([...reporter.warnings().keys()], [
    "search: ONNX Runtime unavailable (onnxruntime-node did not load); using the JavaScript kernel",
  ]);
  await kernel.release();
});

Deno.test("createSearchKernel(options) says nothing when ONNX Runtime loads", async () => {
  const reporter = memoryReporter();
  const native = createJsScoreTopK();
  const kernel = await createSearchKernel({
    reporter,
    createNative: () => Promise.resolve(native),
  });
  assert.equal(kernel, native);
  assert.equal(reporter.warnings().size, 0);
  assert.deepEqual(reporter.infos, []);
});

/** Embeddings with small integer entries, so every dot product is exact in float32 (ties!). */
function integerSet(n: number, dim: number, entry: (i: number, d: number) => number): EmbeddingSet {
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) v[i * dim + d] = entry(i, d);
  const ids = Array.from({ length: n }, (_, i) => `id${i}`);
  return embeddingSet(ids, ids.map((_, i) => `${i}.png`), v, dim);
}

/**
 * The top `k` raw dot-product pairs by brute force, equal scores in the order of one scan over
 * every query (gallery blocks outside; within a block by search position, then gallery row).
 */
function referenceTopK(
  q: EmbeddingSet,
  g: EmbeddingSet,
  rows: number[],
  k: number,
  positiveOnly: boolean,
  galleryBlock: number,
): { scores: number[]; queries: number[]; gallery: number[] } {
  const scores = bruteScores(q, g, false);
  const all: { s: number; pos: number; j: number }[] = [];
  rows.forEach((row, pos) =>
    scores[row]!.forEach((s, j) => (!positiveOnly || s > 0) && all.push({ s, pos, j }))
  );
  const block = (j: number) => Math.floor(j / galleryBlock);
  all.sort((a, b) => b.s - a.s || block(a.j) - block(b.j) || a.pos - b.pos || a.j - b.j);
  const top = all.slice(0, k);
  return {
    scores: top.map((p) => p.s),
    queries: top.map((p) => rows[p.pos]!),
    gallery: top.map((p) => p.j),
  };
}

function columns(top: { scores: Float32Array; queries: Uint32Array; gallery: Uint32Array }) {
  return {
    scores: Array.from(top.scores),
    queries: Array.from(top.queries),
    gallery: Array.from(top.gallery),
  };
}

for (const [name, make] of kernels) {
  Deno.test(`topKPairs(queries, gallery) on ${name} equals brute force exactly, ties in scan order`, async () => {
    const r = rng(5);
    const dim = 6;
    const q = integerSet(70, dim, () => Math.floor(r() * 3) - 1);
    const g = integerSet(500, dim, () => Math.floor(r() * 3) - 1);
    g.vectors.set(g.vectors.subarray(3 * dim, 4 * dim), 400 * dim); // exact duplicate rows
    // Permuted rows, one query searched twice.
    const rows = Array.from({ length: 70 }, (_, i) => (i * 37) % 70);
    rows.push(rows[3]!);
    const kernel = await make();
    try {
      for (const positiveOnly of [true, false]) {
        for (const k of [1, 40, 300]) {
          const top = await topKPairs(q, g, {
            kernel,
            rows,
            k,
            positiveOnly,
            normalize: false,
            queryBlock: 16,
            galleryBlock: 64,
          });
          assert.deepEqual(
            columns(top),
            referenceTopK(q, g, rows, k, positiveOnly, 64),
            `k=${k}, positiveOnly=${positiveOnly}`,
          );
        }
      }
    } finally {
      await kernel.release();
    }
  });

  Deno.test(`topKPairs(queries, gallery) on ${name} with k above the number of queries`, async () => {
    const r = rng(6);
    const q = integerSet(5, 4, () => Math.floor(r() * 5) - 2);
    const g = integerSet(9, 4, () => Math.floor(r() * 5) - 2);
    const kernel = await make();
    try {
      for (const k of [7, 45, 100]) { // 45 = every pair; 100 > every pair
        for (const positiveOnly of [true, false]) {
          const top = await topKPairs(q, g, {
            kernel,
            k,
            positiveOnly,
            normalize: false,
            galleryBlock: 4,
          });
          const want = referenceTopK(q, g, [0, 1, 2, 3, 4], k, positiveOnly, 4);
          assert.deepEqual(columns(top), want, `k=${k}, positiveOnly=${positiveOnly}`);
          if (!positiveOnly) assert.equal(top.scores.length, Math.min(k, 45));
        }
      }
    } finally {
      await kernel.release();
    }
  });

  Deno.test(`topKPairs(queries, gallery) on ${name} finds top-K pairs that all belong to one query`, async () => {
    const r = rng(7);
    const dim = 8;
    const nq = 200, ng = 300, k = 25;
    // Query 123 is large; 40 gallery rows are near it; everything else is small.
    const q = integerSet(nq, dim, (i) => i === 123 ? 5 : Math.floor(r() * 3) - 1);
    const g = integerSet(ng, dim, (j) => j % 7 === 0 && j < 280 ? 4 + Math.floor(r() * 2) : 0);
    for (let j = 0; j < ng * dim; j++) {
      if (g.vectors[j] === 0) g.vectors[j] = Math.floor(r() * 3) - 1;
    }
    const seen: SearchProgress[] = [];
    const kernel = await make();
    let top;
    try {
      top = await topKPairs(q, g, {
        kernel,
        k,
        normalize: false,
        queryBlock: 32,
        galleryBlock: 128,
        onProgress: (p) => seen.push(p),
      });
    } finally {
      await kernel.release();
    }
    const rows = Array.from({ length: nq }, (_, i) => i);
    assert.deepEqual(columns(top), referenceTopK(q, g, rows, k, true, 128));
    assert.deepEqual(new Set(top.queries), new Set([123]));
    // Pass 1 scans every query, pass 2 only the few that can own a top-K pair.
    const last = seen.at(-1)!;
    assert.equal(last.pairs, last.totalPairs);
    assert.equal(last.etaMs, 0);
    assert.ok(last.totalPairs > nq * ng && last.totalPairs < 2 * nq * ng, `${last.totalPairs}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.pairs >= seen[i - 1]!.pairs);
    assert.ok(seen.every((p) => p.pairs <= p.totalPairs));
  });

  Deno.test(`topKPairs(queries, gallery) on ${name} with positiveOnly and negative scores`, async () => {
    const r = rng(8);
    const dim = 8;
    const entry = () => 1 + Math.floor(r() * 2);
    // Queries positive in dims 0..6, gallery negative there: every score is negative...
    const q = integerSet(60, dim, (i, d) => d < 7 ? entry() : i === 5 ? 40 : 0);
    const g = integerSet(90, dim, (_, d) => d < 7 ? -entry() : 0);
    const rows60 = Array.from({ length: 60 }, (_, i) => i);
    const kernel = await make();
    try {
      for (const k of [10, 100]) { // two passes and one
        const none = await topKPairs(q, g, { kernel, k, normalize: false });
        assert.equal(none.scores.length, 0);
        const all = await topKPairs(q, g, { kernel, k, normalize: false, positiveOnly: false });
        assert.deepEqual(columns(all), referenceTopK(q, g, rows60, k, false, 32768));
        assert.ok(all.scores[0]! < 0);
      }
      // ...except query 5 with gallery rows 10 and 11, once their last dimension is set.
      g.vectors[10 * dim + 7] = 1;
      g.vectors[11 * dim + 7] = 2;
      for (const k of [10, 100]) {
        const some = await topKPairs(q, g, { kernel, k, normalize: false, galleryBlock: 16 });
        assert.deepEqual(columns(some), referenceTopK(q, g, rows60, k, true, 16));
        assert.deepEqual(Array.from(some.gallery), [11, 10]);
      }
    } finally {
      await kernel.release();
    }
  });
}
