import assert from "node:assert/strict";
import { finiteScores, scoreTally, valueCounts } from "../../lib/metrics/_score_tally.ts";

Deno.test("valueCounts(scores, label) tallies distinct values and maps sorted positions to them", () => {
  const v = valueCounts([0.3, 0.1, 0.3, 0.2, 0.3], "scores");
  assert.deepEqual(Array.from(v.values), [0.1, 0.2, 0.3]);
  assert.deepEqual(Array.from(v.counts), [1, 1, 3]);
  assert.deepEqual(Array.from(v.rankOfPosition!), [0, 1, 2, 2, 2]);
  assert.equal(valueCounts([0.2, 0.1], "scores").rankOfPosition, null);
});

Deno.test("scoreTally(genuine, impostor) merges both lists into ascending thresholds with membership", () => {
  const t = scoreTally([0.8, 0.5, 0.5], [0.5, 0.1, 0.9]);
  assert.deepEqual(Array.from(t.thresholds), [0.1, 0.5, 0.8, 0.9]);
  assert.deepEqual(Array.from(t.membership), [2, 3, 1, 2]);
});

Deno.test("finiteScores(scores, label) names the label and index of a bad value", () => {
  assert.throws(() => finiteScores([], "genuine scores"), /genuine scores: current length is 0/);
  assert.throws(() => finiteScores([1, -Infinity], "impostor scores"), /index 1 is -Infinity/);
});
