import assert from "node:assert/strict";
import { eerStats } from "../../lib/metrics/_eer_stats.ts";
import { fnmrAtFmr, fnmrAtNearestFmr } from "../../lib/metrics/_operating_point.ts";
import { skipUnlessVectors, VECTORS } from "./_vectors.ts";

Deno.test({
  name: "fnmrAtFmr and fnmrAtNearestFmr equal the spec's extra operating points",
  ignore: skipUnlessVectors(),
  fn() {
    for (const v of VECTORS) {
      const s = eerStats(v.genuine, v.impostor);
      const x = v.expected.extra;
      for (const [alpha, key] of [[1e-2, "1e-2"], [1e-3, "1e-3"], [1e-4, "1e-4"]] as const) {
        const p = fnmrAtFmr(s, alpha);
        assert.equal(p.fnmr, x[`fnmr_at_fmr_le_${key}`], `${v.name} ${key}`);
        assert.equal(p.threshold, x[`fnmr_at_fmr_le_${key}_th`], `${v.name} ${key} th`);
      }
      const q = fnmrAtNearestFmr(s, 1e-4);
      assert.equal(q.fnmr, x.fmr10000_pyeer_style, v.name);
      assert.equal(q.threshold, x.fmr10000_pyeer_style_th, v.name);
    }
  },
});

Deno.test("fnmrAtFmr(stats, alpha) falls back to a virtual threshold above every score", () => {
  const p = fnmrAtFmr(eerStats([0.5, 0.9], [0.9]), 0.01);
  assert.deepEqual(p, { fnmr: 1, fmr: 0, threshold: null });
  assert.throws(() => fnmrAtFmr(eerStats([0.5], [0.1]), 2), RangeError);
});
