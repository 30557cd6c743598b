import assert from "node:assert/strict";
import { embeddingSet, groupByIdentity } from "../../lib/embeddings/_embedding_set.ts";
import { createRng } from "../../lib/random/mod.ts";
import { sampleMatedPairs, sampleNonMatedPairs } from "../../lib/similarity/_pairs.ts";

function groups(sizes: number[]) {
  const ids: string[] = [];
  sizes.forEach((m, k) => {
    for (let j = 0; j < m; j++) ids.push(`id${k}`);
  });
  // interleave rows so that identities are not contiguous in the file
  const order = ids.map((_, i) => i).sort((a, b) =>
    (a * 7919) % ids.length - (b * 7919) % ids.length
  );
  const shuffled = order.map((i) => ids[i]!);
  return groupByIdentity(
    embeddingSet(
      shuffled,
      shuffled.map((_, i) => `${i}.png`),
      new Float32Array(shuffled.length),
      1,
    ),
  );
}

Deno.test("sampleMatedPairs(groups, n) draws distinct same-identity pairs (i < j in row order)", () => {
  const g = groups([5, 1, 8, 2, 30]);
  const p = sampleMatedPairs(g, 100, { seed: 3 });
  assert.equal(p.available, 10 + 28 + 1 + 435);
  assert.equal(p.first.length, 100);
  const seen = new Set<string>();
  for (let k = 0; k < 100; k++) {
    assert.equal(g.labels[p.first[k]!], g.labels[p.second[k]!]);
    assert.ok(p.first[k] !== p.second[k]);
    const key = `${Math.min(p.first[k]!, p.second[k]!)}-${Math.max(p.first[k]!, p.second[k]!)}`;
    assert.ok(!seen.has(key), `duplicate pair ${key}`);
    seen.add(key);
  }
  assert.equal(p.singleImageIdentities, 1);
  assert.equal(p.identities, 5);
  assert.equal(p.requested, 100);
});

Deno.test("sampleMatedPairs(groups, n) returns every pair when n is not below the count", () => {
  const g = groups([3, 4]);
  const p = sampleMatedPairs(g, 9, { seed: 1 });
  assert.equal(p.first.length, 9);
  assert.equal(p.available, 9);
  assert.equal(p.requested, 9);
  const keys = new Set(
    Array.from(p.first, (a, k) => `${Math.min(a, p.second[k]!)}-${Math.max(a, p.second[k]!)}`),
  );
  assert.equal(keys.size, 9);
});

Deno.test("sampleMatedPairs(groups, n) is uniform over all pairs (chi-square)", () => {
  const g = groups([4, 3, 2]); // 6 + 3 + 1 = 10 pairs
  const counts = new Map<string, number>();
  const rng = createRng(5);
  for (let t = 0; t < 4000; t++) {
    const p = sampleMatedPairs(g, 3, { rng });
    for (let k = 0; k < 3; k++) {
      const key = `${p.first[k]}-${p.second[k]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  assert.equal(counts.size, 10);
  const expected = 4000 * 3 / 10;
  const chi = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  assert.ok(chi < 27.9, `chi-square ${chi} (9 df)`);
});

Deno.test("sampleMatedPairs(groups, n) samples from a huge pair space without listing it", () => {
  const g = groups(new Array(200).fill(2000)); // 200 * 1999000 ≈ 4e8 pairs
  const p = sampleMatedPairs(g, 10000, { seed: 42 });
  assert.equal(p.available, 200 * 1999000);
  for (let k = 0; k < p.first.length; k++) {
    assert.equal(g.labels[p.first[k]!], g.labels[p.second[k]!]);
  }
});

Deno.test("sampleMatedPairs(groups, n) is seeded and rejects sets without mated pairs", () => {
  const g = groups([6, 6, 6]);
  assert.deepEqual(sampleMatedPairs(g, 5, { seed: 9 }), sampleMatedPairs(g, 5, { seed: 9 }));
  assert.throws(() => sampleMatedPairs(groups([1, 1, 1]), 5), /no identity has two images/);
  assert.throws(() => sampleMatedPairs(g, 0), RangeError);
});

Deno.test("sampleNonMatedPairs(groups, n) pairs different identities and stops after 10n attempts", () => {
  const g = groups([50, 50, 1]);
  const p = sampleNonMatedPairs(g, 500, { seed: 2 });
  assert.equal(p.first.length, 500);
  for (let k = 0; k < 500; k++) assert.notEqual(g.labels[p.first[k]!], g.labels[p.second[k]!]);
  // one image of another identity among 1000: a pair differs with probability ~0.002
  const rare = groups([1000, 1]);
  const q = sampleNonMatedPairs(rare, 100, { seed: 1 });
  assert.equal(q.attempts, 1000);
  assert.ok(q.first.length < 100);
  assert.equal(q.requested, 100);
});

Deno.test("sampleNonMatedPairs(groups, n) explains that one identity has no non-mated pair", () => {
  assert.throws(
    () => sampleNonMatedPairs(groups([5]), 10),
    /1 identity \("id0"\), so no non-mated pair exists/,
  );
});
