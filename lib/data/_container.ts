/**
 * One {@linkcode Container} per archive kind (folder, zip, tar, tar.gz, RecordIO) behind one
 * {@linkcode openContainer}, chosen by the one extension table {@linkcode CONTAINER_EXTENSIONS}.
 * A container lists its file entries by `/`-separated path, reads one or many by path, and streams
 * them in its own order; the dataset reader of `embed` (`openDataset`) and the image lookup of
 * `plot-similar` (`openImageSource`) are both built on it. Nothing is extracted to disk.
 *
 * @module
 */
import { consoleReporter, type Reporter } from "../cli/mod.ts";
import { openFolderContainer } from "./_folder.ts";
import { openRecordIOContainer } from "./_recordio.ts";
import { openTarContainer } from "./_tar.ts";
import { openZipContainer } from "./_zip.ts";
import type { ListingSkip } from "./_dataset.ts";

/** The kinds of container the kit reads. */
export type ContainerKind = "folder" | "zip" | "tar" | "tar.gz" | "recordio";

/**
 * The one extension table: the archive kind of a path by the end of its name (any letter case).
 * A path that matches none must be a folder.
 */
export const CONTAINER_EXTENSIONS: readonly (readonly [suffix: string, kind: ContainerKind])[] = [
  [".zip", "zip"],
  [".tar", "tar"],
  [".tar.gz", "tar.gz"],
  [".tgz", "tar.gz"],
  [".rec", "recordio"],
  [".idx", "recordio"],
];

/** What {@linkcode openContainer} accepts, for messages. */
const EXPECTED = "a folder of identity sub-folders, or a .zip, .tar, .tar.gz, .tgz or .rec archive";

/**
 * The archive kind of a path by its extension.
 *
 * @param path File path.
 * @returns The kind, or `undefined` when no extension of the table matches (a folder).
 *
 * @example
 * ```ts
 * import { containerKind } from "./_container.ts";
 * if (containerKind("a/B.TGZ") !== "tar.gz" || containerKind("a/Set") !== undefined) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function containerKind(path: string): ContainerKind | undefined {
  const lower = path.toLowerCase();
  return CONTAINER_EXTENSIONS.find(([suffix]) => lower.endsWith(suffix))?.[1];
}

/** One entry streamed by {@linkcode Container.stream}: its bytes, or why they could not be read. */
export type ContainerRecord =
  | { path: string; bytes: Uint8Array; error?: undefined }
  | { path: string; bytes?: undefined; error: string };

/** Options of {@linkcode Container.stream}. */
export interface StreamOptions {
  /** Entries for which this returns false are skipped without reading their bytes. @default all */
  filter?: (path: string) => boolean;
  /**
   * Looks at an entry's first bytes (up to `SIGNATURE_BYTES` of lib/image) and its size before
   * the rest is read or inflated; a reason returned refuses the entry (a record with that
   * `error`), so that no more than its first bytes are held. @default accept every entry
   */
  check?: (head: Uint8Array, size: number) => string | undefined;
}

/** A folder or archive of files addressed by `/`-separated entry path. */
export interface Container {
  /** Which kind of container this is. */
  readonly kind: ContainerKind;
  /** The path for messages (for RecordIO, the `.rec` file). */
  readonly source: string;
  /**
   * Every file entry path, in the container's order: central-directory order (zip), archive
   * order (tar), record order (RecordIO: `<label>/<key>.jpg` or the `list.txt` names), or a
   * depth-first walk of the folder in the listing order. Unsafe archive entries (absolute paths,
   * `..` segments) are left out with a warning.
   */
  list(): Promise<string[]>;
  /** Every sub-folder path of a folder container, in walk order (folder containers only). */
  folders?(): Promise<string[]>;
  /**
   * What the listing left out, by reason, with a count and an example (not regular files, names
   * that are not UTF-8, duplicates, unsafe or unsupported archive members). OS junk
   * (`isJunkPath`) is left out silently and not counted.
   */
  skipped?(): Promise<ListingSkip[]>;
  /**
   * The bytes of one entry, or `undefined` when there is none.
   * @throws {SyntaxError} Naming archive and entry, when the entry is corrupt or truncated.
   */
  read(path: string): Promise<Uint8Array | undefined>;
  /** The bytes of several entries (one pass over a compressed tar); missing ones are absent. */
  readMany(paths: readonly string[]): Promise<Map<string, Uint8Array>>;
  /**
   * Streams the entries in the order of {@linkcode Container.list}. An entry that cannot be read
   * comes as a record with an `error` where the kind can go on past it (a folder file, a corrupt
   * zip entry); a broken tar or RecordIO stream throws a SyntaxError naming archive and entry.
   */
  stream(options?: StreamOptions): AsyncIterable<ContainerRecord>;
  /**
   * The container's own answer for a wanted path, before any search by file name: the path itself
   * when it is an entry, else (RecordIO) the record whose key is the last number of the file name.
   * Only RecordIO has one; the others are searched in {@linkcode Container.list}.
   */
  lookup?(wanted: string): Promise<string | undefined>;
  /** Releases open files. */
  close(): Promise<void>;
}

/** Options of {@linkcode openContainer}. */
export interface ContainerOptions {
  /**
   * Folders: `sorted` walks entries in code-point order (reproducible everywhere); `listdir` keeps
   * the directory order, as Python's `os.listdir` in the original.
   * @default "sorted"
   */
  order?: "sorted" | "listdir";
  /** Folders: the deepest level listed (2 lists `<identity>/<image>`). @default Infinity */
  depth?: number;
  /** Receives warnings (unsafe archive entries). @default consoleReporter() */
  reporter?: Reporter;
}

/**
 * Opens a folder or archive as a {@linkcode Container}, its kind chosen by
 * {@linkcode CONTAINER_EXTENSIONS}.
 *
 * @param path Folder, `.zip`, `.tar`, `.tar.gz`/`.tgz`, or RecordIO `.rec`/`.idx` (with its pair).
 * @param options Folder order and depth, reporter.
 * @returns The container; close it after use.
 * @throws {Deno.errors.NotFound} When the path (or the other file of a RecordIO pair) does not
 * exist, saying what was expected.
 * @throws {TypeError} When the path is a file of no known archive kind.
 * @throws {SyntaxError} When an archive's directory or index is corrupt or truncated.
 *
 * @example
 * ```ts
 * import { zipSync } from "fflate";
 * import { openContainer } from "./_container.ts";
 * const path = await Deno.makeTempFile({ suffix: ".zip" });
 * await Deno.writeFile(path, zipSync({ "Set/a/1.jpg": new Uint8Array([1]) }));
 * const zip = await openContainer(path);
 * const paths = await zip.list();
 * const bytes = await zip.read("Set/a/1.jpg");
 * await zip.close();
 * if (zip.kind !== "zip" || paths.join() !== "Set/a/1.jpg" || bytes?.[0] !== 1) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export async function openContainer(
  path: string,
  options: ContainerOptions = {},
): Promise<Container> {
  const { order = "sorted", depth = Infinity, reporter = consoleReporter() } = options;
  const kind = containerKind(path);
  if (kind === "recordio") {
    const base = path.replace(/\.(rec|idx)$/i, "");
    for (const part of [`${base}.rec`, `${base}.idx`]) await mustExist(path, part);
    return await openRecordIOContainer(path);
  }
  const info = await mustExist(path, path);
  if (kind === "zip") return await openZipContainer(path, { reporter });
  if (kind === "tar" || kind === "tar.gz") return await openTarContainer(path, { reporter });
  if (!info.isDirectory) {
    throw new TypeError(
      `Cannot open ${path} as a dataset: expected ${EXPECTED}, current value is a file`,
    );
  }
  return await openFolderContainer(path, { order, depth });
}

async function mustExist(path: string, part: string): Promise<Deno.FileInfo> {
  try {
    return await Deno.stat(part);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Deno.errors.NotFound(
      part === path
        ? `Cannot open the dataset ${path}: it does not exist (expected ${EXPECTED})`
        : `Cannot open the dataset ${path}: ${part} does not exist (a RecordIO dataset is a .rec file with its .idx beside it)`,
    );
  }
}
