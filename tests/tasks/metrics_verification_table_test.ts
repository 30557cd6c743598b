import assert from "node:assert/strict";
import { memoryReporter } from "../../lib/cli/mod.ts";
import {
  metricsLayout,
  parseLatexTable,
  parseMarkdownTable,
  parseReportTableCsv,
  readCiTables,
} from "../../lib/formats/mod.ts";
import { createRng, normal } from "../../lib/random/mod.ts";
import { runMetrics } from "../../lib/tasks/mod.ts";

Deno.test("runMetrics writes All_Datasets_verification.csv|md|tex: the CI tables' numbers in percent, by ascending EER, LaTeX equal to CSV", async () => {
  const dir = await Deno.makeTempDir();
  const layout = metricsLayout(dir);
  const scores = layout.dir("scores");
  await Deno.mkdir(scores);
  const rng = createRng(9);
  // Three datasets with different separations: C easiest, A hardest.
  for (const [name, gap] of [["A", 0.8], ["B", 1.6], ["C", 3]] as const) {
    const mated = Array.from({ length: 400 }, () => (gap + normal(rng)) / 10).join("\n");
    const nonMated = Array.from({ length: 2000 }, () => normal(rng) / 10).join("\n");
    await Deno.writeTextFile(layout.matedScores(name), mated + "\n");
    await Deno.writeTextFile(layout.nonMatedScores(name), nonMated + "\n");
  }
  const { files } = await runMetrics({
    scores,
    out: dir,
    resamples: 50,
    figures: false,
    reporter: memoryReporter(),
  });
  const stem = layout.verificationTable();
  for (const ext of [".csv", ".md", ".tex"]) assert.ok(files.includes(`${stem}${ext}`), ext);
  const csv = parseReportTableCsv(await Deno.readTextFile(`${stem}.csv`));
  assert.deepEqual(csv.rows, ["C", "B", "A"]);
  const ci = await readCiTables(layout.dir("ci"));
  const eer = ci.metrics.find((m) => m.name === "EER")!;
  const fdr = ci.metrics.find((m) => m.name === "FDR")!;
  csv.rows.forEach((name, r) => {
    const d = ci.datasets.indexOf(name);
    assert.equal(csv.columns[0]!.value[r], Number((100 * eer.value[d]!).toFixed(2)));
    assert.equal(csv.columns[0]!.lower[r], Number((100 * eer.lower[d]!).toFixed(2)));
    assert.equal(csv.columns[0]!.upper[r], Number((100 * eer.upper[d]!).toFixed(2)));
    // FDR prints at least 2 decimals, more where its intervals need them to stay visible.
    assert.ok(Math.abs(csv.columns[3]!.value[r]! - fdr.value[d]!) <= 0.005);
  });
  const tex = parseLatexTable(await Deno.readTextFile(`${stem}.tex`));
  const md = parseMarkdownTable(await Deno.readTextFile(`${stem}.md`));
  for (const other of [tex, md]) {
    assert.deepEqual(other.rows, csv.rows);
    for (const key of ["value", "lower", "upper"] as const) {
      assert.deepEqual(other.columns.map((c) => [...c[key]]), csv.columns.map((c) => [...c[key]]));
    }
  }
  await Deno.remove(dir, { recursive: true });
});
