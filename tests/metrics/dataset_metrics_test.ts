import assert from "node:assert/strict";
import { datasetMetrics } from "../../lib/metrics/_dataset_metrics.ts";
import { eerStats } from "../../lib/metrics/_eer_stats.ts";
import { fdr } from "../../lib/metrics/_fdr.ts";

Deno.test("datasetMetrics(genuine, impostor, options) combines eerStats, fdr and the bootstrap", () => {
  const gen = Array.from({ length: 300 }, (_, i) => 0.5 + 0.3 * Math.sin(i * 1.7));
  const imp = Array.from({ length: 900 }, (_, i) => 0.1 * Math.cos(i * 2.3));
  const m = datasetMetrics(gen, imp, { resamples: 50, seed: 3 });
  assert.deepEqual(m.stats, eerStats(gen, imp));
  assert.equal(m.fdr, fdr(gen, imp));
  assert.equal(m.genuineCount, 300);
  assert.equal(m.bootstrap?.resamples, 50);
  assert.equal(datasetMetrics(gen, imp, { resamples: 0 }).bootstrap, null);
});
