import assert from "node:assert/strict";
import { calibrateThreshold, judgeLeakage } from "../../lib/metrics/_leakage_judged.ts";
import { createRng, normal, type Rng } from "../../lib/random/mod.ts";

/** A random unit vector in dimensions [from, from + d) of a 2d-dimensional space. */
function unitVector(rng: Rng, d: number, from = 0): Float64Array {
  const v = Float64Array.from(
    { length: 2 * d },
    (_, i) => i >= from && i < from + d ? normal(rng) : 0,
  );
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function cosine(a: Float64Array, b: Float64Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

Deno.test("calibrateThreshold(impostor, fmr) is the lowest threshold reached by at most k = floor(fmr N) impostors, ties included", () => {
  const rng = createRng(3);
  for (const n of [1000, 1234, 5000]) {
    // Rounded to 2 decimals: many ties.
    const imp = Float64Array.from({ length: n }, () => Math.round(normal(rng) * 20) / 100);
    for (const fmr of [1e-1, 1e-2, 1e-3, 0.5, 1]) {
      const c = calibrateThreshold(imp, fmr);
      let k = 0;
      while ((k + 1) / n <= fmr) k++;
      const countAtLeast = (t: number) => imp.reduce((s, x) => s + (x >= t ? 1 : 0), 0);
      const distinct = [...new Set(imp)].sort((a, b) => b - a);
      const first = distinct.find((v) => countAtLeast(v) > k);
      const want = first === undefined ? Math.min(...imp) : first;
      assert.equal(c.falseMatches, countAtLeast(c.threshold), `n ${n} fmr ${fmr}`);
      assert.ok(c.falseMatches <= k && c.achievedFmr <= fmr, `n ${n} fmr ${fmr}`);
      if (first !== undefined) {
        assert.ok(c.threshold > want && countAtLeast(want) > k, `n ${n} fmr ${fmr}: minimal`);
        // Nothing lies strictly between the (k+1)-th largest score and the threshold.
        assert.ok(imp.every((x) => !(x > want && x < c.threshold)));
      } else assert.equal(c.threshold, want);
      assert.equal(c.supported, n * fmr >= 3);
    }
  }
  assert.equal(calibrateThreshold(Float64Array.of(0.1, 0.2), 1e-3).supported, false);
  const two = Float64Array.from({ length: 2999 }, (_, i) => i);
  assert.equal(calibrateThreshold(two, 1e-3).supported, false, "2.999 expected false matches");
  assert.equal(calibrateThreshold([...two, 3000], 1e-3).supported, true, "3 expected");
  assert.throws(() => calibrateThreshold([], 1e-3), /count is 0/);
  assert.throws(() => calibrateThreshold([0.1, NaN], 1e-3), /score 1 is NaN/);
  assert.throws(() => calibrateThreshold([0.1], 0), /FMR must be in \(0, 1\]/);
});

Deno.test("judgeLeakage(best, calibrated threshold) finds exactly the planted twins, as a brute-force search and count do", () => {
  const rng = createRng(11);
  const d = 32;
  // A real gallery: 40 identities x 6 images around identity centres, in the first d dimensions;
  // the synthetic identities live in the other d (cosine about 0 to the gallery) but for the twins.
  const gallery: { identity: string; v: Float64Array }[] = [];
  for (let id = 0; id < 40; id++) {
    const centre = unitVector(rng, d);
    for (let j = 0; j < 6; j++) {
      const v = centre.map((x) => x + normal(rng) * 0.08);
      gallery.push({ identity: `casia${id}`, v });
    }
  }
  // Real impostor scores: every non-mated gallery pair.
  const impostor: number[] = [];
  for (let a = 0; a < gallery.length; a++) {
    for (let b = a + 1; b < gallery.length; b++) {
      if (gallery[a]!.identity !== gallery[b]!.identity) {
        impostor.push(cosine(gallery[a]!.v, gallery[b]!.v));
      }
    }
  }
  const calibrated = calibrateThreshold(impostor, 1e-3);
  assert.ok(calibrated.supported);
  // Synthetic set: 30 identities x 4 samples; identities 0..5 copy a gallery image in 1-2 samples.
  const planted = new Map<string, string>(); // synthetic identity -> real identity copied
  const samples: { identity: string; v: Float64Array }[] = [];
  for (let id = 0; id < 30; id++) {
    const centre = unitVector(rng, d, d);
    for (let j = 0; j < 4; j++) {
      const twin = id < 6 && j < 1 + (id % 2);
      const source = gallery[(id * 37) % 120 + (id < 3 ? 0 : 120)]!;
      const base = twin ? source.v : centre;
      if (twin) planted.set(`syn${id}`, source.identity);
      samples.push({ identity: `syn${id}`, v: base.map((x) => x + normal(rng) * 0.01) });
    }
  }
  // Brute-force best matches.
  const similarity = new Float64Array(samples.length);
  const bestMatchIdentity: string[] = [];
  samples.forEach((s, i) => {
    let best = -Infinity, who = "";
    for (const g of gallery) {
      const c = cosine(s.v, g.v);
      if (c > best) [best, who] = [c, g.identity];
    }
    similarity[i] = best;
    bestMatchIdentity.push(who);
  });
  const sampleIdentity = samples.map((s) => s.identity);
  const judged = judgeLeakage(
    { similarity, sampleIdentity, bestMatchIdentity },
    calibrated.threshold,
    { resamples: 500, seed: 1 },
  );
  // Brute-force count at the same threshold.
  const above = [...similarity.keys()].filter((i) => similarity[i]! >= calibrated.threshold);
  assert.equal(judged.leakedSamples, above.length);
  assert.equal(judged.share, above.length / samples.length);
  assert.equal(judged.identities, 30);
  assert.equal(judged.leakedIdentities, new Set(above.map((i) => sampleIdentity[i])).size);
  assert.equal(judged.realIdentitiesHit, new Set(above.map((i) => bestMatchIdentity[i])).size);
  // And those are the planted twins: 9 twin samples of 6 identities, copying these real ones.
  assert.equal(judged.leakedSamples, 9);
  assert.deepEqual(new Set(above.map((i) => sampleIdentity[i])), new Set(planted.keys()));
  assert.equal(judged.realIdentitiesHit, new Set(planted.values()).size);
  assert.ok(judged.lower <= judged.share && judged.share <= judged.upper);
});

Deno.test("judgeLeakage(best, t, { resamples }) gives an interval in [0, 1] holding the share, narrower with more samples, repeatable by seed", () => {
  const rng = createRng(5);
  const make = (n: number) => {
    const similarity = Float64Array.from({ length: n }, () => rng.nextUint32() / 4294967296);
    const ids = Array.from({ length: n }, (_, i) => `s${i % 50}`);
    return { similarity, sampleIdentity: ids, bestMatchIdentity: ids.map((s) => `r${s}`) };
  };
  const small = make(200), large = make(20000);
  const a = judgeLeakage(small, 0.9, { resamples: 400, seed: 7 });
  const b = judgeLeakage(small, 0.9, { resamples: 400, seed: 7 });
  assert.deepEqual(a, b);
  const big = judgeLeakage(large, 0.9, { resamples: 400, seed: 7 });
  for (const j of [a, big]) {
    assert.ok(0 <= j.lower && j.lower <= j.share && j.share <= j.upper && j.upper <= 1);
  }
  assert.ok(big.upper - big.lower < a.upper - a.lower);
  // Binomial standard error sets the width: about 2 * 1.96 * sqrt(p (1 - p) / n).
  const se = Math.sqrt(big.share * (1 - big.share) / 20000);
  assert.ok(Math.abs((big.upper - big.lower) - 3.92 * se) < 0.6 * 3.92 * se);
  const none = judgeLeakage(small, 0.9, { resamples: 0 });
  assert.ok(Number.isNaN(none.lower) && Number.isNaN(none.upper) && none.resamples === 0);
  assert.throws(() => judgeLeakage({ ...small, sampleIdentity: ["x"] }, 0.5), /1 sample/);
  assert.throws(() => judgeLeakage(small, NaN), /threshold is NaN/);
});
