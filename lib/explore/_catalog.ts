/**
 * What the explorer may show: the result files of the kit's `Metrics/` folders (and of the paper's
 * published `Data/` folder, which has the same layout), found by listing only the layout's own
 * folders, and the image datasets named on the command line. The server reads nothing that is not
 * in this catalog: API requests name catalog entries by index, never by path.
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { type CiTable, readCiTables } from "../formats/_ci_tables.ts";
import {
  BEST_MATCH_CSV_PATTERN,
  CLOSEST_JSON_PATTERN,
  datasetNameOf,
  metricsLayout,
  NON_MATED_SUFFIX,
  pairScoreFiles,
} from "../formats/_layout.ts";
import { listFileNames } from "../formats/_list_files.ts";

/** A folder of results: a `Metrics/` tree of the kit or a published `Data/` folder. */
export interface ResultRoot {
  /** Shown in the page, e.g. `Metrics/demo` or `paper data`. */
  label: string;
  /** The folder. */
  path: string;
}

/** One dataset of one results folder and the files that describe it. */
export interface CatalogDataset {
  /** Index of the results folder in {@linkcode Catalog.roots}. */
  root: number;
  /** Dataset name, from the file names (the layout's `datasetNameOf`). */
  name: string;
  /** Mated score file, if any. */
  mated?: string;
  /** Non-mated score file, if any (the published Control10k has none). */
  nonMated?: string;
  /** Best-match CSV files (`<name>_BestMatches_<n>.csv`). */
  bestMatches: string[];
  /** Closest-pairs JSON files (`<name>_Top<k>Global_<n>.json`). */
  closest: string[];
  /** Index of the image set holding this dataset's images, if one was given. */
  images?: number;
  /** Index of the image set holding the reference (CASIA-WebFace) images, if one was given. */
  casiaImages?: number;
}

/** A metric with its bootstrap interval, from the `CI/` tables. */
export interface CatalogMetric {
  /** The original's metric name (`EER`, `FMR100`, `FMR1000`, `FDR`, `Genuine Mean`, ...). */
  name: string;
  /** Point estimate. */
  value: number | null;
  /** Lower bound of the 95% interval (null without bootstrap). */
  lower: number | null;
  /** Upper bound of the 95% interval. */
  upper: number | null;
}

/** An image dataset (folder or archive) named with `--datasets`. */
export interface CatalogImageSet {
  /** Its path, as given. */
  path: string;
  /** Its dataset name (`datasetNameOf`). */
  name: string;
  /** Whether it holds the reference images (its name says CASIA, or it was given as `--casia`). */
  casia: boolean;
}

/** Everything the explorer serves. */
export interface Catalog {
  /** The results folders. */
  roots: ResultRoot[];
  /** Datasets, by results folder then name. */
  datasets: CatalogDataset[];
  /** Metrics of `datasets[i]`, from the CI tables of its folder (empty when there are none). */
  metrics: CatalogMetric[][];
  /** The image datasets. */
  imageSets: CatalogImageSet[];
}

/** Options of {@linkcode buildCatalog}. */
export interface BuildCatalogOptions {
  /** Results folders of the kit (`Metrics/`, `Metrics/demo`, ...). @default [] */
  metrics?: string[];
  /** The paper's published data folder. */
  paperData?: string;
  /** Image datasets (folders or archives). @default [] */
  datasets?: string[];
  /** The reference (CASIA-WebFace) image dataset, when its name does not say so. */
  casia?: string;
}

async function ciTables(dir: string): Promise<CiTable | undefined> {
  try {
    await Deno.stat(dir);
  } catch {
    return undefined;
  }
  return await readCiTables(dir);
}

const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

/**
 * Lists the results folders and image datasets into a catalog.
 *
 * @param options Folders and datasets.
 * @returns The catalog.
 * @throws {Deno.errors.NotFound} When a folder or dataset given does not exist (naming it).
 * @throws {SyntaxError} When a CI table is malformed (naming file and line).
 */
export async function buildCatalog(options: BuildCatalogOptions): Promise<Catalog> {
  const { metrics = [], paperData, datasets = [], casia } = options;
  const roots: ResultRoot[] = metrics.map((path) => ({ label: path, path }));
  if (paperData) {
    roots.push({ label: `paper data (${basename(resolve(paperData))})`, path: paperData });
  }
  for (const [i, root] of roots.entries()) {
    const flag = paperData && i === roots.length - 1 ? "--data" : "--metrics";
    try {
      if (!(await Deno.stat(root.path)).isDirectory) throw new Deno.errors.NotFound();
    } catch {
      throw new Deno.errors.NotFound(
        `${flag}: ${root.path} is not a folder (expected a results folder such as Metrics/demo)`,
      );
    }
  }
  const imageSets: CatalogImageSet[] = [];
  for (const path of datasets) {
    try {
      await Deno.stat(path);
    } catch {
      throw new Deno.errors.NotFound(
        `--datasets: ${path} does not exist (expected a dataset folder or archive)`,
      );
    }
    const name = datasetNameOf(path);
    imageSets.push({ path, name, casia: casia ? false : /casia/i.test(name) });
  }
  if (casia) {
    try {
      await Deno.stat(casia);
    } catch {
      throw new Deno.errors.NotFound(
        `--casia: ${casia} does not exist (expected the CASIA-WebFace folder or archive)`,
      );
    }
    imageSets.push({ path: casia, name: datasetNameOf(casia), casia: true });
  }
  const casiaIndex = imageSets.findIndex((s) => s.casia);

  const found: CatalogDataset[] = [];
  const metricsOf: CatalogMetric[][] = [];
  for (const [r, root] of roots.entries()) {
    const layout = metricsLayout(root.path);
    const byName = new Map<string, CatalogDataset>();
    const entry = (name: string) => {
      let d = byName.get(name);
      if (!d) {
        d = { root: r, name, bestMatches: [], closest: [] };
        byName.set(name, d);
      }
      return d;
    };
    const scoreDir = layout.dir("scores");
    const { pairs, unpaired } = pairScoreFiles(
      await listFileNames(scoreDir, /_similarities\.txt$/),
    );
    for (const p of pairs) {
      const d = entry(p.dataset);
      d.mated = join(scoreDir, p.mated);
      d.nonMated = join(scoreDir, p.nonMated);
    }
    for (const u of unpaired) {
      if (u.file.endsWith(NON_MATED_SUFFIX)) {
        entry(u.dataset).nonMated = join(scoreDir, u.file);
      } else entry(u.dataset).mated = join(scoreDir, u.file);
    }
    const bestDir = layout.dir("bestMatches");
    for (const f of await listFileNames(bestDir, BEST_MATCH_CSV_PATTERN)) {
      entry(datasetNameOf(f)).bestMatches.push(join(bestDir, f));
    }
    const closestDir = layout.dir("closest");
    for (const f of await listFileNames(closestDir, CLOSEST_JSON_PATTERN)) {
      entry(datasetNameOf(f)).closest.push(join(closestDir, f));
    }
    const ci = await ciTables(layout.dir("ci"));
    for (const d of [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const images = imageSets.findIndex((s) => !s.casia && s.name === d.name);
      if (images >= 0) d.images = images;
      if (casiaIndex >= 0) d.casiaImages = casiaIndex;
      found.push(d);
      const row = ci?.datasets.indexOf(d.name) ?? -1;
      metricsOf.push(
        ci && row >= 0
          ? ci.metrics.map((m) => ({
            name: m.name,
            value: finite(m.value[row]),
            lower: finite(m.lower[row]),
            upper: finite(m.upper[row]),
          }))
          : [],
      );
    }
  }
  return { roots, datasets: found, metrics: metricsOf, imageSets };
}
