/**
 * A minimal read-only zip reader over an archive held in memory: stored entries as zero-copy
 * views, deflated entries through `fflate`, and ZIP64 end records (PyTorch's writer always emits
 * them). The zip structures are parsed as for `ZipFile` (`./_zip.ts`), with sizes and offsets from the
 * central directory only.
 *
 * @module
 */
import { ZipDirectoryParser, type ZipEntry } from "./_zip_directory.ts";

export type { ZipEntry } from "./_zip_directory.ts";

/** Options of {@linkcode ZipReader}. */
export interface ZipReaderOptions {
  /**
   * Name of the archive used in error messages (typically its path).
   * @default {"zip archive"}
   */
  source?: string;
}

/**
 * Reads the entries of a zip archive held in memory.
 *
 * @example Listing and reading entries
 * ```ts
 * import { zipSync } from "fflate";
 * import { ZipReader } from "./_zip_reader.ts";
 * const bytes = zipSync({ "a/b.txt": new TextEncoder().encode("hi") }, { level: 0 });
 * const zip = new ZipReader(bytes, { source: "demo.zip" });
 * if (zip.names().join() !== "a/b.txt") throw new Error("wrong names");
 * if (new TextDecoder().decode(zip.read("a/b.txt")) !== "hi") throw new Error("wrong data");
 * ```
 */
export class ZipReader {
  /** The archive's bytes. */
  readonly bytes: Uint8Array;
  /** Name used in error messages. */
  readonly source: string;
  readonly #entries = new Map<string, ZipEntry>();
  readonly #parser: ZipDirectoryParser;

  /**
   * Parses the end-of-central-directory record (ZIP64 when present) and the central directory.
   *
   * @param bytes The whole archive.
   * @param options See {@linkcode ZipReaderOptions}.
   * @throws {SyntaxError} When no end record is found, or the central directory is corrupt or
   * points outside the file (a truncated download, for instance).
   */
  constructor(bytes: Uint8Array, options: ZipReaderOptions = {}) {
    const { source = "zip archive" } = options;
    this.bytes = bytes;
    this.source = source;
    const parser = new ZipDirectoryParser(source, bytes.length);
    this.#parser = parser;
    let location = parser.endRecords(bytes.subarray(...parser.tailRange()));
    if (location.zip64EndOffset !== undefined) {
      location = parser.zip64End(bytes.subarray(...parser.zip64EndRange(location)), location);
    }
    const directory = bytes.subarray(...parser.directoryRange(location));
    for (const entry of parser.entries(directory, location)) this.#entries.set(entry.name, entry);
  }

  /** Entries in central-directory order. */
  entries(): ZipEntry[] {
    return [...this.#entries.values()];
  }

  /** Entry names in central-directory order. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * Whether the archive has an entry called `name`.
   *
   * @param name Full entry name.
   * @returns `true` when present.
   */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /**
   * The central-directory record of `name`.
   *
   * @param name Full entry name.
   * @returns The entry, or `undefined` when absent.
   */
  entry(name: string): ZipEntry | undefined {
    return this.#entries.get(name);
  }

  /**
   * Offset of an entry's data in {@linkcode ZipReader.bytes}: the local header offset plus the
   * local header's own name and extra lengths.
   *
   * @param name Full entry name.
   * @returns The byte offset where the (possibly compressed) data starts.
   * @throws {RangeError} When the entry does not exist.
   * @throws {SyntaxError} When the local header is missing or the data runs past the end.
   */
  dataOffset(name: string): number {
    const entry = this.#require(name);
    const header = this.bytes.subarray(...this.#parser.localHeaderRange(entry));
    return this.#parser.dataOffset(header, entry);
  }

  /**
   * The uncompressed data of an entry. Stored entries are views into
   * {@linkcode ZipReader.bytes} (no copy); deflated ones are inflated into a new array.
   *
   * @param name Full entry name.
   * @returns The entry's bytes.
   * @throws {RangeError} When the entry does not exist.
   * @throws {SyntaxError} When the data is truncated, fails to inflate, or uses another method.
   */
  read(name: string): Uint8Array {
    const entry = this.#require(name);
    const start = this.dataOffset(name);
    return this.#parser.decompress(this.bytes.subarray(start, start + entry.compressedSize), entry);
  }

  #require(name: string): ZipEntry {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      throw new RangeError(`Cannot find entry '${name}' in ${this.source}`);
    }
    return entry;
  }
}

/**
 * Reads a zip file from disk into memory and parses its central directory.
 *
 * @param path Path of the archive.
 * @returns A {@linkcode ZipReader} over the file's bytes, with `path` as its source name.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 * @throws {SyntaxError} When the file is not a readable zip archive.
 *
 * @example
 * ```ts
 * import { zipSync } from "fflate";
 * import { openZip } from "./_zip_reader.ts";
 * const path = await Deno.makeTempFile({ suffix: ".zip" });
 * await Deno.writeFile(path, zipSync({ "x": new Uint8Array([1, 2, 3]) }));
 * const zip = await openZip(path);
 * if (zip.read("x")[2] !== 3) throw new Error("wrong data");
 * await Deno.remove(path);
 * ```
 */
export async function openZip(path: string): Promise<ZipReader> {
  return new ZipReader(await Deno.readFile(path), { source: path });
}
