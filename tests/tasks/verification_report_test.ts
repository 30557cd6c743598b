import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import {
  datasetNameOf,
  parseLatexTable,
  parseMarkdownTable,
  parseReportTableCsv,
  scoresText,
} from "../../lib/formats/mod.ts";
import { operatingPoints } from "../../lib/metrics/mod.ts";
import { createRng, uniformFloat } from "../../lib/random/mod.ts";
import { runMetrics } from "../../lib/tasks/mod.ts";

function normals(seed: number, n: number, mean: number, sd: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const r = Math.sqrt(-2 * Math.log(1 - uniformFloat(rng)));
    return Math.round((mean + sd * r * Math.cos(2 * Math.PI * uniformFloat(rng))) * 1e5) / 1e5;
  });
}

Deno.test("runMetrics(options) writes the operating-point table (CSV = Markdown = LaTeX) and the DET and ROC figures", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const scores = join(dir, "SimilarityScores");
    await Deno.mkdir(scores);
    const data = {
      Alpha: { genuine: normals(1, 600, 0.55, 0.12), impostor: normals(2, 12000, 0.05, 0.1) },
      Beta: { genuine: normals(3, 400, 0.35, 0.15), impostor: normals(4, 2500, 0.1, 0.12) },
    };
    for (const [name, d] of Object.entries(data)) {
      await Deno.writeTextFile(
        join(scores, `${name}_mated_similarities.txt`),
        scoresText(d.genuine),
      );
      await Deno.writeTextFile(
        join(scores, `${name}_non_mated_similarities.txt`),
        scoresText(d.impostor),
      );
    }
    const reporter = memoryReporter();
    const r = await runMetrics({ scores, out: dir, resamples: 40, seed: 9, reporter });
    assert.deepEqual(r.operatingPoints.map((d) => d.dataset), ["Alpha", "Beta"]);
    for (const named of r.operatingPoints) {
      const d = data[named.dataset as keyof typeof data];
      // The score files round-trip exactly, so the task's table is the kernel's on the same scores.
      assert.deepEqual(
        named.points,
        operatingPoints(d.genuine, d.impostor, { resamples: 40, seed: 9 }),
      );
    }
    // 12,000 impostors support 1e-1 .. 1e-3; 2,500 support 1e-1 and 1e-2 only.
    assert.deepEqual(r.operatingPoints[0]?.points.rows.map((p) => p.supported), [
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    assert.deepEqual(r.operatingPoints[1]?.points.rows.map((p) => p.supported), [
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    assert.ok(
      reporter.infos.some((l) =>
        /^Beta FNMR@FMR=0\.1% \(FMR1000\): not estimated \(2500 impostor scores/.test(l)
      ),
    );

    const stem = join(dir, "All_Datasets_operating_points");
    const csv = parseReportTableCsv(await Deno.readTextFile(`${stem}.csv`), `${stem}.csv`);
    const md = parseMarkdownTable(await Deno.readTextFile(`${stem}.md`));
    const tex = parseLatexTable(await Deno.readTextFile(`${stem}.tex`));
    assert.deepEqual(csv.rows, ["Alpha", "Beta"]);
    for (const other of [md, tex]) {
      assert.deepEqual(other.rows, csv.rows);
      assert.deepEqual(other.columns.map((c) => c.name), csv.columns.map((c) => c.name));
      other.columns.forEach((c, k) => {
        for (const part of ["value", "lower", "upper"] as const) {
          assert.deepEqual(
            Array.from(c[part]),
            Array.from(csv.columns[k]![part]),
            `${c.name} ${part}`,
          );
        }
      });
    }
    const column = (name: string) => csv.columns.find((c) => c.name === name)!;
    const alpha1 = r.operatingPoints[0]!.points.rows[1]!;
    assert.equal(column("FNMR@FMR=1% (%)").value[0], Number((alpha1.fnmr * 100).toFixed(2)));
    assert.equal(
      column("FNMR@FMR=1% (%)").lower[0],
      Number((alpha1.interval!.lower * 100).toFixed(2)),
    );
    assert.equal(column("Threshold@FMR=1%").value[0], Number(alpha1.threshold!.toFixed(4)));
    assert.ok(Number.isNaN(column("FNMR@FMR=0.1% (%)").value[1]!), "Beta's 0.1% is n/a");
    assert.match(await Deno.readTextFile(`${stem}.md`), /n\/a/);
    // No dataset supports 0.01% and below: those columns are left out, and the caption says so.
    assert.equal(csv.columns.length, 6);
    assert.match(
      await Deno.readTextFile(`${stem}.tex`),
      /not estimated: FMR 0\.01\\%, 0\.001\\%, 0\.0001\\% \(no dataset has enough impostor scores\)/,
    );

    const figures = join(dir, "Figures_with_metrics");
    for (
      const stemName of [
        "Alpha_DET",
        "Alpha_ROC",
        "Beta_DET",
        "Beta_ROC",
        "All_Datasets_DET",
        "All_Datasets_ROC",
      ]
    ) {
      const svg = await Deno.readTextFile(join(figures, `${stemName}.svg`));
      assert.ok(svg.startsWith("<svg"), stemName);
      assert.ok((await Deno.stat(join(figures, `${stemName}.png`))).size > 1000, stemName);
      assert.ok(r.files.includes(join(figures, `${stemName}.svg`)), stemName);
    }
    assert.deepEqual(
      [join(figures, "Alpha_DET.pdf"), join(figures, "Beta_ROC.svg"), `${stem}.tex`].map(
        datasetNameOf,
      ),
      ["Alpha", "Beta", "All_Datasets"],
    );
    const overlay = await Deno.readTextFile(join(figures, "All_Datasets_DET.svg"));
    assert.ok(overlay.includes("DET curves of 2 datasets") && overlay.includes("Beta: EER"));
    const one = await Deno.readTextFile(join(figures, "Beta_ROC.svg"));
    assert.ok(one.includes("Beta: ROC curve (n = 400 mated, 2,500 non-mated)"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runMetrics({figures: false}) still writes the operating-point table but no DET or ROC figure", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "A_mated_similarities.txt"),
      scoresText(normals(5, 50, 0.5, 0.1)),
    );
    await Deno.writeTextFile(
      join(dir, "A_non_mated_similarities.txt"),
      scoresText(normals(6, 100, 0, 0.1)),
    );
    const r = await runMetrics({
      scores: dir,
      out: dir,
      resamples: 0,
      figures: false,
      reporter: memoryReporter(),
    });
    assert.deepEqual(r.files.filter((f) => /operating_points/.test(f)).length, 3);
    assert.ok(!r.files.some((f) => /_(DET|ROC)\./.test(f)));
    // 100 impostors: only 10% has 3 expected false matches (10), 1% has 1.
    assert.deepEqual(r.operatingPoints[0]?.points.rows.map((p) => p.supported), [
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
