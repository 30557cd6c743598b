import assert from "node:assert/strict";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { checkEmbeddings, embeddingSet, normalizeRows } from "../../lib/embeddings/mod.ts";

Deno.test("checkEmbeddings(set, options) passes unit rows and warns once about the others", () => {
  const reporter = memoryReporter();
  const unit = normalizeRows(new Float32Array([3, 4, 1, 2, 5, 5]), 2);
  const ok = checkEmbeddings(embeddingSet(["a", "b", "c"], ["0", "1", "2"], unit, 2), {
    name: "U.npy",
    reporter,
  });
  assert.deepEqual(ok, { offNorm: 0, firstOffNorm: -1, firstNorm: NaN });
  assert.equal(reporter.warnings().size, 0);
  // 1.0009 is inside the default tolerance, 1.002 and 0 (a zero row) are not.
  const vectors = new Float32Array([1.0009, 0, 0, 1.002, 0, 0, 1, 0]);
  const set = embeddingSet(["a", "a", "b", "b"], ["0.jpg", "1.jpg", "0.jpg", "1.jpg"], vectors, 2);
  const found = checkEmbeddings(set, { name: "E.jsonl", reporter, consequence: "; ranked by x" });
  assert.equal(found.offNorm, 2);
  assert.equal(found.firstOffNorm, 1);
  assert.deepEqual([...reporter.warnings()], [[
    "E.jsonl: 2 of 4 embeddings are not of unit length (|norm - 1| > 0.001; the first is row 1 (a/1.jpg), norm 1.002); ranked by x",
    1,
  ]]);
  assert.equal(checkEmbeddings(set, { name: "E.jsonl", tolerance: 1e-2 }).offNorm, 1);
});

Deno.test("checkEmbeddings(set, options) refuses an empty set and a non-finite value", () => {
  assert.throws(
    () => checkEmbeddings(embeddingSet([], [], new Float32Array(0), 4), { name: "G" }),
    {
      name: "RangeError",
      message: "Cannot search G: it holds no embeddings",
    },
  );
  const set = embeddingSet(
    ["a", "b"],
    ["0.jpg", "0.jpg"],
    new Float32Array([1, 0, -Infinity, 0]),
    2,
  );
  assert.throws(() => checkEmbeddings(set, { name: "G.npy" }), {
    message:
      "G.npy: row 1 (b/0.jpg), column 0 holds -Infinity: embeddings must be finite (a NaN or infinite value means the model or the file is broken)",
  });
});
