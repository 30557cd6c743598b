import assert from "node:assert/strict";
import { eerPoint, eerStats, nearestFmrIndex } from "../../lib/metrics/_eer_stats.ts";
import { createRng, uniformFloat, uniformInt } from "../../lib/random/mod.ts";
import { runPython, skipUnlessPython } from "../_python.ts";
import { skipUnlessVectors, VECTORS } from "./_vectors.ts";

Deno.test({
  name: "eerStats(genuine, impostor) equals every pyeer field of the spec vectors bit for bit",
  ignore: skipUnlessVectors(),
  fn() {
    for (const v of VECTORS) {
      const s = eerStats(v.genuine, v.impostor) as unknown as Record<string, unknown>;
      for (const [key, want] of Object.entries(v.expected.pyeer)) {
        const got = s[key];
        if (Array.isArray(want)) {
          assert.deepEqual(Array.from(got as Float64Array), want, `${v.name}.${key}`);
        } else {
          assert.equal(got, want, `${v.name}.${key}`);
        }
      }
    }
  },
});

Deno.test("eerStats(genuine, impostor) does not depend on input order", () => {
  const gen = [0.8, 0.8, 0.6, 0.6, 0.5, 0.3], imp = [0.6, 0.5, 0.5, 0.2, 0.2, 0.1, 0.1, 0];
  const a = eerStats(gen, imp), b = eerStats([...gen].reverse(), [...imp].reverse());
  assert.equal(a.eer, b.eer);
  assert.equal(a.fmr100_th, b.fmr100_th);
  assert.equal(a.auc, b.auc);
  assert.deepEqual(a.thrs, b.thrs);
});

Deno.test("eerStats(genuine, impostor) counts an impostor equal to the threshold as a false match", () => {
  const s = eerStats([0.6, 0.9], [0.6]);
  assert.deepEqual(Array.from(s.fmr), [1, 0]);
  assert.deepEqual(Array.from(s.fnmr), [0, 0.5]);
});

Deno.test("eerStats(genuine, impostor) widens float32 input to float64", () => {
  const gen = new Float32Array([0.9, 0.7, 0.4]), imp = new Float32Array([0.1, 0.5]);
  assert.equal(eerStats(gen, imp).gmean, eerStats(Array.from(gen), Array.from(imp)).gmean);
});

Deno.test("eerStats(genuine, impostor) rejects empty, NaN and infinite scores", () => {
  assert.throws(() => eerStats([], [0.1]), RangeError);
  assert.throws(() => eerStats([0.5], []), RangeError);
  assert.throws(() => eerStats([0.5, NaN], [0.1]), /index 1 is NaN/);
  assert.throws(() => eerStats([0.5], [Infinity]), /impostor scores/);
});

Deno.test("eerPoint(fmr, fnmr) returns 1 at index 0 when the curves never cross", () => {
  assert.deepEqual(eerPoint(new Float64Array([1, 1]), new Float64Array([0, 0.5])), {
    eer: 1,
    eerLow: 1,
    eerHigh: 1,
    index: 0,
  });
});

Deno.test("nearestFmrIndex(fmr, target) keeps the first of equally near rates", () => {
  assert.equal(nearestFmrIndex(new Float64Array([1, 0.2, 0]), 0.1), 1);
  assert.equal(nearestFmrIndex(new Float64Array([1, 0.5, 0.5, 0]), 0.45), 1);
});

Deno.test({
  name:
    "eerStats(genuine, impostor) AUC equals scikit-learn's minus pyeer's missing last trapezoid",
  ignore: skipUnlessPython("sklearn", "numpy"),
  async fn() {
    const rng = createRng(11);
    const cases = Array.from({ length: 20 }, () => {
      const g = 2 + uniformInt(rng, 200), i = 2 + uniformInt(rng, 400);
      return {
        gen: Array.from({ length: g }, () => Math.round((uniformFloat(rng) * 0.8 + 0.2) * 50) / 50),
        imp: Array.from({ length: i }, () => Math.round(uniformFloat(rng) * 0.7 * 50) / 50),
      };
    });
    const code = `
import json, sys
import numpy as np
from sklearn.metrics import roc_auc_score
out = []
for c in json.load(sys.stdin):
    y = [1] * len(c["gen"]) + [0] * len(c["imp"])
    out.append(roc_auc_score(y, c["gen"] + c["imp"]))
print(json.dumps(out))`;
    const sk = JSON.parse(await runPython(["-c", code], JSON.stringify(cases))) as number[];
    cases.forEach((c, k) => {
      const s = eerStats(c.gen, c.imp);
      const last = s.fmr.length - 1;
      const expected = sk[k]! - s.fmr[last]! * (1 - s.fnmr[last]!) / 2;
      assert.ok(Math.abs(s.auc - expected) < 1e-12, `case ${k}: ${s.auc} vs ${expected}`);
    });
  },
});

Deno.test("eerStats(genuine, impostor) rates and operating points equal a brute-force count on random ties", () => {
  const rng = createRng(5);
  for (let c = 0; c < 200; c++) {
    const grid = [4, 10, 100][c % 3]!;
    const gen = Array.from(
      { length: 1 + uniformInt(rng, 40) },
      () => Math.round(uniformFloat(rng) * grid) / grid,
    );
    const imp = Array.from(
      { length: 1 + uniformInt(rng, 150) },
      () => Math.round(uniformFloat(rng) * 0.8 * grid) / grid,
    );
    const thrs = [...new Set([...gen, ...imp])].sort((a, b) => a - b);
    const fmr = thrs.map((t) => imp.filter((x) => x >= t).length / imp.length);
    const fnmr = thrs.map((t) => gen.filter((x) => x < t).length / gen.length);
    const s = eerStats(gen, imp);
    assert.deepEqual(Array.from(s.thrs), thrs);
    assert.deepEqual(Array.from(s.fmr), fmr);
    assert.deepEqual(Array.from(s.fnmr), fnmr);
    for (const [target, field] of [[0.01, "fmr100"], [0.001, "fmr1000"], [0.1, "fmr10"]] as const) {
      const d = fmr.map((f) => Math.abs(f - target));
      const k = d.indexOf(Math.min(...d));
      assert.equal(s[field], fnmr[k], `case ${c} ${field}`);
    }
    assert.equal(s.fnmr0_th, Math.min(...gen));
  }
});
