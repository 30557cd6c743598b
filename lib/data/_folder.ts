/**
 * A dataset as the original package walked it: a folder with one sub-folder per identity, holding
 * `.png`/`.jpg`/`.jpeg` images (any letter case). Other files and deeper folders are ignored.
 *
 * @module
 */
import {
  type DatasetReader,
  type ImageKey,
  type ImageRecord,
  isImageName,
  type ReadOptions,
} from "./_dataset.ts";

/** Options of {@linkcode openFolderDataset}. */
export interface FolderDatasetOptions {
  /**
   * `sorted` lists identities and images in code-point order (reproducible everywhere);
   * `listdir` keeps the directory order, as Python's `os.listdir` in the original.
   * @default "sorted"
   */
  order?: "sorted" | "listdir";
  /** Receives warnings, e.g. an identity folder without images. @default console.warn */
  onWarning?: (message: string) => void;
}

function basename(path: string): string {
  return path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? path;
}

async function entries(dir: string, order: "sorted" | "listdir"): Promise<Deno.DirEntry[]> {
  const out: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) out.push(entry);
  if (order === "sorted") out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/**
 * Opens a folder dataset.
 *
 * @param path The dataset folder.
 * @param options Listing order.
 * @returns A reader over `<identity>/<image>` files.
 * @throws {Deno.errors.NotFound} When the folder does not exist.
 * @throws {TypeError} When the path is not a folder.
 *
 * @example
 * ```ts
 * import { openFolderDataset } from "./_folder.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/alice`);
 * await Deno.writeFile(`${dir}/alice/1.PNG`, new Uint8Array([1]));
 * await Deno.writeTextFile(`${dir}/alice/notes.txt`, "not an image");
 * const keys = await (await openFolderDataset(dir)).list();
 * if (keys.length !== 1 || keys[0].imageName !== "1.PNG") throw new Error("unexpected");
 * ```
 */
export async function openFolderDataset(
  path: string,
  options: FolderDatasetOptions = {},
): Promise<DatasetReader> {
  const { order = "sorted", onWarning = (m: string) => console.warn(`warning: ${m}`) } = options;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(
        `Cannot open the dataset ${path}: it does not exist (expected a folder of identity sub-folders, or a .zip/.tar/.tar.gz/.rec archive)`,
      );
    }
    throw error;
  }
  if (!info.isDirectory) {
    throw new TypeError(`Cannot open the dataset ${path}: it is not a folder`);
  }
  let listed: ImageKey[] | undefined;
  const list = async (): Promise<ImageKey[]> => {
    if (listed) return listed;
    const keys: ImageKey[] = [];
    for (const identity of await entries(path, order)) {
      if (!identity.isDirectory) continue;
      const before = keys.length;
      for (const file of await entries(`${path}/${identity.name}`, order)) {
        if (file.isDirectory || !isImageName(file.name)) continue;
        keys.push({ identity: identity.name, imageName: file.name });
      }
      if (keys.length === before) {
        onWarning(`${path}/${identity.name}: identity folder holds no .png/.jpg/.jpeg image`);
      }
    }
    listed = keys;
    return keys;
  };
  async function* read(readOptions: ReadOptions = {}): AsyncIterable<ImageRecord> {
    for (const key of await list()) {
      if (readOptions.skip?.(key)) continue;
      try {
        const bytes = await Deno.readFile(`${path}/${key.identity}/${key.imageName}`);
        yield { ...key, bytes };
      } catch (error) {
        yield { ...key, error: error instanceof Error ? error.message : String(error) };
      }
    }
  }
  return { source: path, name: basename(path), list, read, close: () => Promise.resolve() };
}
