/**
 * `deno task paths`: the `query_path,casia_path,similarity_score` CSV of closest-pairs JSON files
 * (what the original `get_paths.sh` made with jq), one `<name>_matches.csv` per file.
 *
 * @module
 */
import { join } from "node:path";
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import { readClosest } from "../formats/_closest_json.ts";
import { closestPathsName, metricsLayout } from "../formats/_layout.ts";
import { listFilePaths } from "../formats/_list_files.ts";
import { closestPathsCsv } from "../formats/_closest_paths_csv.ts";

/** Options of {@linkcode runPaths}. */
export interface RunPathsOptions {
  /** Closest-pairs JSON files, or folders of them. @default ["Metrics/Closest"] */
  inputs?: string[] | undefined;
  /** Output folder. @default "Metrics/Extracted_paths" */
  outDir?: string | undefined;
  /** Receives `Saved: <path>` per file written. @default consoleReporter() */
  reporter?: Reporter;
}

/** What {@linkcode runPaths} wrote. */
export interface PathsResult {
  /** The CSV files written, in input order (a folder's files in name order). */
  files: string[];
}

/**
 * Writes `<outDir>/<stem>_matches.csv` for every closest-pairs JSON given or found in a folder.
 *
 * @param options Inputs, output folder, reporter.
 * @returns The CSV paths written.
 * @throws {SyntaxError} When a JSON file is not a closest-pairs file.
 * @throws {Deno.errors.NotFound} When an input does not exist.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { runPaths } from "./_paths.ts";
 * const dir = await Deno.makeTempDir();
 * const { files } = await runPaths({ inputs: [dir], outDir: dir, reporter: memoryReporter() });
 * await Deno.remove(dir, { recursive: true });
 * if (files.length !== 0) throw new Error("an empty folder gives no CSV");
 * ```
 */
export async function runPaths(options: RunPathsOptions = {}): Promise<PathsResult> {
  const layout = metricsLayout();
  const {
    inputs = [layout.dir("closest")],
    outDir = layout.dir("paths"),
    reporter = consoleReporter(),
  } = options;
  const jsonFiles: string[] = [];
  for (const input of inputs) {
    if ((await Deno.stat(input)).isDirectory) {
      jsonFiles.push(...await listFilePaths(input, /\.json$/));
    } else jsonFiles.push(input);
  }
  await Deno.mkdir(outDir, { recursive: true });
  const files: string[] = [];
  for (const file of jsonFiles) {
    const out = join(outDir, closestPathsName(file));
    await Deno.writeTextFile(out, closestPathsCsv(await readClosest(file)));
    reporter.info(`Saved: ${out}`);
    files.push(out);
  }
  return { files };
}
