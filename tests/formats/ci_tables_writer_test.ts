import assert from "node:assert/strict";
import { datasetMetrics } from "../../lib/metrics/_dataset_metrics.ts";
import { parseCsv } from "../../lib/formats/_csv.ts";
import { CI_TABLE_COLUMNS, ciTablesCsv } from "../../lib/formats/_ci_tables_writer.ts";

const CI_DIR = new URL("../../../shared/paper-data/CI/", import.meta.url);
let published = true;
try {
  Deno.statSync(CI_DIR);
} catch {
  published = false;
  console.log("skip reason: ../shared/paper-data/CI is absent");
}

Deno.test({
  name: "CI_TABLE_COLUMNS equal the headers of the paper's published CI tables",
  ignore: !published,
  fn() {
    for (const [name, columns] of Object.entries(CI_TABLE_COLUMNS)) {
      const header = Deno.readTextFileSync(new URL(`${name}.csv`, CI_DIR)).split("\n")[0].trim();
      assert.equal(columns.join(","), header, name);
    }
  },
});

Deno.test("ciTablesCsv(rows) writes point estimates, bounds and half-width margins per dataset", () => {
  const gen = Array.from({ length: 300 }, (_, i) => 0.5 + 0.2 * Math.sin(i * 1.7));
  const imp = Array.from({ length: 600 }, (_, i) => 0.1 + 0.2 * Math.cos(i * 2.3));
  const metrics = datasetMetrics(gen, imp, { resamples: 40, seed: 1 });
  const tables = ciTablesCsv([{ dataset: "A", metrics }, { dataset: "B", metrics }]);
  const eer = parseCsv(tables.eer_95);
  assert.deepEqual(eer.header, [...CI_TABLE_COLUMNS.eer_95]);
  assert.equal(eer.rows.length, 2);
  const [name, point, lower, upper, margin] = eer.rows[0];
  assert.equal(name, "A");
  assert.equal(Number(point), metrics.stats.eer);
  assert.equal(Number(lower), metrics.bootstrap!.intervals.eer.lower);
  assert.equal(Number(margin), (Number(upper) - Number(lower)) / 2);
  const mean = parseCsv(tables.mean_95);
  assert.equal(Number(mean.rows[1][4]), metrics.stats.imean);
  const fmr = parseCsv(tables.fmr_95);
  assert.equal(Number(fmr.rows[0][4]), metrics.stats.fmr1000);
  assert.equal(Number(parseCsv(tables.fdr_95).rows[0][1]), metrics.fdr);
});

Deno.test("ciTablesCsv(rows) leaves the bounds empty when no bootstrap ran", () => {
  const metrics = datasetMetrics([0.9, 0.8], [0.1, 0.2], { resamples: 0 });
  assert.equal(ciTablesCsv([{ dataset: "A", metrics }]).eer_95.split("\n")[1], "A,0.0,,,");
});
