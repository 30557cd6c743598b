/**
 * `deno task explore`: the explorer's web page over the kit's results, on 127.0.0.1. Without
 * `--metrics` it serves `Metrics/` and each of its sub-folders that holds results (the demo's
 * `Metrics/demo`, the paper task's `Metrics/paper`); without `--datasets` it shows the images of the
 * `Dataset/` folder inside a results folder (where the demo puts its images).
 *
 * @module
 */
import { join } from "node:path";
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import { buildCatalog, type Catalog } from "../explore/_catalog.ts";
import { type Explorer, startExplorer } from "../explore/_server.ts";
import { DEFAULT_METRICS_ROOT, LAYOUT_NAMES } from "../formats/_layout.ts";

/** Options of {@linkcode runExplore}. */
export interface RunExploreOptions {
  /** Results folders. @default {`Metrics` and its sub-folders that hold results} */
  metrics?: string[] | undefined;
  /** The paper's published data folder, shown beside the kit's results. */
  paperData?: string | undefined;
  /** Image datasets (folders or archives). @default {the `Dataset/` sub-folders of the results} */
  datasets?: string[] | undefined;
  /** The reference (CASIA-WebFace) image dataset, when its name does not say CASIA. */
  casia?: string | undefined;
  /** Port; 0 takes a free one. @default 0 */
  port?: number;
  /** Open the page in the default browser. @default false */
  open?: boolean;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
  /** Status lines. @default consoleReporter() */
  reporter?: Reporter;
}

/** The running explorer and what it serves. */
export interface ExploreResult extends Explorer {
  /** What is served. */
  catalog: Catalog;
}

const RESULT_FOLDERS = [LAYOUT_NAMES.scores, LAYOUT_NAMES.bestMatches, LAYOUT_NAMES.closest];

async function holdsResults(dir: string): Promise<boolean> {
  for (const name of RESULT_FOLDERS) {
    try {
      if ((await Deno.stat(join(dir, name))).isDirectory) return true;
    } catch {
      // not there
    }
  }
  return false;
}

async function defaultMetrics(): Promise<string[]> {
  const found: string[] = [];
  if (await holdsResults(DEFAULT_METRICS_ROOT)) found.push(DEFAULT_METRICS_ROOT);
  try {
    const subs: string[] = [];
    for await (const e of Deno.readDir(DEFAULT_METRICS_ROOT)) {
      if (e.isDirectory) subs.push(join(DEFAULT_METRICS_ROOT, e.name));
    }
    for (const sub of subs.sort()) if (await holdsResults(sub)) found.push(sub);
  } catch {
    // no Metrics/ folder
  }
  return found;
}

async function defaultDatasets(roots: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const root of roots) {
    const dir = join(root, "Dataset");
    try {
      const names: string[] = [];
      for await (const e of Deno.readDir(dir)) if (e.isDirectory) names.push(e.name);
      for (const name of names.sort()) found.push(join(dir, name));
    } catch {
      // none
    }
  }
  return found;
}

/**
 * Starts the explorer; it runs until `close()` or the signal.
 *
 * @param options Folders, datasets, port.
 * @returns The running explorer and its catalog.
 * @throws {Deno.errors.NotFound} When a folder or dataset given does not exist, or nothing to show
 *   was found.
 */
export async function runExplore(options: RunExploreOptions = {}): Promise<ExploreResult> {
  const { port = 0, open = false, signal, reporter = consoleReporter() } = options;
  const metrics = options.metrics ?? await defaultMetrics();
  if (metrics.length === 0 && !options.paperData) {
    throw new Deno.errors.NotFound(
      `Cannot explore: no results in ${DEFAULT_METRICS_ROOT}/ (run deno task demo first, or name ` +
        "a results folder with --metrics or the paper's data with --data)",
    );
  }
  const datasets = options.datasets ?? await defaultDatasets(metrics);
  const catalog = await buildCatalog({
    metrics,
    datasets,
    ...(options.paperData ? { paperData: options.paperData } : {}),
    ...(options.casia ? { casia: options.casia } : {}),
  });
  const explorer = await startExplorer(catalog, {
    port,
    ...(signal ? { signal } : {}),
    onError: (path, error) =>
      reporter.warn(`explore: ${path}: ${error instanceof Error ? error.message : error}`),
  });
  reporter.info(
    `explore: ${catalog.datasets.length} datasets from ${
      catalog.roots.map((r) => r.label).join(", ")
    }` +
      (catalog.imageSets.length
        ? `; images of ${catalog.imageSets.map((s) => s.path).join(", ")}`
        : "; no image datasets (name them with --datasets to see the faces)"),
  );
  reporter.info(`explore: open ${explorer.url} (Ctrl-C stops)`);
  if (open) {
    const opener = Deno.build.os === "darwin"
      ? "open"
      : Deno.build.os === "windows"
      ? "explorer"
      : "xdg-open";
    try {
      await new Deno.Command(opener, { args: [explorer.url], stdout: "null", stderr: "null" })
        .spawn()
        .status;
    } catch (error) {
      reporter.warn(
        `explore: cannot open a browser with ${opener} (${
          error instanceof Error ? error.message : error
        }); open the address yourself`,
      );
    }
  }
  return { ...explorer, catalog };
}
