/**
 * `deno task report` on an audit made here: generated images (PNG faces of a synthetic set, JPEG
 * faces of a CASIA stand-in with two planted twins), their embeddings, then the kit's own tasks
 * (similarities, metrics, leakage, closest) write the results folder the report reads. The page is
 * checked as parsed HTML (every number against the files it comes from) and in Debian's chromium
 * with every request outside the file aborted (every section shown, every image decoded).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { zipSync } from "fflate";
import { parseHTML } from "linkedom";
import { chromium } from "playwright-core";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { encodeJpeg, encodePng } from "../../lib/demo/mod.ts";
import { embeddingSet } from "../../lib/embeddings/mod.ts";
import { decodeImage } from "../../lib/image/mod.ts";
import {
  metricsLayout,
  readBestMatches,
  readClosest,
  readManifest,
  readMetricsTable,
} from "../../lib/formats/mod.ts";
import { createRng, uniformFloat } from "../../lib/random/mod.ts";
import {
  PAPER_MAP,
  paperMapMarkdown,
  runClosest,
  runLeakage,
  runMetrics,
  runReport,
  runSimilarities,
} from "../../lib/tasks/mod.ts";
import { skipUnless } from "../_prereq.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

/** Where the browser test's screenshot goes (git-ignored). */
const SHOTS = "tests/.tmp/report";

const DIM = 16;
const encodeBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** CASIA rows that copy a synthetic image (plus a little noise): `[casia, synthetic]`. */
const TWINS: readonly [string, string][] = [["c_0/0.jpg", "id_2/1.png"], [
  "c_1/1.jpg",
  "id_4/0.png",
]];

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** A synthetic image (a planted twin's) too large to inline as it is. */
const LARGE = "id_2/1.png";

function noise(width: number, height: number) {
  const rng = createRng(11);
  const data = Uint8Array.from(
    { length: width * height * 3 },
    () => Math.floor(uniformFloat(rng) * 256),
  );
  return { width, height, data };
}

function tile(seed: number, size = 24) {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = (seed * 53) % 256;
    data[i + 1] = ((i / 3) * 7 + seed * 11) % 256;
    data[i + 2] = (seed * 97 + 40) % 256;
  }
  return { width: size, height: size, data };
}

/** Writes the audit under `root` and returns the image folders. */
async function makeAudit(root: string) {
  const rng = createRng(7);
  const layout = metricsLayout(root);
  const synthetic = join(root, "Dataset", "Synth");
  const casia = join(root, "Dataset", "CASIA");
  const vectors = new Map<string, number[]>();
  const lines: string[] = [];
  for (let k = 0; k < 6; k++) {
    const centre = Array.from({ length: DIM }, () => uniformFloat(rng) - 0.5);
    await Deno.mkdir(join(synthetic, `id_${k}`), { recursive: true });
    for (let j = 0; j < 3; j++) {
      const v = unit(centre.map((c) => c + 0.3 * (uniformFloat(rng) - 0.5)));
      vectors.set(`id_${k}/${j}.png`, v);
      lines.push(JSON.stringify({ identity: `id_${k}`, image_name: `${j}.png`, embedding: v }));
      const image = `id_${k}/${j}.png` === LARGE ? noise(640, 480) : tile(k * 3 + j);
      await Deno.writeFile(join(synthetic, `id_${k}`, `${j}.png`), encodePng(image));
    }
  }
  await Deno.mkdir(layout.dir("embeddings"), { recursive: true });
  const input = layout.embeddings("Synth", ".jsonl");
  await Deno.writeTextFile(input, lines.join("\n") + "\n");
  const casiaIds: string[] = [], casiaNames: string[] = [], casiaRows: number[] = [];
  for (let k = 0; k < 8; k++) {
    await Deno.mkdir(join(casia, `c_${k}`), { recursive: true });
    for (let j = 0; j < 2; j++) {
      const key = `c_${k}/${j}.jpg`;
      const twin = TWINS.find(([c]) => c === key)?.[1];
      const v = twin
        ? unit(vectors.get(twin)!.map((x) => x + 0.01 * (uniformFloat(rng) - 0.5)))
        : unit(Array.from({ length: DIM }, () => uniformFloat(rng) - 0.5));
      casiaIds.push(`c_${k}`), casiaNames.push(`${j}.jpg`), casiaRows.push(...v);
      await Deno.writeFile(join(casia, key), await encodeJpeg(tile(100 + k * 2 + j)));
    }
  }
  const reporter = memoryReporter();
  await runSimilarities({ input, comparisons: 40, seed: 42, out: root, reporter });
  await runMetrics({ scores: layout.dir("scores"), out: root, resamples: 50, seed: 1, reporter });
  const casiaSet = embeddingSet(casiaIds, casiaNames, Float32Array.from(casiaRows), DIM);
  const common = { input, casia: layout.embeddings("CASIA", ".npy"), casiaSet, outDir: root };
  await runLeakage({ ...common, nComparisons: 18, seed: 42, reporter });
  await runClosest({ ...common, nComparisons: 18, top: 6, reporter });
  return { synthetic, casia, layout };
}

Deno.test("runReport(): every number of the page equals its file; pairs show the faces they name", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "report-" });
  try {
    const { casia, layout } = await makeAudit(root);
    const closestPath = layout.closestJson("Synth", 6, 18);
    const closest = await readClosest(closestPath);
    // The planted twins are the two closest pairs.
    assert.deepEqual(
      [0, 1].map((i) => `${closest.casiaIdentity[i]}/${closest.casiaImageName[i]}`).sort(),
      TWINS.map(([c]) => c).sort(),
    );
    // One CASIA image of the list is gone: its cell must say so, not show another face.
    const gone = `${closest.casiaIdentity[5]}/${closest.casiaImageName[5]}`;
    const missingWanted = [...closest.casiaIdentity.keys()]
      .filter((i) => `${closest.casiaIdentity[i]}/${closest.casiaImageName[i]}` === gone).length;
    await Deno.remove(join(casia, gone));

    const reporter = memoryReporter();
    const report = await runReport({ metrics: root, pairs: 6, reporter });
    assert.equal(report.path, join(root, "report.html"));
    assert.deepEqual(report.datasets, ["Synth"]);
    assert.equal(report.missingImages, missingWanted);
    assert.equal(report.thumbnails, 12 - missingWanted);
    assert.match(
      [...reporter.warnings().keys()].join("\n"),
      /images of the closest pairs are in no image dataset/,
    );
    const html = await Deno.readTextFile(report.path);
    const { document } = parseHTML(html);

    await t.step("it loads nothing from elsewhere", () => {
      assert.equal(document.querySelectorAll("script, link, iframe, object").length, 0);
      for (const el of document.querySelectorAll("[src], [href]")) {
        const url = el.getAttribute("src") ?? el.getAttribute("href")!;
        assert.ok(url.startsWith("data:") || url.startsWith("#"), `${el.tagName} ${url}`);
      }
      assert.doesNotMatch(html, /url\(\s*['"]?(?:https?:|\/\/)/);
    });

    await t.step(
      "the verification row is the metrics table's, in percent with intervals",
      async () => {
        const table = await readMetricsTable(layout.metricsTable());
        const v = (name: string) => table.columns.find((c) => c.name === name)!.values[0]!;
        const p = (x: number) => (x * 100).toFixed(2);
        const row = [...document.querySelectorAll("#verification tbody tr")];
        assert.equal(row.length, 1);
        const cells = [...row[0]!.querySelectorAll("td")].map((c) => c.textContent);
        assert.equal(cells[0], "Synth");
        assert.equal(cells[1], `${v("Genuine Comparisons")} / ${v("Impostor Comparisons")}`);
        assert.equal(cells[2], `${p(v("EER"))} [${p(v("EER CI Lower"))}, ${p(v("EER CI Upper"))}]`);
        assert.equal(cells[3], v("EER Threshold").toFixed(3));
        assert.equal(
          cells[4],
          `${p(v("FMR100"))} [${p(v("FMR100 CI Lower"))}, ${p(v("FMR100 CI Upper"))}]`,
        );
        assert.equal(
          cells[6],
          `${v("FDR").toFixed(3)} [${v("FDR CI Lower").toFixed(3)}, ${
            v("FDR CI Upper").toFixed(3)
          }]`,
        );
      },
    );

    await t.step("the best-match shares are counted on the best-match CSV", async () => {
      const best = await readBestMatches(layout.bestMatchCsv("Synth", 18));
      const cells = [
        ...document.querySelectorAll(`[data-dataset="Synth"] .leakage tbody td`),
      ].map((c) => c.textContent);
      assert.equal(cells[0], String(best.similarity.length));
      const count = (t: number) => best.similarity.filter((s) => s >= t).length;
      const shares = [0.3, 0.4, 0.5].map((t) =>
        (count(t) / best.similarity.length * 100).toFixed(2)
      );
      assert.deepEqual(cells.slice(5), shares);
      assert.equal(Math.max(...best.similarity).toFixed(3), cells[4]);
    });

    await t.step(
      "each pair shows the bytes of the images its row names, in rank order",
      async () => {
        const pairs = [...document.querySelectorAll(`[data-dataset="Synth"] figure.pair`)];
        assert.deepEqual(pairs.map((p) => p.getAttribute("data-rank")), [
          "1",
          "2",
          "3",
          "4",
          "5",
          "6",
        ]);
        let sawLarge = false;
        for (let i = 0; i < 6; i++) {
          const caption = pairs[i]!.querySelector("figcaption")!.textContent!;
          assert.equal(caption, `#${i + 1}: cosine ${closest.similarity[i]!.toFixed(4)}`);
          const real = `${closest.casiaIdentity[i]}/${closest.casiaImageName[i]}`;
          const synth = `${closest.queryIdentity[i]}/${closest.queryImageName[i]}`;
          const realImg = pairs[i]!.querySelector(".real img");
          if (real === gone) {
            assert.equal(realImg, null);
            assert.match(
              pairs[i]!.querySelector(".real")!.textContent!,
              /not in the image datasets/,
            );
          } else {
            const bytes = await Deno.readFile(join(casia, real));
            assert.equal(
              realImg!.getAttribute("src"),
              `data:image/jpeg;base64,${encodeBase64(bytes)}`,
            );
          }
          const bytes = await Deno.readFile(join(root, "Dataset", "Synth", synth));
          const src = pairs[i]!.querySelector(".synthetic img")!.getAttribute("src")!;
          if (synth === LARGE) {
            sawLarge = true;
            // 640 x 480 and over 48 kB: resized to fit 224 px, as JPEG.
            assert.ok(bytes.length > 48_000);
            const prefix = "data:image/jpeg;base64,";
            assert.ok(src.startsWith(prefix), src.slice(0, 40));
            const shown = await decodeImage(Buffer.from(src.slice(prefix.length), "base64"));
            assert.deepEqual([shown.width, shown.height], [224, 168]);
          } else assert.equal(src, `data:image/png;base64,${encodeBase64(bytes)}`);
        }
        assert.ok(sawLarge, `${LARGE} (a planted twin) is among the pairs shown`);
      },
    );

    await t.step(
      "every figure the tasks drew is inlined, once, in its dataset's section",
      async () => {
        const svgs: string[] = [];
        for (const dir of [layout.dir("figures"), layout.dir("metricFigures")]) {
          for await (const e of Deno.readDir(dir)) {
            if (e.name.endsWith(".svg")) svgs.push(`${dir.slice(root.length + 1)}/${e.name}`);
          }
        }
        assert.ok(svgs.length >= 2, svgs.join());
        const shown = [...document.querySelectorAll(`[data-dataset="Synth"] figure[data-file]`)]
          .map((f) => f.getAttribute("data-file")).sort();
        assert.deepEqual(shown, svgs.sort());
        assert.equal(report.figures, svgs.length);
        const best = document.querySelector(`figure[data-file$="Synth_BestMatches_18.svg"]`)!;
        assert.ok(best.closest("section.leakage"));
        const svg = await Deno.readFile(join(root, best.getAttribute("data-file")!));
        assert.equal(
          best.querySelector("img")!.getAttribute("src"),
          `data:image/svg+xml;base64,${encodeBase64(svg)}`,
        );
      },
    );

    await t.step(
      "the map of the paper's figures is the README's, and a run manifest is beside",
      async () => {
        const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
        const cells = (line: string) =>
          line.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
        const lines = readme.split("\n");
        const start = lines.findIndex((l) => l.startsWith("| paper's figure or table "));
        assert.ok(start >= 0, "README.md lacks the map's table");
        const rows: string[][] = [];
        for (let i = start + 2; lines[i]?.startsWith("|"); i++) rows.push(cells(lines[i]!));
        const want = paperMapMarkdown().trimEnd().split("\n").slice(2).map(cells);
        assert.deepEqual(rows, want, "README.md's map differs from PAPER_MAP");
        assert.deepEqual(rows, PAPER_MAP.map((r) => [r.item, r.task, r.files, r.notebook]));
        const shown = [...document.querySelectorAll("#map tbody tr")].map((tr) =>
          [...tr.querySelectorAll("td")].map((td) => td.textContent)
        );
        assert.deepEqual(shown, rows.map((r) => r.map((c) => c.replaceAll("`", ""))));
        const manifest = await readManifest(`${report.path}.manifest.json`);
        assert.equal(manifest?.complete, true);
        assert.equal(manifest?.task, "report");
        assert.ok(manifest!.inputs.some((i) => i.path.endsWith("All_Datasets_metrics.csv")));
      },
    );

    await t.step("a missing section says which task makes it", () => {
      const diversity = document.querySelector(`[data-dataset="Synth"] section.diversity`)!;
      assert.match(diversity.textContent!, /Not computed for Synth: run /);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

function rowsOfSection(document: Document, dataset: string, topic: string): string[] {
  return [...document.querySelectorAll(`[data-dataset="${dataset}"] section.${topic} tbody tr`)]
    .map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent).join(","));
}

Deno.test("runReport() pulls in later tasks' outputs: a dataset's row of a table across datasets, LaTeX, figures by name", async () => {
  const root = await Deno.makeTempDir({ prefix: "report-later-" });
  try {
    const tree = metricsLayout(root);
    await Deno.mkdir(tree.dir("scores"));
    const rng = createRng(3);
    for (const name of ["A", "B"]) {
      const scores = (mean: number) =>
        Array.from({ length: 60 }, () => (mean + 0.3 * (uniformFloat(rng) - 0.5)).toFixed(6));
      await Deno.writeTextFile(tree.matedScores(name), scores(0.7).join("\n") + "\n");
      await Deno.writeTextFile(tree.nonMatedScores(name), scores(0.2).join("\n") + "\n");
    }
    const reporter = memoryReporter();
    await runMetrics({
      scores: tree.dir("scores"),
      out: root,
      resamples: 0,
      figures: false,
      reporter,
    });
    // What tasks of other issues write: a table across datasets, its LaTeX, one dataset's
    // per-identity table and figure.
    const table = "Dataset,FNMR@FMR=1%,FNMR@FMR=1% CI lower,FNMR@FMR=1% CI upper,Threshold\n" +
      "A,0.25,0.2,0.3,0.61\nB,0.5,,,0.64\n";
    await Deno.writeTextFile(join(root, "All_Datasets_fnmr_table.csv"), table);
    const tex = "\\begin{tabular}{lrr}\n\\toprule\nA & 25.00 & 0.61 \\\\\n\\end{tabular}\n";
    await Deno.writeTextFile(join(root, "All_Datasets_fnmr_table.tex"), tex);
    await Deno.mkdir(tree.dir("figures"));
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="teal"/></svg>';
    await Deno.writeTextFile(join(tree.dir("figures"), "A_DET.svg"), svg);
    // Another audit's results inside this folder (as Metrics/ holds the demo's) stay out.
    await Deno.mkdir(join(root, "demo", "Figures"), { recursive: true });
    await Deno.writeTextFile(join(root, "demo", "Figures", "A_DET.svg"), svg);
    await Deno.mkdir(join(root, "Diversity"));
    const identities = [
      "identity,images,mean",
      ...Array.from({ length: 30 }, (_, i) => `b_${i},${i + 2},0.8239300460257188`),
    ];
    await Deno.writeTextFile(
      join(root, "Diversity", "B_identities.csv"),
      identities.join("\n") + "\n",
    );

    // A reference set that only the diversity table names gets its own section, after the others.
    await Deno.writeTextFile(
      join(root, "Diversity", "All_Datasets_diversity.csv"),
      "Dataset,Identities\nB,30\nAref,12\n",
    );

    const report = await runReport({ metrics: root, reporter });
    const { document } = parseHTML(await Deno.readTextFile(report.path));
    assert.deepEqual(report.datasets, ["A", "B", "Aref"]);
    assert.deepEqual(
      rowsOfSection(document, "Aref", "diversity"),
      ["Aref,12"],
    );
    const rowsOf = (el: Element | null) =>
      [...(el?.querySelectorAll("tbody tr") ?? [])].map((tr) =>
        [...tr.querySelectorAll("td")].map((td) => td.textContent).join(",")
      );
    const file = '[data-file="All_Datasets_fnmr_table.csv"]';
    assert.deepEqual(rowsOf(document.querySelector(`[data-dataset="A"] .verification ${file}`)), [
      "A,0.25 [0.2, 0.3],0.61",
    ]);
    assert.deepEqual(rowsOf(document.querySelector(`[data-dataset="B"] .verification ${file}`)), [
      "B,0.5,0.64",
    ]);
    assert.deepEqual(rowsOf(document.querySelector(`#all-datasets ${file}`)), [
      "A,0.25 [0.2, 0.3],0.61",
      "B,0.5,0.64",
    ]);
    const heads = [...document.querySelectorAll(`#all-datasets ${file} th`)].map((th) =>
      th.textContent
    );
    assert.deepEqual(heads, ["Dataset", "FNMR@FMR=1%", "Threshold"]);
    assert.equal(
      document.querySelector(
        '#all-datasets details.latex[data-file="All_Datasets_fnmr_table.tex"] pre',
      )?.textContent,
      tex,
    );
    const det = document.querySelector(
      '[data-dataset="A"] .verification figure[data-file="Figures/A_DET.svg"] img',
    );
    assert.equal(
      det?.getAttribute("src"),
      `data:image/svg+xml;base64,${encodeBase64(new TextEncoder().encode(svg))}`,
    );
    assert.equal(document.querySelectorAll('figure[data-file="Figures/A_DET.svg"]').length, 1);
    assert.equal(document.querySelectorAll('[data-file^="demo/"]').length, 0);
    const perIdentity = document.querySelector(
      '[data-dataset="B"] .diversity [data-file="Diversity/B_identities.csv"]',
    );
    assert.equal(rowsOf(perIdentity).length, 20);
    assert.equal(rowsOf(perIdentity)[0], "b_0,2,0.8239"); // 4 decimals shown; the file has all
    assert.match(perIdentity!.textContent!, /20 of 30 rows shown/);
    assert.equal(document.querySelector('[data-dataset="A"] .diversity [data-file]'), null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runReport() refuses a folder that is not there, a negative pair count and an empty folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const reporter = memoryReporter();
    await assert.rejects(runReport({ metrics: join(dir, "nope"), reporter }), Deno.errors.NotFound);
    await assert.rejects(runReport({ metrics: dir, pairs: -1, reporter }), RangeError);
    await assert.rejects(runReport({ metrics: dir, reporter }), {
      name: "NotFound",
      message: new RegExp(`Cannot report on ${dir}: it holds no results`),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "deno task report's page in chromium, offline: every section shows and every image decodes",
  ignore: skipUnless("chromium", hasChromium, `${CHROMIUM} is missing (Debian's chromium)`),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "report-browser-" });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox"],
    });
    try {
      const { synthetic, casia } = await makeAudit(root);
      // The real faces from a zip whose entries sit under one top-level folder, read in place.
      const entries: Record<string, Uint8Array> = {};
      for await (const id of Deno.readDir(casia)) {
        for await (const f of Deno.readDir(join(casia, id.name))) {
          entries[`CASIA-WebFace/${id.name}/${f.name}`] = await Deno.readFile(
            join(casia, id.name, f.name),
          );
        }
      }
      const zip = join(root, "CASIA-WebFace.zip");
      await Deno.writeFile(zip, zipSync(entries));
      await Deno.remove(casia, { recursive: true });
      const report = await runReport({
        metrics: root,
        datasets: [synthetic],
        casia: zip,
        pairs: 4,
        reporter: memoryReporter(),
      });
      assert.equal(report.thumbnails, 8);
      assert.equal(report.missingImages, 0);
      const url = new URL(`file://${report.path}`).href;
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const external: string[] = [];
      await page.route("**/*", (route) => {
        const u = route.request().url();
        if (u === url || u.startsWith("data:")) return route.continue();
        external.push(u);
        return route.abort();
      });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(url);
      await page.waitForLoadState("load");
      const sections = [
        "#map",
        "#verification",
        "#datasets",
        '[data-dataset="Synth"] section.verification',
        '[data-dataset="Synth"] section.leakage',
        '[data-dataset="Synth"] section.diversity',
        '[data-dataset="Synth"] section.closest',
        "#all-datasets",
        "#sources",
      ];
      for (const s of sections) {
        assert.ok(await page.isVisible(s), `${s} is not shown`);
      }
      const images = await page.$$eval("img", (imgs) =>
        imgs.map((i) => ({
          alt: (i as HTMLImageElement).alt,
          complete: (i as HTMLImageElement).complete,
          width: (i as HTMLImageElement).naturalWidth,
          thumb: i.classList.contains("thumb"),
        })));
      assert.equal(images.length, report.figures + report.thumbnails);
      assert.equal(images.filter((i) => i.thumb).length, 8);
      for (const i of images) assert.ok(i.complete && i.width > 0, `${i.alt} did not decode`);
      assert.deepEqual(external, []);
      assert.deepEqual(errors, []);
      await Deno.mkdir(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/report.png`, fullPage: true });
    } finally {
      await browser.close();
      await Deno.remove(root, { recursive: true });
    }
  },
});
