import assert from "node:assert/strict";
import { eerStats } from "../../lib/metrics/_eer_stats.ts";
import { fnmrAtFmr } from "../../lib/metrics/_operating_point.ts";
import {
  FMR_DECADES,
  operatingPointNames,
  operatingPoints,
} from "../../lib/metrics/_operating_points.ts";
import { bootstrapCis } from "../../lib/metrics/_bootstrap.ts";
import { percentileSorted } from "../../lib/metrics/_percentile.ts";
import { scoreTally } from "../../lib/metrics/_score_tally.ts";
import { createRng, drawCounts, type Rng, uniformFloat } from "../../lib/random/mod.ts";

function normals(rng: Rng, n: number, mean: number, sd: number, decimals?: number): number[] {
  return Array.from({ length: n }, () => {
    const r = Math.sqrt(-2 * Math.log(1 - uniformFloat(rng)));
    const x = mean + sd * r * Math.cos(2 * Math.PI * uniformFloat(rng));
    return decimals === undefined ? x : Math.round(x * 10 ** decimals) / 10 ** decimals;
  });
}

/**
 * FNMR at the lowest candidate threshold with FMR <= alpha, by counting every score at each
 * candidate (from the highest down; FMR only grows as the threshold falls).
 */
function bruteForce(genuine: number[], impostor: number[], alpha: number) {
  const candidates = [...new Set([...genuine, ...impostor])].sort((a, b) => b - a);
  let best: { threshold: number | null; fmr: number; fnmr: number } = {
    threshold: null,
    fmr: 0,
    fnmr: 1,
  };
  for (const t of candidates) {
    const fmr = impostor.filter((s) => s >= t).length / impostor.length;
    if (fmr > alpha) break;
    best = { threshold: t, fmr, fnmr: genuine.filter((s) => s < t).length / genuine.length };
  }
  return best;
}

Deno.test("operatingPoints(genuine, impostor) equals a brute-force count at every decade", () => {
  const rng = createRng(5);
  const cases = [
    { genuine: normals(rng, 400, 0.55, 0.15), impostor: normals(rng, 20000, 0.05, 0.1) },
    { genuine: normals(rng, 300, 0.4, 0.2, 2), impostor: normals(rng, 20000, 0.1, 0.15, 2) },
    { genuine: [0.9, 0.95], impostor: normals(rng, 5000, 0.0, 0.1) },
    { genuine: [0.1, 0.2, 0.3], impostor: normals(rng, 4000, 0.6, 0.1) },
  ];
  for (const { genuine, impostor } of cases) {
    const table = operatingPoints(genuine, impostor, { resamples: 0, minFalseMatches: 1 });
    const stats = eerStats(genuine, impostor);
    assert.equal(table.impostorCount, impostor.length);
    table.rows.forEach((row, r) => {
      const alpha = FMR_DECADES[r]!;
      assert.equal(row.target, alpha);
      assert.equal(row.supported, alpha * impostor.length >= 1);
      if (!row.supported) {
        assert.ok(Number.isNaN(row.fnmr) && row.threshold === null && row.interval === null);
        return;
      }
      const want = bruteForce(genuine, impostor, alpha);
      assert.deepEqual(
        { threshold: row.threshold, fmr: row.fmr, fnmr: row.fnmr },
        want,
        `alpha ${alpha}`,
      );
      assert.deepEqual(fnmrAtFmr(stats, alpha), want, `fnmrAtFmr at ${alpha}`);
    });
  }
});

Deno.test("operatingPoints(genuine, impostor) estimates only the decades with 3 expected false matches", () => {
  const rng = createRng(8);
  const t = operatingPoints(normals(rng, 100, 0.6, 0.1), normals(rng, 5000, 0, 0.1), {
    resamples: 50,
  });
  assert.deepEqual(t.rows.map((r) => r.supported), [true, true, true, false, false, false]);
  assert.deepEqual(
    t.rows.map((r) => [r.name, r.pyeerName]),
    [
      ["FNMR@FMR=10%", "FMR10"],
      ["FNMR@FMR=1%", "FMR100"],
      ["FNMR@FMR=0.1%", "FMR1000"],
      ["FNMR@FMR=0.01%", "FMR10000"],
      ["FNMR@FMR=0.001%", "FMR100000"],
      ["FNMR@FMR=0.0001%", "FMR1000000"],
    ],
  );
  for (const row of t.rows.slice(3)) assert.equal(row.interval, null);
  for (const row of t.rows.slice(0, 3)) {
    assert.ok(row.interval !== null && row.interval.lower <= row.interval.upper, row.name);
  }
  assert.equal(operatingPointNames(0.05).name, "FNMR@FMR=5%");
  assert.throws(() => operatingPoints([0.5], [0.1], { targets: [0] }), RangeError);
  assert.throws(() => operatingPoints([0.5], [0.1], { resamples: 1 }), RangeError);
  assert.throws(() => operatingPoints([], [0.1]), RangeError);
});

Deno.test("operatingPoints(genuine, impostor, {rng}) intervals are the percentiles of the resampled scores' FNMR", () => {
  const rng = createRng(21);
  const genuine = normals(rng, 250, 0.5, 0.15, 3);
  const impostor = normals(rng, 8000, 0.05, 0.12, 3);
  const resamples = 40;
  const table = operatingPoints(genuine, impostor, { resamples, rng: createRng(77) });
  // Replay the draws: genuine counts then impostor counts over the sorted positions, one stream.
  const tally = scoreTally(genuine, impostor);
  const replay = createRng(77);
  const gc = new Uint32Array(tally.genuine.values.length);
  const ic = new Uint32Array(tally.impostor.values.length);
  const expand = (values: Float64Array, counts: Uint32Array) =>
    Array.from(counts).flatMap((c, k) => Array<number>(c).fill(values[k]!));
  const perRow = table.rows.map(() => new Float64Array(resamples));
  // The same seed gives bootstrapCis the same resamples: its genuine means are the replay's.
  const boot = bootstrapCis(genuine, impostor, { resamples, rng: createRng(77) });
  for (let b = 0; b < resamples; b++) {
    drawCounts(replay, gc, {
      total: tally.genuine.total,
      map: tally.genuine.rankOfPosition ?? undefined,
    });
    drawCounts(replay, ic, {
      total: tally.impostor.total,
      map: tally.impostor.rankOfPosition ?? undefined,
    });
    const g = expand(tally.genuine.values, gc), i = expand(tally.impostor.values, ic);
    const mean = g.reduce((a, x) => a + x, 0) / g.length;
    assert.ok(Math.abs(boot.replicates.gmean[b]! - mean) < 1e-12, `resample ${b}`);
    table.rows.forEach((row, r) => {
      if (row.supported) perRow[r]![b] = bruteForce(g, i, row.target).fnmr;
    });
  }
  let checked = 0;
  table.rows.forEach((row, r) => {
    if (!row.supported) return;
    const sorted = perRow[r]!.sort();
    assert.deepEqual(row.interval, {
      lower: percentileSorted(sorted, 2.5),
      upper: percentileSorted(sorted, 97.5),
    }, row.name);
    checked++;
  });
  assert.equal(checked, 3);
});
