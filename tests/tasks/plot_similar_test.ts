import assert from "node:assert/strict";
import { encode } from "fast-png";
import { zipSync } from "fflate";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { runPlotSimilar } from "../../lib/tasks/mod.ts";
import { runScript } from "../scripts/_run.ts";

function png(r: number, g: number, b: number): Uint8Array {
  const data = new Uint8Array(16 * 16 * 3);
  for (let i = 0; i < 256; i++) data.set([r, g, b], i * 3);
  return encode({ width: 16, height: 16, data, channels: 3 });
}

/** DCFace names the images of every identity `0.png, 1.png, ...`: names alone are ambiguous. */
async function fixture() {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(
    `${dir}/DCFace.zip`,
    zipSync({
      "DCFace/id_001/0.png": png(200, 0, 0),
      "DCFace/id_002/0.png": png(0, 200, 0),
      "DCFace/id_002/1.png": png(0, 0, 200),
    }),
  );
  await Deno.mkdir(`${dir}/CASIA/0000045`, { recursive: true });
  await Deno.writeFile(`${dir}/CASIA/0000045/001.jpg`, png(90, 90, 90));
  await Deno.writeTextFile(
    `${dir}/pairs.csv`,
    "query_path,casia_path,similarity_score\n" +
      '"id_002/1.png","0000045/001.jpg",0.75\n"id_003/0.png","0000045/001.jpg",0.7\n',
  );
  const args = {
    csv: `${dir}/pairs.csv`,
    casiaFile: `${dir}/CASIA`,
    otherFile: `${dir}/DCFace.zip`,
    outputDir: `${dir}/out`,
  };
  return { dir, args };
}

Deno.test("runPlotSimilar(options) finds exact paths (under a wrapping folder) and refuses a path it cannot find, naming the CSV row", async () => {
  const { dir, args } = await fixture();
  const { tiles } = await runPlotSimilar({ ...args, samples: 1, reporter: memoryReporter() });
  assert.equal(tiles[0]!.other.path, "DCFace/id_002/1.png");
  assert.deepEqual(tiles[0]!.other.bytes, png(0, 0, 200));
  const refused = `${dir}/refused`;
  await assert.rejects(
    runPlotSimilar({ ...args, outputDir: refused, reporter: memoryReporter() }),
    {
      name: "NotFound",
      message:
        `${dir}/pairs.csv row 2 (line 3): query_path id_003/0.png is not in ${dir}/DCFace.zip (looked for that exact path; --match name searches by file name, as plot_similar.py did)`,
    },
  );
  await assert.rejects(Deno.stat(refused), Deno.errors.NotFound);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runPlotSimilar({ match: 'name' }) labels a tile found by file name with the file it shows", async () => {
  const { dir, args } = await fixture();
  const reporter = memoryReporter();
  const { tiles, svg, matchedByName } = await runPlotSimilar({ ...args, match: "name", reporter });
  assert.deepEqual(matchedByName, [1]);
  assert.equal(tiles[1]!.other.path, "DCFace/id_001/0.png");
  assert.deepEqual(tiles[1]!.other.bytes, png(200, 0, 0));
  const text = await Deno.readTextFile(svg);
  assert.ok(text.includes("Identity: id_001"), "the tile says which identity it shows");
  assert.ok(!text.includes("id_003"), "no tile carries the label of an image it does not show");
  assert.deepEqual(reporter.infos, [
    "Pair 1: id_002/1.png <-> 0000045/001.jpg (0.75)",
    "Pair 2: id_003/0.png (shows DCFace/id_001/0.png, matched by name) <-> 0000045/001.jpg (0.7)",
  ]);
  assert.deepEqual([...reporter.warnings().keys()], [
    "1 of 2 pairs were matched by file name, not by path; each tile is labelled with the file it shows",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runPlotSimilar({ missing: 'blank' }) draws a Not Found tile under the wanted path and says so", async () => {
  const { dir, args } = await fixture();
  const reporter = memoryReporter();
  const { tiles, svg } = await runPlotSimilar({ ...args, missing: "blank", reporter });
  assert.equal(tiles[1]!.other.path, "id_003/0.png");
  assert.equal(tiles[1]!.other.bytes, undefined);
  assert.ok((await Deno.readTextFile(svg)).includes("Not Found"));
  assert.equal(
    reporter.infos[1],
    "Pair 2: id_003/0.png <-> 0000045/001.jpg (0.7); other image not found",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("plot-similar --match name and --out reach the task; a missing path exits 1 naming the row", async () => {
  const { dir, args } = await fixture();
  const flags = ["--casia-file", args.casiaFile, "--other-file", args.otherFile];
  const refused = await runScript("plot_similar.ts", [args.csv, ...flags, "--out", args.outputDir]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /pairs\.csv row 2 \(line 3\): query_path id_003\/0\.png is not in/);
  const drawn = await runScript("plot_similar.ts", [
    args.csv,
    ...flags,
    "--match",
    "name",
    "--out",
    args.outputDir,
  ]);
  assert.equal(drawn.code, 0, drawn.stderr);
  assert.match(drawn.stdout, /comparison_DCFace_2_samples\.png/);
  await Deno.stat(`${args.outputDir}/comparison_DCFace_2_samples.png`);
  await Deno.remove(dir, { recursive: true });
});
