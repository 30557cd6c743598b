import assert from "node:assert/strict";
import { datasetMetrics } from "../../lib/metrics/_dataset_metrics.ts";
import { parseCsv } from "../../lib/formats/_csv.ts";
import {
  csvFloat,
  METRICS_TABLE_COLUMNS,
  metricsTableCsv,
  ORIGINAL_METRICS_COLUMNS,
} from "../../lib/formats/_metrics_table.ts";

Deno.test("metricsTableCsv(rows) starts with the original columns, then extras and CI columns", () => {
  const metrics = datasetMetrics([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75], {
    resamples: 20,
  });
  const table = parseCsv(metricsTableCsv([{ dataset: "basic", metrics }]));
  assert.deepEqual(table.header.slice(0, ORIGINAL_METRICS_COLUMNS.length), [
    ...ORIGINAL_METRICS_COLUMNS,
  ]);
  assert.deepEqual(table.header, [...METRICS_TABLE_COLUMNS]);
  for (const c of ["FDR", "AUC", "EER CI Lower", "Impostor Mean CI Upper"]) {
    assert.ok(table.header.includes(c));
  }
  const row = table.rows[0];
  const get = (c: string) => row[table.header.indexOf(c)];
  assert.equal(get("Genuine Mean"), "0.7000000000000001");
  assert.equal(get("EER"), "0.225");
  assert.equal(get("EER Threshold"), "0.7");
  assert.equal(get("Total Comparisons"), "9");
  assert.equal(Number(get("FDR")), metrics.fdr);
  assert.equal(Number(get("EER CI Upper")), metrics.bootstrap!.intervals.eer.upper);
});

Deno.test("csvFloat(value) writes floats as pandas does", () => {
  assert.deepEqual([0, 1, 0.5, 1e-5, 1.5e16, NaN, Infinity].map(csvFloat), [
    "0.0",
    "1.0",
    "0.5",
    "1e-05",
    "1.5e+16",
    "",
    "inf",
  ]);
});
