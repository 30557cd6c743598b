import assert from "node:assert/strict";
import { bestMatchesDensityFigure } from "../../lib/plots/_best_matches.ts";
import { newDocument } from "../../lib/plots/_document.ts";

Deno.test("bestMatchesDensityFigure(scores) draws a filled density on a fixed 0-1 x axis", () => {
  const scores = Array.from({ length: 500 }, (_, i) => 0.3 + 0.2 * Math.abs(Math.sin(i)));
  const svg = bestMatchesDensityFigure(scores, { document: newDocument() });
  const text = [...svg.querySelectorAll("text")].map((t) => t.textContent ?? "");
  assert.ok(text.includes("0.0") && text.includes("1.0"), text.join("|"));
  assert.ok(text.some((t) => t.includes("Cosine Similarity (Best Match)")));
  assert.ok(text.some((t) => t.includes("Density")));
  const area = svg.querySelector('[fill="skyblue"]');
  assert.ok(
    area?.querySelector("path") ?? (area?.tagName === "path" ? area : null),
    "a skyblue area",
  );
});

Deno.test("bestMatchesDensityFigure(scores) rejects samples that have no density", () => {
  assert.throws(
    () => bestMatchesDensityFigure([0.4, 0.4], { document: newDocument() }),
    RangeError,
  );
});

Deno.test("bestMatchesDensityFigure(scores, {dataset}) titles the figure with the dataset, n and the median", () => {
  const scores = Array.from({ length: 1000 }, (_, i) => 0.2 + 0.4 * (i / 999));
  const svg = bestMatchesDensityFigure(scores, { document: newDocument(), dataset: "SDFD" });
  const text = [...svg.querySelectorAll("text")].map((t) => t.textContent ?? "");
  assert.ok(
    text.includes("SDFD: best CASIA-WebFace match of each sample (n = 1,000, median 0.400)"),
    text.join("|"),
  );
});
