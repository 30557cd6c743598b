import assert from "node:assert/strict";
import { join } from "node:path";
import { datasetMetrics } from "../../lib/metrics/_dataset_metrics.ts";
import {
  CI_LAYOUT,
  CI_TABLE_COLUMNS,
  ciTable,
  type CiTableName,
  ciTablesCsv,
  formatCiTables,
  parseCiTables,
  parseCsv,
  readCiTables,
} from "../../lib/formats/mod.ts";
import { runPython, skipUnlessPython } from "../_python.ts";
import { PAPER_DATA, skipUnlessPaperData } from "./_paper_data.ts";

const FILES = {
  "eer_95.csv":
    "Dataset,EER,CI_Lower,CI_Upper,Margin\nA,0.1,0.09,0.11,0.01\nB,0.2,0.19,0.21,0.01\n",
  "fmr_95.csv":
    "Dataset,FMR100,FMR100_CI_Lower,FMR100_CI_Upper,FMR1000,FMR1000_CI_Lower,FMR1000_CI_Upper\nB,0.2,0.1,0.3,0.4,0.3,0.5\n",
  "fdr_95.csv": "Dataset,FDR,FDR_CI_Lower,FDR_CI_Upper,FDR_Margin\nA,3,2,4,1\nB,5,4,6,1\n",
  "mean_95.csv":
    "Dataset,Genuine_Mean,Genuine_CI_Lower,Genuine_CI_Upper,Impostor_Mean,Impostor_CI_Lower,Impostor_CI_Upper\nA,0.5,0.4,0.6,0.01,0,0.02\nB,0.5,0.4,0.6,0.01,0,0.02\n",
};

Deno.test("parseCiTables(files) aligns datasets across files and leaves NaN where a file lacks one", () => {
  const t = parseCiTables(FILES);
  assert.deepEqual(t.datasets, ["A", "B"]);
  const fmr100 = t.metrics.find((m) => m.name === "FMR100")!;
  assert.ok(Number.isNaN(fmr100.value[0]!));
  assert.equal(fmr100.value[1], 0.2);
  assert.equal(t.metrics.find((m) => m.name === "FDR")!.lower[1], 4);
});

Deno.test("parseCiTables(files) names file and line of a duplicate dataset or an interval missing its value", () => {
  const dup = { ...FILES, "fdr_95.csv": FILES["fdr_95.csv"] + "A,3,2,4,1\n" };
  assert.throws(
    () => parseCiTables(dup, { dir: "D" }),
    /D\/fdr_95\.csv line 4: dataset A is listed twice/,
  );
  const off = { ...FILES, "eer_95.csv": FILES["eer_95.csv"].replace("0.2,0.19", "0.2,0.25") };
  assert.throws(
    () => parseCiTables(off),
    /eer_95\.csv line 3: the interval \[0\.25, 0\.21\] of EER/,
  );
  const { ["mean_95.csv"]: _, ...missing } = FILES;
  assert.throws(() => parseCiTables(missing), RangeError);
});

Deno.test({
  name: "readCiTables(dir) equals the published CSVs as Python's csv module reads them",
  ignore: skipUnlessPaperData() || skipUnlessPython("csv"),
  fn: async () => {
    const dir = join(PAPER_DATA, "CI");
    const t = await readCiTables(dir);
    assert.equal(t.datasets.length, 16);
    for (const layout of CI_LAYOUT) {
      const py = JSON.parse(
        await runPython([
          "-c",
          "import csv,json,sys; r=list(csv.DictReader(open(sys.argv[1],newline='')));" +
          "print(json.dumps([[x['Dataset'],float(x[sys.argv[2]]),float(x[sys.argv[3]]),float(x[sys.argv[4]])] for x in r]))",
          join(dir, layout.file),
          layout.value,
          layout.lower,
          layout.upper,
        ]),
      ) as [string, number, number, number][];
      const m = t.metrics.find((x) => x.name === layout.name)!;
      for (const [dataset, value, lower, upper] of py) {
        const d = t.datasets.indexOf(dataset);
        assert.deepEqual(
          [m.value[d], m.lower[d], m.upper[d]],
          [value, lower, upper],
          `${layout.name} ${dataset}`,
        );
      }
    }
  },
});

/** The four files keyed as {@linkcode parseCiTables} takes them. */
const asFiles = (tables: Record<CiTableName, string>) =>
  Object.fromEntries(Object.entries(tables).map(([name, text]) => [`${name}.csv`, text]));

Deno.test({
  name: "CI_TABLE_COLUMNS equal the headers of the paper's published CI tables",
  ignore: skipUnlessPaperData(),
  fn() {
    for (const [name, columns] of Object.entries(CI_TABLE_COLUMNS)) {
      const header = Deno.readTextFileSync(join(PAPER_DATA, "CI", `${name}.csv`)).split("\n")[0]!
        .trim();
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
  const [name, point, lower, upper, margin] = eer.rows[0]!;
  assert.equal(name, "A");
  assert.equal(Number(point), metrics.stats.eer);
  assert.equal(Number(lower), metrics.bootstrap!.intervals.eer.lower);
  assert.equal(Number(margin), (Number(upper) - Number(lower)) / 2);
  const mean = parseCsv(tables.mean_95);
  assert.equal(Number(mean.rows[1]![4]), metrics.stats.imean);
  const fmr = parseCsv(tables.fmr_95);
  assert.equal(Number(fmr.rows[0]![4]), metrics.stats.fmr1000);
  assert.equal(Number(parseCsv(tables.fdr_95).rows[0]![1]), metrics.fdr);
});

Deno.test("ciTablesCsv(rows) leaves the bounds empty when no bootstrap ran", () => {
  const metrics = datasetMetrics([0.9, 0.8], [0.1, 0.2], { resamples: 0 });
  assert.equal(ciTablesCsv([{ dataset: "A", metrics }]).eer_95.split("\n")[1], "A,0.0,,,");
});

Deno.test("formatCiTables(ciTable(rows)) round-trips through parseCiTables, with and without bootstrap", () => {
  const gen = Array.from({ length: 300 }, (_, i) => 0.5 + 0.2 * Math.sin(i * 1.7));
  const imp = Array.from({ length: 600 }, (_, i) => 0.1 + 0.2 * Math.cos(i * 2.3));
  const rows = [
    { dataset: "Boot", metrics: datasetMetrics(gen, imp, { resamples: 40, seed: 1 }) },
    { dataset: "Plain", metrics: datasetMetrics(gen, imp, { resamples: 0 }) },
  ];
  const table = ciTable(rows);
  assert.deepEqual(table.metrics.map((m) => m.name), CI_LAYOUT.map((c) => c.name));
  assert.deepEqual(parseCiTables(asFiles(formatCiTables(table))), table);
  assert.deepEqual(formatCiTables(table), ciTablesCsv(rows));
});

Deno.test({
  name: "formatCiTables(readCiTables(dir)) rebuilds the published CI files byte for byte",
  ignore: skipUnlessPaperData(),
  fn: async () => {
    const dir = join(PAPER_DATA, "CI");
    const tables = formatCiTables(await readCiTables(dir));
    for (const [name, text] of Object.entries(tables)) {
      assert.equal(text, await Deno.readTextFile(join(dir, `${name}.csv`)), name);
    }
  },
});
