/**
 * A minimal read-only zip reader: the central directory of an in-memory archive, stored entries as
 * zero-copy views, deflated entries through `fflate`, and ZIP64 end records (PyTorch's writer
 * always emits them).
 *
 * Sizes and offsets come from the central directory only: PyTorch's miniz writer sets
 * general-purpose bit 3, so local headers carry zero CRC and sizes.
 *
 * @module
 */
import { inflateSync } from "fflate";

/** One entry of the central directory. */
export interface ZipEntry {
  /** Full name inside the archive, `/`-separated. */
  name: string;
  /** Compression method: 0 stored, 8 deflate. */
  method: number;
  /** CRC-32 of the uncompressed data, as recorded in the central directory. */
  crc32: number;
  /** Size of the data as stored in the archive, in bytes. */
  compressedSize: number;
  /** Size of the data once inflated, in bytes. */
  uncompressedSize: number;
  /** Offset of the entry's local file header. */
  localHeaderOffset: number;
}

/** Options of {@linkcode ZipReader}. */
export interface ZipReaderOptions {
  /**
   * Name of the archive used in error messages (typically its path).
   * @default {"zip archive"}
   */
  source?: string;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_MIN_SIZE = 22;
const MAX_COMMENT = 0xffff;

/**
 * Reads the entries of a zip archive held in memory.
 *
 * @example Listing and reading entries
 * ```ts
 * import { zipSync } from "fflate";
 * import { ZipReader } from "./zip_reader.ts";
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
  readonly #entries: Map<string, ZipEntry>;
  readonly #view: DataView;

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
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#entries = new Map();
    this.#readCentralDirectory();
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
    const at = entry.localHeaderOffset;
    if (at + 30 > this.bytes.length || this.#view.getUint32(at, true) !== LOCAL_SIGNATURE) {
      throw new SyntaxError(
        `Cannot read entry '${name}' of ${this.source}: no local file header at byte ${at}`,
      );
    }
    const start = at + 30 + this.#view.getUint16(at + 26, true) +
      this.#view.getUint16(at + 28, true);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) {
      throw new SyntaxError(
        `Cannot read entry '${name}' of ${this.source}: its data ends at byte ${end} but the ` +
          `file has ${this.bytes.length} bytes (truncated?)`,
      );
    }
    return start;
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
    const raw = this.bytes.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.uncompressedSize) {
        throw new SyntaxError(
          `Cannot read entry '${name}' of ${this.source}: stored entry has compressed size ` +
            `${entry.compressedSize} but uncompressed size ${entry.uncompressedSize}`,
        );
      }
      return raw;
    }
    if (entry.method === 8) {
      let out: Uint8Array;
      try {
        out = inflateSync(raw, { out: new Uint8Array(entry.uncompressedSize) });
      } catch (error) {
        throw new SyntaxError(
          `Cannot inflate entry '${name}' of ${this.source}: ${(error as Error).message}`,
        );
      }
      if (out.length !== entry.uncompressedSize) {
        throw new SyntaxError(
          `Cannot inflate entry '${name}' of ${this.source}: got ${out.length} bytes, ` +
            `expected ${entry.uncompressedSize}`,
        );
      }
      return out;
    }
    throw new SyntaxError(
      `Cannot read entry '${name}' of ${this.source}: compression method ${entry.method} is ` +
        `not supported (only 0 stored and 8 deflate)`,
    );
  }

  #require(name: string): ZipEntry {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      throw new RangeError(`Cannot find entry '${name}' in ${this.source}`);
    }
    return entry;
  }

  #findEocd(): number {
    const bytes = this.bytes;
    const lowest = Math.max(0, bytes.length - EOCD_MIN_SIZE - MAX_COMMENT);
    for (let i = bytes.length - EOCD_MIN_SIZE; i >= lowest; i--) {
      if (
        this.#view.getUint32(i, true) === EOCD_SIGNATURE &&
        i + EOCD_MIN_SIZE + this.#view.getUint16(i + 20, true) <= bytes.length
      ) {
        return i;
      }
    }
    throw new SyntaxError(
      `Cannot read ${this.source} as a zip archive: no end-of-central-directory record in its ` +
        `last ${bytes.length - lowest} bytes (the file is truncated or not a zip)`,
    );
  }

  #readCentralDirectory(): void {
    const view = this.#view;
    const eocd = this.#findEocd();
    let count = view.getUint16(eocd + 10, true);
    let size = view.getUint32(eocd + 12, true);
    let offset = view.getUint32(eocd + 16, true);
    const locator = eocd - 20;
    if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR_SIGNATURE) {
      const zip64 = this.#uint64(locator + 8, "ZIP64 end record offset");
      if (zip64 + 56 > this.bytes.length || view.getUint32(zip64, true) !== ZIP64_EOCD_SIGNATURE) {
        throw new SyntaxError(
          `Cannot read ${this.source} as a zip archive: the ZIP64 locator points to byte ` +
            `${zip64}, which holds no ZIP64 end record`,
        );
      }
      count = this.#uint64(zip64 + 32, "entry count");
      size = this.#uint64(zip64 + 40, "central directory size");
      offset = this.#uint64(zip64 + 48, "central directory offset");
    }
    if (offset + size > this.bytes.length) {
      throw new SyntaxError(
        `Cannot read ${this.source} as a zip archive: the central directory spans bytes ` +
          `${offset}..${offset + size} but the file has ${this.bytes.length} bytes (truncated?)`,
      );
    }
    const decoder = new TextDecoder();
    let at = offset;
    for (let i = 0; i < count; i++) {
      if (at + 46 > offset + size || view.getUint32(at, true) !== CENTRAL_SIGNATURE) {
        throw new SyntaxError(
          `Cannot read ${this.source} as a zip archive: central directory record ${i} of ` +
            `${count} at byte ${at} is missing or corrupt`,
        );
      }
      const nameLength = view.getUint16(at + 28, true);
      const extraLength = view.getUint16(at + 30, true);
      const commentLength = view.getUint16(at + 32, true);
      const name = decoder.decode(this.bytes.subarray(at + 46, at + 46 + nameLength));
      const entry: ZipEntry = {
        name,
        method: view.getUint16(at + 10, true),
        crc32: view.getUint32(at + 16, true),
        compressedSize: view.getUint32(at + 20, true),
        uncompressedSize: view.getUint32(at + 24, true),
        localHeaderOffset: view.getUint32(at + 42, true),
      };
      this.#applyZip64Extra(entry, at + 46 + nameLength, extraLength);
      this.#entries.set(name, entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
  }

  /** Replaces 0xFFFFFFFF fields of `entry` by the values of its ZIP64 extra field (id 1). */
  #applyZip64Extra(entry: ZipEntry, start: number, length: number): void {
    const saturated = 0xffffffff;
    const needs = entry.uncompressedSize === saturated || entry.compressedSize === saturated ||
      entry.localHeaderOffset === saturated;
    if (!needs) return;
    const view = this.#view;
    for (let at = start; at + 4 <= start + length;) {
      const id = view.getUint16(at, true);
      const size = view.getUint16(at + 2, true);
      if (id === 1) {
        let field = at + 4;
        if (entry.uncompressedSize === saturated) {
          entry.uncompressedSize = this.#uint64(field, `size of '${entry.name}'`);
          field += 8;
        }
        if (entry.compressedSize === saturated) {
          entry.compressedSize = this.#uint64(field, `compressed size of '${entry.name}'`);
          field += 8;
        }
        if (entry.localHeaderOffset === saturated) {
          entry.localHeaderOffset = this.#uint64(field, `offset of '${entry.name}'`);
        }
        return;
      }
      at += 4 + size;
    }
    throw new SyntaxError(
      `Cannot read entry '${entry.name}' of ${this.source}: sizes need a ZIP64 extra field, ` +
        `which is missing`,
    );
  }

  #uint64(at: number, what: string): number {
    const value = this.#view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new SyntaxError(
        `Cannot read ${this.source} as a zip archive: ${what} ${value} is too large`,
      );
    }
    return Number(value);
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
 * import { openZip } from "./zip_reader.ts";
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
