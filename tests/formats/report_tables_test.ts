import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type CiTable,
  formatEstimate,
  latexTable,
  markdownTable,
  paperReportTable,
  parseLatexTable,
  parseMarkdownTable,
  parseReportTableCsv,
  readCiTables,
  type ReportTable,
  reportTableCsv,
} from "../../lib/formats/mod.ts";
import { createRng } from "../../lib/random/mod.ts";
import { PAPER_DATA, skipUnlessPaperData } from "./_paper_data.ts";

/** A CI table of random metrics with intervals around each value; names with LaTeX specials. */
function randomCi(seed: number): CiTable {
  const rng = createRng(seed);
  const datasets = ["A_1", "B&C", "50%", "D#{x}", "E~^", "F\\G", "H|I"];
  const n = datasets.length;
  const metric = (name: string, scale: number) => {
    const value = Float64Array.from({ length: n }, () => (rng.nextUint32() / 4294967296) * scale);
    const lower = value.map((v) => v - (rng.nextUint32() / 4294967296) * scale * 0.01);
    const upper = value.map((v) => v + (rng.nextUint32() / 4294967296) * scale * 0.01);
    return { name, value, lower, upper };
  };
  return {
    datasets,
    metrics: [
      metric("EER", 0.5),
      metric("FMR100", 1),
      metric("FMR1000", 1),
      metric("FDR", 20),
      metric("Genuine Mean", 1),
      metric("Impostor Mean", 0.1),
    ],
  };
}

function assertSameNumbers(a: ReturnType<typeof parseReportTableCsv>, b: typeof a, what: string) {
  assert.deepEqual(a.rows, b.rows, `${what}: rows`);
  assert.deepEqual(a.columns.map((c) => c.name), b.columns.map((c) => c.name), `${what}: columns`);
  a.columns.forEach((c, k) => {
    for (const key of ["value", "lower", "upper"] as const) {
      assert.deepEqual([...c[key]], [...b.columns[k]![key]], `${what}: ${c.name} ${key}`);
    }
  });
}

Deno.test("latexTable(t) and markdownTable(t) print the numbers of reportTableCsv(t), names escaped and read back", () => {
  for (const seed of [1, 2, 3]) {
    const table = paperReportTable(randomCi(seed));
    const csv = parseReportTableCsv(reportTableCsv(table));
    assertSameNumbers(parseLatexTable(latexTable(table)), csv, `LaTeX seed ${seed}`);
    assertSameNumbers(parseMarkdownTable(markdownTable(table)), csv, `Markdown seed ${seed}`);
    assert.ok(csv.rows.includes("F\\G") && csv.rows.includes("H|I"));
  }
});

Deno.test("reportTableCsv(t) holds the rounded percent of each rate and the plain value of the others", () => {
  const table = paperReportTable(randomCi(7));
  const csv = parseReportTableCsv(reportTableCsv(table));
  const source = randomCi(7);
  csv.rows.forEach((name, r) => {
    const d = source.datasets.indexOf(name);
    const eer = source.metrics[0]!.value[d]!;
    const fdr = source.metrics[3]!.value[d]!;
    assert.ok(Math.abs(csv.columns[0]!.value[r]! - eer * 100) <= 0.005 + 1e-12);
    assert.ok(Math.abs(csv.columns[3]!.value[r]! - fdr) <= 0.005 + 1e-12);
  });
  assert.deepEqual(
    csv.columns.map((c) => c.name),
    [
      "EER (%)",
      "FNMR@FMR=1% (%)",
      "FNMR@FMR=0.1% (%)",
      "FDR",
      "Genuine mean",
      "Impostor mean",
    ],
  );
});

Deno.test("paperReportTable(ci, { order }) states and applies the order: ascending EER, descending FDR, given, by name", () => {
  const ci = randomCi(4);
  const eer = ci.metrics[0]!.value;
  const byEer = paperReportTable(ci);
  assert.equal(byEer.order, "Datasets by ascending EER.");
  const shown = byEer.rows.map((name) => eer[ci.datasets.indexOf(name)]!);
  assert.deepEqual(shown, [...shown].sort((a, b) => a - b));
  const byFdr = paperReportTable(ci, { order: { by: "metric", metric: "FDR", descending: true } });
  const fdr = byFdr.rows.map((name) => ci.metrics[3]!.value[ci.datasets.indexOf(name)]!);
  assert.deepEqual(fdr, [...fdr].sort((a, b) => b - a));
  assert.equal(byFdr.order, "Datasets by descending FDR.");
  const names = [...ci.datasets].reverse();
  assert.deepEqual(paperReportTable(ci, { order: { by: "given", names } }).rows, names);
  assert.deepEqual(paperReportTable(ci, { order: { by: "name" } }).rows, [...ci.datasets].sort());
  assert.throws(
    () => paperReportTable(ci, { order: { by: "given", names: names.slice(1) } }),
    /H\|I missing from the order/,
  );
  assert.throws(() => paperReportTable(ci, { order: { by: "metric", metric: "AUC" } }), /AUC/);
});

Deno.test("formatEstimate(column, row) prints n/a without a value and the value alone without an interval", () => {
  const table: ReportTable = {
    title: "Operating points",
    order: "As given.",
    rows: ["A", "B", "C"],
    missing: "n/s",
    columns: [{
      name: "FNMR@FMR=1e-6",
      unit: "percent",
      value: Float64Array.of(NaN, 0.25, 0.125),
      lower: Float64Array.of(NaN, NaN, 0.1),
      upper: Float64Array.of(NaN, NaN, 0.15),
    }],
  };
  const md = markdownTable(table);
  assert.match(md, /\| A \| n\/s \|\n\| B \| 25\.00 \|\n\| C \| 12\.50 \[10\.00, 15\.00\] \|/);
  const back = parseLatexTable(latexTable(table), { missing: "n/s" });
  assert.ok(Number.isNaN(back.columns[0]!.value[0]!));
  assert.equal(back.columns[0]!.value[1], 25);
  assert.ok(Number.isNaN(back.columns[0]!.lower[1]!));
  assert.throws(() => parseMarkdownTable(md), /line 5: Cannot read the table cell "n\/s"/);
});

Deno.test("latexTable(t) is a booktabs table: rules, no vertical lines, caption with the order", () => {
  const tex = latexTable(paperReportTable(randomCi(5)), { label: "tab:x" });
  const lines = tex.split("\n");
  assert.ok(lines.includes("\\begin{tabular}{lrrrrrr}"));
  for (const rule of ["\\toprule", "\\midrule", "\\bottomrule"]) {
    assert.equal(lines.filter((l) => l === rule).length, 1, rule);
  }
  assert.ok(!tex.includes("\\hline") && !tex.includes("\\vline"));
  assert.match(
    tex,
    /\\caption\{Verification metrics .*\. Datasets by ascending EER\.\}\n\\label\{tab:x\}/,
  );
});

Deno.test(
  "paperReportTable(readCiTables(Data/CI)) prints CemiFace's EER as 7.27 [7.23, 7.31], and LaTeX equals CSV",
  {
    ignore: skipUnlessPaperData(),
  },
  async () => {
    const table = paperReportTable(await readCiTables(join(PAPER_DATA, "CI")));
    const r = table.rows.indexOf("CemiFace");
    assert.equal(formatEstimate(table.columns[0]!, r), "7.27 [7.23, 7.31]");
    assert.equal(table.rows[0], "HyperFace");
    const csv = parseReportTableCsv(reportTableCsv(table));
    assertSameNumbers(parseLatexTable(latexTable(table)), csv, "paper LaTeX");
    assert.match(latexTable(table), /\nDIGIFACE\\_1M\\_1 & /);
    // Every interval with width prints distinct bounds: the means need 4 decimals here, not 3.
    for (const c of csv.columns) {
      c.lower.forEach((lo, r) => assert.ok(lo < c.upper[r]!, `${c.name} of ${csv.rows[r]}`));
    }
    assert.equal(
      formatEstimate(table.columns[4]!, table.rows.indexOf("Vec2Face")),
      "0.4582 [0.4580, 0.4585]",
    );
  },
);
