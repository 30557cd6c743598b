import assert from "node:assert/strict";
import { detCurve, probit, rocCurve } from "../../lib/metrics/_det_roc.ts";
import { createRng, type Rng, uniformFloat } from "../../lib/random/mod.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

function normals(rng: Rng, n: number, mean: number, sd: number): number[] {
  return Array.from({ length: n }, () => {
    const r = Math.sqrt(-2 * Math.log(1 - uniformFloat(rng)));
    return mean + sd * r * Math.cos(2 * Math.PI * uniformFloat(rng));
  });
}

/** Score sets with the cases that matter: ties within and across lists, separable, one score. */
function scoreSets(): { name: string; genuine: number[]; impostor: number[] }[] {
  const rng = createRng(12);
  const round = (d: number) => (x: number) => Math.round(x * 10 ** d) / 10 ** d + 0; // no -0: JSON has none
  return [
    {
      name: "continuous",
      genuine: normals(rng, 700, 0.6, 0.12),
      impostor: normals(rng, 3000, 0.05, 0.1),
    },
    {
      name: "ties (2 decimals)",
      genuine: normals(rng, 500, 0.4, 0.15).map(round(2)),
      impostor: normals(rng, 2000, 0.1, 0.15).map(round(2)),
    },
    {
      name: "float32 scores",
      genuine: Array.from(new Float32Array(normals(rng, 300, 0.5, 0.2))),
      impostor: Array.from(new Float32Array(normals(rng, 900, 0.0, 0.2))),
    },
    { name: "separable", genuine: [0.9, 0.8, 0.85], impostor: [0.1, 0.2, 0.3, 0.3] },
    { name: "reversed", genuine: [0.1, 0.2], impostor: [0.8, 0.9, 0.9] },
    { name: "one score each, equal", genuine: [0.5], impostor: [0.5] },
    { name: "all equal", genuine: [0.3, 0.3], impostor: [0.3, 0.3, 0.3] },
  ];
}

const SKLEARN = `
import json, sys
import numpy as np
from sklearn.metrics import det_curve, roc_curve
out = []
for case in json.load(sys.stdin):
    g, i = case["genuine"], case["impostor"]
    y = np.r_[np.ones(len(g)), np.zeros(len(i))]
    s = np.array(g + i, dtype=np.float64)
    fpr, tpr, thr = roc_curve(y, s)
    full = roc_curve(y, s, drop_intermediate=False)
    dfpr, dfnr, dthr = det_curve(y, s)
    first = float(thr[0])
    out.append({
        "roc": [fpr.tolist(), tpr.tolist(), [None] + thr[1:].tolist()],
        "roc_first": None if np.isinf(first) else first,
        "full": [full[0].tolist(), full[1].tolist(), [None] + full[2][1:].tolist()],
        "det": [dfpr.tolist(), dfnr.tolist(), dthr.tolist()],
        "max": float(s.max()),
    })
print(json.dumps(out))
`;

Deno.test({
  name: "rocCurve and detCurve equal scikit-learn's roc_curve and det_curve on the same scores",
  ignore: skipUnlessPython("sklearn", "numpy"),
  async fn() {
    const sets = scoreSets();
    const expected = JSON.parse(await runPython(["-c", SKLEARN], JSON.stringify(sets)));
    sets.forEach((set, c) => {
      const want = expected[c];
      const roc = rocCurve(set.genuine, set.impostor);
      const full = rocCurve(set.genuine, set.impostor, { dropIntermediate: false });
      const det = detCurve(set.genuine, set.impostor);
      for (
        const [label, got, w] of [["roc", roc, want.roc], ["full roc", full, want.full]] as const
      ) {
        assert.deepEqual(Array.from(got.fmr), w[0], `${set.name}: ${label} fmr`);
        assert.deepEqual(Array.from(got.tmr), w[1], `${set.name}: ${label} tmr`);
        assert.equal(got.thresholds[0], Infinity);
        assert.deepEqual(
          Array.from(got.thresholds.subarray(1)),
          w[2].slice(1),
          `${set.name}: ${label} thr`,
        );
      }
      // scikit-learn 1.2 starts at max + 1, 1.3 and later at inf: both mean "above every score".
      assert.ok(want.roc_first === null || want.roc_first === want.max + 1, set.name);
      assert.deepEqual(Array.from(det.fmr), want.det[0], `${set.name}: det fmr`);
      assert.deepEqual(Array.from(det.fnmr), want.det[1], `${set.name}: det fnmr`);
      assert.deepEqual(Array.from(det.thresholds), want.det[2], `${set.name}: det thresholds`);
    });
  },
});

Deno.test("detCurve(genuine, impostor) equals a brute-force count at every threshold it keeps", () => {
  const rng = createRng(3);
  const genuine = normals(rng, 200, 0.5, 0.2).map((x) => Math.round(x * 50) / 50);
  const impostor = normals(rng, 400, 0.1, 0.2).map((x) => Math.round(x * 50) / 50);
  const det = detCurve(genuine, impostor);
  assert.ok(det.thresholds.length > 10);
  det.thresholds.forEach((t, j) => {
    assert.equal(det.fmr[j], impostor.filter((s) => s >= t).length / impostor.length);
    assert.equal(det.fnmr[j], genuine.filter((s) => s < t).length / genuine.length);
    if (j > 0) assert.ok(t > det.thresholds[j - 1]!);
  });
  assert.throws(() => detCurve([], [0.1]), RangeError);
  assert.throws(() => rocCurve([0.1], [NaN]), RangeError);
});

Deno.test({
  name: "probit(p) equals scipy.stats.norm.ppf from 1e-300 to 1 - 1e-16",
  ignore: skipUnlessPython("scipy"),
  async fn() {
    const ps = [
      1e-300,
      1e-100,
      1e-20,
      1e-10,
      1e-6,
      1e-4,
      0.001,
      0.02425,
      0.0748,
      0.075,
      0.1,
      0.3,
      0.5,
      0.6,
      0.925,
      0.99,
      1 - 1e-10,
      1 - 1e-16,
    ];
    const code =
      "import json,sys\nfrom scipy.stats import norm\nprint(json.dumps([float(norm.ppf(p)) for p in json.load(sys.stdin)]))";
    const want: number[] = JSON.parse(await runPython(["-c", code], JSON.stringify(ps)));
    ps.forEach((p, k) => {
      const got = probit(p), w = want[k]!;
      assert.ok(
        Math.abs(got - w) <= 1e-13 * Math.max(1, Math.abs(w)),
        `probit(${p}) = ${got}, scipy ${w}`,
      );
    });
    assert.equal(probit(0), -Infinity);
    assert.equal(probit(1), Infinity);
    assert.throws(() => probit(1.5), RangeError);
    assert.throws(() => probit(NaN), RangeError);
  },
});
