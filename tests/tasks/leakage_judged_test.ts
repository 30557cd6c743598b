import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { embeddingSet } from "../../lib/embeddings/mod.ts";
import {
  manifestPathOf,
  metricsLayout,
  parseLatexTable,
  parseMarkdownTable,
  parseReportTableCsv,
  scoresText,
} from "../../lib/formats/mod.ts";
import { calibrateThreshold } from "../../lib/metrics/mod.ts";
import { createRng, normal, type Rng } from "../../lib/random/mod.ts";
import { leakageThreshold, runLeakage, runMerge } from "../../lib/tasks/mod.ts";

const D = 16;

/** A unit vector in dimensions [from, from + D) of a 2D-dimensional space. */
function unit(rng: Rng, from: number, around?: Float32Array, noise = 0): Float32Array {
  const v = new Float32Array(2 * D);
  for (let i = 0; i < 2 * D; i++) {
    v[i] = around ? around[i]! + noise * normal(rng) : i >= from && i < from + D ? normal(rng) : 0;
  }
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** A CASIA stand-in (20 identities x 5) and a synthetic set (12 x 3) with twins of 4 gallery images. */
function fixture() {
  const rng = createRng(21);
  const gallery: Float32Array[] = [], galleryIds: string[] = [];
  for (let id = 0; id < 20; id++) {
    const centre = unit(rng, 0);
    for (let j = 0; j < 5; j++) {
      gallery.push(unit(rng, 0, centre, 0.15));
      galleryIds.push(`c${id}`);
    }
  }
  const synth: Float32Array[] = [], synthIds: string[] = [];
  const twinOf = new Map<number, number>([[0, 3], [1, 3], [4, 52], [7, 90]]); // sample -> gallery row
  for (let id = 0; id < 12; id++) {
    const centre = unit(rng, D);
    for (let j = 0; j < 3; j++) {
      const row = synth.length;
      const twin = twinOf.get(row);
      synth.push(
        twin === undefined ? unit(rng, D, centre, 0.1) : unit(rng, 0, gallery[twin]!, 0.01),
      );
      synthIds.push(`s${id}`);
    }
  }
  const flat = (rows: Float32Array[]) => {
    const out = new Float32Array(rows.length * 2 * D);
    rows.forEach((r, i) => out.set(r, i * 2 * D));
    return out;
  };
  const names = (ids: string[]) => ids.map((_, i) => `${i}.png`);
  const impostor: number[] = [];
  for (let a = 0; a < gallery.length; a++) {
    for (let b = a + 1; b < gallery.length; b++) {
      if (galleryIds[a] === galleryIds[b]) continue;
      let dot = 0;
      for (let i = 0; i < 2 * D; i++) dot += gallery[a]![i]! * gallery[b]![i]!;
      impostor.push(dot);
    }
  }
  return {
    casiaSet: embeddingSet(galleryIds, names(galleryIds), flat(gallery), 2 * D),
    inputSet: embeddingSet(synthIds, names(synthIds), flat(synth), 2 * D),
    gallery,
    galleryIds,
    synth,
    synthIds,
    impostor,
  };
}

Deno.test("runLeakage judges the best matches at CASIA's non-mated scores' FMR 1e-3 threshold: tables equal a brute-force count", async () => {
  const f = fixture();
  const outDir = await Deno.makeTempDir();
  const layout = metricsLayout(outDir);
  await Deno.mkdir(layout.dir("scores"), { recursive: true });
  await Deno.writeTextFile(layout.nonMatedScores("CASIA"), scoresText(f.impostor));
  const reporter = memoryReporter();
  const { judged, files } = await runLeakage({
    input: "Synth.json",
    casia: "CASIA.npy",
    inputSet: f.inputSet,
    casiaSet: f.casiaSet,
    nComparisons: 100,
    outDir,
    figure: false,
    reporter,
    kernel: "js",
  });
  const { threshold } = calibrateThreshold(f.impostor, 1e-3);
  // Brute force: each sample's best gallery cosine, then the counts.
  const leaked: number[] = [];
  const hit = new Set<string>();
  f.synth.forEach((s, i) => {
    let best = -Infinity, who = "";
    f.gallery.forEach((g, j) => {
      let dot = 0;
      for (let k = 0; k < 2 * D; k++) dot += s[k]! * g[k]!;
      if (dot > best) [best, who] = [dot, f.galleryIds[j]!];
    });
    if (best >= threshold) {
      leaked.push(i);
      hit.add(who);
    }
  });
  assert.deepEqual(leaked, [0, 1, 4, 7]);
  assert.ok(judged);
  assert.equal(judged.threshold, threshold);
  assert.equal(judged.leakedSamples, 4);
  assert.equal(judged.leakedIdentities, new Set(leaked.map((i) => f.synthIds[i])).size);
  assert.equal(judged.realIdentitiesHit, hit.size);
  const stem = layout.leakageJudged("Synth", 100);
  for (const ext of [".csv", ".md", ".tex"]) assert.ok(files.includes(`${stem}${ext}`), ext);
  const csv = parseReportTableCsv(await Deno.readTextFile(`${stem}.csv`));
  const column = (name: string) => csv.columns.find((c) => c.name === name)!;
  assert.deepEqual(csv.rows, ["Synth"]);
  assert.equal(column("Samples").value[0], 36);
  assert.equal(column("Leaked samples (%)").value[0], Number((400 / 36).toFixed(2)));
  assert.equal(column("Leaked samples (n)").value[0], 4);
  assert.equal(column("Synthetic identities").value[0], 12);
  assert.equal(column("Leaking identities").value[0], 3);
  assert.equal(column("Real identities hit").value[0], 3);
  const tex = await Deno.readTextFile(`${stem}.tex`);
  const md = await Deno.readTextFile(`${stem}.md`);
  for (const other of [parseLatexTable(tex), parseMarkdownTable(md)]) {
    assert.deepEqual(other.columns.map((c) => [...c.value]), csv.columns.map((c) => [...c.value]));
    assert.deepEqual(other.columns.map((c) => [...c.lower]), csv.columns.map((c) => [...c.lower]));
  }
  assert.match(tex, /at FMR 1e-3 on 4,750 real non-mated pairs/);
  // The impostor score file is an input of the run's manifest, with its digest.
  const manifest = JSON.parse(
    await Deno.readTextFile(manifestPathOf(layout.bestMatchCsv("Synth", 100))),
  );
  const input = manifest.inputs.find((i: { role: string }) => i.role === "impostor scores");
  assert.equal(input?.path, layout.nonMatedScores("CASIA"));
  assert.match(input?.sha256 ?? "", /^[0-9a-f]{64}$/);
  assert.ok(
    reporter.infos.some((l: string) => /4 of 36 samples/.test(l)),
    reporter.infos.join("\n"),
  );
  await Deno.remove(outDir, { recursive: true });
});

Deno.test("runLeakage without a threshold or CASIA's non-mated scores writes no judged leakage and says why", async () => {
  const f = fixture();
  const outDir = await Deno.makeTempDir();
  const reporter = memoryReporter();
  const { judged, files } = await runLeakage({
    input: "Synth.json",
    casia: "CASIA.npy",
    inputSet: f.inputSet,
    casiaSet: f.casiaSet,
    nComparisons: 100,
    outDir,
    figure: false,
    reporter,
    kernel: "js",
  });
  assert.equal(judged, undefined);
  assert.equal(files.length, 2);
  assert.ok(
    reporter.infos.some((l: string) => /leakage, judged: skipped/.test(l)),
    reporter.infos.join("\n"),
  );
  // A given value judges; a given file that is missing is an error naming it.
  const given = await runLeakage({
    input: "Synth.json",
    casia: "CASIA.npy",
    inputSet: f.inputSet,
    casiaSet: f.casiaSet,
    nComparisons: 100,
    outDir,
    reporter,
    kernel: "js",
    judge: { threshold: 0.5 },
  });
  assert.equal(given.judged?.leakedSamples, 4);
  const figure = `${metricsLayout(outDir).leakageJudgedFigure("Synth", 100)}.svg`;
  assert.ok(given.files.includes(figure));
  assert.match(await Deno.readTextFile(figure), /Synth \(n=36\)/);
  // Too few impostor scores for the FMR: calibrated all the same, with a warning that says so.
  const few = join(outDir, "few.txt");
  await Deno.writeTextFile(few, scoresText(f.impostor.slice(0, 100)));
  const warned = memoryReporter();
  const t = await leakageThreshold({ impostorScores: few }, { reporter: warned });
  assert.ok(t !== undefined && t.calibration?.supported === false);
  assert.ok(
    [...warned.warnings().keys()].some((w) =>
      w.includes("fewer than the 3000 that FMR 1e-3 needs")
    ),
    [...warned.warnings().keys()].join("\n"),
  );
  const missing = join(outDir, "nope.txt");
  await assert.rejects(
    () => leakageThreshold({ impostorScores: missing }, { reporter }),
    (e: Error) => e instanceof Deno.errors.NotFound && e.message.includes(missing),
  );
  await Deno.remove(outDir, { recursive: true });
});

Deno.test("merge leakage of 2 shards judges the merged best matches: the same tables as one run", async () => {
  const f = fixture();
  const outDir = await Deno.makeTempDir();
  const layout = metricsLayout(outDir);
  await Deno.mkdir(layout.dir("scores"), { recursive: true });
  await Deno.writeTextFile(layout.nonMatedScores("CASIA"), scoresText(f.impostor));
  const options = {
    input: "Synth.json",
    casia: "CASIA.npy",
    inputSet: f.inputSet,
    casiaSet: f.casiaSet,
    nComparisons: 100,
    figure: false,
    reporter: memoryReporter(),
    kernel: "js" as const,
  };
  const whole = await runLeakage({ ...options, outDir: join(outDir, "whole") });
  // The whole run has no CASIA scores under its own root: it is given the same file by name.
  await Deno.copyFile(layout.nonMatedScores("CASIA"), join(outDir, "whole", "x.txt"));
  const judgedWhole = await runLeakage({
    ...options,
    outDir: join(outDir, "whole"),
    judge: { impostorScores: join(outDir, "whole", "x.txt") },
  });
  assert.equal(whole.judged, undefined);
  for (const index of [0, 1]) await runLeakage({ ...options, outDir, shard: { index, count: 2 } });
  const merged = await runMerge({
    task: "leakage",
    shards: 2,
    options: { ...options, outDir },
    reporter: memoryReporter(),
  });
  const stem = layout.leakageJudged("Synth", 100);
  for (const ext of [".csv", ".md", ".tex"]) {
    assert.ok(merged.files.includes(`${stem}${ext}`), ext);
    const one = metricsLayout(join(outDir, "whole")).leakageJudged("Synth", 100);
    assert.equal(await Deno.readTextFile(`${stem}${ext}`), await Deno.readTextFile(`${one}${ext}`));
  }
  assert.equal(judgedWhole.judged?.leakedSamples, 4);
  await Deno.remove(outDir, { recursive: true });
});
