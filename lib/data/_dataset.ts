/**
 * The contract between dataset sources (a folder of identity sub-folders, or an archive of one)
 * and the embedding pipeline.
 *
 * @module
 */

/** Where an image sits in a dataset: `<identity>/<imageName>`. */
export interface ImageKey {
  /** Identity folder name; for RecordIO, the class label as an integer string. */
  identity: string;
  /** File name inside the identity folder, extension included, e.g. `0001.jpg`. */
  imageName: string;
}

/** An image's bytes, or the reason they could not be read. */
export type ImageRecord =
  | (ImageKey & { bytes: Uint8Array; error?: undefined })
  | (ImageKey & { bytes?: undefined; error: string });

/** Options of {@linkcode DatasetReader.read}. */
export interface ReadOptions {
  /** Keys for which this returns true are not read (resume). */
  skip?: (key: ImageKey) => boolean;
}

/** A dataset source. */
export interface DatasetReader {
  /** The path the user gave, for messages. */
  source: string;
  /** Every image key in reading order, without reading image bytes where the format allows. */
  list(): Promise<ImageKey[]>;
  /**
   * What the listing left out, by reason, each with a count and an example path (files that are
   * not images, images outside identity folders or in sub-folders of them, entries that are not
   * regular files, names that are not UTF-8, duplicate or unsupported archive members). OS junk
   * is left out silently and not counted.
   */
  skipped(): Promise<ListingSkip[]>;
  /**
   * Streams the images in the order of {@linkcode DatasetReader.list}. An entry whose first bytes
   * are no image signature, or that is not a regular file, comes as a record with an `error`
   * before the rest of it is read.
   */
  read(options?: ReadOptions): AsyncIterable<ImageRecord>;
  /** Releases open files. */
  close(): Promise<void>;
}

/** File extensions (lower case) of the images a dataset may hold, as the original package. */
export const IMAGE_EXTENSIONS: readonly string[] = [".png", ".jpg", ".jpeg"];

/**
 * Whether a file name is an image of a dataset (`.png`, `.jpg`, `.jpeg`, any letter case).
 *
 * @param name File name.
 * @returns True for an image.
 *
 * @example
 * ```ts
 * import { isImageName } from "./_dataset.ts";
 * if (!isImageName("a/B.JPG") || isImageName("notes.txt")) throw new Error("unexpected");
 * ```
 */
export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** A group of entries that a listing left out: why, how many, and one of them. */
export interface ListingSkip {
  /** Why they were left out, e.g. `not a regular file`. */
  reason: string;
  /** How many entries were left out for this reason. */
  count: number;
  /** The first entry left out for it, as a path inside the dataset. */
  example: string;
}

/**
 * Counts left-out entries by reason, keeping the first example of each; `list()` gives them in
 * first-seen order.
 *
 * @example
 * ```ts
 * import { SkipTally } from "./_dataset.ts";
 * const tally = new SkipTally();
 * tally.add("not a regular file", "a/fifo.jpg");
 * tally.add("not a regular file", "b/dev.jpg");
 * const [group] = tally.list();
 * if (group?.count !== 2 || group.example !== "a/fifo.jpg") throw new Error("unexpected");
 * ```
 */
export class SkipTally {
  readonly #groups = new Map<string, ListingSkip>();

  /**
   * Counts one entry left out.
   *
   * @param reason Why.
   * @param example The entry's path.
   */
  add(reason: string, example: string): void {
    const group = this.#groups.get(reason);
    if (group) group.count++;
    else this.#groups.set(reason, { reason, count: 1, example });
  }

  /**
   * Adds every group of another listing.
   *
   * @param groups The groups.
   */
  addAll(groups: readonly ListingSkip[]): void {
    for (const g of groups) {
      const group = this.#groups.get(g.reason);
      if (group) group.count += g.count;
      else this.#groups.set(g.reason, { ...g });
    }
  }

  /**
   * The groups counted so far.
   *
   * @returns The groups, in first-seen order (copies).
   */
  list(): ListingSkip[] {
    return [...this.#groups.values()].map((g) => ({ ...g }));
  }
}

/** Folder names that operating systems and tools add and that never hold dataset images. */
const JUNK_FOLDERS = new Set(["__macosx", ".ipynb_checkpoints"]);
/** File names that operating systems add beside images. */
const JUNK_FILES = new Set([".ds_store", "thumbs.db", "desktop.ini"]);

/**
 * Whether an entry path is operating-system or tool junk that a listing ignores silently: inside
 * `__MACOSX/` or `.ipynb_checkpoints/`, an AppleDouble `._*` file, `.DS_Store`, `Thumbs.db` or
 * `desktop.ini` (any letter case).
 *
 * @param path `/`-separated entry path.
 * @returns True for junk.
 *
 * @example
 * ```ts
 * import { isJunkPath } from "./_dataset.ts";
 * if (!isJunkPath("__MACOSX/Set/a/._1.jpg") || !isJunkPath("a/.DS_Store")) throw new Error();
 * if (isJunkPath("a/1.jpg")) throw new Error("an image is not junk");
 * ```
 */
export function isJunkPath(path: string): boolean {
  const parts = path.split("/").filter((p) => p !== "");
  const name = parts[parts.length - 1] ?? "";
  if (name.startsWith("._") || JUNK_FILES.has(name.toLowerCase())) return true;
  return parts.some((p) => JUNK_FOLDERS.has(p.toLowerCase()));
}
