import assert from "node:assert/strict";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { runMetrics } from "../../lib/tasks/mod.ts";

Deno.test("runMetrics(options) lists every file it writes: the three figure files (SVG, PNG, PDF) and each CI table", async () => {
  const dir = await Deno.makeTempDir();
  const scores = `${dir}/SimilarityScores`;
  await Deno.mkdir(scores);
  const mated = Array.from({ length: 50 }, (_, i) => 0.5 + 0.4 * Math.sin(i)).join("\n");
  const nonMated = Array.from({ length: 50 }, (_, i) => 0.1 * Math.cos(i)).join("\n");
  await Deno.writeTextFile(`${scores}/D_mated_similarities.txt`, mated + "\n");
  await Deno.writeTextFile(`${scores}/D_non_mated_similarities.txt`, nonMated + "\n");
  const reporter = memoryReporter();
  const { files } = await runMetrics({ scores, out: dir, resamples: 5, reporter });
  const said = reporter.infos.join("\n");
  for (const file of files) {
    const name = file.split("/").at(-1)!;
    assert.ok(said.includes(name), `${file} is not listed in:\n${said}`);
  }
  const [svg, png, pdf] = files.filter((f) => /\.(svg|png|pdf)$/.test(f));
  assert.ok(reporter.infos.includes(`Plot saved to: ${svg}, ${png} and ${pdf}`));
  await Deno.remove(dir, { recursive: true });
});
