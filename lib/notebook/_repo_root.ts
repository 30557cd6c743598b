/**
 * Finding the kit's repository root from a notebook or script, so paths like `Metrics/` resolve the
 * same wherever the code runs (the kernel's working folder is the notebook's folder).
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The nearest folder, from `start` upwards, that holds a `deno.json` and a `lib/` folder.
 *
 * @param start A folder, or a file URL such as `import.meta.url`. @default Deno.cwd()
 * @returns The absolute path of the repository root.
 * @throws {Deno.errors.NotFound} When no ancestor qualifies.
 *
 * @example
 * ```ts
 * import { findRepoRoot } from "./_repo_root.ts";
 * const root = findRepoRoot(import.meta.url);
 * if (!Deno.statSync(`${root}/deno.json`).isFile) throw new Error("unexpected");
 * ```
 */
export function findRepoRoot(start: string | URL = Deno.cwd()): string {
  const from = start instanceof URL || start.startsWith("file:")
    ? dirname(fileURLToPath(start))
    : resolve(start);
  let dir = from;
  while (true) {
    if (isFile(join(dir, "deno.json")) && isDir(join(dir, "lib"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Deno.errors.NotFound(
        `Cannot find the repository root above ${from}: no folder holds deno.json and lib/`,
      );
    }
    dir = parent;
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
