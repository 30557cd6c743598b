import assert from "node:assert/strict";
import {
  BOOTSTRAP_STATISTICS,
  bootstrapCis,
  replicateFromCounts,
} from "../../lib/metrics/_bootstrap.ts";
import { eerStats } from "../../lib/metrics/_eer_stats.ts";
import { fdr } from "../../lib/metrics/_fdr.ts";
import { createRng, drawCounts, type Rng, uniformFloat, uniformInt } from "../../lib/random/mod.ts";
import { scoreTally } from "../../lib/metrics/_score_tally.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

function normals(rng: Rng, n: number, mean: number, sd: number): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const r = Math.sqrt(-2 * Math.log(1 - uniformFloat(rng)));
    return mean + sd * r * Math.cos(2 * Math.PI * uniformFloat(rng));
  });
}

function expand(values: Float64Array, counts: Uint32Array): number[] {
  const out: number[] = [];
  counts.forEach((c, k) => {
    for (let j = 0; j < c; j++) out.push(values[k]!);
  });
  return out;
}

Deno.test("replicateFromCounts(tally, g, i) equals eerStats and fdr on the resampled scores", () => {
  const rng = createRng(9);
  for (let c = 0; c < 600; c++) {
    const grid = [2, 5, 20, 1000][c % 4]!;
    const shift = uniformFloat(rng) * 0.8 - 0.2;
    const gen = Array.from(
      { length: 1 + uniformInt(rng, 60) },
      () => Math.round((uniformFloat(rng) + shift) * grid) / grid,
    );
    const imp = Array.from(
      { length: 1 + uniformInt(rng, 400) },
      () => Math.round(uniformFloat(rng) * grid) / grid,
    );
    const tally = scoreTally(gen, imp);
    const gc = new Uint32Array(tally.genuine.values.length);
    const ic = new Uint32Array(tally.impostor.values.length);
    drawCounts(rng, gc, { total: gen.length, map: tally.genuine.rankOfPosition ?? undefined });
    drawCounts(rng, ic, { total: imp.length, map: tally.impostor.rankOfPosition ?? undefined });
    const rg = expand(tally.genuine.values, gc), ri = expand(tally.impostor.values, ic);
    const r = replicateFromCounts(tally, gc, ic);
    const s = eerStats(rg, ri);
    assert.equal(r.eer, s.eer, `case ${c} eer`);
    assert.equal(r.fmr100, s.fmr100, `case ${c} fmr100`);
    assert.equal(r.fmr1000, s.fmr1000, `case ${c} fmr1000`);
    assert.ok(Math.abs(r.gmean - s.gmean) < 1e-13, `case ${c} gmean`);
    assert.ok(Math.abs(r.imean - s.imean) < 1e-13, `case ${c} imean`);
    const f = fdr(rg, ri);
    if (Number.isFinite(f)) {
      assert.ok(Math.abs(r.fdr - f) <= 1e-9 * Math.max(1, f), `case ${c} fdr ${r.fdr} vs ${f}`);
    }
  }
});

Deno.test("replicateFromCounts(tally, g, i) with all counts 1 reproduces the full-data statistics", () => {
  const rng = createRng(2);
  const gen = normals(rng, 3000, 0.5, 0.15), imp = normals(rng, 20000, 0.02, 0.07);
  const tally = scoreTally(gen, imp);
  const r = replicateFromCounts(
    tally,
    new Uint32Array(tally.genuine.values.length).fill(1),
    new Uint32Array(tally.impostor.values.length).fill(1),
  );
  const s = eerStats(gen, imp);
  assert.equal(r.eer, s.eer);
  assert.equal(r.fmr100, s.fmr100);
  assert.equal(r.fmr1000, s.fmr1000);
  assert.ok(Math.abs(r.fdr - fdr(gen, imp)) < 1e-10);
});

Deno.test("replicateFromCounts(tally, g, i) rejects wrong lengths and empty resamples", () => {
  const tally = scoreTally([0.9, 0.8], [0.1]);
  assert.throws(
    () => replicateFromCounts(tally, new Uint32Array(3), new Uint32Array(1)),
    RangeError,
  );
  assert.throws(
    () => replicateFromCounts(tally, new Uint32Array(2), new Uint32Array([1])),
    /0 genuine/,
  );
});

Deno.test("bootstrapCis(genuine, impostor, { seed }) is deterministic and its bounds are ordered", () => {
  const rng = createRng(4);
  const gen = normals(rng, 500, 0.45, 0.12), imp = normals(rng, 2000, 0.05, 0.08);
  const a = bootstrapCis(gen, imp, { resamples: 100, seed: 7 });
  const b = bootstrapCis(gen, imp, { resamples: 100, seed: 7 });
  const c = bootstrapCis(gen, imp, { resamples: 100, seed: 8 });
  assert.deepEqual(a.intervals, b.intervals);
  assert.notDeepEqual(a.replicates.gmean, c.replicates.gmean);
  for (const name of BOOTSTRAP_STATISTICS) {
    assert.ok(a.intervals[name].lower <= a.intervals[name].upper, name);
    assert.equal(a.replicates[name].length, 100);
  }
});

Deno.test("bootstrapCis(genuine, impostor) intervals cover the point estimates on well-behaved data", () => {
  const rng = createRng(5);
  const gen = normals(rng, 4000, 0.45, 0.12), imp = normals(rng, 20000, 0.05, 0.08);
  const s = eerStats(gen, imp);
  const point = {
    eer: s.eer,
    fmr100: s.fmr100,
    fmr1000: s.fmr1000,
    fdr: fdr(gen, imp),
    gmean: s.gmean,
    imean: s.imean,
  };
  const { intervals } = bootstrapCis(gen, imp, { resamples: 200, seed: 1 });
  for (const name of BOOTSTRAP_STATISTICS) {
    assert.ok(
      intervals[name].lower <= point[name] && point[name] <= intervals[name].upper,
      `${name}`,
    );
  }
  const sdOfMean = 0.12 / Math.sqrt(4000);
  const width = intervals.gmean.upper - intervals.gmean.lower;
  assert.ok(width > 2.5 * sdOfMean && width < 5.5 * sdOfMean, `gmean width ${width}`);
});

Deno.test("bootstrapCis covers the true mean at about the nominal rate over repeated samples", () => {
  const rng = createRng(6);
  let covered = 0;
  const trials = 60;
  for (let t = 0; t < trials; t++) {
    const gen = normals(rng, 200, 0.5, 0.1), imp = normals(rng, 200, 0.0, 0.1);
    const { intervals } = bootstrapCis(gen, imp, { resamples: 200, rng });
    if (intervals.gmean.lower <= 0.5 && 0.5 <= intervals.gmean.upper) covered++;
  }
  assert.ok(covered >= 50, `covered ${covered} of ${trials}`);
});

Deno.test("bootstrapCis(genuine, impostor, options) uses an injected generator and checks its arguments", () => {
  let calls = 0;
  const inner = createRng(1);
  const counting: Rng = { nextUint32: () => (calls++, inner.nextUint32()) };
  bootstrapCis([0.9, 0.8, 0.7], [0.1, 0.2], { resamples: 3, rng: counting });
  assert.ok(calls >= 15);
  assert.throws(() => bootstrapCis([0.9], [0.1], { resamples: 1 }), RangeError);
  assert.throws(() => bootstrapCis([0.9], [0.1], { level: 100 }), RangeError);
});

// A fingerprint of every replicate as first released: the intervals in the kit's CI tables must not
// move when the resampler or the replicate walk is refactored.
Deno.test("bootstrapCis(genuine, impostor, { resamples: 50 }) keeps its replicates bit for bit", async () => {
  const rng = createRng(11);
  const gen = Float64Array.from(
    { length: 3000 },
    () => Math.round((0.3 + 0.5 * uniformFloat(rng)) * 1e4) / 1e4,
  );
  const imp = Float64Array.from(
    { length: 30000 },
    () => Math.round(0.6 * uniformFloat(rng) * 1e4) / 1e4,
  );
  const { replicates, intervals } = bootstrapCis(gen, imp, { resamples: 50, seed: 42 });
  const all = new Float64Array(50 * BOOTSTRAP_STATISTICS.length);
  BOOTSTRAP_STATISTICS.forEach((name, k) => all.set(replicates[name], 50 * k));
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new Uint8Array(all.buffer)),
  );
  assert.equal(
    Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
    "ad59daf57ccffc73a65c13c2566815144d0680885c6a88c27c5dcd6010e50937",
  );
  assert.deepEqual(intervals.eer, { lower: 0.26302291666666666, upper: 0.2798129166666667 });
});

/** The spec's bound: numpy's 'linear' percentile of the sorted replicates, pos = q/100·(B−1). */
function specPercentile(values: Float64Array, q: number): number {
  const v = values.slice().sort();
  const pos = (q / 100) * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo]! + (pos - lo) * (v[hi]! - v[lo]!);
}

function bootstrapCase() {
  const rng = createRng(31);
  const gen = normals(rng, 500, 0.5, 0.1), imp = normals(rng, 2000, 0.1, 0.1);
  return {
    at95: bootstrapCis(gen, imp, { resamples: 1000, seed: 3 }),
    at90: bootstrapCis(gen, imp, { resamples: 1000, seed: 3, level: 90 }),
  };
}

Deno.test("bootstrapCis(genuine, impostor) bounds are the 2.5th and 97.5th percentiles of its replicates (5th and 95th at level 90)", () => {
  const { at95, at90 } = bootstrapCase();
  assert.equal(at95.level, 95);
  assert.equal(at90.level, 90);
  for (const name of BOOTSTRAP_STATISTICS) {
    assert.deepEqual(at90.replicates[name], at95.replicates[name], `${name}: same draws`);
    for (const [r, low, high] of [[at95, 2.5, 97.5], [at90, 5, 95]] as const) {
      const want = {
        lower: specPercentile(r.replicates[name], low),
        upper: specPercentile(r.replicates[name], high),
      };
      assert.ok(
        Math.abs(r.intervals[name].lower - want.lower) <= 1e-15 * Math.abs(want.lower) &&
          Math.abs(r.intervals[name].upper - want.upper) <= 1e-15 * Math.abs(want.upper),
        `${name} at ${r.level}: ${JSON.stringify(r.intervals[name])} vs ${JSON.stringify(want)}`,
      );
    }
    const inner = at90.intervals[name], outer = at95.intervals[name];
    assert.ok(outer.lower < inner.lower && inner.upper < outer.upper, `${name}: 90% inside 95%`);
  }
});

Deno.test({
  name:
    "bootstrapCis(genuine, impostor) bounds equal np.percentile of the same replicates at 95% and 90%",
  ignore: skipUnlessPython("numpy"),
  async fn() {
    const { at95, at90 } = bootstrapCase();
    const payload = [[at95, [2.5, 97.5]], [at90, [5, 95]]].map(([r, q]) => ({
      q,
      replicates: Object.fromEntries(
        BOOTSTRAP_STATISTICS.map((name) => [name, Array.from((r as typeof at95).replicates[name])]),
      ),
    }));
    const code = `
import json, sys
import numpy as np
out = []
for case in json.load(sys.stdin):
    out.append({name: [float(x) for x in np.percentile(np.array(reps, dtype=np.float64), case["q"])]
                for name, reps in case["replicates"].items()})
print(json.dumps(out))`;
    const numpy = JSON.parse(await runPython(["-c", code], JSON.stringify(payload))) as Record<
      string,
      [number, number]
    >[];
    [at95, at90].forEach((r, k) => {
      for (const name of BOOTSTRAP_STATISTICS) {
        const [lower, upper] = numpy[k]![name]!;
        assert.deepEqual(r.intervals[name], { lower, upper }, `${name} at level ${r.level}`);
      }
    });
  },
});
