/**
 * The kit's one zip reader, {@linkcode ZipReader}, over an archive held in memory (`.pth`
 * checkpoints: stored entries come back as zero-copy views) or a file read by range (datasets:
 * only the central directory and the entries asked for are read, never the whole archive), and
 * the zip {@linkcode Container} built on it. The zip structures (end records, ZIP64, central
 * directory, local headers, stored/deflate) are parsed by `./_zip_directory.ts`; deflate is
 * `fflate`'s. Sizes and offsets come from the central directory only (PyTorch's writer leaves
 * them zero in the local headers).
 *
 * Reads are synchronous, so that the same parser code serves bytes in memory and a file; a file
 * read is one seek and one read of the range a parse step names.
 *
 * @module
 */
import { consoleReporter, type Reporter } from "../cli/mod.ts";
import {
  crc32,
  DUPLICATE_ENTRY,
  readAtSync,
  readEach,
  safeEntryPath,
  UNSAFE_ENTRY,
  unsafeEntryWarning,
} from "./_archive_entries.ts";
import type { Container, ContainerRecord, StreamOptions } from "./_container.ts";
import { SkipTally } from "./_dataset.ts";
import { SIGNATURE_BYTES } from "../image/mod.ts";
import { Inflate } from "fflate";
import { type ByteRange, decodeName, ZipDirectoryParser, type ZipEntry } from "./_zip_directory.ts";

export type { ZipEntry } from "./_zip_directory.ts";

/** The bytes of an archive by range: the whole archive in memory, or an open file. */
export interface ZipBytes {
  /** The archive's length in bytes. */
  readonly size: number;
  /**
   * The bytes `[start, end)`; `what` names them for the message when they cannot be read.
   * @throws {SyntaxError} When the range runs past the end (a truncated file).
   */
  range(start: number, end: number, what: string): Uint8Array;
  /** Releases the file, when there is one. */
  close?(): void;
}

/** Options of {@linkcode ZipReader}. */
export interface ZipReaderOptions {
  /**
   * Name of the archive used in error messages (typically its path).
   * @default {"zip archive"}
   */
  source?: string;
  /**
   * Check each entry read against its recorded CRC-32. Off by default for bytes in memory
   * (`.pth`: hundreds of MB of weights handed out as views, checked by the pickle and tensor
   * sizes instead), on for {@linkcode ZipReader.open} (dataset images, where a corrupt entry is
   * reported and skipped).
   * @default {false}
   */
  verifyCrc?: boolean;
}

/**
 * Reads the entries of a zip archive (ZIP64 included).
 *
 * @example Listing and reading entries in memory
 * ```ts
 * import { zipSync } from "fflate";
 * import { ZipReader } from "./_zip.ts";
 * const bytes = zipSync({ "a/b.txt": new TextEncoder().encode("hi") }, { level: 0 });
 * const zip = new ZipReader(bytes, { source: "demo.zip" });
 * if (zip.names().join() !== "a/b.txt") throw new Error("wrong names");
 * if (new TextDecoder().decode(zip.read("a/b.txt")) !== "hi") throw new Error("wrong data");
 * ```
 */
export class ZipReader {
  /** Name used in error messages. */
  readonly source: string;
  readonly #bytes: ZipBytes;
  readonly #verifyCrc: boolean;
  readonly #entries = new Map<string, ZipEntry>();
  /** Every central-directory record, names stored twice included. */
  readonly #records: ZipEntry[];
  /** Where the next local header (or the central directory) starts, as zipfile's `_end_offset`. */
  readonly #ends = new Map<ZipEntry, number>();
  readonly #parser: ZipDirectoryParser;

  /**
   * Parses the end-of-central-directory record (ZIP64 when present) and the central directory.
   *
   * @param bytes The whole archive, or its bytes by range.
   * @param options See {@linkcode ZipReaderOptions}.
   * @throws {SyntaxError} When no end record is found, or the central directory is corrupt or
   * points outside the file (a truncated download, for instance).
   */
  constructor(bytes: Uint8Array | ZipBytes, options: ZipReaderOptions = {}) {
    const { source = "zip archive", verifyCrc = false } = options;
    this.source = source;
    this.#verifyCrc = verifyCrc;
    this.#bytes = bytes instanceof Uint8Array ? inMemory(bytes) : bytes;
    const parser = new ZipDirectoryParser(source, this.#bytes.size);
    this.#parser = parser;
    let location = parser.endRecords(
      this.#range(parser.tailRange(), `the end records of ${source}`),
    );
    if (location.zip64EndOffset !== undefined) {
      const record = this.#range(
        parser.zip64EndRange(location),
        `the ZIP64 end record of ${source}`,
      );
      location = parser.zip64End(record, location);
    }
    const directory = this.#range(
      parser.directoryRange(location),
      `the central directory of ${source}`,
    );
    const all = parser.entries(directory, location);
    this.#records = all;
    for (const entry of all) this.#entries.set(entry.name, entry);
    // zipfile: sorted by header offset, last first (a stable sort), each entry ends where the
    // one after it starts.
    let end = location.offset;
    const byOffset = all.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) =>
      b.localHeaderOffset - a.localHeaderOffset || i - j
    );
    for (const [entry] of byOffset) {
      this.#ends.set(entry, end);
      end = entry.localHeaderOffset;
    }
  }

  /**
   * Opens a zip file for reads by range: only the end records and the central directory are read
   * now, each entry when it is read. Entries are checked against their CRC-32.
   *
   * @param path The archive.
   * @param options `source` defaults to `path`; `verifyCrc` to true.
   * @returns The reader; {@linkcode ZipReader.close} it.
   * @throws {Deno.errors.NotFound} When the file does not exist.
   * @throws {SyntaxError} When the file is not a readable zip archive.
   *
   * @example
   * ```ts
   * import { zipSync } from "fflate";
   * import { ZipReader } from "./_zip.ts";
   * const path = await Deno.makeTempFile({ suffix: ".zip" });
   * await Deno.writeFile(path, zipSync({ "a/1.png": new Uint8Array([7, 8]) }));
   * const zip = await ZipReader.open(path);
   * const bytes = zip.read("a/1.png");
   * zip.close();
   * if (bytes.join() !== "7,8") throw new Error("unexpected");
   * ```
   */
  static async open(path: string, options: ZipReaderOptions = {}): Promise<ZipReader> {
    const file = await Deno.open(path, { read: true });
    try {
      const size = (await file.stat()).size;
      const bytes: ZipBytes = {
        size,
        range: (start, end, what) => readAtSync(file, start, end - start, what),
        close: () => file.close(),
      };
      return new ZipReader(bytes, { source: path, verifyCrc: true, ...options });
    } catch (error) {
      file.close();
      throw error;
    }
  }

  /** Entries in central-directory order. */
  entries(): ZipEntry[] {
    return [...this.#entries.values()];
  }

  /**
   * Every central-directory record in order, a name stored twice included (`entries()` and
   * `read()` take the last record of a name, as zipfile's `getinfo`).
   *
   * @returns The records.
   */
  records(): ZipEntry[] {
    return [...this.#records];
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
   * Offset of an entry's data in the archive: the local header offset plus the local header's
   * own name and extra lengths.
   *
   * @param name Full entry name.
   * @returns The byte offset where the (possibly compressed) data starts.
   * @throws {RangeError} When the entry does not exist.
   * @throws {SyntaxError} When the local header is missing or the data runs past the end.
   */
  dataOffset(name: string): number {
    const entry = this.#require(name);
    const what = this.#parser.describe(entry);
    const header = this.#range(this.#parser.localHeaderRange(entry), what);
    const start = this.#parser.dataOffset(header, entry);
    // Python's zipfile (3.11) checks, in this order, before it reads any data.
    const nameStart = entry.localHeaderOffset + 30;
    const nameLength = header[26]! | (header[27]! << 8);
    const local = decodeName(
      this.#bytes.range(nameStart, nameStart + nameLength, what),
      header[6]! | (header[7]! << 8),
    );
    if (local !== entry.name) {
      throw new SyntaxError(
        `Cannot read ${what}: its local header names '${local}' (zipfile raises BadZipFile: ` +
          `File name in directory and header differ)`,
      );
    }
    const end = this.#ends.get(entry);
    if (end !== undefined && start + entry.compressedSize > end) {
      throw new SyntaxError(
        `Cannot read ${what}: Overlapped entries, its data runs past byte ${end} where the ` +
          `next entry or the central directory starts (possible zip bomb; zipfile raises ` +
          `BadZipFile)`,
      );
    }
    return start;
  }

  /**
   * The first bytes of an entry's data, inflating no more than it takes to get them (a deflated
   * run of zeros is not inflated whole to look at its start). The same checks as
   * {@linkcode ZipReader.read} apply, except the CRC.
   *
   * @param name Full entry name.
   * @param count How many bytes are wanted.
   * @returns Up to `count` bytes (fewer when the entry is shorter).
   * @throws {RangeError} When the entry does not exist.
   * @throws {SyntaxError} Naming archive and entry, as {@linkcode ZipReader.read}.
   */
  head(name: string, count: number): Uint8Array {
    const entry = this.#require(name);
    const start = this.dataOffset(name);
    const what = this.#parser.describe(entry);
    if (entry.method === 0 && entry.compressedSize === entry.uncompressedSize) {
      return this.#bytes.range(start, start + Math.min(count, entry.compressedSize), what);
    }
    // A stored entry whose sizes differ, or another method: the same error as read().
    if (entry.method !== 8) return this.#parser.decompress(new Uint8Array(0), entry);
    const out = new Uint8Array(count);
    let got = 0;
    const inflater = new Inflate((chunk) => {
      const n = Math.min(count - got, chunk.length);
      out.set(chunk.subarray(0, n), got);
      got += n;
    });
    const STEP = 1024;
    try {
      for (let at = 0; at < entry.compressedSize && got < count; at += STEP) {
        const end = Math.min(at + STEP, entry.compressedSize);
        inflater.push(
          this.#bytes.range(start + at, start + end, what),
          end === entry.compressedSize,
        );
      }
    } catch (error) {
      throw new SyntaxError(`Cannot inflate ${what}: ${(error as Error).message}`);
    }
    return out.subarray(0, got);
  }

  /**
   * The uncompressed data of an entry. Stored entries of an archive in memory are views into it
   * (no copy); deflated ones are inflated into a new array.
   *
   * @param name Full entry name.
   * @returns The entry's bytes.
   * @throws {RangeError} When the entry does not exist.
   * @throws {SyntaxError} Naming archive and entry, when the data is truncated, fails to
   * inflate, has another size (or, with `verifyCrc`, another CRC-32) than recorded, or uses
   * another method.
   */
  read(name: string): Uint8Array {
    const entry = this.#require(name);
    const start = this.dataOffset(name);
    const what = this.#parser.describe(entry);
    const raw = this.#bytes.range(start, start + entry.compressedSize, what);
    const data = this.#parser.decompress(raw, entry);
    if (this.#verifyCrc && crc32(data) !== entry.crc32) {
      throw new SyntaxError(
        `Cannot read ${what}: its data does not match the recorded CRC-32 (corrupt archive)`,
      );
    }
    return data;
  }

  /** Closes the file of {@linkcode ZipReader.open} (nothing to do for bytes in memory). */
  close(): void {
    this.#bytes.close?.();
  }

  #range([start, end]: ByteRange, what: string): Uint8Array {
    return this.#bytes.range(start, end, what);
  }

  #require(name: string): ZipEntry {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      throw new RangeError(`Cannot find entry '${name}' in ${this.source}`);
    }
    return entry;
  }
}

function inMemory(bytes: Uint8Array): ZipBytes {
  return { size: bytes.length, range: (start, end) => bytes.subarray(start, end) };
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
 * import { openZip } from "./_zip.ts";
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

/** Options of {@linkcode openZipContainer}. */
export interface ZipContainerOptions {
  /** Receives a warning per unsafe entry. @default consoleReporter() */
  reporter?: Reporter;
}

/**
 * Opens a zip file as a {@linkcode Container}: file entries in central-directory order under
 * their safe paths (folders left out, absolute and `..` entries skipped with a warning), read by
 * range and checked against their CRC-32. A corrupt entry streams as a record with an error.
 *
 * @param path The `.zip` file.
 * @param options The reporter.
 * @returns The container.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 * @throws {SyntaxError} When the end records or the central directory are corrupt or truncated.
 */
export async function openZipContainer(
  path: string,
  options: ZipContainerOptions = {},
): Promise<Container> {
  const { reporter = consoleReporter() } = options;
  const zip = await ZipReader.open(path);
  /** Safe path -> entry name, in central-directory order (a repeated path keeps the last entry). */
  const names = new Map<string, string>();
  const tally = new SkipTally();
  for (const { name } of zip.records()) {
    if (name.endsWith("/")) continue;
    const safe = safeEntryPath(name);
    if (safe === undefined) {
      reporter.warn(unsafeEntryWarning(path, name));
      tally.add(UNSAFE_ENTRY, name);
      continue;
    }
    if (names.has(safe)) tally.add(DUPLICATE_ENTRY, safe);
    names.set(safe, name);
  }
  const read = (p: string) => {
    const name = names.get(p);
    return name === undefined ? undefined : zip.read(name);
  };
  async function* stream(options: StreamOptions = {}): AsyncIterable<ContainerRecord> {
    for (const p of names.keys()) {
      if (options.filter && !options.filter(p)) continue;
      let record: ContainerRecord;
      try {
        const name = names.get(p)!;
        const refusal = options.check?.(
          zip.head(name, SIGNATURE_BYTES),
          zip.entry(name)!.uncompressedSize,
        );
        record = refusal === undefined ? { path: p, bytes: read(p)! } : { path: p, error: refusal };
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        record = { path: p, error: error.message };
      }
      yield record;
    }
  }
  return {
    kind: "zip",
    source: path,
    list: () => Promise.resolve([...names.keys()]),
    skipped: () => Promise.resolve(tally.list()),
    read: (p) => Promise.resolve().then(() => read(p)),
    readMany: (paths) => readEach((p) => Promise.resolve().then(() => read(p)), paths),
    stream,
    close: () => Promise.resolve(zip.close()),
  };
}
