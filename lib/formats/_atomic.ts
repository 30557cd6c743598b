/**
 * The one way the kit rewrites a file: the new bytes go to `<file>.tmp-<pid>` in the same folder,
 * are synced, and are renamed over the file, so a reader (or a run killed at any instant) sees the
 * old complete file or the new complete file, never a truncated one. Temporary files left by a
 * killed run are found by their name and removed only when the process that wrote them is gone.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { osErrorAt } from "../cli/_flags.ts";

/** The temporary name of `path` for the process `pid`: `<path>.tmp-<pid>`. */
export function tempPathOf(path: string, pid: number = Deno.pid): string {
  return `${path}.tmp-${pid}`;
}

/**
 * Writes `data` to `path` atomically: temp file in the same folder, `fsync`, rename, then a sync
 * of the folder so the rename itself survives a crash.
 *
 * @param path The file to (re)write.
 * @param data Bytes or text (UTF-8).
 * @throws {Deno.errors.NotFound} When the folder does not exist; any write error (the temporary
 *   file is then removed).
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./_atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.txt`, "one\n");
 * await writeFileAtomic(`${dir}/a.txt`, "two\n");
 * const names = [...Deno.readDirSync(dir)].map((e) => e.name);
 * if (Deno.readTextFileSync(`${dir}/a.txt`) !== "two\n" || names.length !== 1) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const tmp = tempPathOf(path);
  try {
    const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    try {
      let written = 0;
      try {
        while (written < bytes.length) written += await file.write(bytes.subarray(written));
        await file.sync();
      } catch (error) {
        // Deno's write errors carry no path: name the file being written.
        throw osErrorAt(error, "write", path);
      }
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => undefined);
    throw error;
  }
  await syncFolder(dirname(path));
}

/**
 * Renames a finished temporary file over `path` after syncing it (for writers that stream into
 * the temporary file themselves).
 *
 * @param tmp The temporary file, closed or not.
 * @param path The final name.
 */
export async function commitTemp(tmp: string, path: string): Promise<void> {
  const file = await Deno.open(tmp, { read: true, write: true });
  try {
    await file.sync();
  } finally {
    file.close();
  }
  await Deno.rename(tmp, path);
  await syncFolder(dirname(path));
}

async function syncFolder(dir: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  try {
    const folder = await Deno.open(dir, { read: true });
    try {
      await folder.sync();
    } finally {
      folder.close();
    }
  } catch {
    // Some file systems refuse to sync a folder; the rename is still atomic there.
  }
}

/**
 * Whether a process with this id is alive on this machine (`kill -0`).
 *
 * @param pid The process id.
 * @returns False only when the process is known to be gone.
 */
export function processAlive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  if (Deno.build.os === "linux") {
    try {
      Deno.statSync(`/proc/${pid}`);
      return true;
    } catch {
      return false;
    }
  }
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch (error) {
    // ESRCH: no such process. A permission error means it exists (another user's).
    return !/ESRCH|No such process/i.test(String(error));
  }
}

/**
 * Removes the kit's temporary files of `path` (`<path>.tmp-<pid>`, and of the files named in
 * `also`) whose process is dead; those of live processes are left alone.
 *
 * @param path The output whose leftovers to remove.
 * @param also Other outputs in the same folder (e.g. `labels.tsv` beside a `.npy`).
 * @returns The files removed.
 *
 * @example
 * ```ts
 * import { removeStaleTemps } from "./_atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt.tmp-999999999`, "left by a killed run");
 * await Deno.writeTextFile(`${dir}/a.txt.tmp-${Deno.pid}`, "ours, in flight");
 * const removed = await removeStaleTemps(`${dir}/a.txt`);
 * if (removed.length !== 1 || !removed[0]!.endsWith("a.txt.tmp-999999999")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function removeStaleTemps(path: string, also: string[] = []): Promise<string[]> {
  const dir = dirname(path);
  const bases = new Set([path, ...also].map((p) => basename(p)));
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return removed;
    throw error;
  }
  for (const entry of entries) {
    const m = /^(.*)\.tmp-(\d+)$/.exec(entry.name);
    if (!m || !entry.isFile || !bases.has(m[1]!)) continue;
    if (processAlive(Number(m[2]))) continue;
    const full = join(dir, entry.name);
    try {
      await Deno.remove(full);
      removed.push(full);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return removed;
}
