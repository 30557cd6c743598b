import assert from "node:assert/strict";
import { percentile, percentileSorted } from "../../lib/metrics/_percentile.ts";
import { createRng, uniformFloat } from "../../lib/random/mod.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

Deno.test("percentileSorted(sorted, q) interpolates linearly between order statistics", () => {
  const v = new Float64Array([10, 20, 30, 40]);
  assert.equal(percentileSorted(v, 0), 10);
  assert.equal(percentileSorted(v, 100), 40);
  assert.equal(percentileSorted(v, 50), 25);
  assert.equal(percentileSorted(new Float64Array([7]), 97.5), 7);
});

Deno.test("percentile(values, q) rejects no values, NaN and q outside [0, 100]", () => {
  assert.throws(() => percentile([], 50), RangeError);
  assert.throws(() => percentile([1, NaN], 50), /NaN/);
  assert.throws(() => percentile([1], 101), /q must be in/);
});

Deno.test({
  name: "percentile(values, q) equals np.percentile bit for bit",
  ignore: skipUnlessPython("numpy"),
  async fn() {
    const rng = createRng(3);
    const cases: { a: number[]; q: number }[] = [];
    for (const n of [1, 2, 3, 10, 999, 1000, 1001]) {
      const a = Array.from({ length: n }, () => uniformFloat(rng) * 3 - 1);
      for (const q of [0, 2.5, 5, 25, 33.3, 50, 97.5, 99.9, 100]) cases.push({ a, q });
    }
    const code = `
import json, sys
import numpy as np
print(json.dumps([repr(float(np.percentile(np.array(c["a"]), c["q"]))) for c in json.load(sys.stdin)]))`;
    const want = JSON.parse(await runPython(["-c", code], JSON.stringify(cases))) as string[];
    cases.forEach((c, k) =>
      assert.equal(percentile(c.a, c.q), Number(want[k]), `n=${c.a.length} q=${c.q}`)
    );
  },
});
