import assert from "node:assert/strict";
import { join } from "node:path";
import { eerStats } from "../../lib/metrics/_eer_stats.ts";
import { parseCsv } from "../../lib/formats/_csv.ts";
import { CI_TABLE_COLUMNS } from "../../lib/formats/_ci_tables.ts";
import { scoresText } from "../../lib/formats/_score_file.ts";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { runMetrics } from "../../lib/tasks/mod.ts";

const gen = Array.from({ length: 400 }, (_, i) => 0.55 + 0.2 * Math.sin(i * 1.9));
const imp = Array.from({ length: 800 }, (_, i) => 0.05 + 0.12 * Math.cos(i * 0.37));

Deno.test("runMetrics(options) measures each dataset, writes the tables and figures, and reports skips", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const scores = join(dir, "SimilarityScores");
    await Deno.mkdir(scores);
    const put = (name: string, text: string) => Deno.writeTextFile(join(scores, name), text);
    await put("Good_mated_similarities.txt", scoresText(gen));
    await put("Good_non_mated_similarities.txt", scoresText(imp));
    await put("Lonely_non_mated_similarities.txt", scoresText(imp));
    await put("Orphan_mated_similarities.txt", scoresText(gen));
    await put("Empty_mated_similarities.txt", "\n");
    await put("Empty_non_mated_similarities.txt", scoresText(imp));
    await put("Bad_mated_similarities.txt", "0.5\nnan\n");
    await put("Bad_non_mated_similarities.txt", scoresText(imp));
    const reporter = memoryReporter();
    const r = await runMetrics({ scores, out: dir, resamples: 30, reporter });
    assert.deepEqual(r.datasets.map((d) => d.dataset), ["Good"]);
    assert.deepEqual(r.datasets[0]?.metrics.stats, eerStats(gen, imp));
    const reasons: Record<string, string> = Object.fromEntries(
      r.skipped.map((s) => [s.dataset, s.reason]),
    );
    assert.deepEqual(Object.keys(reasons).sort(), ["Bad", "Empty", "Lonely", "Orphan"]);
    assert.match(reasons.Bad ?? "", /Bad_mated_similarities\.txt: line 2 is not a finite number/);
    assert.match(reasons.Empty ?? "", /holds no scores/);
    assert.match(reasons.Lonely ?? "", /no Lonely_mated_similarities\.txt/);
    assert.ok(reporter.infos.some((l) => l.startsWith("Skipped Orphan:")));
    const table = parseCsv(await Deno.readTextFile(join(dir, "All_Datasets_metrics.csv")));
    assert.equal(table.rows.length, 1);
    for (const [name, columns] of Object.entries(CI_TABLE_COLUMNS)) {
      const t = parseCsv(await Deno.readTextFile(join(dir, "CI", `${name}.csv`)));
      assert.deepEqual(t.header, [...columns]);
    }
    const svg = await Deno.readTextFile(
      join(dir, "Figures_with_metrics", "Good_MatedVsNonmated.svg"),
    );
    // The legend gives each threshold with its rate: "EER 17.70% at 0.744".
    assert.match(svg, /EER \d+\.\d\d% at -?\d\.\d{3}/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runMetrics(options) fails with a reason when no dataset can be measured", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "X_non_mated_similarities.txt"), "0.1\n");
    await assert.rejects(
      () => runMetrics({ scores: dir, out: dir, reporter: memoryReporter() }),
      /no dataset in .* has a readable pair/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runMetrics(options) says what it expected when the scores folder is missing", async () => {
  await assert.rejects(
    () => runMetrics({ scores: "/nonexistent/scores", reporter: memoryReporter() }),
    /\/nonexistent\/scores does not exist \(expected a folder of <name>_mated_similarities\.txt/,
  );
});
