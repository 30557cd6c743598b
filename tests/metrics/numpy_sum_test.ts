import assert from "node:assert/strict";
import { numpyMean, numpyStd, numpySum, numpyVar } from "../../lib/metrics/_numpy_sum.ts";
import { createRng, uniformFloat } from "../../lib/random/mod.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

function data(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from(
    { length: n },
    () => (uniformFloat(rng) - 0.3) * 10 ** (uniformFloat(rng) * 6 - 3),
  );
}

Deno.test("numpySum(values) adds fewer than 8 values left to right", () => {
  assert.equal(numpySum([0.1, 0.2, 0.3]), (0.1 + 0.2) + 0.3);
  assert.equal(numpySum([]), 0);
});

Deno.test("numpySum(values) uses 8 interleaved accumulators for 8 to 128 values", () => {
  const v = data(20, 1);
  const r = Array.from(v.subarray(0, 8));
  for (let i = 8; i < 16; i++) r[i % 8]! += v[i]!;
  let expected = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
  for (let i = 16; i < 20; i++) expected += v[i]!;
  assert.equal(numpySum(v), expected);
});

Deno.test("numpyVar(values, { ddof }) is NaN when n - ddof <= 0, and numpyMean rejects no values", () => {
  assert.ok(Number.isNaN(numpyVar([1], { ddof: 1 })));
  assert.throws(() => numpyMean([]), RangeError);
});

Deno.test({
  name: "numpySum, numpyMean and numpyStd equal numpy bit for bit across block and buffer sizes",
  ignore: skipUnlessPython("numpy"),
  async fn() {
    const sizes = [1, 7, 8, 9, 127, 128, 129, 1000, 8191, 8192, 8193, 20000, 123457];
    const arrays = sizes.map((n, k) => Array.from(data(n, 100 + k)));
    const code = `
import json, sys
import numpy as np
out = []
for a in json.load(sys.stdin):
    x = np.array(a, dtype=float)
    out.append([repr(float(np.sum(x))), repr(float(np.mean(x))), repr(float(np.std(x))), repr(float(np.var(x, ddof=1))) if len(a) > 1 else "nan"])
print(json.dumps(out))`;
    const want = JSON.parse(await runPython(["-c", code], JSON.stringify(arrays))) as string[][];
    arrays.forEach((a, k) => {
      assert.equal(numpySum(a), Number(want[k]![0]), `sum n=${a.length}`);
      assert.equal(numpyMean(a), Number(want[k]![1]), `mean n=${a.length}`);
      assert.equal(numpyStd(a), Number(want[k]![2]), `std n=${a.length}`);
      if (a.length > 1) {
        assert.equal(numpyVar(a, { ddof: 1 }), Number(want[k]![3]), `var n=${a.length}`);
      }
    });
  },
});
