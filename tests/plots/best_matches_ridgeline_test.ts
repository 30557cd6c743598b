import assert from "node:assert/strict";
import { kde } from "../../lib/metrics/_kde.ts";
import { bestMatchesRidgelineFigure } from "../../lib/plots/_best_matches_ridgeline.ts";
import { newDocument } from "../../lib/plots/_document.ts";

Deno.test("bestMatchesRidgelineFigure(sets) draws one KDE row per dataset, highest median on top", () => {
  const low = [0.2, 0.25, 0.3, 0.32, 0.4];
  const high = [0.5, 0.6, 0.65, 0.7, 0.9];
  const svg = bestMatchesRidgelineFigure(
    new Map([["Low", low], ["High", high], ["Flat", [0.5, 0.5]]]),
    { document: newDocument(), threshold: 0.5 },
  );
  const labels = [...svg.querySelectorAll("[aria-label='fy-axis tick label'] text")].map((t) =>
    t.textContent
  );
  assert.deepEqual(labels, ["High", "Low"], "a constant set has no density and is left out");
  const lines = [...svg.querySelectorAll("[aria-label='line'] path")];
  assert.equal(lines.length, 2);
  const points = (lines[0]?.getAttribute("d") ?? "").split(/[ML]/).filter(Boolean);
  assert.equal(points.length, kde(high)!.x.length);
  assert.equal(
    svg.querySelectorAll("[aria-label='rule'] line").length,
    2,
    "threshold line in each row",
  );
  assert.throws(
    () => bestMatchesRidgelineFigure(new Map([["A", [1]]]), { document: newDocument() }),
    RangeError,
  );
});

Deno.test("bestMatchesRidgelineFigure(sets) prints each row's n and median, so unequal sizes show", () => {
  const big = Array.from({ length: 10000 }, (_, i) => 0.3 + 0.2 * ((i * 7919) % 10000) / 10000);
  const small = Array.from({ length: 1000 }, (_, i) => 0.5 + 0.2 * i / 999);
  const svg = bestMatchesRidgelineFigure(new Map([["Big", big], ["SDFD", small]]), {
    document: newDocument(),
    threshold: 0.45,
  });
  const text = [...svg.querySelectorAll("text")].map((t) => t.textContent ?? "");
  assert.ok(text.includes("n = 1,000, median 0.600"), text.join("|"));
  assert.ok(text.some((t) => /^n = 10,000, median 0\.4\d\d$/.test(t)), text.join("|"));
  assert.ok(text.includes("threshold 0.45"));
  assert.ok(text.includes("Best CASIA-WebFace match per sample, 2 datasets (dot: median)"));
});
