/**
 * The dataset reader of `embed`, {@linkcode openDataset}: any {@linkcode Container} seen as
 * `<identity>/<image>` keys. A folder is read as the original package walked it (identity
 * sub-folders of `.png`/`.jpg`/`.jpeg` images, a warning for an identity folder without images);
 * a zip or tar by the wrapping-folder rule of {@linkcode imageKeys}; RecordIO by its record keys
 * or `list.txt` names. What the listing leaves out (other files, images outside identity folders
 * or in sub-folders of them unless `recursive`, and what the container itself left out) is
 * counted by reason in `skipped()`, for the task to word; OS junk is ignored silently. Each image
 * is checked by its first bytes ({@linkcode checkImageHead}) before the rest is read.
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
  type ReadOptions,
  SkipTally,
} from "./_dataset.ts";
import { hexHead, imageFormatOf } from "../image/mod.ts";

/** Options of {@linkcode openDataset}. */
export interface OpenDatasetOptions {
  /**
   * Folders: `sorted` lists identities and images in code-point order (reproducible everywhere);
   * `listdir` keeps the directory order, as Python's `os.listdir` in the original.
   * @default "sorted"
   */
  order?: "sorted" | "listdir";
  /**
   * Take images in sub-folders of identity folders, named by their path inside the identity
   * folder (`<sub>/<image>`); otherwise they are left out and counted in `skipped()`.
   * @default false
   */
  recursive?: boolean;
  /**
   * Receives warnings: an identity folder without images, an unsafe archive entry.
   * @default consoleReporter()
   */
  reporter?: Reporter;
}

/** Largest image file read (1 GiB); Pillow's pixel limit refuses far smaller images anyway. */
export const MAX_IMAGE_FILE_BYTES = 2 ** 30;

/**
 * The check of an entry's first bytes and size before the rest is read or inflated: an image
 * signature Pillow accepts, at most {@linkcode MAX_IMAGE_FILE_BYTES}.
 *
 * @param head The entry's first bytes.
 * @param size Its size in bytes.
 * @returns Why it is refused, or `undefined`.
 *
 * @example
 * ```ts
 * import { checkImageHead } from "./_open.ts";
 * const reason = checkImageHead(new Uint8Array(16), 2 ** 30);
 * if (!reason?.startsWith("not an image: its first bytes are 00 00 00 00")) throw new Error();
 * ```
 */
export function checkImageHead(head: Uint8Array, size: number): string | undefined {
  if (size === 0) return "not an image: the file is empty";
  if (imageFormatOf(head) === undefined) {
    return `not an image: its first bytes are ${hexHead(head)}, no signature of an image ` +
      `format (PNG, JPEG, GIF, BMP, WebP, TIFF)`;
  }
  if (size > MAX_IMAGE_FILE_BYTES) {
    return `the file has ${size} bytes, more than the ${MAX_IMAGE_FILE_BYTES} an image may have here`;
  }
  return undefined;
}

/** The dataset key of each listed path, by the rule of the container's kind. */
function datasetKeys(
  container: Container,
  paths: readonly string[],
  recursive: boolean,
  tally: SkipTally,
): (ImageKey | undefined)[] {
  if (container.kind === "recordio") {
    return paths.map((p) => {
      const parts = p.split("/");
      if (parts.length !== 2) return undefined;
      const [identity, imageName] = parts as [string, string];
      return { identity, imageName };
    });
  }
  return imageKeys(paths, { wrapper: container.kind !== "folder", recursive, tally });
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
  const { order = "sorted", recursive = false, reporter = consoleReporter() } = options;
  const container = await openContainer(path, { order, reporter });
  const tally = new SkipTally();
  let indexed: Promise<Map<string, ImageKey>> | undefined;
  const index = () =>
    indexed ??= (async () => {
      const paths = await container.list();
      const keys = new Map<string, ImageKey>();
      tally.addAll(await container.skipped?.() ?? []);
      datasetKeys(container, paths, recursive, tally).forEach((key, i) =>
        key && keys.set(paths[i]!, key)
      );
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
    for await (const record of container.stream({ filter: wanted, check: checkImageHead })) {
      const key = keys.get(record.path)!;
      yield record.error === undefined
        ? { ...key, bytes: record.bytes }
        : { ...key, error: record.error };
    }
  }
  return {
    source: container.source,
    list: async () => [...(await index()).values()],
    skipped: async () => {
      await index();
      return tally.list();
    },
    read,
    close: () => container.close(),
  };
}
