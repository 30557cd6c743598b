/**
 * The dataset reader of `embed`, {@linkcode openDataset}: any {@linkcode Container} seen as
 * `<identity>/<image>` keys. A folder is read as the original package walked it (identity
 * sub-folders of `.png`/`.jpg`/`.jpeg` images, other files and deeper folders ignored, a warning
 * for an identity folder without images); a zip or tar by the wrapping-folder rule of
 * {@linkcode imageKeys}; RecordIO by its record keys or `list.txt` names.
 *
 * @module
 */
import { consoleReporter, type Reporter } from "../cli/mod.ts";
import { imageKeys } from "./_archive_entries.ts";
import { type Container, openContainer } from "./_container.ts";
import {
  type DatasetReader,
  type ImageKey,
  type ImageRecord,
  isImageName,
  type ReadOptions,
} from "./_dataset.ts";

/** Options of {@linkcode openDataset}. */
export interface OpenDatasetOptions {
  /**
   * Folders: `sorted` lists identities and images in code-point order (reproducible everywhere);
   * `listdir` keeps the directory order, as Python's `os.listdir` in the original.
   * @default "sorted"
   */
  order?: "sorted" | "listdir";
  /**
   * Receives warnings: an identity folder without images, an unsafe archive entry.
   * @default consoleReporter()
   */
  reporter?: Reporter;
}

/** The dataset key of each listed path, by the rule of the container's kind. */
function datasetKeys(container: Container, paths: readonly string[]): (ImageKey | undefined)[] {
  if (container.kind === "zip" || container.kind === "tar" || container.kind === "tar.gz") {
    return imageKeys(paths);
  }
  return paths.map((p) => {
    const parts = p.split("/");
    if (parts.length !== 2) return undefined;
    const [identity, imageName] = parts as [string, string];
    return container.kind === "recordio" || isImageName(imageName)
      ? { identity, imageName }
      : undefined;
  });
}

/**
 * Opens a dataset: a folder of identity sub-folders, or an archive of one (`.zip`, `.tar`,
 * `.tar.gz`/`.tgz`, MXNet RecordIO `.rec` with its `.idx`), through {@linkcode openContainer}.
 *
 * @param path Folder or archive.
 * @param options Listing order for folders, reporter.
 * @returns The reader, in the container's order; close it after use.
 * @throws {Deno.errors.NotFound} When the path does not exist, saying what was expected.
 * @throws {TypeError} When the path is a file of no known archive kind.
 * @throws {SyntaxError} When an archive is corrupt or truncated.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/mod.ts";
 * import { openDataset } from "./_open.ts";
 * const dir = await Deno.makeTempDir();
 * for (const id of ["alice", "bob"]) await Deno.mkdir(`${dir}/${id}`);
 * await Deno.writeFile(`${dir}/alice/1.jpg`, new Uint8Array([0xff, 0xd8]));
 * const reporter = memoryReporter();
 * const reader = await openDataset(dir, { reporter });
 * const keys = await reader.list();
 * if (keys.map((k) => `${k.identity}/${k.imageName}`).join() !== "alice/1.jpg") throw new Error();
 * if (reporter.warnings().size !== 1) throw new Error("bob holds no image");
 * ```
 */
export async function openDataset(
  path: string,
  options: OpenDatasetOptions = {},
): Promise<DatasetReader> {
  const { order = "sorted", reporter = consoleReporter() } = options;
  const container = await openContainer(path, { order, depth: 2, reporter });
  let indexed: Promise<Map<string, ImageKey>> | undefined;
  const index = () =>
    indexed ??= (async () => {
      const paths = await container.list();
      const keys = new Map<string, ImageKey>();
      datasetKeys(container, paths).forEach((key, i) => key && keys.set(paths[i]!, key));
      if (container.folders) {
        const withImages = new Set([...keys.values()].map((k) => k.identity));
        for (const folder of await container.folders()) {
          if (folder.includes("/") || withImages.has(folder)) continue;
          reporter.warn(`${path}/${folder}: identity folder holds no .png/.jpg/.jpeg image`);
        }
      }
      return keys;
    })();
  async function* read(readOptions: ReadOptions = {}): AsyncIterable<ImageRecord> {
    const keys = await index();
    const { skip } = readOptions;
    const wanted = (p: string) => {
      const key = keys.get(p);
      return key !== undefined && !skip?.(key);
    };
    for await (const record of container.stream({ filter: wanted })) {
      const key = keys.get(record.path)!;
      yield record.error === undefined
        ? { ...key, bytes: record.bytes }
        : { ...key, error: record.error };
    }
  }
  return {
    source: container.source,
    list: async () => [...(await index()).values()],
    read,
    close: () => container.close(),
  };
}
