import assert from "node:assert/strict";
import { embeddingSet } from "../../lib/embeddings/_embedding_set.ts";
import { createRng, uniformFloat } from "../../lib/random/mod.ts";
import { cosineSimilarity, pairScores } from "../../lib/similarity/_cosine.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

Deno.test("cosineSimilarity(a, b) is scale-free and 0 against a zero vector", () => {
  assert.equal(cosineSimilarity([3, 4], [6, 8]), 1);
  assert.equal(cosineSimilarity([1, 0], [-2, 0]), -1);
  assert.equal(cosineSimilarity([0, 0], [0, 0]), 0);
  assert.throws(() => cosineSimilarity([1], [1, 2]), RangeError);
});

Deno.test("pairScores(set, pairs) scores rows of a float32 set and checks indices", () => {
  const set = embeddingSet(
    ["a", "b", "c"],
    ["1", "2", "3"],
    new Float32Array([1, 0, 0, 1, 1, 1]),
    2,
  );
  const s = pairScores(set, { first: new Uint32Array([0, 0]), second: new Uint32Array([1, 2]) });
  assert.equal(s[0], 0);
  assert.ok(Math.abs(s[1]! - Math.SQRT1_2) < 1e-15);
  assert.throws(
    () => pairScores(set, { first: new Uint32Array([3]), second: new Uint32Array([0]) }),
    RangeError,
  );
});

Deno.test({
  name: "pairScores(set, pairs) equals sklearn.metrics.pairwise.cosine_similarity within 1e-15",
  ignore: skipUnlessPython("sklearn", "numpy"),
  async fn() {
    const rng = createRng(12);
    const dim = 512, n = 20;
    const v = Float32Array.from({ length: n * dim }, () => uniformFloat(rng) - 0.5);
    v.fill(0, 3 * dim, 4 * dim); // a zero row
    const set = embeddingSet(
      Array.from({ length: n }, (_, i) => `id${i}`),
      Array.from({ length: n }, (_, i) => `${i}.png`),
      v,
      dim,
    );
    const first = Uint32Array.from({ length: n }, (_, i) => i);
    const second = Uint32Array.from({ length: n }, (_, i) => (i * 7 + 1) % n);
    const rows = Array.from(
      { length: n },
      (_, i) => Array.from(v.subarray(i * dim, (i + 1) * dim)),
    );
    const code = `
import json, sys
import numpy as np
from sklearn.metrics.pairwise import cosine_similarity
d = json.load(sys.stdin)
x = np.array(d["rows"], dtype=float)
print(json.dumps([float(cosine_similarity(x[i].reshape(1, -1), x[j].reshape(1, -1))[0][0]) for i, j in zip(d["first"], d["second"])]))`;
    const want = JSON.parse(
      await runPython(
        ["-c", code],
        JSON.stringify({ rows, first: [...first], second: [...second] }),
      ),
    ) as number[];
    const got = pairScores(set, { first, second });
    want.forEach((w, k) =>
      assert.ok(Math.abs(got[k]! - w) <= 1e-15, `pair ${k}: ${got[k]} vs ${w}`)
    );
  },
});
