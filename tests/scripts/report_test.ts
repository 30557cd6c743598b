/**
 * `scripts/report.ts` as a user runs it: the usage, a page written from a results folder made
 * here (score files through the metrics task), and the errors a user meets (a bad `--pairs`, a
 * folder that is not there).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { metricsLayout } from "../../lib/formats/mod.ts";
import { runMetrics } from "../../lib/tasks/mod.ts";
import { runScript } from "./_run.ts";

Deno.test("deno task report --help, a run on a results folder, and its usage and folder errors", async () => {
  const help = await runScript("report.ts", ["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.ok(help.stdout.startsWith("Usage: deno task report [--metrics DIR]"), help.stdout);

  const dir = await Deno.makeTempDir({ prefix: "report_script_" });
  try {
    const tree = metricsLayout(dir);
    await Deno.mkdir(tree.dir("scores"));
    await Deno.writeTextFile(tree.matedScores("Toy"), "0.9\n0.8\n0.7\n0.4\n");
    await Deno.writeTextFile(tree.nonMatedScores("Toy"), "0.1\n0.2\n0.5\n0.3\n0.75\n");
    await runMetrics({
      scores: tree.dir("scores"),
      out: dir,
      resamples: 0,
      figures: false,
      reporter: memoryReporter(),
    });
    const out = join(dir, "page.html");
    const run = await runScript("report.ts", ["--metrics", dir, "--out", out, "--title", "Toy"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `${out}\n`);
    assert.match(run.stderr, /^report: .*page\.html \(0\.\d MB\): 1 datasets, 0 figures, /m);
    const html = await Deno.readTextFile(out);
    assert.ok(html.includes("<title>Toy</title>") && html.includes("<td>22.50</td>"));
    assert.ok((await Deno.stat(`${out}.manifest.json`)).isFile);

    const negative = await runScript("report.ts", ["--metrics", dir, "--pairs", "-1"]);
    assert.equal(negative.code, 2);
    assert.match(negative.stderr, /^error: --pairs must be at least 0: current value is -1\n/);

    const missing = await runScript("report.ts", ["--metrics", join(dir, "nope")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Cannot report on .*nope: no such folder/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
