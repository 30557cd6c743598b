import assert from "node:assert/strict";
import { pca } from "../../lib/metrics/mod.ts";
import { runPython, skipUnlessPython } from "../_python.ts";
import { plantIdentities } from "./_planted_identities.ts";

Deno.test("pca(rows) recovers a planted plane: components orthonormal, variance ordered, projections centred", () => {
  // rows = 3·a·u + 1·b·w + small noise, in 6 dimensions
  const u = [1, 1, 0, 0, 0, 0].map((x) => x / Math.SQRT2);
  const w = [0, 0, 1, -1, 0, 0].map((x) => x / Math.SQRT2);
  const n = 400, dim = 6;
  const vectors = new Float64Array(n * dim);
  for (let r = 0; r < n; r++) {
    const t = (2 * Math.PI * r) / n; // sines of distinct whole frequencies: exactly uncorrelated
    const a = Math.sin(3 * t), b = Math.cos(5 * t), e = 1e-3 * Math.sin(7 * t);
    for (let d = 0; d < dim; d++) {
      vectors[r * dim + d] = 3 * a * u[d]! + b * w[d]! + e * (d === 5 ? 1 : 0);
    }
  }
  const p = pca({ vectors, dim });
  const dot = (k: number, x: number[]) =>
    x.reduce((s, v, d) => s + v * p.components[k * dim + d]!, 0);
  assert.ok(Math.abs(Math.abs(dot(0, u)) - 1) < 1e-9);
  assert.ok(Math.abs(Math.abs(dot(1, w)) - 1) < 1e-9);
  assert.ok(Math.abs(dot(0, w)) < 1e-9);
  assert.ok(p.explainedVariance[0]! > p.explainedVariance[1]!);
  assert.ok(p.explainedVarianceRatio[0]! + p.explainedVarianceRatio[1]! > 0.999999);
  for (let k = 0; k < 2; k++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += p.projections[r * 2 + k]!;
    assert.ok(Math.abs(s / n) < 1e-12, "projections of centred rows have mean 0");
  }
  assert.throws(() => pca({ vectors: new Float64Array(6), dim: 6 }), /1 rows, at least 2/);
  assert.throws(() => pca({ vectors, dim }, { components: 4 }), RangeError);
});

Deno.test({
  name:
    "pca(rows) equals scikit-learn's PCA(n_components=2): components, explained variance, projections",
  ignore: skipUnlessPython("numpy", "sklearn"),
  fn: async () => {
    const p = plantIdentities({
      originals: 12,
      images: [3, 6],
      twins: [1],
      seed: 21,
      dim: 64,
      noise: 0.08,
    });
    const ours = pca(p);
    const code = `
import json, sys
import numpy as np
from sklearn.decomposition import PCA
d = json.load(sys.stdin)
x = np.asarray(d["vectors"], dtype=np.float32).reshape(-1, d["dim"]).astype(np.float64)
m = PCA(n_components=2, svd_solver="full")
t = m.fit_transform(x)
print(json.dumps({"components": m.components_.ravel().tolist(), "variance": m.explained_variance_.tolist(),
  "ratio": m.explained_variance_ratio_.tolist(), "projections": t.ravel().tolist()}))
`;
    const want = JSON.parse(
      await runPython(["-c", code], JSON.stringify({ vectors: Array.from(p.vectors), dim: p.dim })),
    );
    const close = (got: ArrayLike<number>, expected: number[], tol: number, what: string) => {
      assert.equal(got.length, expected.length, what);
      expected.forEach((e, i) =>
        assert.ok(Math.abs(got[i]! - e) < tol, `${what}[${i}]: ${got[i]} vs ${e}`)
      );
    };
    close(ours.components, want.components, 1e-7, "components");
    close(ours.explainedVariance, want.variance, 1e-10, "explained variance");
    close(ours.explainedVarianceRatio, want.ratio, 1e-9, "ratio");
    close(ours.projections, want.projections, 1e-7, "projections");
  },
});
