import assert from "node:assert/strict";
import { datasetMetrics } from "../../lib/metrics/_dataset_metrics.ts";
import {
  csvFloat,
  formatMetricsTable,
  METRICS_TABLE_COLUMNS,
  metricsTable,
  metricsTableCsv,
  ORIGINAL_METRICS_COLUMNS,
  parseCsv,
  parseMetricsTable,
  readMetricsTable,
} from "../../lib/formats/mod.ts";

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
  const row = table.rows[0]!;
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

Deno.test("metricsTableCsv(rows) round-trips through readMetricsTable, NaN and counts included", async () => {
  const rows = [
    {
      dataset: "Boot",
      metrics: datasetMetrics([0.9, 0.8, 0.7, 0.4], [0.1, 0.2, 0.5, 0.3, 0.75], { resamples: 20 }),
    },
    { dataset: "a,b", metrics: datasetMetrics([0.9, 0.8], [0.1, 0.2], { resamples: 0 }) },
  ];
  const text = metricsTableCsv(rows);
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, text);
    const read = await readMetricsTable(path);
    assert.deepEqual(read, metricsTable(rows));
    assert.deepEqual(read.columns.map((c) => c.name), METRICS_TABLE_COLUMNS.slice(1));
    assert.ok(Number.isNaN(read.columns.find((c) => c.name === "EER CI Lower")!.values[1]!));
    assert.equal(read.columns.find((c) => c.name === "Total Comparisons")!.values[0], 9);
    assert.equal(formatMetricsTable(read), text);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("parseMetricsTable(text, source) reads inf and the original's columns, and names a bad field", () => {
  const t = parseMetricsTable("Dataset,EER,FDR\nA,0.5,inf\nB,,-inf\n", "m.csv");
  assert.deepEqual(t.datasets, ["A", "B"]);
  assert.deepEqual(Array.from(t.columns[1]!.values), [Infinity, -Infinity]);
  assert.equal(formatMetricsTable(t), "Dataset,EER,FDR\nA,0.5,inf\nB,,-inf\n");
  assert.throws(
    () => parseMetricsTable("Dataset,EER\nA,0.5\nB,high\n", "m.csv"),
    /m\.csv line 3 column "EER" as a number: current value is "high"/,
  );
  assert.throws(() => parseMetricsTable("Name,EER\nA,0.5\n", "m.csv"), /column "Dataset"/);
});
