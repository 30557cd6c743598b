import assert from "node:assert/strict";
import { createJsScoreTopK } from "../../lib/similarity/_gemm.ts";
import { createRng, uniformInt } from "../../lib/random/mod.ts";

Deno.test("createJsScoreTopK().run(q, g, shape) keeps the lowest gallery columns of tied scores, best first", async () => {
  const kernel = createJsScoreTopK();
  const rng = createRng(4);
  for (let c = 0; c < 200; c++) {
    const dim = 1 + uniformInt(rng, 4),
      rows = 1 + uniformInt(rng, 3),
      cols = 1 + uniformInt(rng, 30);
    const k = 1 + uniformInt(rng, 8);
    // Small integers: every product and sum is exact in float32, and ties are frequent.
    const q = Float32Array.from({ length: rows * dim }, () => uniformInt(rng, 3) - 1);
    const g = Float32Array.from({ length: cols * dim }, () => uniformInt(rng, 3) - 1);
    const r = await kernel.run(q, g, { rows, cols, dim, k });
    assert.equal(r.k, Math.min(k, cols));
    for (let i = 0; i < rows; i++) {
      const scores = Array.from({ length: cols }, (_, j) => {
        let s = 0;
        for (let d = 0; d < dim; d++) s += q[i * dim + d]! * g[j * dim + d]!;
        return { s, j };
      }).sort((a, b) => b.s - a.s || a.j - b.j).slice(0, r.k);
      assert.deepEqual(
        Array.from(r.indices.subarray(i * r.k, (i + 1) * r.k)),
        scores.map((x) => x.j),
        `case ${c} row ${i}`,
      );
      assert.deepEqual(
        Array.from(r.values.subarray(i * r.k, (i + 1) * r.k)),
        scores.map((x) => x.s),
      );
    }
  }
  await kernel.release();
});
