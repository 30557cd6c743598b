import assert from "node:assert/strict";
import { normalizeRows } from "../../lib/embeddings/mod.ts";
import { createRng, normal, uniformFloat } from "../../lib/random/mod.ts";

// The copies that normalizeRows replaced, verbatim (arithmetic and order) from before the change.

/** lib/model/_arcface.ts `l2NormalizeRows`: in place, float32 norm, zero row skipped. */
function arcfaceCopy(rows: Float32Array, dim: number): Float32Array {
  for (let start = 0; start < rows.length; start += dim) {
    let sum = 0;
    for (let i = start; i < start + dim; i++) sum += rows[i]! * rows[i]!;
    if (sum === 0) continue;
    const norm = Math.fround(Math.sqrt(sum));
    for (let i = start; i < start + dim; i++) rows[i] = rows[i]! / norm;
  }
  return rows;
}

/** lib/similarity/_search.ts `gatherQueries` (normalising part): in place, float64 norm. */
function searchQueryCopy(block: Float32Array, dim: number): Float32Array {
  for (let dst = 0; dst < block.length; dst += dim) {
    let s = 0;
    for (let d = dst; d < dst + dim; d++) s += block[d]! * block[d]!;
    if (s === 0) continue;
    const norm = Math.sqrt(s);
    for (let d = dst; d < dst + dim; d++) block[d] = block[d]! / norm;
  }
  return block;
}

/** lib/similarity/_search.ts `normalizedBlock`: a copy, float64 norm, zero row divided by 1. */
function searchGalleryCopy(vectors: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(vectors.length);
  for (let src = 0; src < vectors.length; src += dim) {
    let s = 0;
    for (let d = src; d < src + dim; d++) s += vectors[d]! * vectors[d]!;
    const norm = s > 0 ? Math.sqrt(s) : 1;
    for (let d = 0; d < dim; d++) out[src + d] = vectors[src + d]! / norm;
  }
  return out;
}

/** Rows of every awkward kind: normal, tiny, huge, subnormal, zero, -0, one-hot, already unit. */
function awkwardRows(n: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const rows = new Float32Array(n * dim);
  const scales = [1, 1e-3, 1e-20, 1e20, 1e-42, 3e38 / Math.sqrt(dim)];
  for (let r = 0; r < n; r++) {
    const row = rows.subarray(r * dim, (r + 1) * dim);
    const kind = r % 10;
    if (kind === 0) continue; // +0 row
    if (kind === 1) row.fill(-0);
    else if (kind === 2) row[Math.floor(uniformFloat(rng) * dim)] = -2.5;
    else {
      const scale = scales[r % scales.length]!;
      for (let d = 0; d < dim; d++) row[d] = normal(rng) * scale + (kind === 3 ? 0.2 : 0);
      if (kind === 4) arcfaceCopy(row, dim); // already (nearly) unit
    }
  }
  return rows;
}

const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

Deno.test("normalizeRows(rows, dim) equals the embedding pipeline's former l2NormalizeRows bit for bit", () => {
  for (const dim of [1, 3, 512]) {
    const rows = awkwardRows(400, dim, dim);
    const want = arcfaceCopy(rows.slice(), dim);
    const got = normalizeRows(rows, dim);
    assert.equal(got, rows, "in place by default");
    assert.deepEqual(bitsOf(got), bitsOf(want), `dim ${dim}`);
  }
});

Deno.test("normalizeRows(rows, dim, { norm: 'float64' }) equals the search's former query normalisation bit for bit", () => {
  for (const dim of [1, 7, 512]) {
    const rows = awkwardRows(400, dim, 100 + dim);
    const want = searchQueryCopy(rows.slice(), dim);
    assert.deepEqual(bitsOf(normalizeRows(rows, dim, { norm: "float64" })), bitsOf(want));
  }
});

Deno.test("normalizeRows(rows, dim, { out, norm: 'float64' }) equals the search's gallery-block copy on finite rows", () => {
  const dim = 64;
  const rows = awkwardRows(300, dim, 7);
  const before = rows.slice();
  const out = new Float32Array(rows.length).fill(9);
  assert.equal(normalizeRows(rows, dim, { out, norm: "float64" }), out);
  assert.deepEqual(bitsOf(out), bitsOf(searchGalleryCopy(rows, dim)));
  assert.deepEqual(bitsOf(rows), bitsOf(before), "the input is not touched");
});

Deno.test("normalizeRows(rows, dim) leaves a zero row zero, signs of zeros kept, in place or into out", () => {
  const rows = new Float32Array([0, -0, 0, 3, 0, -4]);
  const out = new Float32Array(6).fill(7);
  normalizeRows(rows, 3, { out });
  assert.ok(Object.is(out[0], 0) && Object.is(out[1], -0) && Object.is(out[2], 0));
  assert.deepEqual(Array.from(out.subarray(3)), [Math.fround(0.6), 0, Math.fround(-0.8)]);
  normalizeRows(rows, 3);
  assert.ok(Object.is(rows[0], 0) && Object.is(rows[1], -0) && Object.is(rows[2], 0));
});

Deno.test("normalizeRows(rows, dim) gives unit rows, and a row holding NaN becomes all NaN", () => {
  const dim = 512;
  const rows = normalizeRows(awkwardRows(50, dim, 3), dim);
  for (let r = 0; r < 50; r++) {
    // Zero rows stay zero; a subnormal row's norm held in float32 keeps only about 14 bits.
    if (r % 10 < 2 || r % 6 === 4) continue;
    let s = 0;
    for (let d = r * dim; d < (r + 1) * dim; d++) s += rows[d]! * rows[d]!;
    assert.ok(Math.abs(Math.sqrt(s) - 1) < 1e-6, `row ${r}: norm ${Math.sqrt(s)}`);
  }
  const bad = normalizeRows(new Float32Array([1, NaN, 2]), 3);
  assert.ok(bad.every(Number.isNaN));
});

Deno.test("normalizeRows(rows, dim, options) rejects a bad shape, out or norm", () => {
  assert.throws(() => normalizeRows(new Float32Array(5), 2), RangeError);
  assert.throws(() => normalizeRows(new Float32Array(4), 0), RangeError);
  assert.throws(() => normalizeRows(new Float32Array(4), 1.5), RangeError);
  assert.throws(
    () => normalizeRows(new Float32Array(4), 2, { out: new Float32Array(2) }),
    /must hold 4 values/,
  );
  assert.throws(
    // @ts-expect-error: a norm outside the two rules
    () => normalizeRows(new Float32Array(4), 2, { norm: "float16" }),
    RangeError,
  );
  assert.equal(normalizeRows(new Float32Array(0), 4).length, 0);
});
