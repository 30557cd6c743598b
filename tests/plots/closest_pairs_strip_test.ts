import assert from "node:assert/strict";
import { summarizeBestMatches } from "../../lib/metrics/_best_match_summary.ts";
import type { ClosestPairs } from "../../lib/formats/_closest_json.ts";
import { closestPairsStripFigure } from "../../lib/plots/_closest_pairs_strip.ts";
import { newDocument } from "../../lib/plots/_document.ts";
import { textsWith, topDotY, yOf } from "./_svg_geometry.ts";

const set = (name: string, scores: number[]): ClosestPairs => ({
  name,
  metadata: {
    inputFile: "",
    nSamplesCompared: 9,
    topGlobalMatches: scores.length,
    totalPairsConsidered: 9,
  },
  rank: Uint32Array.from(scores, (_, i) => i + 1),
  similarity: Float64Array.from(scores),
  queryIdentity: [],
  queryImageName: [],
  queryPath: [],
  casiaIdentity: [],
  casiaImageName: [],
  casiaPath: [],
});

Deno.test("closestPairsStripFigure(sets) draws a tick per pair, sorted by the closest pair, with medians", () => {
  const svg = closestPairsStripFigure([
    set("A", [0.6, 0.55, 0.5]),
    set("B", [0.9, 0.8]),
    set("Empty", []),
  ], {
    document: newDocument(),
    bestMatches: new Map([["A", summarizeBestMatches([0.3, 0.4, 0.5])]]),
    threshold: 0.5,
  });
  const ticks = [...svg.querySelectorAll("[aria-label='y-axis tick label'] text")].map((t) =>
    t.textContent
  );
  assert.deepEqual(ticks, ["B", "A"]);
  assert.equal(svg.querySelectorAll("[aria-label='tick'] line").length, 5);
  assert.equal(svg.querySelectorAll("[aria-label='dot']").length, 2, "top pairs and medians");
  assert.equal(svg.querySelectorAll("[aria-label='rule'] line").length, 1);
  assert.throws(
    () => closestPairsStripFigure([set("E", [])], { document: newDocument() }),
    RangeError,
  );
});

Deno.test("closestPairsStripFigure(sets) keeps its key above the frame and prints each row's count and top pair", () => {
  const svg = closestPairsStripFigure([set("A", [0.6, 0.55, 0.5]), set("B", [0.9, 0.8])], {
    document: newDocument(),
    bestMatches: new Map([["A", summarizeBestMatches([0.3, 0.4, 0.5])]]),
    threshold: 0.5,
  });
  const key = [
    ...textsWith(svg, "◆ median best match of the samples"),
    ...textsWith(svg, "┆ threshold 0.5"),
  ];
  assert.equal(key.length, 2);
  for (const k of key) assert.ok(yOf(k) < topDotY(svg) - 10, `key at ${yOf(k)}`);
  const text = [...svg.querySelectorAll("text")].map((t) => t.textContent);
  assert.ok(text.includes("3 pairs, top 0.600") && text.includes("2 pairs, top 0.900"));
});
