import assert from "node:assert/strict";
import { summarizeBestMatches } from "../../lib/metrics/_best_match_summary.ts";
import { thresholdSharesFigure } from "../../lib/plots/_threshold_shares.ts";
import { newDocument } from "../../lib/plots/_document.ts";
import { textsWith, topDotY, yOf } from "./_svg_geometry.ts";

Deno.test("thresholdSharesFigure(summaries) draws a dot per dataset and threshold at its percentage", () => {
  const thresholds = [0.3, 0.5];
  const summaries = new Map([
    ["Low", summarizeBestMatches([0.1, 0.2, 0.35, 0.4], { thresholds })],
    ["High", summarizeBestMatches([0.6, 0.7, 0.2, 0.1], { thresholds })],
  ]);
  const svg = thresholdSharesFigure(summaries, { document: newDocument(), width: 500 });
  const ticks = [...svg.querySelectorAll("[aria-label='y-axis tick label'] text")].map((t) =>
    t.textContent
  );
  assert.deepEqual(ticks, ["High", "Low"]);
  const dots = [...svg.querySelectorAll("[aria-label='dot'] circle")];
  assert.equal(dots.length, 4);
  const xs = dots.map((d) => Number(d.getAttribute("cx")));
  const xAxis = [...svg.querySelectorAll("[aria-label='x-axis tick'] path")].map((p) =>
    Number(/translate\(([\d.]+)/.exec(p.getAttribute("transform") ?? "")?.[1])
  );
  const first = xAxis[0] ?? NaN, last = xAxis.at(-1) ?? NaN;
  const at = (percent: number) => first + (last - first) * percent / 100;
  // Rows follow the sorted datasets: High (50% >= 0.3, 50% >= 0.5), then Low (50%, 0%).
  const expected = [50, 50, 50, 0];
  assert.equal(xs.length, expected.length);
  for (const [i, x] of xs.entries()) {
    const want = at(expected[i] ?? NaN);
    assert.ok(Math.abs(x - want) < 0.5, `${x} vs ${want}`);
  }
});

Deno.test("thresholdSharesFigure(summaries) rejects summaries made with different thresholds", () => {
  const summaries = new Map([
    ["A", summarizeBestMatches([0.1], { thresholds: [0.3] })],
    ["B", summarizeBestMatches([0.1], { thresholds: [0.4] })],
  ]);
  assert.throws(
    () => thresholdSharesFigure(summaries, { document: newDocument() }),
    /B has thresholds 0\.4/,
  );
  assert.throws(() => thresholdSharesFigure(new Map(), { document: newDocument() }), RangeError);
});

Deno.test("thresholdSharesFigure(summaries) keeps the key above the frame and prints each row's n and shares", () => {
  const thresholds = [0.3, 0.5];
  const summaries = new Map([
    ["Low", summarizeBestMatches([0.1, 0.2, 0.35, 0.4], { thresholds })],
    ["High", summarizeBestMatches([0.6, 0.7, 0.2, 0.1, 0.9], { thresholds })],
  ]);
  const svg = thresholdSharesFigure(summaries, { document: newDocument() });
  const key = [...textsWith(svg, "● cosine ≥ 0.3"), ...textsWith(svg, "● cosine ≥ 0.5")];
  assert.equal(key.length, 2);
  for (const k of key) assert.ok(yOf(k) < topDotY(svg) - 10, `key at ${yOf(k)}`);
  const text = [...svg.querySelectorAll("text")].map((t) => t.textContent);
  assert.ok(text.includes("n = 5: 60.0 / 60.0 %"), text.join("|"));
  assert.ok(text.includes("n = 4: 50.0 / 0.0 %"));
});
