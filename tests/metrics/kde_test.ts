import assert from "node:assert/strict";
import { kde } from "../../lib/metrics/_kde.ts";
import { createRng, uniformFloat } from "../../lib/random/mod.ts";
import { readScoreFile } from "../../lib/formats/_score_file.ts";
import { runPython, skipUnlessPython } from "../_python.ts";
import { control10kPath, skipUnlessControl10k, skipUnlessVectors, VECTORS } from "./_vectors.ts";

function assertCurveClose(
  got: { x: ArrayLike<number>; y: ArrayLike<number> },
  want: { x: number[]; y: number[] },
  label: string,
) {
  assert.equal(got.x.length, want.x.length, label);
  const span = Math.abs(want.x[want.x.length - 1]! - want.x[0]!);
  for (let k = 0; k < want.x.length; k++) {
    assert.ok(
      Math.abs(got.x[k]! - want.x[k]!) <= 1e-12 * Math.max(Math.abs(want.x[k]!), span),
      `${label} x[${k}]`,
    );
    assert.ok(
      Math.abs(got.y[k]! - want.y[k]!) <= 1e-12 * Math.abs(want.y[k]!),
      `${label} y[${k}]: ${got.y[k]} vs ${want.y[k]}`,
    );
  }
}

Deno.test({
  name: "kde(values) equals the seaborn curves of the spec vectors within 1e-12 relative",
  ignore: skipUnlessVectors(),
  fn() {
    for (const v of VECTORS) {
      for (
        const [values, key] of [[v.genuine, "kde_genuine"], [v.impostor, "kde_impostor"]] as const
      ) {
        const want = v.expected[key];
        const got = kde(values);
        if (want.x.length === 0) assert.equal(got, null, `${v.name} ${key}`);
        else assertCurveClose(got!, want, `${v.name} ${key}`);
      }
    }
  },
});

Deno.test("kde(values) returns null for fewer than two finite values or constant data", () => {
  assert.equal(kde([0.5]), null);
  assert.equal(kde([0.5, NaN, Infinity]), null);
  assert.equal(kde([0.2, 0.2, 0.2]), null);
});

Deno.test("kde(values, options) honours gridsize, cut and clip without renormalising", () => {
  const v = [0.1, 0.4, 0.5, 0.9];
  const full = kde(v)!, clipped = kde(v, { clip: [0, 1], gridsize: 57 })!;
  assert.equal(clipped.x.length, 57);
  assert.equal(clipped.x[0], 0);
  assert.equal(clipped.x[56], 1);
  assert.equal(full.bandwidth, clipped.bandwidth);
  const none = kde(v, { cut: 0 })!;
  assert.equal(none.x[0], 0.1);
  assert.equal(none.x[199], 0.9);
  assert.throws(() => kde(v, { gridsize: 1 }), RangeError);
});

Deno.test("kde(values) integrates to about 1 and peaks near the mode", () => {
  const rng = createRng(4);
  const v = Float64Array.from({ length: 5000 }, () => {
    const r = Math.sqrt(-2 * Math.log(1 - uniformFloat(rng)));
    return 0.3 + 0.05 * r * Math.cos(2 * Math.PI * uniformFloat(rng));
  });
  const c = kde(v)!;
  let area = 0, peak = 0;
  for (let k = 1; k < c.x.length; k++) {
    area += (c.x[k]! - c.x[k - 1]!) * (c.y[k]! + c.y[k - 1]!) / 2;
  }
  for (let k = 1; k < c.x.length; k++) if (c.y[k]! > c.y[peak]!) peak = k;
  assert.ok(Math.abs(area - 1) < 1e-3, `area ${area}`);
  assert.ok(Math.abs(c.x[peak]! - 0.3) < 0.02);
});

Deno.test({
  name: "kde(values) equals seaborn.kdeplot's line on random data within 1e-12 relative",
  ignore: skipUnlessPython("seaborn", "matplotlib"),
  async fn() {
    const rng = createRng(8);
    const sets = [40, 700].map((n) =>
      Array.from({ length: n }, () => uniformFloat(rng) ** 2 - 0.2)
    );
    const code = `
import json, sys
import matplotlib
matplotlib.use("Agg")
import seaborn as sns, matplotlib.pyplot as plt
out = []
for a in json.load(sys.stdin):
    ax = sns.kdeplot(a)
    x, y = ax.lines[0].get_data()
    out.append({"x": [float(v) for v in x], "y": [float(v) for v in y]})
    plt.close("all")
print(json.dumps(out))`;
    const want = JSON.parse(await runPython(["-c", code], JSON.stringify(sets))) as {
      x: number[];
      y: number[];
    }[];
    sets.forEach((s, k) => assertCurveClose(kde(s)!, want[k]!, `set ${k}`));
  },
});

const control = control10kPath();
Deno.test({
  name: "kde(values) of the published Control10k mated scores is a proper density over their range",
  ignore: skipUnlessControl10k(),
  async fn() {
    const scores = await readScoreFile(control!);
    assert.equal(scores.length, 10008);
    const c = kde(scores)!;
    let area = 0;
    for (let k = 1; k < c.x.length; k++) {
      area += (c.x[k]! - c.x[k - 1]!) * (c.y[k]! + c.y[k - 1]!) / 2;
    }
    assert.ok(Math.abs(area - 1) < 2e-3, `area ${area}`);
    assert.ok(c.x[0]! < Math.min(...scores) && c.x[199]! > Math.max(...scores));
  },
});

Deno.test("kde(values) equals the direct kernel sum within 1e-12 relative on 20,000 skewed values", () => {
  const rng = createRng(21);
  const v = Float64Array.from({ length: 20000 }, () => uniformFloat(rng) ** 3 * 1.4 - 0.4);
  const c = kde(v)!;
  const h = c.bandwidth, norm = 1 / (h * Math.sqrt(2 * Math.PI));
  for (const k of [0, 1, 17, 50, 99, 150, 198, 199]) {
    let direct = 0;
    for (let i = 0; i < v.length; i++) direct += Math.exp(-(((v[i]! - c.x[k]!) / h) ** 2) / 2);
    direct *= norm / v.length;
    assert.ok(Math.abs(c.y[k]! - direct) <= 1e-12 * direct, `y[${k}] ${c.y[k]} vs ${direct}`);
  }
});
