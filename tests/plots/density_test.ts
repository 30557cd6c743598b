import assert from "node:assert/strict";
import {
  densityData,
  matedVsNonMatedFigure,
  metricsDensityFigure,
} from "../../lib/plots/_density.ts";
import { figureToSvg, svgToPng } from "../../lib/plots/_render.ts";
import { assertSvgSnapshot } from "../_snapshot.ts";
import { newDocument } from "../../lib/plots/_document.ts";

const document = newDocument();
const mated = Array.from(
  { length: 200 },
  (_, i) => 0.6 + 0.15 * Math.sin(i * 1.3) * Math.cos(i * 0.7),
);
const nonMated = Array.from({ length: 400 }, (_, i) => 0.05 + 0.08 * Math.sin(i * 2.1));

Deno.test("matedVsNonMatedFigure(data, options) titles the figure with the dataset and both counts and draws a legend", async () => {
  const svg = figureToSvg(
    matedVsNonMatedFigure(densityData(mated, nonMated), { document, dataset: "DCFace" }),
  );
  assert.ok(svg.startsWith("<svg"));
  assert.ok(
    svg.includes("DCFace: mated vs non-mated cosine similarity (n = 200 mated, 400 non-mated)"),
  );
  for (const label of ["Mated (Genuine)", "Non-mated (Impostor)", "Cosine Similarity", "Density"]) {
    assert.ok(svg.includes(label), label);
  }
  await assertSvgSnapshot("mated_vs_non_mated", svg);
});

Deno.test("metricsDensityFigure(data, options) draws the three threshold lines on x from -0.5 to 1, their rates and thresholds in the legend", async () => {
  const data = {
    ...densityData(mated, nonMated),
    thresholds: {
      eer: 0.3,
      fmr100: 0.25,
      fmr1000: 0.35,
      eerRate: 0.177,
      fnmrAtFmr100: 0.0312,
      fnmrAtFmr1000: 0.5,
    },
  };
  const svg = figureToSvg(metricsDensityFigure(data, { document, dataset: "SDFD" }));
  const labels = [
    "EER 17.70% at 0.300",
    "FNMR@FMR=1% 3.12% at 0.250",
    "FNMR@FMR=0.1% 50.00% at 0.350",
    "SDFD: mated vs non-mated cosine similarity (n = 200 mated, 400 non-mated)",
    "−0.4",
    "1.0",
  ];
  for (const label of labels) assert.ok(svg.includes(label), label);
  const bare = figureToSvg(
    metricsDensityFigure({ ...data, thresholds: { eer: 0.3, fmr100: 0.25, fmr1000: 0.35 } }, {
      document,
    }),
  );
  assert.ok(bare.includes("EER threshold at 0.300"), "without rates, the threshold alone");
  assert.ok(bare.includes("Mated vs non-mated cosine similarity (n = 200"), "untitled dataset");
  await assertSvgSnapshot("metrics_density", svg);
  const png = svgToPng(svg);
  assert.deepEqual(Array.from(png.subarray(1, 4)), [0x50, 0x4e, 0x47]);
  assert.throws(
    () =>
      metricsDensityFigure({ ...data, thresholds: { eer: NaN, fmr100: 0, fmr1000: 0 } }, {
        document,
      }),
    RangeError,
  );
});

Deno.test("matedVsNonMatedFigure(data, options) draws axes and legend when a density is empty", () => {
  const svg = figureToSvg(matedVsNonMatedFigure(densityData([0.5], nonMated), { document }));
  assert.ok(svg.includes("(n = 1 mated, 400 non-mated)"));
});
