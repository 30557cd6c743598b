/**
 * Locating the paper's published `Data/` folder and the files it holds. The folder is laid out as
 * the kit's own `Metrics/` tree, so its names come from the layout (`_layout.ts`).
 *
 * @module
 */
import { join } from "node:path";
import { BEST_MATCH_CSV_PATTERN, CLOSEST_JSON_PATTERN, metricsLayout } from "./_layout.ts";
import { listFilePaths } from "./_list_files.ts";

/** The files of a published `Data/` folder, each list sorted by file name. */
export interface PublishedData {
  /** The folder itself. */
  dir: string;
  /** `Best_Matches/*_BestMatches_*.csv`. */
  bestMatches: string[];
  /** `Closest/*_Top*Global_*.json`. */
  closest: string[];
  /** `CI/` when it holds `eer_95.csv`, else undefined. */
  ciDir: string | undefined;
  /** `SimilarityScores/*.txt`. */
  similarityScores: string[];
}

/**
 * Lists the files of a published `Data/` folder. Missing sub-folders give empty lists.
 *
 * @param dir The folder (e.g. `../shared/paper-data`).
 * @returns The files by kind.
 * @throws {Deno.errors.NotFound} When `dir` itself does not exist.
 *
 * @example
 * ```ts
 * import { listPublishedData } from "./_published_data.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/Best_Matches`);
 * await Deno.writeTextFile(`${dir}/Best_Matches/A_BestMatches_10.csv`, "");
 * const data = await listPublishedData(dir);
 * await Deno.remove(dir, { recursive: true });
 * if (data.bestMatches.length !== 1 || data.ciDir !== undefined) throw new Error("unexpected");
 * ```
 */
export async function listPublishedData(dir: string): Promise<PublishedData> {
  await Deno.stat(dir);
  const tree = metricsLayout(dir);
  let ciDir: string | undefined;
  try {
    if ((await Deno.stat(tree.ciTable("eer_95"))).isFile) ciDir = tree.dir("ci");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return {
    dir,
    bestMatches: await listFilePaths(tree.dir("bestMatches"), BEST_MATCH_CSV_PATTERN),
    closest: await listFilePaths(tree.dir("closest"), CLOSEST_JSON_PATTERN),
    ciDir,
    similarityScores: await listFilePaths(tree.dir("scores"), /\.txt$/),
  };
}

/** Options of {@linkcode findPublishedData}. */
export interface FindPublishedDataOptions {
  /** Environment variable naming the folder. @default "BRF_DATA" */
  envVar?: string;
}

/**
 * Finds the published data folder: the environment variable `BRF_DATA` when set (it must exist;
 * the value `none` means no published data), else `../shared/paper-data` beside the repository
 * root when it exists, else undefined.
 *
 * @param root The repository root.
 * @param options Which environment variable to read.
 * @returns The folder, or undefined when none is found.
 * @throws {Deno.errors.NotFound} When the environment variable names a missing folder.
 *
 * @example
 * ```ts
 * import { findPublishedData } from "./_published_data.ts";
 * const found = await findPublishedData("/nonexistent-root", { envVar: "BRF_TEST_UNSET_VAR" });
 * if (found !== undefined) throw new Error("unexpected");
 * ```
 */
export async function findPublishedData(
  root: string,
  options: FindPublishedDataOptions = {},
): Promise<string | undefined> {
  const { envVar = "BRF_DATA" } = options;
  const fromEnv = Deno.env.get(envVar);
  if (fromEnv === "none") return undefined;
  if (fromEnv) {
    if (!(await Deno.stat(fromEnv)).isDirectory) {
      throw new Deno.errors.NotFound(`Cannot use ${envVar}=${fromEnv}: it is not a folder`);
    }
    return fromEnv;
  }
  const shared = join(root, "..", "shared", "paper-data");
  try {
    return (await Deno.stat(shared)).isDirectory ? shared : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
