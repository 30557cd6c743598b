import assert from "node:assert/strict";
import { embeddingSet, groupByIdentity } from "../../lib/embeddings/mod.ts";
import {
  centrePairsAbove,
  datasetDiversity,
  identityCentres,
  intraClassSpread,
  uniqueIdentities,
} from "../../lib/metrics/mod.ts";
import { runPython, skipUnlessPython } from "../_python.ts";
import { type Planted, plantIdentities } from "./_planted_identities.ts";

function groupsOf(p: Planted) {
  return groupByIdentity(embeddingSet(p.identities, p.imageNames, p.vectors, p.dim));
}

/** The answer from the planted edges alone: Vec2Face's rule and the components (by BFS). */
function expectedCounts(identities: number, edges: [number, number][]) {
  const later = new Set(edges.map(([a, b]) => Math.max(a, b)));
  const next = Array.from({ length: identities }, () => [] as number[]);
  for (const [a, b] of edges) next[a]!.push(b), next[b]!.push(a);
  const seen = new Uint8Array(identities);
  const sizes: number[] = [];
  for (let s = 0; s < identities; s++) {
    if (seen[s]) continue;
    let size = 0;
    const queue = [s];
    seen[s] = 1;
    while (queue.length > 0) {
      const v = queue.pop()!;
      size++;
      for (const w of next[v]!) if (!seen[w]) (seen[w] = 1), queue.push(w);
    }
    sizes.push(size);
  }
  return { vec2face: identities - later.size, groups: sizes.length, largest: Math.max(...sizes) };
}

const key = (a: number, b: number) => `${Math.min(a, b)}-${Math.max(a, b)}`;

Deno.test("datasetDiversity(set, groups) finds exactly the planted twins and bridges", () => {
  const planted = plantIdentities({
    originals: 40,
    images: [2, 5, 9, 1],
    twins: [3, 7, 7, 20],
    bridges: [[10, 11], [30, 40]],
    seed: 5,
  });
  const d = datasetDiversity(planted, groupsOf(planted));
  const found = new Set(Array.from(d.pairs.first, (a, p) => key(a, d.pairs.second[p]!)));
  assert.deepEqual(found, new Set(planted.edges.map(([a, b]) => key(a, b))));
  const want = expectedCounts(planted.identityCount, planted.edges);
  assert.equal(planted.identityCount, 46);
  assert.equal(d.unique.vec2face, want.vec2face);
  assert.equal(d.unique.groups, want.groups);
  assert.equal(d.unique.largestGroup, want.largest);
  // the bridge 45 joins 30 with 40, the twin of 3: one group of four
  assert.equal(d.unique.largestGroup, 4);
  assert.ok(d.unique.groups <= d.unique.vec2face);
  assert.equal(d.threshold, 0.4);
  assert.equal(d.images, planted.identities.length);
});

Deno.test("uniqueIdentities(k, pairs): Vec2Face's count depends on the order, the groups do not", () => {
  // a bridge between two strangers: last, both strangers count; first, only the bridge does
  const bridgeLast = uniqueIdentities(3, { first: [0, 1], second: [2, 2] });
  const bridgeFirst = uniqueIdentities(3, { first: [0, 0], second: [1, 2] });
  assert.equal(bridgeLast.vec2face, 2);
  assert.equal(bridgeFirst.vec2face, 1);
  assert.equal(bridgeLast.groups, 1);
  assert.equal(bridgeFirst.groups, 1);
  assert.deepEqual(Array.from(bridgeLast.groupOf), [0, 0, 0]);
  const none = uniqueIdentities(3, { first: [], second: [] });
  assert.equal(none.vec2face, 3);
  assert.equal(none.groups, 3);
  assert.equal(none.mergedIdentities, 0);
  assert.throws(
    () => uniqueIdentities(3, { first: [0], second: [3] }),
    (e) => e instanceof RangeError && /pair 0 names identity 3, outside 0\.\.2/.test(e.message),
  );
});

Deno.test("centrePairsAbove(centres, t) keeps scores strictly above t, equal to a float64 brute force", () => {
  const planted = plantIdentities({ originals: 13, images: 3, twins: [0, 5], seed: 9, dim: 8 });
  const centres = identityCentres(planted, groupsOf(planted));
  const k = centres.counts.length;
  for (const t of [-1, 0, 0.3, 0.9]) {
    const got = centrePairsAbove(centres, t);
    const want: string[] = [];
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        let s = 0;
        for (let d = 0; d < 8; d++) s += centres.centres[i * 8 + d]! * centres.centres[j * 8 + d]!;
        if (s > t) want.push(`${i}-${j}:${s}`);
      }
    }
    assert.deepEqual(
      Array.from(got.first, (a, p) => `${a}-${got.second[p]}:${got.scores[p]}`),
      want,
    );
  }
  const tie = centrePairsAbove({ centres: new Float64Array([1, 0, 1, 0]), dim: 2 }, 1);
  assert.equal(tie.first.length, 0, "a score equal to the threshold is not above it");
  assert.throws(() => centrePairsAbove(centres, NaN), RangeError);
});

Deno.test("intraClassSpread(set, groups): each identity's mean equals the closed form |Σx|² − m over m(m − 1)", () => {
  const planted = plantIdentities({ originals: 12, images: [1, 2, 3, 7], seed: 3, noise: 0.06 });
  const groups = groupsOf(planted);
  const s = intraClassSpread(planted, groups);
  const dim = planted.dim;
  for (let c = 0; c < groups.names.length; c++) {
    const start = groups.offsets[c]!, end = groups.offsets[c + 1]!, m = end - start;
    assert.equal(s.images[c], m);
    assert.equal(s.pairs[c], (m * (m - 1)) / 2);
    if (m === 1) {
      assert.ok(Number.isNaN(s.mean[c]!) && Number.isNaN(s.median[c]!));
      continue;
    }
    const sum = new Float64Array(dim);
    let sqNorms = 0;
    for (let p = start; p < end; p++) {
      const r = groups.rows[p]!;
      let sq = 0;
      for (let d = 0; d < dim; d++) {
        sum[d]! += planted.vectors[r * dim + d]!;
        sq += planted.vectors[r * dim + d]! ** 2;
      }
      sqNorms += sq;
    }
    let total = 0;
    for (const v of sum) total += v * v;
    assert.ok(Math.abs(s.mean[c]! - (total - sqNorms) / (m * (m - 1))) < 1e-6, `identity ${c}`);
    assert.ok(s.min[c]! <= s.median[c]! && s.median[c]! <= s.max[c]!);
    assert.ok(s.std[c]! >= 0 && (m > 2 || s.std[c] === 0));
  }
  const d = datasetDiversity(planted, groups);
  assert.equal(d.singleImageIdentities, 3);
});

Deno.test("datasetDiversity(set, groups, { pairs }) counts from the pairs given, and checks its input", () => {
  const planted = plantIdentities({ originals: 5, images: 2, seed: 2, dim: 16 });
  const groups = groupsOf(planted);
  const d = datasetDiversity(planted, groups, {
    pairs: { first: Uint32Array.of(0), second: Uint32Array.of(4), scores: Float64Array.of(0.5) },
  });
  assert.equal(d.unique.vec2face, 4);
  assert.equal(d.unique.mergedIdentities, 2);
  assert.throws(() => datasetDiversity(planted, groups, { threshold: Infinity }), RangeError);
  assert.throws(
    () => identityCentres({ vectors: new Float32Array(6), dim: 4 }, { offsets: [0, 1], rows: [0] }),
    (e) => e instanceof RangeError && /6 values do not make rows of 4/.test(e.message),
  );
  assert.throws(
    () =>
      intraClassSpread({ vectors: new Float32Array(4), dim: 2 }, { offsets: [0, 2], rows: [0, 2] }),
    (e) =>
      e instanceof RangeError && /row index 2 at position 1 is outside the 2 rows/.test(e.message),
  );
});

Deno.test({
  name:
    "datasetDiversity equals Vec2Face's count in numpy + scikit-learn, and the spread numpy's statistics",
  ignore: skipUnlessPython("numpy", "sklearn"),
  fn: async () => {
    const planted = plantIdentities({
      originals: 30,
      images: [4, 2, 6],
      twins: [2, 2, 9],
      bridges: [[0, 1], [4, 31]],
      seed: 11,
      noise: 0.05,
    });
    const groups = groupsOf(planted);
    const d = datasetDiversity(planted, groups);
    const code = `
import json, sys
import numpy as np
from sklearn.metrics.pairwise import cosine_similarity
data = json.load(sys.stdin)
x = np.asarray(data["vectors"], dtype=np.float32).reshape(-1, data["dim"]).astype(np.float64)
ids = data["identities"]
names = list(dict.fromkeys(ids))
centres = np.stack([x[[i for i, v in enumerate(ids) if v == n]].mean(axis=0) for n in names])
sim = cosine_similarity(centres, centres)
unique = int((np.triu(sim > 0.4, k=1).sum(axis=0) == 0).sum())
spread = []
for n in names:
    rows = x[[i for i, v in enumerate(ids) if v == n]]
    s = cosine_similarity(rows, rows)[np.triu_indices(len(rows), k=1)]
    spread.append(None if len(s) == 0 else [float(s.mean()), float(s.std()), float(s.min()), float(np.median(s)), float(s.max())])
print(json.dumps({"unique": unique, "spread": spread}))
`;
    const out = JSON.parse(
      await runPython(
        ["-c", code],
        JSON.stringify({
          vectors: Array.from(planted.vectors),
          dim: planted.dim,
          identities: planted.identities,
        }),
      ),
    );
    assert.equal(d.unique.vec2face, out.unique);
    assert.notEqual(d.unique.vec2face, d.unique.groups, "the bridges make the two rules differ");
    out.spread.forEach((want: number[] | null, c: number) => {
      if (want === null) return assert.equal(d.spread.pairs[c], 0);
      const got = [
        d.spread.mean[c]!,
        d.spread.std[c]!,
        d.spread.min[c]!,
        d.spread.median[c]!,
        d.spread.max[c]!,
      ];
      got.forEach((g, i) =>
        assert.ok(Math.abs(g - want[i]!) < 1e-9, `identity ${c} stat ${i}: ${g} vs ${want[i]}`)
      );
    });
  },
});
