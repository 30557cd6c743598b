import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import {
  parseCsv,
  parseLatexTable,
  parseMarkdownTable,
  parseReportTableCsv,
} from "../../lib/formats/mod.ts";
import { runPaper } from "../../lib/tasks/mod.ts";
import { PAPER_DATA, skipUnlessPaperData } from "../formats/_paper_data.ts";

/** A Data/ folder with the published CI tables and two datasets' best matches. */
async function smallData(): Promise<string> {
  const data = await Deno.makeTempDir();
  for (const sub of ["CI", "Best_Matches"]) await Deno.mkdir(join(data, sub));
  for (const f of ["eer_95.csv", "fmr_95.csv", "fdr_95.csv", "mean_95.csv"]) {
    await Deno.copyFile(join(PAPER_DATA, "CI", f), join(data, "CI", f));
  }
  for (const name of ["SDFD", "HyperFace"]) {
    const f = `${name}_BestMatches_10000.csv`;
    await Deno.copyFile(join(PAPER_DATA, "Best_Matches", f), join(data, "Best_Matches", f));
  }
  return data;
}

Deno.test(
  "runPaper writes the paper table as percent CSV, Markdown and LaTeX with the same numbers, by ascending EER",
  {
    ignore: skipUnlessPaperData(),
  },
  async () => {
    const data = await smallData();
    const out = join(data, "out");
    const reporter = memoryReporter();
    const { files } = await runPaper({ data, out, reporter });
    for (const f of ["paper_table_percent.csv", "paper_table.md", "paper_table.tex"]) {
      assert.ok(files.includes(f), f);
    }
    assert.ok(
      !files.some((f) => f.startsWith("leakage_judged")),
      "no threshold: no judged leakage",
    );
    assert.ok(reporter.infos.some((l) => l.startsWith("leakage, judged: skipped")));
    const csv = parseReportTableCsv(await Deno.readTextFile(join(out, "paper_table_percent.csv")));
    const tex = parseLatexTable(await Deno.readTextFile(join(out, "paper_table.tex")));
    const md = parseMarkdownTable(await Deno.readTextFile(join(out, "paper_table.md")));
    for (const other of [tex, md]) {
      assert.deepEqual(other.rows, csv.rows);
      for (const key of ["value", "lower", "upper"] as const) {
        assert.deepEqual(
          other.columns.map((c) => [...c[key]]),
          csv.columns.map((c) => [...c[key]]),
        );
      }
    }
    const eer = csv.columns[0]!.value;
    assert.deepEqual([...eer], [...eer].sort((a, b) => a - b));
    assert.equal(csv.rows.length, 16);
    await Deno.remove(data, { recursive: true });
  },
);

Deno.test(
  "runPaper({ judge: { threshold } }) judges the published best matches: counts equal a count over the CSVs",
  {
    ignore: skipUnlessPaperData(),
  },
  async () => {
    const data = await smallData();
    const out = join(data, "out");
    const { files } = await runPaper({
      data,
      out,
      reporter: memoryReporter(),
      judge: { threshold: 0.4 },
    });
    for (const ext of [".csv", ".md", ".tex", ".svg", ".png"]) {
      assert.ok(files.includes(`leakage_judged${ext}`), ext);
    }
    const table = parseReportTableCsv(await Deno.readTextFile(join(out, "leakage_judged.csv")));
    const column = (name: string) => table.columns.find((c) => c.name === name)!.value;
    for (const name of ["SDFD", "HyperFace"]) {
      const f = join(PAPER_DATA, "Best_Matches", `${name}_BestMatches_10000.csv`);
      const rows = parseCsv(await Deno.readTextFile(f)).rows; // sample_identity 1, best 4, sim 6
      const above = rows.filter((r) => Number(r[6]) >= 0.4);
      const r = table.rows.indexOf(name);
      assert.equal(column("Samples")[r], rows.length);
      assert.equal(column("Leaked samples (n)")[r], above.length);
      assert.equal(
        column("Leaked samples (%)")[r],
        Number((100 * above.length / rows.length).toFixed(2)),
      );
      assert.equal(column("Synthetic identities")[r], new Set(rows.map((x) => x[1])).size);
      assert.equal(column("Leaking identities")[r], new Set(above.map((x) => x[1])).size);
      assert.equal(column("Real identities hit")[r], new Set(above.map((x) => x[4])).size);
    }
    // SDFD: 230 of its 1,000 samples reach 0.4 (the published best matches).
    assert.equal(column("Leaked samples (n)")[table.rows.indexOf("SDFD")], 230);
    await Deno.remove(data, { recursive: true });
  },
);
