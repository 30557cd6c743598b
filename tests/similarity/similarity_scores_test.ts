import assert from "node:assert/strict";
import { embeddingSet } from "../../lib/embeddings/_embedding_set.ts";
import { createRng, uniformFloat } from "../../lib/random/mod.ts";
import { similarityScores } from "../../lib/similarity/_similarity_scores.ts";

function clusteredSet(identities: number, per: number, spread: number, seed: number) {
  const rng = createRng(seed);
  const dim = 32;
  const ids: string[] = [], names: string[] = [];
  const v = new Float32Array(identities * per * dim);
  for (let k = 0; k < identities; k++) {
    const centre = Array.from({ length: dim }, () => uniformFloat(rng) - 0.5);
    for (let j = 0; j < per; j++) {
      const row = (k * per + j) * dim;
      for (let d = 0; d < dim; d++) v[row + d] = centre[d]! + spread * (uniformFloat(rng) - 0.5);
      ids.push(`id${k}`);
      names.push(`${j}.png`);
    }
  }
  return embeddingSet(ids, names, v, dim);
}

Deno.test("similarityScores(set, options) separates mated from non-mated scores of clustered embeddings", () => {
  const s = similarityScores(clusteredSet(30, 6, 0.3, 1), { comparisons: 200, seed: 42 });
  assert.equal(s.mated.length, 200);
  assert.equal(s.nonMated.length, 200);
  const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
  assert.ok(mean(s.mated) > 0.8 && Math.abs(mean(s.nonMated)) < 0.2);
  assert.equal(s.identities, 30);
  assert.equal(s.samples, 180);
});

Deno.test("similarityScores(set, { seed }) is reproducible and changes with the seed", () => {
  const set = clusteredSet(10, 4, 0.5, 2);
  const a = similarityScores(set, { comparisons: 20, seed: 5 });
  const b = similarityScores(set, { comparisons: 20, seed: 5 });
  const c = similarityScores(set, { comparisons: 20, seed: 6 });
  assert.deepEqual(a.mated, b.mated);
  assert.deepEqual(a.nonMated, b.nonMated);
  assert.notDeepEqual(a.nonMated, c.nonMated);
});
