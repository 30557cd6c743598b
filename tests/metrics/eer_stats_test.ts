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
    // EER as the spec states it: b = first index with FMR - FNMR <= 0, a = b - 1 unless they are
    // equal there (or b = 0), and of a and b the one with the smaller FMR + FNMR, a on a tie.
    const b = fmr.findIndex((f, i) => f - fnmr[i]! <= 0);
    if (b < 0) {
      assert.deepEqual([s.eer, s.eer_low, s.eer_high, s.eer_th], [1, 1, 1, thrs[0]]);
    } else {
      const a = fmr[b] !== fnmr[b] && b !== 0 ? b - 1 : b;
      const k = fmr[a]! + fnmr[a]! <= fmr[b]! + fnmr[b]! ? a : b;
      assert.equal(s.eer, (fnmr[k]! + fmr[k]!) / 2, `case ${c} eer`);
      assert.equal(s.eer_low, Math.min(fmr[k]!, fnmr[k]!), `case ${c} eer_low`);
      assert.equal(s.eer_high, Math.max(fmr[k]!, fnmr[k]!), `case ${c} eer_high`);
      assert.equal(s.eer_th, thrs[k], `case ${c} eer_th`);
    }
  }
});

const CROSSING_TIES = new URL("../fixtures/vectors/crossing_ties/", import.meta.url);

function readVector(dir: URL): { genuine: number[]; impostor: number[]; expected: unknown } {
  const read = (name: string) =>
    Deno.readTextFileSync(new URL(name, dir)).trim().split("\n").map(Number);
  return {
    genuine: read("genuine.txt"),
    impostor: read("impostor.txt"),
    expected: JSON.parse(Deno.readTextFileSync(new URL("expected.json", dir))).pyeer,
  };
}

function eerFields(s: ReturnType<typeof eerStats>) {
  return { eer: s.eer, eer_low: s.eer_low, eer_high: s.eer_high, eer_th: s.eer_th };
}

Deno.test("eerStats(genuine, impostor) gives a tie of FMR + FNMR at the crossing to the lower threshold", () => {
  // FMR + FNMR is 1 at both 0.4 and 0.5, the thresholds either side of the crossing: pyeer's
  // rule "a tie goes to a" picks 0.4.
  const v = readVector(CROSSING_TIES);
  assert.deepEqual(eerFields(eerStats(v.genuine, v.impostor)), v.expected);
  assert.deepEqual(v.expected, { eer: 0.5, eer_low: 0.4, eer_high: 0.6, eer_th: 0.4 });
});

Deno.test({
  name:
    "eerStats(genuine, impostor) EER fields equal the spec's algorithm run in numpy, ties included",
  ignore: skipUnlessPython("numpy"),
  async fn() {
    const rng = createRng(23);
    const v = readVector(CROSSING_TIES);
    const cases = [{ genuine: v.genuine, impostor: v.impostor }];
    for (let c = 0; c < 600; c++) {
      const grid = [3, 5, 10, 40][c % 4]!;
      const draw = (n: number, scale: number) =>
        Array.from({ length: n }, () => Math.round(uniformFloat(rng) * scale * grid) / grid);
      const g = 1 + uniformInt(rng, 12);
      const i = c % 2 === 0 ? g : 1 + uniformInt(rng, 12); // equal counts tie more often
      cases.push({ genuine: draw(g, 1), impostor: draw(i, 0.9) });
    }
    const script = new URL("../fixtures/vectors/spec_eer.py", import.meta.url).pathname;
    const want = JSON.parse(await runPython([script], JSON.stringify(cases))) as unknown[];
    assert.equal(want.length, cases.length);
    assert.deepEqual(want[0], v.expected, "the committed crossing_ties expected.json");
    let ties = 0;
    cases.forEach((c, k) => {
      const s = eerStats(c.genuine, c.impostor);
      assert.deepEqual(eerFields(s), want[k], `case ${k}: ${JSON.stringify(c)}`);
      const b = Array.from(s.fmr).findIndex((f, i) => f - s.fnmr[i]! <= 0);
      if (b > 0 && s.fmr[b - 1]! + s.fnmr[b - 1]! === s.fmr[b]! + s.fnmr[b]!) ties++;
    });
    assert.ok(ties >= 20, `only ${ties} cases tie at the crossing`);
  },
});
