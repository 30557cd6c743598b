/**
 * A folder as a {@linkcode Container}: a depth-first walk in code-point or directory order, files
 * read by path. A folder dataset, as the original package walked it, is a folder with one
 * sub-folder per identity holding `.png`/`.jpg`/`.jpeg` images (any letter case); `openDataset`
 * lists it with depth 2 and ignores other files and deeper folders.
 *
 * @module
 */
import { join } from "node:path";
import type { Container, ContainerRecord, StreamOptions } from "./_container.ts";
import { readEach, safeEntryPath } from "./_archive_entries.ts";

/** Options of {@linkcode openFolderContainer}. */
export interface FolderContainerOptions {
  /** `sorted` (code-point order) or `listdir` (directory order). @default "sorted" */
  order?: "sorted" | "listdir";
  /** The deepest level listed (1: the folder's own files). @default Infinity */
  depth?: number;
}

async function entries(dir: string, order: "sorted" | "listdir"): Promise<Deno.DirEntry[]> {
  const out: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) out.push(entry);
  if (order === "sorted") out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/**
 * Opens a folder as a container. Files (and links to files) are listed; sub-folders are walked,
 * links to folders are not followed.
 *
 * @param root The folder (checked to exist by `openContainer`).
 * @param options Walk order and depth.
 * @returns The container.
 *
 * @example
 * ```ts
 * import { openFolderContainer } from "./_folder.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/alice`);
 * await Deno.writeFile(`${dir}/alice/1.PNG`, new Uint8Array([1]));
 * const folder = await openFolderContainer(dir);
 * const paths = await folder.list();
 * if (paths.join() !== "alice/1.PNG" || (await folder.read("alice/1.PNG"))?.[0] !== 1) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function openFolderContainer(
  root: string,
  options: FolderContainerOptions = {},
): Promise<Container> {
  const { order = "sorted", depth = Infinity } = options;
  let walked: Promise<{ files: string[]; folders: string[] }> | undefined;
  const walk = () => {
    // One walk shared by concurrent callers: a half-filled list must never be returned.
    walked ??= (async () => {
      const files: string[] = [];
      const folders: string[] = [];
      const visit = async (dir: string, prefix: string, level: number) => {
        for (const entry of await entries(dir, order)) {
          const path = `${prefix}${entry.name}`;
          if (entry.isDirectory) {
            folders.push(path);
            if (level < depth) await visit(join(dir, entry.name), `${path}/`, level + 1);
          } else if (level <= depth) files.push(path);
        }
      };
      await visit(root, "", 1);
      return { files, folders };
    })();
    return walked;
  };
  const read = async (path: string) => {
    const safe = safeEntryPath(path);
    if (safe === undefined) return undefined;
    try {
      return await Deno.readFile(join(root, safe));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
        return undefined;
      }
      throw error;
    }
  };
  async function* stream(options: StreamOptions = {}): AsyncIterable<ContainerRecord> {
    for (const path of (await walk()).files) {
      if (options.filter && !options.filter(path)) continue;
      try {
        yield { path, bytes: await Deno.readFile(join(root, path)) };
      } catch (error) {
        yield { path, error: error instanceof Error ? error.message : String(error) };
      }
    }
  }
  return Promise.resolve({
    kind: "folder",
    source: root,
    list: async () => (await walk()).files,
    folders: async () => (await walk()).folders,
    read,
    readMany: (paths) => readEach(read, paths),
    stream,
    close: () => Promise.resolve(),
  });
}
