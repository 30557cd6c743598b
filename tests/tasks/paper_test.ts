import assert from "node:assert/strict";
import { join } from "node:path";
import {
  listPublishedData,
  numberColumn,
  parseCsv,
  readBestMatches,
  readCiTables,
  readClosest,
  stringColumn,
} from "../../lib/formats/mod.ts";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { runPaper } from "../../lib/tasks/mod.ts";
import { PAPER_DATA, skipUnlessPaperData } from "../formats/_paper_data.ts";

async function readTable(path: string) {
  return parseCsv(await Deno.readTextFile(path), { source: path });
}

Deno.test({
  name:
    "runPaper({ data }) writes every figure of the published data, and CSVs whose numbers equal the inputs",
  ignore: skipUnlessPaperData(),
  fn: async () => {
    const out = await Deno.makeTempDir();
    try {
      const reporter = memoryReporter();
      const { files } = await runPaper({ data: PAPER_DATA, out, thresholds: [0.4, 0.6], reporter });
      assert.ok(reporter.infos.includes(`wrote ${files.length} files under ${out}/`));
      assert.ok(files.includes("best_match_summary.csv") && files.includes("closest_pairs.png"));
      const data = await listPublishedData(PAPER_DATA);

      const figures = [
        "best_matches_all",
        "threshold_shares",
        "closest_pairs",
        "paper_table_EER",
        "paper_table_FDR",
      ];
      for (const name of figures) {
        const svg = await Deno.readTextFile(join(out, `${name}.svg`));
        assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, name);
        const png = await Deno.readFile(join(out, `${name}.png`));
        assert.deepEqual(Array.from(png.subarray(1, 4)), [0x50, 0x4e, 0x47], name);
      }

      const summary = await readTable(join(out, "best_match_summary.csv"));
      assert.deepEqual(summary.header.slice(-2), ["share_ge_0.4", "share_ge_0.6"]);
      const names = stringColumn(summary, "Dataset");
      assert.equal(names.length, data.bestMatches.length);
      for (const path of data.bestMatches) {
        const m = await readBestMatches(path);
        const r = names.indexOf(m.name);
        await Deno.stat(join(out, "best_matches", `${m.name}.png`));
        assert.equal(numberColumn(summary, "n")[r], m.similarity.length);
        assert.equal(numberColumn(summary, "max")[r], Math.max(...m.similarity));
        assert.equal(numberColumn(summary, "min")[r], Math.min(...m.similarity));
        const above = m.similarity.filter((s) => s >= 0.6).length / m.similarity.length;
        assert.equal(numberColumn(summary, "share_ge_0.6")[r], above, m.name);
      }

      const closest = await readTable(join(out, "closest_pairs.csv"));
      const dataset = stringColumn(closest, "Dataset");
      const score = numberColumn(closest, "similarity_score");
      const query = stringColumn(closest, "query_path");
      let checked = 0;
      for (const path of data.closest) {
        const c = await readClosest(path);
        const rows = dataset.flatMap((d, i) => (d === c.name ? [i] : []));
        assert.deepEqual(rows.map((i) => score[i]), Array.from(c.similarity), c.name);
        assert.deepEqual(rows.map((i) => query[i]), c.queryPath, c.name);
        checked += rows.length;
      }
      assert.equal(checked, closest.rows.length);

      const table = await readTable(join(out, "paper_table.csv"));
      const ci = await readCiTables(data.ciDir!);
      assert.deepEqual(stringColumn(table, "Dataset"), ci.datasets);
      for (const m of ci.metrics) {
        const key = m.name.replaceAll(" ", "_");
        assert.deepEqual(numberColumn(table, key), m.value, key);
        assert.deepEqual(numberColumn(table, `${key}_CI_Lower`), m.lower, key);
        assert.deepEqual(numberColumn(table, `${key}_CI_Upper`), m.upper, key);
        await Deno.stat(join(out, `paper_table_${key}.svg`));
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
