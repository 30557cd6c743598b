import assert from "node:assert/strict";
import { diversityFigure, diversityOverviewFigure } from "../../lib/plots/_diversity.ts";
import { newDocument } from "../../lib/plots/_document.ts";
import { figureToSvg, svgToPng } from "../../lib/plots/_render.ts";
import { assertSvgSnapshot } from "../_snapshot.ts";

const document = newDocument();
const means = (n: number, centre: number) =>
  Array.from({ length: n }, (_, i) => centre + 0.1 * Math.sin(i * 1.7) * Math.cos(i * 0.3));
const row = (dataset: string, centre: number) => ({
  dataset,
  images: 12_000,
  identities: 1_000,
  uniqueVec2Face: 981,
  identityGroups: 975,
  threshold: 0.4,
  meanScores: [...means(990, centre), NaN],
});

Deno.test("diversityFigure(data, options) titles the dataset with its counts, the unique identities and the median", async () => {
  const svg = figureToSvg(diversityFigure(row("DCFace", 0.6), { document }));
  for (
    const text of [
      "DCFace: intra-class similarity per identity (n = 990 identities with 2+ images; 12,000 images)",
      "Unique: 981 of 1,000 identities (98.10%, Vec2Face: centres cos &gt; 0.4); 975 merged transitively",
      "Median 0.6",
      "Mean mated cosine similarity of an identity",
    ]
  ) assert.ok(svg.includes(text), text);
  assert.ok(svgToPng(svg).length > 1000);
  await assertSvgSnapshot("diversity", svg);
});

Deno.test("diversityOverviewFigure(rows, options) draws one labelled box per dataset in the order given", async () => {
  const svg = figureToSvg(
    diversityOverviewFigure([row("SDFD", 0.4), row("CASIA-WebFace", 0.55)], { document }),
  );
  assert.ok(svg.indexOf(">SDFD<") < svg.indexOf(">CASIA-WebFace<"));
  assert.equal(svg.split("981 of 1,000 unique (98.10%)").length - 1, 2);
  assert.throws(() => diversityOverviewFigure([], { document }), RangeError);
  await assertSvgSnapshot("diversity_overview", svg);
});

Deno.test("diversityFigure(data) with no identity of two images still draws, without a median", () => {
  const svg = figureToSvg(
    diversityFigure({ ...row("Single", 0.5), meanScores: [NaN] }, { document }),
  );
  assert.ok(svg.includes("n = 0 identities"));
  assert.ok(!svg.includes("Median"));
});
