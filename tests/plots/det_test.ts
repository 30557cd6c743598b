import assert from "node:assert/strict";
import { detCurve, eerStats, operatingPoints } from "../../lib/metrics/mod.ts";
import { curveSeries, detFigure, lowestDecade, thinnedIndices } from "../../lib/plots/_det.ts";
import { rocFigure } from "../../lib/plots/_roc.ts";
import { newDocument } from "../../lib/plots/_document.ts";
import { figureToSvg, svgToPng } from "../../lib/plots/_render.ts";
import { createRng, uniformFloat } from "../../lib/random/mod.ts";
import { assertSvgSnapshot } from "../_snapshot.ts";

const document = newDocument();

function series(name: string, seed: number, genuineMean: number, impostors: number) {
  const rng = createRng(seed);
  const normal = (m: number, sd: number) =>
    m +
    sd * Math.sqrt(-2 * Math.log(1 - uniformFloat(rng))) *
      Math.cos(2 * Math.PI * uniformFloat(rng));
  const g = Array.from({ length: 2000 }, () => Math.round(normal(genuineMean, 0.12) * 1e4) / 1e4);
  const i = Array.from({ length: impostors }, () => Math.round(normal(0.03, 0.1) * 1e4) / 1e4);
  const s = eerStats(g, i);
  return curveSeries(name, detCurve(g, i), {
    genuineCount: g.length,
    impostorCount: i.length,
    eer: { rate: s.eer, threshold: s.eer_th },
    operatingPoints: operatingPoints(g, i, { resamples: 0 }).rows,
  });
}

const circles = (svg: string) => (svg.match(/<circle/g) ?? []).length;

Deno.test("detFigure([series], options) titles one dataset with n, prints the EER and marks the supported decades", async () => {
  const s = series("DCFace", 1, 0.45, 40000);
  const svg = figureToSvg(detFigure([s], { document }));
  assert.ok(svg.includes("DCFace: DET curve (n = 2,000 mated, 40,000 non-mated)"));
  assert.ok(
    svg.includes(
      `DCFace: EER ${(s.eer!.rate * 100).toFixed(2)}% at ${s.eer!.threshold.toFixed(3)}`,
    ),
  );
  // 40,000 impostors support 1e-1 .. 1e-4 (4 expected false matches at 1e-4), not 1e-5.
  const supported = s.operatingPoints!.filter((p) => p.supported).length;
  assert.equal(supported, 4);
  assert.equal(circles(svg), supported);
  for (const tick of ["0.001%", "0.01%", "0.1%", "1%", "10%", "50%"]) {
    assert.ok(svg.includes(`>${tick}<`), tick);
  }
  assert.ok(!svg.includes(">0.0001%<"), "the FMR axis starts at the decade 1/I resolves");
  assert.ok(svg.length < 60000, `thinned curve: ${svg.length} characters`);
  await assertSvgSnapshot("det_one_dataset", svg);
  assert.deepEqual(Array.from(svgToPng(svg, { scale: 1 }).subarray(1, 4)), [0x50, 0x4e, 0x47]);
});

Deno.test("detFigure(series, options) and rocFigure overlay several datasets with one legend entry each", async () => {
  const all = [series("CASIA", 2, 0.6, 20000), series("SDFD", 3, 0.3, 5000)];
  const det = figureToSvg(detFigure(all, { document }));
  const roc = figureToSvg(rocFigure(all, { document }));
  for (const svg of [det, roc]) {
    assert.ok(svg.includes("CASIA: EER") && svg.includes("SDFD: EER"));
    assert.ok(svg.includes("n = 2,000 mated, 5,000 non-mated"));
    assert.equal((svg.match(/stroke="#1f77b4"/g) ?? []).length >= 2, true);
    // 20,000 impostors support 1e-1 .. 1e-3 (2 expected false matches at 1e-4), 5,000 too.
    assert.equal(circles(svg), 3 + 3);
  }
  assert.ok(det.includes("DET curves of 2 datasets"));
  assert.ok(roc.includes("ROC curves of 2 datasets") && roc.includes("True match rate (1 − FNMR)"));
  await assertSvgSnapshot("roc_two_datasets", roc);
  assert.throws(() => detFigure([], { document }), RangeError);
  assert.throws(
    () => rocFigure([{ ...all[0]!, fnmr: [0.5] }], { document }),
    RangeError,
  );
});

Deno.test("lowestDecade(count) and thinnedIndices(x, y, step) bound the axes and the points drawn", () => {
  assert.deepEqual([1, 10, 11, 1000, 5000, 1e9].map(lowestDecade), [
    0.1,
    0.1,
    0.01,
    0.001,
    0.0001,
    1e-6,
  ]);
  const x = Float64Array.from({ length: 1001 }, (_, i) => i);
  const keep = thinnedIndices(x, new Float64Array(1001), 100);
  assert.deepEqual(keep, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
});
