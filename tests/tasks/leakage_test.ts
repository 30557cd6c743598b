import assert from "node:assert/strict";
import { encode } from "fast-png";
import { zipSync } from "fflate";
import { parseBestMatches } from "../../lib/formats/_best_match_csv.ts";
import { parseClosest } from "../../lib/formats/_closest_json.ts";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { runClosest, runLeakage, runPaths, runPlotSimilar } from "../../lib/tasks/mod.ts";
import { gzip, tar } from "../data/_archive_writers.ts";

const DIM = 16;

/** A solid-colour PNG with a stripe, so that tiles are visibly different. */
function png(r: number, g: number, b: number): Uint8Array {
  const w = 48, h = 48;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const stripe = (i % w) > 16 && (i % w) < 24;
    data.set(stripe ? [255 - r, 255 - g, 255 - b] : [r, g, b], i * 3);
  }
  return encode({ width: w, height: h, data, channels: 3 });
}

function line(identity: string, name: string, v: number[]): string {
  return JSON.stringify({ identity, image_name: name, embedding: v }) + "\n";
}

function unit(seed: number, jitter = 0): number[] {
  const v = Array.from(
    { length: DIM },
    (_, i) => (Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453 % 1) + jitter * Math.cos(i * 7.1),
  );
  const n = Math.hypot(...v);
  return v.map((x) => Math.round((x / n) * 1e5) / 1e5);
}

Deno.test("leakage, closest, paths and plot-similar run end to end; planted copies come out on top", async () => {
  const dir = await Deno.makeTempDir();
  let synth = "", casia = "";
  for (let i = 0; i < 40; i++) synth += line(`s${i % 8}`, `${i}.png`, unit(i + 1));
  for (let j = 0; j < 300; j++) {
    casia += line(`${String(j % 30).padStart(7, "0")}`, `image_${j}.jpg`, unit(1000 + j));
  }
  // Planted leakage: CASIA image_300 is a near-copy of synthetic 7.png, image_301 of 12.png.
  casia += line("0000777", "image_300.jpg", unit(8, 0.05)) +
    line("0000778", "image_301.jpg", unit(13, 0.05));
  await Deno.writeTextFile(`${dir}/Demo.json`, synth);
  await Deno.writeTextFile(`${dir}/CASIA.json`, casia);
  const out = `${dir}/Metrics`;
  const { best, files } = await runLeakage({
    input: `${dir}/Demo.json`,
    casia: `${dir}/CASIA.json`,
    nComparisons: 25,
    outDir: out,
    reporter: memoryReporter(),
  });
  assert.deepEqual(files.map((f) => f.slice(out.length)), [
    "/SimilarityScores/Demo_BestMatches_25.txt",
    "/Best_Matches/Demo_BestMatches_25.csv",
    "/Figures/Demo_BestMatches_25.svg",
    "/Figures/Demo_BestMatches_25.png",
    "/Figures/Demo_BestMatches_25.pdf",
  ]);
  const [scoresFile, csvFile] = files as [string, string];
  const table = parseBestMatches(await Deno.readTextFile(csvFile), csvFile);
  assert.equal(table.sampleIndex.length, 25);
  assert.deepEqual(Array.from(table.sampleIndex), Array.from(best.queries));
  const txt = (await Deno.readTextFile(scoresFile)).trim().split("\n");
  txt.forEach((t, i) =>
    assert.equal(t, table.similarity[i]!.toFixed(6).replace("-0.000000", "0.000000"))
  );

  const reporter = memoryReporter();
  const { file, columns } = await runClosest({
    input: `${dir}/Demo.json`,
    casia: `${dir}/CASIA.json`,
    top: 5,
    outDir: out,
    reporter,
  });
  assert.ok(
    reporter.infos.includes("Finding top 5 highest positive similarities from 40 samples..."),
  );
  assert.ok(file.endsWith("/Closest/Demo_Top5Global_40.json"));
  const closest = parseClosest(await Deno.readTextFile(file), file);
  assert.deepEqual(closest.casiaPath.slice(0, 2).sort(), [
    "0000777/image_300.jpg",
    "0000778/image_301.jpg",
  ]);
  assert.deepEqual(closest.queryPath.slice(0, 2).sort(), ["s4/12.png", "s7/7.png"]);
  assert.deepEqual(
    columns.queryIdentity,
    closest.queryIdentity,
    "the result lists the pairs of the file",
  );
  assert.deepEqual(columns.casiaImageName, closest.casiaImageName);

  const paths = await runPaths({
    inputs: [`${out}/Closest`],
    outDir: `${out}/Extracted_paths`,
    reporter: memoryReporter(),
  });
  const csv = paths.files[0]!;
  assert.match(await Deno.readTextFile(csv), /^query_path,casia_path,similarity_score\n"s/);

  // Synthetic images in a zip under a wrapping folder; CASIA in a tar.gz lacking image_301.
  const zipFiles: Record<string, Uint8Array> = {};
  for (let i = 0; i < 40; i++) zipFiles[`Demo/s${i % 8}/${i}.png`] = png(40 + 5 * i, 90, 160);
  await Deno.writeFile(`${dir}/Demo.zip`, zipSync(zipFiles));
  const casiaFiles: [string, Uint8Array][] = [["CASIA/0000777/image_300.jpg", png(200, 60, 40)]];
  for (let j = 0; j < 30; j++) {
    casiaFiles.push([`CASIA/${String(j).padStart(7, "0")}/image_${j}.jpg`, png(90, 200, 90)]);
  }
  await Deno.writeFile(`${dir}/CASIA.tar.gz`, await gzip(tar(casiaFiles)));
  const { png: grid, tiles } = await runPlotSimilar({
    csv,
    casiaFile: `${dir}/CASIA.tar.gz`,
    otherFile: `${dir}/Demo.zip`,
    samples: 3,
    outputDir: `${out}/Figures`,
    missing: "blank",
    reporter: memoryReporter(),
  });
  assert.ok(grid.endsWith("/comparison_Demo_3_samples.png"));
  assert.equal(tiles.length, 3);
  assert.ok(tiles.every((t) => t.other.bytes), "every synthetic image is found in the zip");
  assert.equal(tiles.filter((t) => !t.casia.bytes).length, 1, "image_301 is missing");
  const bytes = await Deno.readFile(grid);
  assert.deepEqual(Array.from(bytes.subarray(1, 4)), [0x50, 0x4e, 0x47]);
  if (Deno.env.get("KEEP_GRID")) await Deno.copyFile(grid, Deno.env.get("KEEP_GRID")!);
  await Deno.remove(dir, { recursive: true });
});
