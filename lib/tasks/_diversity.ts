/**
 * `deno task diversity`: for each embeddings file (JSON lines or `.npy`), in the order given (by
 * default every embeddings file of `<out>/Embeddings`, in name order), the class centres, the
 * unique identities as Vec2Face counts them and as merged groups at a cosine threshold (0.4 by
 * default), and each identity's intra-class spread (lib/metrics `datasetDiversity`). Writes
 * `Diversity/All_Datasets_diversity.csv` (one row per dataset, with its manifest),
 * `Diversity/<name>_identities.csv` (one row per identity), the figure `Figures/<name>_Diversity`
 * per dataset and the overview `Figures/All_Datasets_Diversity`.
 *
 * @module
 */
import { join } from "node:path";
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import { writeFileAtomic } from "../formats/_atomic.ts";
import {
  type DiversitySummary,
  diversitySummary,
  diversityTableCsv,
} from "../formats/_diversity_csv.ts";
import { identitiesCsv, identityColumns } from "../formats/_identities_csv.ts";
import { datasetNameOf, MANIFEST_SUFFIX, metricsLayout } from "../formats/_layout.ts";
import type { ManifestInput } from "../formats/_manifest.ts";
import { groupByIdentity } from "../embeddings/_embedding_set.ts";
import { readEmbeddings } from "../embeddings/_read.ts";
import {
  type CentrePairs,
  type DatasetDiversity,
  datasetDiversity,
  identityCentres,
} from "../metrics/_diversity.ts";
import {
  diversityFigure,
  type DiversityFigureData,
  diversityOverviewFigure,
} from "../plots/_diversity.ts";
import { newDocument } from "../plots/_document.ts";
import { writeFigureFiles } from "../plots/_render.ts";
import type { ScoreTopKKernel } from "../similarity/_gemm.ts";
import { createSearchKernel } from "../similarity/_search.ts";
import { beginRun, fileInput } from "./_run_contract.ts";

/** Options of {@linkcode runDiversity}. */
export interface RunDiversityOptions {
  /**
   * Embeddings files, measured and listed in this order.
   * @default the embeddings files of `<out>/Embeddings` in name order, one per dataset (its `.npy`
   *   where it also has JSON lines)
   */
  inputs?: string[];
  /** Output root. @default "Metrics" */
  out?: string;
  /** Cosine bound above which two class centres count as one identity. @default 0.4 */
  threshold?: number;
  /** Draw the figures. @default true */
  figures?: boolean;
  /**
   * The kernel that finds candidate pairs of class centres (each candidate is then rescored in
   * float64, so the pairs equal lib/metrics' brute force).
   * @default createSearchKernel({ reporter }) (ONNX Runtime, else JavaScript)
   */
  kernel?: ScoreTopKKernel;
  /** Class centres per kernel call (a block of centres against another). @default 2048 */
  blockRows?: number;
  /** Each dataset's counts and where the files went. @default consoleReporter() */
  reporter?: Reporter;
}

/** One dataset measured. */
export interface NamedDiversity {
  /** Dataset name (the embeddings file's base name). */
  dataset: string;
  /** The embeddings file. */
  input: string;
  /** Identity names, in the order of the diversity's identities. */
  identities: string[];
  /** The diversity. */
  diversity: DatasetDiversity;
  /** Its row of the table. */
  summary: DiversitySummary;
}

/** What {@linkcode runDiversity} computed and wrote. */
export interface DiversityResult {
  /** Datasets, in the order measured. */
  datasets: NamedDiversity[];
  /** Files written (tables, then figures). */
  files: string[];
}

const EMBEDDINGS_FILE = /\.(?:jsonl|json|npy)$/i;

/**
 * The embeddings files of a folder, one per dataset name (the `.npy` where a dataset has both it
 * and JSON lines, as `deno task embed --format both` writes them), in name order.
 */
async function defaultInputs(folder: string, reporter: Reporter): Promise<string[]> {
  const byName = new Map<string, string[]>();
  try {
    for await (const entry of Deno.readDir(folder)) {
      if (entry.isDirectory || entry.name.endsWith(MANIFEST_SUFFIX)) continue;
      if (!EMBEDDINGS_FILE.test(entry.name)) continue;
      const name = datasetNameOf(entry.name);
      byName.set(name, [...byName.get(name) ?? [], entry.name]);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Deno.errors.NotFound(
      `Cannot measure diversity: ${folder} does not exist (give embeddings files, or run deno task embed first)`,
    );
  }
  if (byName.size === 0) {
    throw new RangeError(
      `Cannot measure diversity: ${folder} holds no embeddings file (.jsonl, .json or .npy)`,
    );
  }
  const chosen: string[] = [];
  for (const name of [...byName.keys()].sort()) {
    const files = byName.get(name)!.sort();
    const file = files.find((f) => /\.npy$/i.test(f)) ?? files[0]!;
    if (files.length > 1) {
      reporter.info(
        `${name}: reading ${file} (also there: ${files.filter((f) => f !== file).join(", ")})`,
      );
    }
    chosen.push(join(folder, file));
  }
  return chosen;
}

/** How far below the threshold a float32 score may fall and still be rescored. */
const FLOAT32_MARGIN = 1e-3;

/**
 * The pairs of class centres above `threshold`, found block by block with a search kernel in
 * float32 at `threshold - FLOAT32_MARGIN` (far more than float32's rounding of a 512-term dot
 * product of unit vectors, about 1e-5), each candidate rescored in float64 and kept when strictly
 * above: the result equals {@linkcode centrePairsAbove}, pair for pair, in the same order.
 */
async function kernelCentrePairs(
  centres: Float64Array,
  dim: number,
  threshold: number,
  kernel: ScoreTopKKernel,
  block: number,
): Promise<CentrePairs> {
  const k = centres.length / dim;
  const f32 = Float32Array.from(centres);
  const found: [number, number, number][] = [];
  for (let a = 0; a < k; a += block) {
    const rows = Math.min(block, k - a);
    const queries = f32.subarray(a * dim, (a + rows) * dim);
    for (let b = a; b < k; b += block) {
      const cols = Math.min(block, k - b);
      const gallery = f32.subarray(b * dim, (b + cols) * dim);
      const above = await kernel.runAbove(
        queries,
        gallery,
        { rows, cols, dim, k: 1 },
        threshold - FLOAT32_MARGIN,
      );
      for (let p = 0; p < above.values.length; p++) {
        const i = a + above.rows[p]!, j = b + above.cols[p]!;
        if (j <= i) continue;
        let score = 0;
        for (let d = 0; d < dim; d++) score += centres[i * dim + d]! * centres[j * dim + d]!;
        if (score > threshold) found.push([i, j, score]);
      }
    }
  }
  found.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return {
    first: Uint32Array.from(found, (f) => f[0]),
    second: Uint32Array.from(found, (f) => f[1]),
    scores: Float64Array.from(found, (f) => f[2]),
  };
}

function pct(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(2)}%` : "n/a";
}

/**
 * Measures the diversity of each embeddings file and writes the tables and figures under `out`.
 *
 * @param options Inputs, output root, threshold, figures, reporter.
 * @returns The datasets and the files written.
 * @throws {RangeError} When the threshold is not finite, two inputs share a dataset name, or the
 *   default folder holds no embeddings.
 * @throws {Deno.errors.NotFound} When an input (or the default folder) does not exist.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { runDiversity } from "./_diversity.ts";
 * const out = await Deno.makeTempDir();
 * const input = `${out}/Toy.jsonl`;
 * const rows = [["a", [1, 0]], ["a", [0.9, 0.1]], ["b", [0.95, 0.05]], ["c", [0, 1]]] as const;
 * await Deno.writeTextFile(input, rows.map(([identity, embedding], i) =>
 *   JSON.stringify({ identity, image_name: `${i}.png`, embedding })).join("\n"));
 * const r = await runDiversity({ inputs: [input], out, figures: false, reporter: memoryReporter() });
 * await Deno.remove(out, { recursive: true });
 * const s = r.datasets[0]!.summary;
 * if (s.identities !== 3 || s.uniqueVec2Face !== 2 || s.identityGroups !== 2) throw new Error("unexpected");
 * ```
 */
export async function runDiversity(options: RunDiversityOptions = {}): Promise<DiversityResult> {
  const { out, threshold = 0.4, figures = true, blockRows = 2048, reporter = consoleReporter() } =
    options;
  if (!Number.isSafeInteger(blockRows) || blockRows < 1) {
    throw new RangeError(
      `Cannot measure diversity: blockRows must be a positive integer, current value is ${blockRows}`,
    );
  }
  if (!Number.isFinite(threshold)) {
    throw new RangeError(
      `Cannot measure diversity: --threshold must be a finite cosine similarity, current value is ${threshold}`,
    );
  }
  const layout = metricsLayout(out);
  const inputs = options.inputs && options.inputs.length > 0
    ? options.inputs
    : await defaultInputs(layout.dir("embeddings"), reporter);
  const seen = new Map<string, string>();
  for (const input of inputs) {
    const name = datasetNameOf(input);
    const other = seen.get(name);
    if (other !== undefined) {
      throw new RangeError(
        `Cannot measure diversity: ${other} and ${input} both name the dataset "${name}" (their outputs would collide); give one of them`,
      );
    }
    seen.set(name, input);
  }
  const tablePath = layout.diversityTable();
  await using run = await beginRun([tablePath], {
    task: "diversity",
    flags: { inputs, out: out ?? null, threshold, figures },
  });
  const manifestInputs: ManifestInput[] = [];
  const datasets: NamedDiversity[] = [];
  const files: string[] = [];
  const kernel = options.kernel ?? await createSearchKernel({ reporter });
  try {
    for (const input of inputs) {
      const dataset = datasetNameOf(input);
      const set = await readEmbeddings(input, { reporter });
      manifestInputs.push(await fileInput(`${dataset} embeddings`, input));
      const start = performance.now();
      const groups = groupByIdentity(set);
      const { centres, dim } = identityCentres(set, groups);
      const pairs = await kernelCentrePairs(centres, dim, threshold, kernel, blockRows);
      const diversity = datasetDiversity(set, groups, { threshold, pairs });
      const summary = diversitySummary(dataset, diversity);
      const k = summary.identities;
      reporter.info(`\nDataset: ${dataset} (${summary.images} images, ${k} identities)`);
      reporter.info(
        `Unique identities (Vec2Face, class centres cos > ${threshold}): ${summary.uniqueVec2Face} of ${k} (${
          pct(summary.uniqueVec2Face, k)
        }); merged transitively: ${summary.identityGroups} group${
          summary.identityGroups === 1 ? "" : "s"
        }, the largest of ${summary.largestGroup}`,
      );
      reporter.info(
        `Intra-class similarity per identity: mean ${summary.meanIntraClass.toFixed(4)}, median ${
          summary.medianIntraClass.toFixed(4)
        } (${summary.singleImageIdentities} identities with one image have none)`,
      );
      reporter.info(`(${((performance.now() - start) / 1000).toFixed(2)} s)`);
      const csvPath = layout.identitiesCsv(dataset);
      await Deno.mkdir(layout.dir("diversity"), { recursive: true });
      await writeFileAtomic(csvPath, identitiesCsv(identityColumns(groups.names, diversity)));
      files.push(csvPath);
      datasets.push({ dataset, input, identities: groups.names, diversity, summary });
    }
  } finally {
    if (options.kernel === undefined) await kernel.release();
  }
  await writeFileAtomic(tablePath, diversityTableCsv(datasets.map((d) => d.summary)));
  files.unshift(tablePath);
  await run.finish({
    inputs: manifestInputs,
    counts: { datasets: datasets.length },
    outputs: [...files],
  });
  if (figures) {
    const document = newDocument();
    const data: DiversityFigureData[] = datasets.map((d) => ({
      dataset: d.dataset,
      images: d.summary.images,
      identities: d.summary.identities,
      uniqueVec2Face: d.summary.uniqueVec2Face,
      identityGroups: d.summary.identityGroups,
      threshold,
      meanScores: d.diversity.spread.mean,
    }));
    for (const d of data) {
      const written = await writeFigureFiles(
        layout.diversityFigure(d.dataset),
        diversityFigure(d, { document }),
      );
      files.push(...Object.values(written));
    }
    const written = await writeFigureFiles(
      layout.diversityFigure(),
      diversityOverviewFigure(data, { document }),
    );
    files.push(...Object.values(written));
  }
  reporter.info(`\nDiversity table saved to: ${tablePath}`);
  reporter.info(`Per-identity tables and figures: ${files.slice(1).join(", ")}`);
  return { datasets, files };
}
