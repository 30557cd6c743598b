/**
 * The one lister of the result files in a folder of the layout: the names of the regular files
 * that match a pattern, sorted, never a run manifest (`<output>.manifest.json` stands beside its
 * output but is not one). A folder that is not there holds no files.
 *
 * @module
 */
import { join } from "node:path";
import { MANIFEST_SUFFIX } from "./_layout.ts";

/**
 * The sorted names of the files in `dir` whose name matches `pattern`, run manifests left out.
 *
 * @param dir The folder, e.g. `Metrics/SimilarityScores`.
 * @param pattern Which names to keep.
 * @returns File names (not paths), in code-point order; empty when `dir` does not exist.
 * @throws {Deno.errors.PermissionDenied} And other errors than a missing folder.
 *
 * @example
 * ```ts
 * import { listFileNames } from "./_list_files.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/b.txt`, "");
 * await Deno.writeTextFile(`${dir}/a.txt`, "");
 * await Deno.writeTextFile(`${dir}/a.txt.manifest.json`, "{}");
 * const names = await listFileNames(dir, /\.(txt|json)$/);
 * const none = await listFileNames(`${dir}/missing`, /./);
 * await Deno.remove(dir, { recursive: true });
 * if (names.join() !== "a.txt,b.txt" || none.length !== 0) throw new Error(names.join());
 * ```
 */
export async function listFileNames(dir: string, pattern: RegExp): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && pattern.test(e.name) && !e.name.endsWith(MANIFEST_SUFFIX)) {
        names.push(e.name);
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
      throw error;
    }
  }
  return names.sort();
}

/**
 * {@linkcode listFileNames} as paths: each name joined to `dir`.
 *
 * @param dir The folder.
 * @param pattern Which names to keep.
 * @returns `dir/<name>` for each file, in name order.
 *
 * @example
 * ```ts
 * import { listFilePaths } from "./_list_files.ts";
 * if ((await listFilePaths("no/such/folder", /./)).length !== 0) throw new Error();
 * ```
 */
export async function listFilePaths(dir: string, pattern: RegExp): Promise<string[]> {
  return (await listFileNames(dir, pattern)).map((name) => join(dir, name));
}

/**
 * Whether a path exists (a file, folder or anything else).
 *
 * @param path The path.
 * @returns False when it is not there.
 * @throws {Deno.errors.PermissionDenied} And other errors than a missing path.
 *
 * @example
 * ```ts
 * import { pathExists } from "./_list_files.ts";
 * if (await pathExists("no/such/file") || !(await pathExists("."))) throw new Error();
 * ```
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
