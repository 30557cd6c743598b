import assert from "node:assert/strict";
import { join } from "node:path";
import {
  formatEstimate,
  latexTable,
  paperReportTable,
  readCiTables,
  type ReportTable,
} from "../../lib/formats/mod.ts";
import { skipUnless } from "../_prereq.ts";
import { PAPER_DATA, skipUnlessPaperData } from "./_paper_data.ts";

/** Whether a program runs (`--version` exits 0). */
function runs(program: string): boolean {
  try {
    return new Deno.Command(program, { args: ["-v"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

const hasLatex = runs("pdflatex") && runs("pdftotext");

/** Compiles the table in a minimal document and returns the PDF's text (pdftotext -layout). */
async function compiledText(table: ReportTable): Promise<string> {
  const dir = await Deno.makeTempDir();
  const doc = [
    "\\documentclass{article}",
    "\\usepackage{booktabs}",
    "\\usepackage[margin=1cm,landscape]{geometry}",
    "\\begin{document}",
    "\\small",
    latexTable(table),
    "\\end{document}",
  ].join("\n");
  await Deno.writeTextFile(join(dir, "t.tex"), doc);
  const latex = await new Deno.Command("pdflatex", {
    args: ["-interaction=nonstopmode", "-halt-on-error", "t.tex"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const log = new TextDecoder().decode(latex.stdout);
  assert.ok(latex.success, `pdflatex failed:\n${log.slice(-2000)}`);
  assert.ok(!/^! /m.test(log), log);
  const text = await new Deno.Command("pdftotext", {
    args: ["-layout", "t.pdf", "-"],
    cwd: dir,
    stdout: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  return new TextDecoder().decode(text.stdout);
}

const latexReason =
  "pdflatex (texlive-latex-recommended, for booktabs) or pdftotext is not installed";

Deno.test(
  "latexTable(t) compiles with pdflatex and booktabs; the PDF prints every cell and escaped name",
  {
    ignore: skipUnless("pdflatex", hasLatex, latexReason),
  },
  async () => {
    const names = ["A_1", "B&C", "50%", "D#{x}", "$5"];
    const column = (name: string, unit: "percent" | "number", scale: number) => ({
      name,
      unit,
      value: Float64Array.from(names, (_, i) => scale * (i + 1) / 7),
      lower: Float64Array.from(names, (_, i) => scale * (i + 0.9) / 7),
      upper: Float64Array.from(names, (_, i) => scale * (i + 1.1) / 7),
    });
    const table: ReportTable = {
      title: "A table with 95% intervals & specials",
      order: "As given.",
      rows: names,
      columns: [column("EER", "percent", 0.1), column("FDR", "number", 10)],
    };
    const text = await compiledText(table);
    // The default (OT1) font draws \_ as a rule, which pdftotext reads as nothing or a space.
    const printed = (name: string) =>
      new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replaceAll("_", "[_ ]?"));
    for (const name of names) assert.match(text, printed(name));
    for (const c of table.columns) {
      table.rows.forEach((_, r) => {
        const cell = formatEstimate(c, r);
        assert.ok(text.includes(cell), `${cell} in:\n${text}`);
      });
    }
    assert.match(text, /A table with 95% intervals & specials\. As given\./);
  },
);

Deno.test("latexTable(paperReportTable(published CI)) compiles; the PDF prints CemiFace's row", {
  ignore: skipUnless("pdflatex", hasLatex, latexReason) || skipUnlessPaperData(),
}, async () => {
  const table = paperReportTable(await readCiTables(join(PAPER_DATA, "CI")));
  const text = await compiledText(table);
  assert.match(text, /CemiFace\s+7\.27 \[7\.23, 7\.31\]\s+18\.35 \[18\.20, 18\.50\]/);
  assert.match(text, /DIGIFACE[_ ]?1M[_ ]?1\s+3\.92 \[3\.90, 3\.95\]/);
});
