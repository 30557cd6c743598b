/**
 * `deno task report`: one self-contained HTML file per audit. It reads a results folder of the kit
 * (the `Metrics/` tree: the metrics table, the CI tables, best matches, closest pairs, figures and
 * any other table written under it) and writes one page that holds all of it: every figure inlined
 * as a `data:` URL, the closest pairs with thumbnails of both faces read from the image datasets
 * (folders or archives, through `lib/data`'s containers), no script, no stylesheet or font from
 * elsewhere, so the file opens offline and can be mailed or archived as it is.
 *
 * The page opens with {@linkcode PAPER_MAP}: which file and notebook reproduce each figure and
 * table of the paper (the README carries the same table, {@linkcode paperMapMarkdown}). Then the
 * verification table (percent with 95% bootstrap intervals, `17.70 [15.90, 19.45]`), one section
 * per dataset (verification, leakage, diversity, closest pairs), the tables and figures that belong
 * to no one dataset, and the files read. A section whose outputs are absent says which task makes
 * them. Datasets come in the metrics table's order (code-unit order of the score files), then the
 * others in code-unit order.
 *
 * Figures and tables are found by walking the tree, so outputs added by later tasks (DET and ROC
 * curves, operating points, diversity) appear without a change here: a figure goes to the dataset
 * whose name is a `_`-separated token of its file name (the longest such name), and to the
 * section its name suggests.
 *
 * @module
 */
import { dirname, join, relative } from "node:path";
import { KIT_VERSION } from "../cli/_flags.ts";
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import { openImageSource } from "../data/_archive.ts";
import { readBestMatches } from "../formats/_best_match_csv.ts";
import { type CiTable, readCiTables } from "../formats/_ci_tables.ts";
import { type ClosestPairs, readClosest } from "../formats/_closest_json.ts";
import { parseCsv } from "../formats/_csv.ts";
import { writeFileAtomic } from "../formats/_atomic.ts";
import {
  BEST_MATCH_CSV_PATTERN,
  CLOSEST_JSON_PATTERN,
  datasetNameOf,
  DEFAULT_METRICS_ROOT,
  LAYOUT_NAMES,
  MANIFEST_SUFFIX,
  metricsLayout,
  pairScoreFiles,
} from "../formats/_layout.ts";
import { listFilePaths, pathExists } from "../formats/_list_files.ts";
import { type MetricsTable, readMetricsTable } from "../formats/_metrics_table.ts";
import { type BestMatchSummary, summarizeBestMatches } from "../metrics/_best_match_summary.ts";
import { encodeBase64 } from "../notebook/_base64.ts";
import { escapeHtml } from "../notebook/_html.ts";
import {
  figureHtml,
  fixed,
  foldIntervals,
  htmlTable,
  inlineCode,
  pct,
  shortNumber,
  STYLE,
  thumbnailUrl,
  withInterval,
} from "./_report_html.ts";
import { PAPER_MAP } from "./_report_map.ts";
import { beginRun, fileInput } from "./_run_contract.ts";

export { PAPER_MAP, paperMapMarkdown, type PaperMapRow } from "./_report_map.ts";

/** Options of {@linkcode runReport}. */
export interface RunReportOptions {
  /** The results folder of the audit (a `Metrics/` tree). @default "Metrics" */
  metrics?: string;
  /** The HTML file to write. @default "<metrics>/report.html" */
  out?: string;
  /**
   * Image datasets (folders or archives), each named by {@linkcode datasetNameOf} as its results
   * are. @default {the folders and archives of `<metrics>/Dataset` (the demo's), else of `Dataset`}
   */
  datasets?: string[] | undefined;
  /** The real (CASIA-WebFace) images. @default {the dataset whose name contains `casia`} */
  casia?: string | undefined;
  /** Closest pairs shown with thumbnails per dataset. @default 10 */
  pairs?: number;
  /** Title of the page. @default "Synthetic face audit: <metrics folder>" */
  title?: string;
  /** Status lines and warnings (images not found). @default consoleReporter() */
  reporter?: Reporter;
}

/** What {@linkcode runReport} wrote. */
export interface ReportResult {
  /** The HTML file. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** The datasets reported, in page order. */
  datasets: string[];
  /** Figures inlined. */
  figures: number;
  /** Tables shown (the verification table, best-match summaries and other CSV tables). */
  tables: number;
  /** Thumbnails inlined. */
  thumbnails: number;
  /** Pair images that no image dataset holds (shown as a cell that says so). */
  missingImages: number;
  /** The files read, relative to the results folder. */
  inputs: string[];
}

/** Folders of the tree read by their own readers (or not at all), not walked for figures and tables. */
const SKIPPED_DIRS = new Set<string>([
  LAYOUT_NAMES.embeddings,
  LAYOUT_NAMES.scores,
  LAYOUT_NAMES.bestMatches,
  LAYOUT_NAMES.paths,
  LAYOUT_NAMES.closest,
  LAYOUT_NAMES.ci,
]);

/**
 * The folders of the root walked for figures and tables: the layout's others (`Figures/`,
 * `Diversity/`, ...). Any other folder is not the audit's (the demo's or the paper task's results
 * inside `Metrics/`, image datasets, shards, Slurm logs) and is left alone.
 */
const WALKED_DIRS = new Set<string>(
  Object.values(LAYOUT_NAMES).filter((name) => !SKIPPED_DIRS.has(name)),
);

/** Where image datasets are by default: inside the results folder (the demo's), or the project's. */
const DATASET_DIR = "Dataset";

/** Archives the default image datasets may be (beside folders). */
const ARCHIVE_PATTERN = /\.(?:zip|tar|tar\.gz|tgz|rec)$/i;

/** Rows shown of a table across datasets; the file has all. */
const MAX_TABLE_ROWS = 200;
/** Rows shown of a table of one dataset (a row per identity, say); the file has all. */
const MAX_DATASET_TABLE_ROWS = 20;

type Topic = "verification" | "leakage" | "diversity" | "other";

const TOPIC_TITLES: Record<Topic, string> = {
  verification: "Verification",
  leakage: "Leakage",
  diversity: "Diversity",
  other: "Other figures",
};

const TOPIC_MAKERS: Record<Topic, string> = {
  verification: "deno task metrics",
  leakage: "deno task leakage",
  diversity: "deno task diversity",
  other: "",
};

function topicOf(name: string): Topic {
  const tokens = name.split(/[_/.\s-]+/).map((t) => t.toLowerCase());
  const has = (...words: string[]) => tokens.some((t) => words.includes(t));
  if (/diversity|spread/i.test(name) || has("unique", "pca", "umap", "norms")) return "diversity";
  if (/leak|BestMatches|comparison|closest/i.test(name)) return "leakage";
  if (
    /MatedVsNonmated|operating|fnmr|verification/i.test(name) ||
    has("det", "roc", "eer", "fmr", "tar")
  ) {
    return "verification";
  }
  return "other";
}

/** A figure or table file found in the tree. */
interface Found {
  /** Path relative to the results folder, `/`-separated. */
  rel: string;
  /** File name without extension. */
  stem: string;
  /** The dataset it belongs to, or undefined. */
  dataset?: string | undefined;
  topic: Topic;
}

/**
 * Every `.svg`, `.png`, `.csv` and `.tex` file at the root and under {@linkcode WALKED_DIRS}, in
 * path order (hidden folders skipped), but `skip`.
 */
async function walk(root: string, skip: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string, rel: string) => {
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) {
        const walked = rel ? !e.name.startsWith(".") : WALKED_DIRS.has(e.name);
        if (walked) await visit(path, r);
      } else if (e.isFile && /\.(?:svg|png|csv|tex)$/.test(e.name) && path !== skip) {
        found.push(r);
      }
    }
  };
  await visit(root, "");
  return found;
}

/** The dataset of a file name: the longest dataset name that is a `_`-separated token run of it. */
function datasetOfStem(stem: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const name of names) {
    const hit = stem === name || stem.startsWith(`${name}_`) || stem.endsWith(`_${name}`) ||
      stem.includes(`_${name}_`);
    if (hit && (best === undefined || name.length > best.length)) best = name;
  }
  return best;
}

interface VerificationRow {
  dataset: string;
  cells: string[];
}

const VERIFICATION_HEADER = [
  "Dataset",
  "genuine / impostor pairs",
  "EER (%)",
  "EER threshold",
  "FNMR@FMR=1% (FMR100, %)",
  "FNMR@FMR=0.1% (FMR1000, %)",
  "FDR",
  "genuine mean",
  "impostor mean",
];

function verificationRows(table: MetricsTable | undefined, ci: CiTable | undefined) {
  const rows: VerificationRow[] = [];
  if (table) {
    const col = (name: string) => table.columns.find((c) => c.name === name)?.values;
    const at = (name: string, d: number) => col(name)?.[d];
    table.datasets.forEach((dataset, d) => {
      const ivl = (name: string, f: (v: number | undefined) => string) =>
        withInterval(at(name, d), at(`${name} CI Lower`, d), at(`${name} CI Upper`, d), f);
      const counts = [at("Genuine Comparisons", d), at("Impostor Comparisons", d)];
      rows.push({
        dataset,
        cells: [
          escapeHtml(dataset),
          counts.every((c) => c !== undefined && Number.isFinite(c))
            ? counts.map((c) => c!.toLocaleString("en-US")).join(" / ")
            : "",
          ivl("EER", pct),
          fixed(at("EER Threshold", d), 3),
          ivl("FMR100", pct),
          ivl("FMR1000", pct),
          ivl("FDR", (v) => fixed(v, 3)),
          ivl("Genuine Mean", (v) => fixed(v, 3)),
          ivl("Impostor Mean", (v) => fixed(v, 3)),
        ],
      });
    });
  } else if (ci) {
    const metric = (name: string) => ci.metrics.find((m) => m.name === name);
    ci.datasets.forEach((dataset, d) => {
      const ivl = (name: string, f: (v: number | undefined) => string) => {
        const m = metric(name);
        return m ? withInterval(m.value[d], m.lower[d], m.upper[d], f) : "";
      };
      rows.push({
        dataset,
        cells: [
          escapeHtml(dataset),
          "",
          ivl("EER", pct),
          "",
          ivl("FMR100", pct),
          ivl("FMR1000", pct),
          ivl("FDR", (v) => fixed(v, 3)),
          ivl("Genuine Mean", (v) => fixed(v, 3)),
          ivl("Impostor Mean", (v) => fixed(v, 3)),
        ],
      });
    });
  }
  return rows;
}

/**
 * Writes the report of one audit: `<metrics>/report.html` (and its run manifest).
 *
 * @param options The results folder, the HTML path, the image datasets, pairs shown, reporter.
 * @returns What the page holds.
 * @throws {Deno.errors.NotFound} When the results folder does not exist, or holds no results.
 * @throws {RangeError} When `pairs` is not a non-negative integer.
 * @throws {SyntaxError} When a table or JSON of the tree is malformed (naming the file).
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { metricsLayout } from "../formats/_layout.ts";
 * import { runMetrics } from "./_metrics.ts";
 * import { runReport } from "./_report.ts";
 * const dir = await Deno.makeTempDir();
 * const tree = metricsLayout(dir);
 * await Deno.mkdir(tree.dir("scores"));
 * await Deno.writeTextFile(tree.matedScores("A"), "0.9\n0.8\n0.7\n0.4\n");
 * await Deno.writeTextFile(tree.nonMatedScores("A"), "0.1\n0.2\n0.5\n0.3\n0.75\n");
 * const reporter = memoryReporter();
 * await runMetrics({ scores: tree.dir("scores"), out: dir, resamples: 0, figures: false, reporter });
 * const report = await runReport({ metrics: dir, reporter });
 * const html = await Deno.readTextFile(report.path);
 * await Deno.remove(dir, { recursive: true });
 * if (!html.includes("<td>22.50</td>")) throw new Error("the EER (0.225) is shown in percent");
 * ```
 */
export async function runReport(options: RunReportOptions = {}): Promise<ReportResult> {
  const {
    metrics = DEFAULT_METRICS_ROOT,
    out = join(metrics, "report.html"),
    pairs = 10,
    reporter = consoleReporter(),
  } = options;
  if (!Number.isInteger(pairs) || pairs < 0) {
    throw new RangeError(
      `Cannot show closest pairs: pairs must be an integer >= 0: current value is ${pairs}`,
    );
  }
  if (!(await pathExists(metrics))) {
    throw new Deno.errors.NotFound(
      `Cannot report on ${metrics}: no such folder (run deno task demo, or name a results folder with --metrics)`,
    );
  }
  const title = options.title ?? `Synthetic face audit: ${metrics}`;
  const layout = metricsLayout(metrics);
  const inputs: string[] = [];
  const read = (path: string) => inputs.push(path);

  let table: MetricsTable | undefined;
  if (await pathExists(layout.metricsTable())) {
    table = await readMetricsTable(layout.metricsTable());
    read(layout.metricsTable());
  }
  let ci: CiTable | undefined;
  if (await pathExists(layout.dir("ci"))) {
    try {
      ci = await readCiTables(layout.dir("ci"));
      for (const f of await listFilePaths(layout.dir("ci"), /\.csv$/)) read(f);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  const bestMatches = new Map<string, { summary: BestMatchSummary; file: string }>();
  for (const path of await listFilePaths(layout.dir("bestMatches"), BEST_MATCH_CSV_PATTERN)) {
    const m = await readBestMatches(path);
    bestMatches.set(m.name, {
      summary: summarizeBestMatches(m.similarity, { thresholds: [0.3, 0.4, 0.5] }),
      file: path,
    });
    read(path);
  }
  const closest = new Map<string, ClosestPairs & { file: string }>();
  for (const path of await listFilePaths(layout.dir("closest"), CLOSEST_JSON_PATTERN)) {
    const c = await readClosest(path);
    closest.set(c.name, { ...c, file: path });
    read(path);
  }
  const scored = pairScoreFiles(
    (await listFilePaths(layout.dir("scores"), /\.txt$/)).map((p) =>
      p.slice(dirname(p).length + 1)
    ),
  ).pairs.map((p) => p.dataset);

  const files = await walk(metrics, out);
  const ordered: string[] = [...(table?.datasets ?? ci?.datasets ?? [])];
  const others = new Set([...scored, ...bestMatches.keys(), ...closest.keys()]);
  // Datasets only a table across datasets names (the diversity of the reference set, say).
  for (const rel of files) {
    const base = rel.split("/").pop()!;
    if (!base.startsWith("All_Datasets_") || !base.endsWith(".csv")) continue;
    const path = join(metrics, rel);
    const { header, rows } = parseCsv(await Deno.readTextFile(path), { source: path });
    if (header[0] === "Dataset") { for (const r of rows) if (r[0]) others.add(r[0]); }
  }
  for (const name of [...others].sort()) if (!ordered.includes(name)) ordered.push(name);
  if (ordered.length === 0 && files.length === 0) {
    throw new Deno.errors.NotFound(
      `Cannot report on ${metrics}: it holds no results (no ${LAYOUT_NAMES.metricsTable}, ${LAYOUT_NAMES.ci}/, ${LAYOUT_NAMES.bestMatches}/, ${LAYOUT_NAMES.closest}/ or figures); name a results folder with --metrics (the demo writes Metrics/demo)`,
    );
  }
  const svgStems = new Set(files.filter((f) => f.endsWith(".svg")).map((f) => f.slice(0, -4)));
  const found: Found[] = files
    .filter((f) => !(f.endsWith(".png") && svgStems.has(f.slice(0, -4))))
    .map((rel) => {
      const stem = rel.split("/").pop()!.replace(/\.[a-z]+$/, "");
      return { rel, stem, dataset: datasetOfStem(stem, ordered), topic: topicOf(rel) };
    });

  // Images.
  const datasetPaths = options.datasets ?? await defaultDatasets(metrics);
  const casiaPath = options.casia ??
    datasetPaths.find((p) => /casia/i.test(datasetNameOf(p)));
  // The faces of the pairs shown: each source read once, for the entries wanted only.
  const shownPairs = (c: ClosestPairs) => Math.min(pairs, c.rank.length);
  const indexes = new Map<string, Images>();
  for (const path of datasetPaths) {
    const name = datasetNameOf(path);
    const c = closest.get(name);
    if (path === casiaPath || !c) continue;
    const keys = new Set<string>();
    for (let i = 0; i < shownPairs(c); i++) {
      keys.add(`${c.queryIdentity[i]}/${c.queryImageName[i]}`);
    }
    indexes.set(name, await loadImages(path, keys, reporter));
  }
  let casiaIndex: Images | undefined;
  if (casiaPath !== undefined) {
    const keys = new Set<string>();
    for (const c of closest.values()) {
      for (let i = 0; i < shownPairs(c); i++) {
        keys.add(`${c.casiaIdentity[i]}/${c.casiaImageName[i]}`);
      }
    }
    casiaIndex = await loadImages(casiaPath, keys, reporter);
  }
  let thumbnails = 0, missingImages = 0, figureCount = 0, tableCount = 0;
  const body: string[] = [];
  const inline = async (f: Found) => {
    const bytes = await Deno.readFile(join(metrics, f.rel));
    read(join(metrics, f.rel));
    figureCount++;
    const mime = f.rel.endsWith(".svg") ? "image/svg+xml" : "image/png";
    return figureHtml(f.rel, f.stem, `data:${mime};base64,${encodeBase64(bytes)}`);
  };
  const csvs = new Map<string, { header: string[]; rows: string[][] }>();
  const readCsv = async (rel: string) => {
    let t = csvs.get(rel);
    if (!t) {
      const path = join(metrics, rel);
      t = parseCsv(await Deno.readTextFile(path), { source: path });
      read(path);
      csvs.set(rel, t);
    }
    return t;
  };
  const csvTable = async (f: Found, limit: number, only?: string) => {
    const { header, rows } = await readCsv(f.rel);
    const data = only === undefined ? rows : rows.filter((r) => r[0] === only);
    tableCount++;
    const folded = foldIntervals(header, data.slice(0, limit));
    const shown = folded.rows.map((r) => r.map((c) => escapeHtml(shortNumber(c))));
    const more = data.length > limit
      ? `<p class="note">${limit} of ${data.length} rows shown; the file has all.</p>`
      : "";
    const from = only === undefined ? "" : ` (the row of ${escapeHtml(only)})`;
    return `<div class="table" data-file="${escapeHtml(f.rel)}"><p><code>${
      escapeHtml(f.rel)
    }</code>${from}</p>${htmlTable(folded.header, shown)}${more}</div>`;
  };
  const latex = async (f: Found) => {
    const path = join(metrics, f.rel);
    const text = await Deno.readTextFile(path);
    read(path);
    return `<details class="latex" data-file="${escapeHtml(f.rel)}"><summary>LaTeX: <code>${
      escapeHtml(f.rel)
    }</code></summary><pre>${escapeHtml(text)}</pre></details>`;
  };
  const show = (f: Found, limit: number) =>
    f.rel.endsWith(".csv") ? csvTable(f, limit) : f.rel.endsWith(".tex") ? latex(f) : inline(f);
  /** Tables across datasets whose first column is `Dataset`: each dataset's row goes to it. */
  const byDataset: Found[] = [];
  for (const f of found) {
    if (f.dataset !== undefined || !f.rel.endsWith(".csv") || f.topic === "other") continue;
    if ((await readCsv(f.rel)).header[0] === "Dataset") byDataset.push(f);
  }
  const thumb = async (index: Images | undefined, identity: string, image: string) => {
    const label = `<code>${escapeHtml(`${identity}/${image}`)}</code>`;
    if (!index) return `<span class="none thumb">no image dataset named</span>${label}`;
    const bytes = index.get(`${identity}/${image}`);
    if (!bytes) {
      missingImages++;
      return `<span class="missing thumb">not in the image datasets</span>${label}`;
    }
    thumbnails++;
    const url = await thumbnailUrl(bytes, `${identity}/${image}`);
    return `<img class="thumb" src="${url}" alt="${escapeHtml(`${identity}/${image}`)}">${label}`;
  };

  // The map.
  body.push(
    `<section id="map"><h2>Paper figures and tables, and what reproduces them</h2>`,
    `<p class="note">Paths are under the results folder (<code>${
      escapeHtml(metrics)
    }</code>); <code>paper/</code> is <code>deno task paper</code>'s output. Notebooks are in <code>notebooks/</code>.</p>`,
    htmlTable(
      ["paper's figure or table", "task", "files", "notebook"],
      PAPER_MAP.map((r) => [r.item, r.task, r.files, r.notebook].map(inlineCode)),
    ),
    `</section>`,
  );

  // The verification table.
  const vrows = verificationRows(table, ci);
  body.push(`<section id="verification"><h2>Verification</h2>`);
  if (vrows.length) {
    tableCount++;
    body.push(
      `<p class="note">Percent where the metric is a rate; 95% bootstrap intervals in brackets. From <code>${
        escapeHtml(relative(metrics, table ? layout.metricsTable() : layout.dir("ci")))
      }</code>.</p>`,
      htmlTable(VERIFICATION_HEADER, vrows.map((r) => r.cells)),
    );
  } else {
    body.push(`<p class="note">No metrics table: run <code>deno task metrics</code>.</p>`);
  }
  body.push(`</section>`);

  // One section per dataset.
  const nav: string[] = [];
  const sections: string[] = [];
  for (const name of ordered) {
    const id = `dataset-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
    nav.push(`<li><a href="#${id}">${escapeHtml(name)}</a></li>`);
    const parts: string[] = [
      `<section class="dataset" id="${id}" data-dataset="${escapeHtml(name)}"><h2>${
        escapeHtml(name)
      }</h2>`,
    ];
    for (const topic of ["verification", "leakage", "diversity", "other"] as const) {
      const mine = found.filter((f) => f.dataset === name && f.topic === topic);
      const content: string[] = [];
      if (topic === "verification") {
        const row = vrows.find((r) => r.dataset === name);
        if (row) {
          content.push(htmlTable(VERIFICATION_HEADER.slice(1), [row.cells.slice(1)]));
        }
      }
      if (topic === "leakage") {
        const bm = bestMatches.get(name);
        if (bm) {
          tableCount++;
          const s = bm.summary;
          content.push(
            `<p>Best match in the real data of each of ${
              s.n.toLocaleString("en-US")
            } samples (<code>${escapeHtml(relative(metrics, bm.file))}</code>):</p>`,
            htmlTable(
              [
                "samples",
                "mean",
                "median",
                "min",
                "max",
                ...s.thresholds.map((t) => `share >= ${t} (%)`),
              ],
              [[
                s.n.toLocaleString("en-US"),
                fixed(s.mean, 3),
                fixed(s.median, 3),
                fixed(s.min, 3),
                fixed(s.max, 3),
                ...Array.from(s.shareAbove, (v) => pct(v)),
              ]],
            ),
          );
        }
      }
      for (const f of byDataset) {
        if (f.topic !== topic) continue;
        if ((await readCsv(f.rel)).rows.some((r) => r[0] === name)) {
          content.push(await csvTable(f, MAX_TABLE_ROWS, name));
        }
      }
      for (const f of mine) content.push(await show(f, MAX_DATASET_TABLE_ROWS));
      if (topic === "other" && content.length === 0) continue;
      parts.push(`<section class="${topic}"><h3>${TOPIC_TITLES[topic]}</h3>`);
      parts.push(
        ...(content.length ? content : [
          `<p class="note">Not computed for ${escapeHtml(name)}: run <code>${
            TOPIC_MAKERS[topic]
          }</code>.</p>`,
        ]),
      );
      parts.push(`</section>`);
    }
    parts.push(`<section class="closest"><h3>Closest pairs</h3>`);
    const c = closest.get(name);
    if (c) {
      const shown = shownPairs(c);
      const synthIndex = indexes.get(name);
      const source = `<code>${escapeHtml(relative(metrics, c.file))}</code> (${
        c.metadata.nSamplesCompared.toLocaleString("en-US")
      } samples searched against the real data)`;
      if (synthIndex || casiaIndex) {
        const cards: string[] = [];
        for (let i = 0; i < shown; i++) {
          const real = await thumb(casiaIndex, c.casiaIdentity[i]!, c.casiaImageName[i]!);
          const synthetic = await thumb(synthIndex, c.queryIdentity[i]!, c.queryImageName[i]!);
          cards.push(
            `<figure class="pair" data-rank="${
              c.rank[i]
            }"><div class="faces"><div class="face real">${real}</div><div class="face synthetic">${synthetic}</div></div><figcaption>#${
              c.rank[i]
            }: cosine ${fixed(c.similarity[i], 4)}</figcaption></figure>`,
          );
        }
        parts.push(
          `<p>The ${shown} closest of the ${c.rank.length} pairs in ${source}; in each pair the real (CASIA-WebFace) face is on the left, the synthetic (${
            escapeHtml(name)
          }) face on the right.</p>`,
          `<div class="pairs">${cards.join("\n")}</div>`,
        );
      } else {
        const rows = Array.from({ length: shown }, (_, i) => [
          String(c.rank[i]),
          `<code>${escapeHtml(`${c.casiaIdentity[i]}/${c.casiaImageName[i]}`)}</code>`,
          `<code>${escapeHtml(`${c.queryIdentity[i]}/${c.queryImageName[i]}`)}</code>`,
          fixed(c.similarity[i], 4),
        ]);
        parts.push(
          `<p>The ${shown} closest of the ${c.rank.length} pairs in ${source}.</p>`,
          `<div class="table pairs-table">${
            htmlTable(["rank", "real (CASIA-WebFace)", `synthetic (${name})`, "cosine"], rows)
          }</div>`,
        );
      }
      if (!indexes.has(name) || !casiaIndex) {
        parts.push(
          `<p class="note">Faces are shown where the image datasets are named (<code>deno task report --datasets DIR... --casia DIR</code>).</p>`,
        );
      }
    } else {
      parts.push(
        `<p class="note">Not computed for ${
          escapeHtml(name)
        }: run <code>deno task closest</code>.</p>`,
      );
    }
    parts.push(`</section>`, `</section>`);
    sections.push(parts.join("\n"));
  }
  body.push(
    `<section id="datasets"><h2>Datasets</h2><p class="note">In the metrics table's order (the score files' names in code-unit order), then the others by name.</p><nav><ul>${
      nav.join("")
    }</ul></nav></section>`,
  );
  body.push(...sections);

  // Everything that belongs to no one dataset.
  const shared = found.filter((f) => f.dataset === undefined);
  body.push(`<section id="all-datasets"><h2>All datasets</h2>`);
  for (const f of shared) body.push(await show(f, MAX_TABLE_ROWS));
  if (shared.length === 0) {
    body.push(`<p class="note">No figure or table across datasets in this folder.</p>`);
  }
  body.push(`</section>`);

  const rels = [...new Set(inputs)].map((p) => relative(metrics, p).replaceAll("\\", "/")).sort();
  body.push(
    `<section id="sources"><h2>Files read</h2><p class="note">Under <code>${
      escapeHtml(metrics)
    }</code>; each output's run manifest (<code>&lt;file&gt;${MANIFEST_SUFFIX}</code>) beside it names its inputs, flags and seeds.</p><ul>${
      rels.map((r) => `<li><code>${escapeHtml(r)}</code></li>`).join("")
    }</ul></section>`,
  );
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="synthetic-face-audit ${escapeHtml(KIT_VERSION)}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="note">Written by <code>deno task report</code> (kit ${
    escapeHtml(KIT_VERSION)
  }): ${ordered.length} datasets, ${figureCount} figures, ${tableCount} tables, ${thumbnails} face thumbnails. Self-contained: it loads nothing from elsewhere.</p>
${body.join("\n")}
</body>
</html>
`;
  await Deno.mkdir(dirname(out) || ".", { recursive: true });
  {
    await using run = await beginRun(
      [out],
      {
        task: "report",
        flags: {
          metrics,
          out,
          datasets: datasetPaths,
          casia: casiaPath ?? null,
          pairs,
        },
      },
    );
    await writeFileAtomic(out, html);
    const manifestInputs = await Promise.all(
      [...new Set(inputs)].sort().map((p) => fileInput(relative(metrics, p), p)),
    );
    await run.finish({
      counts: { datasets: ordered.length, figures: figureCount, tables: tableCount, thumbnails },
      inputs: manifestInputs,
    });
  }
  const bytes = (await Deno.stat(out)).size;
  reporter.info(
    `report: ${out} (${
      (bytes / 1e6).toFixed(1)
    } MB): ${ordered.length} datasets, ${figureCount} figures, ${tableCount} tables, ${thumbnails} thumbnails`,
  );
  if (missingImages > 0) {
    reporter.warn(
      `report: ${missingImages} images of the closest pairs are in no image dataset named (--datasets, --casia); their cells say so`,
    );
  }
  return {
    path: out,
    bytes,
    datasets: ordered,
    figures: figureCount,
    tables: tableCount,
    thumbnails,
    missingImages,
    inputs: rels,
  };
}

/** Image bytes by `<identity>/<image>`. */
type Images = Map<string, Uint8Array>;

/**
 * The images of a folder or archive that `keys` name (`<identity>/<image>`), read in one pass
 * (`getMany`: one scan of a compressed tar, however many are wanted). A key matches an entry
 * exactly, or under one top-level folder (an archive of `DCFace/<identity>/<image>`), as the
 * explorer finds them; there is no search by file name, so a face never shows under another's
 * label.
 */
async function loadImages(path: string, keys: Set<string>, reporter: Reporter): Promise<Images> {
  const source = await openImageSource(path, { reporter });
  try {
    const entries = new Map<string, string>();
    for (const entry of await source.paths()) {
      const parts = entry.split("/");
      const key = parts.slice(-2).join("/");
      if (!keys.has(key)) continue;
      if (parts.length === 2 || (parts.length === 3 && !entries.has(key))) entries.set(key, entry);
    }
    const bytes = await source.getMany([...entries.values()]);
    const images: Images = new Map();
    for (const [key, entry] of entries) {
      const b = bytes.get(entry);
      if (b) images.set(key, b);
    }
    return images;
  } finally {
    await source.close();
  }
}

/** The folders and archives of `<metrics>/Dataset` (the demo's), else of the project's `Dataset`. */
async function defaultDatasets(metrics: string): Promise<string[]> {
  for (const dir of [join(metrics, DATASET_DIR), DATASET_DIR]) {
    const found = [...await listDirs(dir), ...await listFilePaths(dir, ARCHIVE_PATTERN)];
    if (found.length > 0) return found;
  }
  return [];
}

async function listDirs(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) if (e.isDirectory) names.push(e.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort().map((n) => join(dir, n));
}
