import assert from "node:assert/strict";
import { eerStats } from "../../lib/metrics/_eer_stats.ts";
import { fdr, fdrFromMoments } from "../../lib/metrics/_fdr.ts";
import { skipUnlessVectors, VECTORS } from "./_vectors.ts";

Deno.test({
  name: "fdr(genuine, impostor, { ddof }) equals the spec's fdr_ddof0 and fdr_ddof1 bit for bit",
  ignore: skipUnlessVectors(),
  fn() {
    for (const v of VECTORS) {
      assert.equal(fdr(v.genuine, v.impostor), v.expected.extra.fdr_ddof0, v.name);
      const d1 = fdr(v.genuine, v.impostor, { ddof: 1 });
      if (v.expected.extra.fdr_ddof1 === null) assert.ok(Number.isNaN(d1), v.name);
      else assert.equal(d1, v.expected.extra.fdr_ddof1, v.name);
    }
  },
});

Deno.test("fdr(genuine, impostor) equals d'^2 / 2 of pyeer's decidability", () => {
  const gen = [0.9, 0.85, 0.6, 0.7, 0.4], imp = [0.1, 0.2, 0.5, 0.3, 0.75, 0.05];
  const d = eerStats(gen, imp).decidability;
  assert.ok(Math.abs(fdr(gen, imp) - d * d / 2) < 1e-14);
});

Deno.test("fdrFromMoments(genuine, impostor) is Infinity for separated constants and NaN for equal ones", () => {
  assert.equal(fdrFromMoments({ mean: 1, variance: 0 }, { mean: 0, variance: 0 }), Infinity);
  assert.ok(Number.isNaN(fdrFromMoments({ mean: 1, variance: 0 }, { mean: 1, variance: 0 })));
  assert.throws(() => fdr([], [1]), RangeError);
});
