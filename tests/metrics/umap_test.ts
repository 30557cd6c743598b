import assert from "node:assert/strict";
import { embeddingSet, groupByIdentity } from "../../lib/embeddings/mod.ts";
import { umap } from "../../lib/metrics/mod.ts";
import { plantIdentities } from "./_planted_identities.ts";

Deno.test("umap(rows, { seed }) keeps each image beside its own identity, the same for the same seed", () => {
  const p = plantIdentities({ originals: 6, images: 15, seed: 12, noise: 0.04 });
  const labels = groupByIdentity(embeddingSet(p.identities, p.imageNames, p.vectors, p.dim)).labels;
  const xy = umap(p, { seed: 3 });
  const n = labels.length;
  assert.equal(xy.length, 2 * n);
  let same = 0;
  for (let i = 0; i < n; i++) {
    let best = -1, bestD = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = (xy[2 * i]! - xy[2 * j]!) ** 2 + (xy[2 * i + 1]! - xy[2 * j + 1]!) ** 2;
      if (d < bestD) (bestD = d), (best = j);
    }
    if (labels[best] === labels[i]) same++;
  }
  assert.ok(same / n >= 0.95, `${same} of ${n} nearest neighbours share the identity`);
  assert.deepEqual(umap(p, { seed: 3 }), xy);
  assert.notDeepEqual(umap(p, { seed: 4 }), xy);
});

Deno.test("umap(rows) refuses fewer than three rows and other than 2 or 3 components", () => {
  assert.throws(() => umap({ vectors: new Float32Array(4), dim: 2 }), /2 rows, at least 3/);
  assert.throws(
    () => umap({ vectors: new Float32Array(8), dim: 2 }, { components: 1 }),
    /components must be 2 or 3/,
  );
});
