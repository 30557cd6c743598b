import assert from "node:assert/strict";
import { figureToSvg, judgedLeakageFigure, newDocument } from "../../lib/plots/mod.ts";

const point = (dataset: string, share: number, lower = share - 0.01, upper = share + 0.01) => ({
  dataset,
  samples: 1000,
  share,
  lower,
  upper,
  identities: 100,
  leakedIdentities: Math.round(share * 100),
  realIdentitiesHit: Math.round(share * 80),
});

Deno.test("judgedLeakageFigure(points) draws datasets by descending share, each with its interval bar and its numbers", () => {
  const document = newDocument();
  const svg = judgedLeakageFigure(
    [point("Low", 0.02), point("High", 0.3), point("Mid_name_that_is_long", 0.1)],
    { document, threshold: "threshold 0.4123 at FMR 1e-3 on 1,000 real non-mated pairs" },
  );
  const labels = [...svg.querySelectorAll("text")].map((t) => t.textContent ?? "");
  const rows = ["High (n=1000)", "Mid_name_that_is_long (n=1000)", "Low (n=1000)"];
  const at = rows.map((r) => labels.indexOf(r));
  assert.ok(at.every((i) => i >= 0), labels.join("|"));
  assert.deepEqual([...at].sort((a, b) => a - b), at, "descending share, top to bottom");
  assert.ok(labels.includes("30.00 [29.00, 31.00] · 30/100 ids → 24 real"));
  assert.ok(labels.some((l) => l.includes("threshold 0.4123 at FMR 1e-3")));
  // One interval bar per point.
  assert.equal(svg.querySelectorAll('g[aria-label="rule"] line').length, 3);
  assert.ok(figureToSvg(svg).startsWith("<svg"));
});

Deno.test("judgedLeakageFigure(points) prints the share alone without an interval, and refuses no points", () => {
  const document = newDocument();
  const svg = judgedLeakageFigure([point("A", 0.5, NaN, NaN)], { document, threshold: "t" });
  const labels = [...svg.querySelectorAll("text")].map((t) => t.textContent ?? "");
  assert.ok(labels.includes("50.00 · 50/100 ids → 40 real"), labels.join("|"));
  assert.equal(svg.querySelectorAll('g[aria-label="rule"] line').length, 0);
  assert.throws(() => judgedLeakageFigure([], { document, threshold: "t" }), RangeError);
});
