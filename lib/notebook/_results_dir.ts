/**
 * Where a notebook finds the kit's own results: the folder named by `BRF_METRICS`, else `Metrics/`
 * when the kit has written results there, else the demo's `Metrics/demo/`.
 *
 * @module
 */
import { join } from "node:path";
import { DEFAULT_METRICS_ROOT, LAYOUT_NAMES } from "../formats/mod.ts";

/** Sub-folders the kit's tasks write; a results folder holds at least one of them. */
export const RESULT_FOLDERS: readonly string[] = [
  LAYOUT_NAMES.embeddings,
  LAYOUT_NAMES.scores,
  LAYOUT_NAMES.bestMatches,
  LAYOUT_NAMES.closest,
  LAYOUT_NAMES.ci,
];

function hasResults(dir: string): boolean {
  return RESULT_FOLDERS.some((name) => {
    try {
      return Deno.statSync(join(dir, name)).isDirectory;
    } catch {
      return false;
    }
  });
}

/** Options of {@linkcode findResultsDir}. */
export interface FindResultsDirOptions {
  /** Environment variable naming the folder. @default "BRF_METRICS" */
  envVar?: string;
}

/**
 * Picks the results folder: `$BRF_METRICS` when set; else `<root>/Metrics` when it holds any of
 * {@linkcode RESULT_FOLDERS}; else `<root>/Metrics/demo` when that does; else `<root>/Metrics`.
 *
 * @param root The repository root.
 * @param options Which environment variable to read.
 * @returns The folder (it may not exist yet).
 *
 * @example
 * ```ts
 * import { findResultsDir } from "./_results_dir.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/Metrics/demo/Embeddings`, { recursive: true });
 * const found = findResultsDir(dir, { envVar: "BRF_TEST_UNSET_VAR" });
 * await Deno.remove(dir, { recursive: true });
 * if (found !== `${dir}/Metrics/demo`) throw new Error("unexpected");
 * ```
 */
export function findResultsDir(root: string, options: FindResultsDirOptions = {}): string {
  const { envVar = "BRF_METRICS" } = options;
  const fromEnv = Deno.env.get(envVar);
  if (fromEnv) return fromEnv;
  const metrics = join(root, DEFAULT_METRICS_ROOT);
  if (hasResults(metrics)) return metrics;
  const demo = join(metrics, "demo");
  return hasResults(demo) ? demo : metrics;
}
