/**
 * Zip archives read from disk with random access: the central directory (ZIP64 included) is read
 * once, then each entry is read at its offset, inflated (`fflate`) and checked against its CRC-32.
 * The archive is never loaded whole and never extracted.
 *
 * @module
 */
import {
  archiveName,
  crc32,
  imageKeys,
  readAt,
  safeEntryPath,
  serialQueue,
  warnUnsafe,
} from "./_archive_entries.ts";
import { type ByteRange, ZipDirectoryParser, type ZipEntry } from "./_zip_directory.ts";
import type { DatasetReader, ImageKey, ImageRecord, ReadOptions } from "./_dataset.ts";

/** One file of the central directory, listed under its safe path. */
export interface ZipFileEntry extends ZipEntry {
  /** Path inside the archive, `/`-separated, made safe (see {@linkcode ZipFile.entries}). */
  path: string;
}

/** A zip archive open for random access. */
export class ZipFile {
  /** The archive path, for messages. */
  readonly source: string;
  readonly #file: Deno.FsFile;
  readonly #parser: ZipDirectoryParser;
  readonly #entries: Map<string, ZipFileEntry>;
  readonly #queue = serialQueue();

  private constructor(
    file: Deno.FsFile,
    parser: ZipDirectoryParser,
    entries: Map<string, ZipFileEntry>,
  ) {
    this.source = parser.source;
    this.#file = file;
    this.#parser = parser;
    this.#entries = entries;
  }

  /**
   * Opens a zip archive and reads its central directory. Entries with absolute or `..` paths are
   * skipped with a warning; folders are left out.
   *
   * @param path The `.zip` file.
   * @returns The open archive; {@linkcode ZipFile.close} it.
   * @throws {Deno.errors.NotFound} When the file does not exist.
   * @throws {SyntaxError} When no end-of-central-directory record is found or the directory is
   * corrupt or truncated.
   *
   * @example
   * ```ts
   * import { zipSync } from "fflate";
   * import { ZipFile } from "./_zip.ts";
   * const path = await Deno.makeTempFile({ suffix: ".zip" });
   * await Deno.writeFile(path, zipSync({ "a/1.png": new Uint8Array([7, 8]) }));
   * const zip = await ZipFile.open(path);
   * const bytes = await zip.read("a/1.png");
   * zip.close();
   * if (bytes?.join() !== "7,8") throw new Error("unexpected");
   * ```
   */
  static async open(path: string): Promise<ZipFile> {
    const file = await Deno.open(path, { read: true });
    try {
      const parser = new ZipDirectoryParser(path, (await file.stat()).size);
      return new ZipFile(file, parser, await readEntries(file, parser));
    } catch (error) {
      file.close();
      throw error;
    }
  }

  /** Safe file entries in central-directory order. */
  entries(): ZipFileEntry[] {
    return [...this.#entries.values()];
  }

  /**
   * Reads one entry's bytes.
   *
   * @param path Entry path as listed.
   * @returns The bytes, or `undefined` when there is no such entry.
   * @throws {SyntaxError} Naming archive and entry, when the data is truncated, fails to
   * inflate, has another size or CRC than recorded, or uses an unsupported method.
   */
  read(path: string): Promise<Uint8Array | undefined> {
    const entry = this.#entries.get(path);
    if (!entry) return Promise.resolve(undefined);
    return this.#queue(() => this.#read(entry));
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }

  async #read(entry: ZipFileEntry): Promise<Uint8Array> {
    const parser = this.#parser;
    const what = parser.describe(entry);
    const header = await readRange(this.#file, parser.localHeaderRange(entry), what);
    const start = parser.dataOffset(header, entry);
    const data = parser.decompress(
      await readAt(this.#file, start, entry.compressedSize, what),
      entry,
    );
    if (crc32(data) !== entry.crc32) {
      throw new SyntaxError(
        `Cannot read ${what}: its data does not match the recorded CRC-32 (corrupt archive)`,
      );
    }
    return data;
  }
}

/** Reads the bytes of a range that the parser named, or throws a SyntaxError naming `what`. */
function readRange(file: Deno.FsFile, [start, end]: ByteRange, what: string): Promise<Uint8Array> {
  return readAt(file, start, end - start, what);
}

/** The end records, the ZIP64 end record when located, then the safe file entries by path. */
async function readEntries(
  file: Deno.FsFile,
  parser: ZipDirectoryParser,
): Promise<Map<string, ZipFileEntry>> {
  const source = parser.source;
  const tail = await readRange(file, parser.tailRange(), `the end records of ${source}`);
  let location = parser.endRecords(tail);
  if (location.zip64EndOffset !== undefined) {
    const range = parser.zip64EndRange(location);
    location = parser.zip64End(
      await readRange(file, range, `the ZIP64 end record of ${source}`),
      location,
    );
  }
  const range = parser.directoryRange(location);
  const directory = await readRange(file, range, `the central directory of ${source}`);
  const entries = new Map<string, ZipFileEntry>();
  for (const entry of parser.entries(directory, location)) {
    if (entry.name.endsWith("/")) continue;
    const safe = safeEntryPath(entry.name);
    if (safe === undefined) {
      warnUnsafe(source, entry.name);
      continue;
    }
    entries.set(safe, { ...entry, path: safe });
  }
  return entries;
}

/**
 * Opens a zip archive as a dataset of `<identity>/<image>` entries (see the wrapping-folder rule
 * of the kit's archive readers: one top-level folder holding every identity is skipped).
 *
 * @param path The `.zip` file.
 * @returns A {@linkcode DatasetReader} in central-directory order; `name` is the file name
 * without `.zip`.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 * @throws {SyntaxError} When the archive is corrupt or truncated.
 *
 * @example
 * ```ts
 * import { zipSync } from "fflate";
 * import { openZipDataset } from "./_zip.ts";
 * const path = await Deno.makeTempFile({ suffix: ".zip" });
 * await Deno.writeFile(path, zipSync({ "Set/alice/1.png": new Uint8Array([1]), "Set/bob/2.jpg": new Uint8Array([2]) }));
 * const reader = await openZipDataset(path);
 * const keys = await reader.list();
 * await reader.close();
 * if (keys.map((k) => `${k.identity}/${k.imageName}`).join() !== "alice/1.png,bob/2.jpg") throw new Error();
 * ```
 */
export async function openZipDataset(path: string): Promise<DatasetReader> {
  const zip = await ZipFile.open(path);
  const paths = zip.entries().map((e) => e.path);
  const keys = imageKeys(paths);
  const listed: { key: ImageKey; path: string }[] = [];
  keys.forEach((key, i) => key && listed.push({ key, path: paths[i] }));
  async function* read(options: ReadOptions = {}): AsyncIterable<ImageRecord> {
    for (const { key, path: entry } of listed) {
      if (options.skip?.(key)) continue;
      try {
        yield { ...key, bytes: (await zip.read(entry))! };
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        yield { ...key, error: error.message };
      }
    }
  }
  return {
    source: path,
    name: archiveName(path),
    list: () => Promise.resolve(listed.map((l) => l.key)),
    read,
    close: () => Promise.resolve(zip.close()),
  };
}
