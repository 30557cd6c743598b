import assert from "node:assert/strict";
import { type EmbeddingSet, embeddingSet } from "../../lib/embeddings/_embedding_set.ts";
import { normalizeRows } from "../../lib/embeddings/_normalize.ts";
import { embeddingBlocks, openNpyBlocks } from "../../lib/embeddings/_npy_blocks.ts";
import { writeNpy } from "../../lib/embeddings/_npy.ts";
import { createRng, uniformFloat } from "../../lib/random/mod.ts";
import { createJsScoreTopK, type ScoreTopKKernel } from "../../lib/similarity/_gemm.ts";
import { createInt8TopK, type Int8TopKKernel } from "../../lib/similarity/_int8_matmul.ts";
import {
  quantizedNorms,
  quantizeGalleryBlock,
  quantizeQueryRows,
} from "../../lib/similarity/_int8_quantize.ts";
import { createOrtScoreTopK } from "../../lib/similarity/_ort_matmul.ts";
import {
  bestMatches,
  type SearchOptions,
  type TopKOptions,
  topKPairs,
  type TopKResult,
} from "../../lib/similarity/_search.ts";

function rng(seed: number): () => number {
  const source = createRng(seed);
  return () => uniformFloat(source);
}

/** Standard normal numbers (Box-Muller) from the kit's generator. */
function gaussian(seed: number): () => number {
  const r = rng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function set(v: Float32Array, dim: number): EmbeddingSet {
  const n = v.length / dim;
  const ids = Array.from({ length: n }, (_, i) => `id${i}`);
  return embeddingSet(ids, ids.map((_, i) => `${i}.jpg`), v, dim);
}

function randomUnit(n: number, dim: number, seed: number): EmbeddingSet {
  const r = rng(seed);
  const v = new Float32Array(n * dim);
  for (let i = 0; i < v.length; i++) v[i] = r() * 2 - 1 + 0.15;
  return set(normalizeRows(v, dim), dim);
}

/**
 * Identities as ArcFace clusters them: `ids` unit centres, each sample the centre plus noise of
 * norm `spread` (0.3-0.5), renormalised, so mated scores sit near `1 / (1 + spread^2)`.
 */
function clustered(
  n: number,
  ids: number,
  dim: number,
  spread: number,
  seed: number,
  centre = seed,
) {
  const g = gaussian(seed);
  const c0 = gaussian(centre);
  const centres = new Float32Array(ids * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = c0();
  normalizeRows(centres, dim);
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = (i * 7919) % ids;
    for (let d = 0; d < dim; d++) {
      v[i * dim + d] = centres[c * dim + d]! + g() * spread / Math.sqrt(dim);
    }
  }
  return set(normalizeRows(v, dim), dim);
}

/** Float64 brute force: best gallery row (first of equal float32-rounded scores) per query. */
function bruteBest(q: EmbeddingSet, g: EmbeddingSet, rows: number[], normalize: boolean) {
  const { dim } = q;
  const unit = (s: EmbeddingSet, i: number) => {
    const row = s.vectors.slice(i * dim, (i + 1) * dim);
    return normalize ? normalizeRows(row, dim, { norm: "float64" }) : row;
  };
  const gallery = g.identities.map((_, j) => unit(g, j));
  return rows.map((r) => {
    const x = unit(q, r);
    let best = -Infinity, at = 0;
    gallery.forEach((y, j) => {
      let s = 0;
      for (let d = 0; d < dim; d++) s += x[d]! * y[d]!;
      const f = Math.fround(s);
      if (f > best) [best, at] = [f, j];
    });
    return { score: best, gallery: at };
  });
}

let int8: Int8TopKKernel | undefined;
let ort: ScoreTopKKernel | undefined;
async function kernels(): Promise<{ int8: Int8TopKKernel; ort: ScoreTopKKernel }> {
  int8 ??= await createInt8TopK({ threads: 1 });
  ort ??= await createOrtScoreTopK({ threads: 1 });
  return { int8, ort };
}

/** Best match with the js kernel, and with int8 (fp32 fallback on ONNX Runtime). */
async function bothBest(q: EmbeddingSet, g: EmbeddingSet, options: SearchOptions) {
  const { int8, ort } = await kernels();
  const js = await bestMatches(q, g, { ...options, kernel: createJsScoreTopK() });
  const fast = await bestMatches(q, g, { ...options, kernel: ort, int8 });
  return { js, fast };
}

function columnsOf(r: TopKResult) {
  return { scores: Array.from(r.scores), q: Array.from(r.queries), g: Array.from(r.gallery) };
}

async function bothTop(q: EmbeddingSet, g: EmbeddingSet, options: TopKOptions & { k: number }) {
  const { int8, ort } = await kernels();
  const js = await topKPairs(q, g, { ...options, kernel: createJsScoreTopK() });
  const fast = await topKPairs(q, g, { ...options, kernel: ort, int8 });
  return { js, fast };
}

const blocks = { queryBlock: 64, galleryBlock: 1000 };

Deno.test("quantizeQueryRows and quantizeGalleryBlock: x = s q + e with the norms the bound uses", () => {
  const dim = 16;
  const { vectors } = randomUnit(5, dim, 3);
  const qn = quantizedNorms(5), gn = quantizedNorms(5);
  const qc = new Uint8Array(5 * dim), gc = new Int8Array(5 * dim);
  quantizeQueryRows(vectors, 5, dim, qc, qn);
  const s = quantizeGalleryBlock(vectors, 5, dim, gc, gn);
  for (let r = 0; r < 5; r++) {
    let e2q = 0, e2g = 0, n2 = 0;
    for (let d = 0; d < dim; d++) {
      const x = vectors[r * dim + d]!;
      e2q += (x - qn.scale[r]! * (qc[r * dim + d]! - 128)) ** 2;
      e2g += (x - s * gc[d * 5 + r]!) ** 2;
      n2 += x * x;
    }
    assert.ok(
      Math.sqrt(e2q) <= qn.residualNorm[r]! && qn.residualNorm[r]! < Math.sqrt(e2q) + 1e-12,
    );
    assert.ok(
      Math.sqrt(e2g) <= gn.residualNorm[r]! && gn.residualNorm[r]! < Math.sqrt(e2g) + 1e-12,
    );
    assert.ok(Math.abs(gn.norm[r]! - Math.sqrt(n2)) < 1e-12);
    assert.ok(qn.residualNorm[r]! < 0.5 * qn.scale[r]! * Math.sqrt(dim));
  }
});

Deno.test("bestMatches(queries, gallery, { int8 }) equals the js search and float64 brute force on random rows", async () => {
  const dim = 64;
  const q = randomUnit(300, dim, 1);
  const g = randomUnit(3500, dim, 2);
  const rows = Array.from({ length: 300 }, (_, i) => (i * 37) % 300);
  const { js, fast } = await bothBest(q, g, { ...blocks, rows });
  assert.equal(fast.kernel, "int8/ort-cpu");
  assert.deepEqual(Array.from(fast.gallery), Array.from(js.gallery));
  assert.deepEqual(Array.from(fast.scores), Array.from(js.scores));
  const brute = bruteBest(q, g, rows, true);
  assert.deepEqual(Array.from(fast.gallery), brute.map((b) => b.gallery));
  assert.deepEqual(Array.from(fast.scores), brute.map((b) => b.score));
  assert.ok(fast.prefilter!.visits === 300 * 4);
});

Deno.test("bestMatches(queries, gallery, { int8 }) equals the js search on clustered identities (spread 0.3-0.5)", async () => {
  const dim = 128;
  for (const spread of [0.3, 0.5]) {
    const g = clustered(4000, 200, dim, spread, 5);
    const q = clustered(400, 200, dim, spread, 6);
    const { js, fast } = await bothBest(q, g, blocks);
    assert.deepEqual(Array.from(fast.gallery), Array.from(js.gallery));
    assert.deepEqual(Array.from(fast.scores), Array.from(js.scores));
  }
});

Deno.test("bestMatches(queries, gallery, { int8 }) keeps the first of tied and duplicated gallery rows", async () => {
  const dim = 32;
  const g = randomUnit(2000, dim, 8);
  const q = randomUnit(50, dim, 9);
  for (const [at, copies] of [[3, [1200, 1999, 40]], [10, [400, 401, 402]]] as const) {
    for (const c of copies) g.vectors.set(q.vectors.subarray(at * dim, (at + 1) * dim), c * dim);
  }
  for (let j = 0; j < 40; j++) g.vectors.set(g.vectors.subarray(0, dim), (1500 + j) * dim);
  q.vectors.set(g.vectors.subarray(0, dim), 20 * dim); // 41 equal gallery rows, beyond k = 32
  const { js, fast } = await bothBest(q, g, { ...blocks, galleryBlock: 600 });
  assert.equal(fast.gallery[3], 40);
  assert.equal(fast.gallery[10], 400);
  assert.equal(fast.gallery[20], 0);
  assert.deepEqual(Array.from(fast.gallery), Array.from(js.gallery));
  assert.deepEqual(Array.from(fast.scores), Array.from(js.scores));
  assert.ok(fast.prefilter!.fallbackVisits > 0, "41 equal rows exceed the prefilter's k");
});

Deno.test("bestMatches(queries, gallery, { int8 }) is exact when scores are packed within the bound", async () => {
  // Gallery rows that differ from one direction by far less than the quantisation error: every
  // approximate score ties within the bound, so certification must rescore or fall back.
  const dim = 64;
  const r = rng(12);
  const base = randomUnit(1, dim, 13).vectors;
  const v = new Float32Array(1500 * dim);
  for (let j = 0; j < 1500; j++) {
    for (let d = 0; d < dim; d++) v[j * dim + d] = base[d]! + (r() - 0.5) * 1e-3;
  }
  const g = set(normalizeRows(v, dim), dim);
  const q = set(v.slice(0, 20 * dim).map((x, i) => x + (i % 3) * 1e-4), dim);
  const { js, fast } = await bothBest(q, g, { queryBlock: 8, galleryBlock: 500 });
  assert.deepEqual(Array.from(fast.gallery), Array.from(js.gallery));
  assert.deepEqual(Array.from(fast.scores), Array.from(js.scores));
  assert.ok(fast.prefilter!.fallbackQueries > 0, "the packed block forces the fallback");
});

Deno.test("bestMatches(queries, gallery, { int8, normalize: false }) on rows not of unit length and zero rows", async () => {
  const dim = 24;
  const r = rng(21);
  const g = randomUnit(1800, dim, 22);
  for (let i = 0; i < g.vectors.length; i++) g.vectors[i]! *= 0.2 + 3 * ((i / dim | 0) % 7) / 7;
  g.vectors.fill(0, 100 * dim, 101 * dim);
  const q = randomUnit(60, dim, 23);
  for (let i = 0; i < q.vectors.length; i++) q.vectors[i]! *= 0.5 + r() * 4;
  q.vectors.fill(0, 5 * dim, 6 * dim); // a zero query: every score 0, the first row wins
  for (const normalize of [false, true]) {
    const { js, fast } = await bothBest(q, g, { ...blocks, normalize });
    assert.deepEqual(Array.from(fast.gallery), Array.from(js.gallery), `normalize ${normalize}`);
    assert.deepEqual(Array.from(fast.scores), Array.from(js.scores));
    assert.equal(fast.scores[5], 0);
    assert.equal(fast.gallery[5], 0);
  }
});

Deno.test("bestMatches(queries, gallery, { int8 }) falls back for every visit when k is 1 and rows tie", async () => {
  const dim = 16;
  const g = set(new Float32Array(300 * dim).fill(0.25), dim);
  const q = randomUnit(10, dim, 31);
  const { js, fast } = await bothBest(q, g, { queryBlock: 4, galleryBlock: 100, prefilterK: 1 });
  assert.deepEqual(Array.from(fast.gallery), Array.from(js.gallery));
  assert.deepEqual(Array.from(fast.scores), Array.from(js.scores));
  assert.equal(fast.prefilter!.fallbackQueries, 10);
  assert.equal(fast.prefilter!.fallbackVisits, 30);
});

Deno.test("topKPairs(queries, gallery, { int8 }) equals the js search: random, clustered, duplicated", async () => {
  const dim = 48;
  const cases: [string, EmbeddingSet, EmbeddingSet][] = [
    ["random", randomUnit(400, dim, 41), randomUnit(2500, dim, 42)],
    ["clustered", clustered(400, 50, dim, 0.4, 43), clustered(2500, 50, dim, 0.4, 44)],
  ];
  const dup = randomUnit(2500, dim, 45);
  const dq = randomUnit(400, dim, 46);
  for (let j = 0; j < 40; j++) {
    dup.vectors.set(dq.vectors.subarray(9 * dim, 10 * dim), (j * 61) * dim);
  }
  cases.push(["duplicated", dq, dup]);
  for (const [name, q, g] of cases) {
    for (const [k, normalize, positiveOnly] of [[100, false, true], [30, true, false]] as const) {
      const { js, fast } = await bothTop(q, g, { ...blocks, k, normalize, positiveOnly });
      assert.deepEqual(columnsOf(fast), columnsOf(js), `${name} k=${k}`);
      assert.equal(fast.scores.length, k);
    }
  }
});

Deno.test("topKPairs(queries, gallery, { int8 }) is exact when scores are packed within the bound", async () => {
  const dim = 64;
  const r = rng(71);
  const base = randomUnit(1, dim, 72).vectors;
  const v = new Float32Array(2200 * dim);
  for (let j = 0; j < 2200; j++) {
    for (let d = 0; d < dim; d++) v[j * dim + d] = base[d]! + (r() - 0.5) * 2e-3;
  }
  const g = set(normalizeRows(v.slice(0, 2000 * dim), dim), dim);
  const q = set(normalizeRows(v.slice(2000 * dim), dim), dim);
  for (const prefilterK of [4, 16]) {
    for (const k of [10, 300]) {
      const options = { queryBlock: 16, galleryBlock: 700, k, prefilterK, normalize: false };
      const { js, fast } = await bothTop(q, g, options);
      assert.deepEqual(columnsOf(fast), columnsOf(js), `k=${k} prefilterK=${prefilterK}`);
      assert.ok(fast.prefilter!.fallbackVisits > 0);
    }
  }
});

Deno.test("topKPairs(queries, gallery, { int8 }) on one pass and on two with a small prefilter k", async () => {
  const dim = 512;
  const q = clustered(150, 40, dim, 0.5, 81, 80); // mated with the gallery: shared centres
  const g = clustered(3000, 40, dim, 0.5, 82, 80);
  for (const [k, rows] of [[200, 120], [60, 150]] as const) {
    const options = {
      ...blocks,
      k,
      prefilterK: 2,
      rows: Array.from({ length: rows }, (_, i) => i),
    };
    const { js, fast } = await bothTop(q, g, options);
    assert.deepEqual(columnsOf(fast), columnsOf(js), `k=${k}`);
  }
});

Deno.test("topKPairs(queries, gallery, { int8 }) on passes smaller than a query block: float32 + exact rescoring", async () => {
  const dim = 64;
  const q = clustered(300, 40, dim, 0.4, 91, 90);
  const g = clustered(2800, 40, dim, 0.4, 92, 90);
  const galleryBlock = 700; // 4 gallery blocks
  for (
    const [k, rows, positiveOnly] of [[50, 30, false], [50, 30, true], [40, 300, true]] as const
  ) {
    const options = {
      queryBlock: 128,
      galleryBlock,
      k,
      positiveOnly,
      rows: Array.from({ length: rows }, (_, i) => i),
    };
    const { js, fast } = await bothTop(q, g, options);
    assert.deepEqual(columnsOf(fast), columnsOf(js), `k=${k} rows=${rows}`);
    assert.ok(fast.prefilter!.float32Visits > 0, "the small pass is scored in float32");
    // One pass (rows <= k), or pass 1 plus a pass 2 of about k queries: never the rescan of all.
    assert.ok(fast.prefilter!.visits < 2 * rows * 4, `visits ${fast.prefilter!.visits}`);
  }
});

Deno.test("topKPairs(queries, gallery, { int8 }) in 8 dimensions, where quantisation errors exceed the gaps", async () => {
  const q = randomUnit(400, 8, 101);
  const g = randomUnit(3000, 8, 102);
  for (const prefilterK of [8, 32]) {
    const options = { queryBlock: 64, galleryBlock: 1000, k: 200, prefilterK, normalize: false };
    const { js, fast } = await bothTop(q, g, options);
    assert.deepEqual(columnsOf(fast), columnsOf(js), `prefilterK ${prefilterK}`);
  }
});

Deno.test("topKPairs(queries, gallery, { int8 }) with k above the number of queries and ties", async () => {
  const dim = 16;
  const g = set(new Float32Array(700 * dim).fill(0.25), dim);
  const q = randomUnit(5, dim, 51);
  const { js, fast } = await bothTop(q, g, { queryBlock: 2, galleryBlock: 300, k: 50 });
  assert.deepEqual(columnsOf(fast), columnsOf(js));
});

Deno.test("bestMatches and topKPairs on a streamed .npy gallery equal the in-memory gallery", async () => {
  const dim = 32;
  const g = clustered(3000, 100, dim, 0.4, 61);
  const q = clustered(200, 100, dim, 0.4, 62);
  const path = `${await Deno.makeTempDir()}/gallery.npy`;
  await writeNpy(path, g);
  const { int8, ort } = await kernels();
  for (const extra of [{}, { int8 }] as SearchOptions[]) {
    const options = { ...blocks, kernel: ort, ...extra };
    const memory = await bestMatches(q, g, options);
    const streamed = await openNpyBlocks(path);
    const disk = await bestMatches(q, streamed, options);
    const top = await topKPairs(q, streamed, { ...options, k: 40 });
    streamed.close();
    assert.deepEqual(Array.from(disk.gallery), Array.from(memory.gallery));
    assert.deepEqual(Array.from(disk.scores), Array.from(memory.scores));
    const view = await topKPairs(q, embeddingBlocks(g), { ...options, k: 40 });
    assert.deepEqual(columnsOf(top), columnsOf(await topKPairs(q, g, { ...options, k: 40 })));
    assert.deepEqual(columnsOf(view), columnsOf(top));
  }
  await Deno.remove(path);
});

Deno.test("int8 kernels release", async () => {
  await int8?.release();
  await ort?.release();
});
