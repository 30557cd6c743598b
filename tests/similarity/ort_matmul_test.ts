import assert from "node:assert/strict";
import { createOrtScoreTopK } from "../../lib/similarity/mod.ts";

/** Rows of small values with no two alike (a sine hash), as embeddings are. */
function rowsOf(count: number, dim: number, seed: number): Float32Array {
  return Float32Array.from({ length: count * dim }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.05);
}

Deno.test("createOrtScoreTopK() scores a row alone as it scores it in a block of rows", async () => {
  const dim = 512, cols = 300, rows = 7, k = 5;
  const queries = rowsOf(rows, dim, 1), gallery = rowsOf(cols, dim, 2);
  const kernel = await createOrtScoreTopK({ threads: 1 });
  try {
    const block = await kernel.run(queries, gallery, { rows, cols, dim, k });
    const threshold = block.values[3 * k + 2]!;
    const above = await kernel.runAbove(queries, gallery, { rows, cols, dim, k: 1 }, threshold);
    for (let r = 0; r < rows; r++) {
      const row = queries.subarray(r * dim, (r + 1) * dim);
      const alone = await kernel.run(row, gallery, { rows: 1, cols, dim, k });
      assert.equal(alone.values.length, k);
      assert.deepEqual(alone.values, block.values.subarray(r * k, (r + 1) * k), `row ${r}`);
      assert.deepEqual(alone.indices, block.indices.subarray(r * k, (r + 1) * k), `row ${r}`);
      const one = await kernel.runAbove(row, gallery, { rows: 1, cols, dim, k: 1 }, threshold);
      const mine = Array.from(above.rows.keys()).filter((i) => above.rows[i] === r);
      assert.deepEqual(Array.from(one.rows), mine.map(() => 0), `row ${r}: pairs above`);
      assert.deepEqual(Array.from(one.cols), mine.map((i) => above.cols[i]!));
      assert.deepEqual(Array.from(one.values), mine.map((i) => above.values[i]!));
    }
  } finally {
    await kernel.release();
  }
});
