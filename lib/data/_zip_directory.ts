/**
 * The zip structures that `ZipReader` (`./_zip.ts`) parses, over byte ranges it fetches itself
 * (from an array in memory or a file): the end-of-central-directory record with its ZIP64
 * locator and end record, the central directory with ZIP64 extra fields, local headers, and the
 * stored/deflate methods. Every error is a SyntaxError naming the archive, and the entry where
 * there is one.
 *
 * Sizes and offsets come from the central directory only: writers that set general-purpose bit 3
 * (PyTorch's miniz, streaming zippers) leave zero CRC and sizes in the local headers and put a data
 * descriptor after the data.
 *
 * @module
 */
import { inflateSync } from "fflate";

/** One entry of the central directory, with its ZIP64 values applied. */
export interface ZipEntry {
  /** Full name inside the archive, `/`-separated, as recorded. */
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

/** Where the central directory lies, as the end records give it. */
export interface ZipDirectoryLocation {
  /** Number of central-directory records. */
  entryCount: number;
  /** Offset of the first record. */
  offset: number;
  /** Length of all records, in bytes. */
  size: number;
  /**
   * Offset of the ZIP64 end record that a ZIP64 locator points at, when there is one: read
   * {@linkcode ZipDirectoryParser.zip64EndRange} for {@linkcode ZipDirectoryParser.zip64End}.
   */
  zip64EndOffset?: number;
}

/** A byte range `[start, end)` of the archive that a parse step needs. */
export type ByteRange = readonly [start: number, end: number];

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_LENGTH = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_END_LENGTH = 56;
const LOCAL_HEADER_LENGTH = 30;
const LOCATOR_LENGTH = 20;
const CENTRAL_LENGTH = 46;
const SATURATED = 0xffffffff;

/** Code page 437, bytes 0x80-0xff: the names of entries without the UTF-8 flag (bit 11). */
const CP437 =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

const utf8 = new TextDecoder();

/**
 * An entry name as Python's `zipfile` decodes it: UTF-8 when general-purpose bit 11 is set, else
 * code page 437 (ASCII names read the same either way).
 *
 * @param bytes The recorded name.
 * @param flags The entry's general-purpose bit flags.
 * @returns The name.
 */
export function decodeName(bytes: Uint8Array, flags: number): string {
  if (flags & 0x800) return utf8.decode(bytes);
  let out = "";
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : CP437[b - 0x80]!;
  return out;
}

const viewOf = (bytes: Uint8Array) =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Parses the zip structures of one archive, given its name and size; the caller reads the byte
 * range each step names. The order is {@linkcode ZipDirectoryParser.endRecords} on the
 * {@linkcode ZipDirectoryParser.tailRange}, {@linkcode ZipDirectoryParser.zip64End} when a locator
 * was found, {@linkcode ZipDirectoryParser.entries} on the central directory, then
 * {@linkcode ZipDirectoryParser.dataOffset} and {@linkcode ZipDirectoryParser.decompress} per entry.
 */
export class ZipDirectoryParser {
  /**
   * @param source Name of the archive in error messages (typically its path).
   * @param size The archive's length in bytes.
   */
  constructor(readonly source: string, readonly size: number) {}

  /** The file's last bytes, which hold the end records (EOCD, its comment, a ZIP64 locator). */
  tailRange(): ByteRange {
    return this.#clamp(this.size - EOCD_LENGTH - MAX_COMMENT - LOCATOR_LENGTH, this.size);
  }

  /** Where the ZIP64 end record that `location`'s locator points at lies, clamped to the file. */
  zip64EndRange(location: ZipDirectoryLocation): ByteRange {
    const at = location.zip64EndOffset ?? this.size;
    return this.#clamp(at, at + ZIP64_END_LENGTH);
  }

  /** The bytes of the central directory at `location` (inside the file once located). */
  directoryRange(location: ZipDirectoryLocation): ByteRange {
    return [location.offset, location.offset + location.size];
  }

  /** Where the fixed part of an entry's local header lies, clamped to the file. */
  localHeaderRange(entry: ZipEntry): ByteRange {
    return this.#clamp(entry.localHeaderOffset, entry.localHeaderOffset + LOCAL_HEADER_LENGTH);
  }

  /** `entry '<name>' of <source>`, for messages about one entry. */
  describe(entry: ZipEntry): string {
    return `entry '${entry.name}' of ${this.source}`;
  }

  /**
   * Finds the end-of-central-directory record and a ZIP64 locator before it. The record is the
   * last signature whose comment length fits the file, or else the last signature at all (some
   * writers fill the comment length with junk; a false signature inside a comment does not fit).
   *
   * @param tail The bytes of {@linkcode ZipDirectoryParser.tailRange}, or the whole archive.
   * @returns The directory location; when `zip64EndOffset` is set, the counts are still the
   * classic record's and {@linkcode ZipDirectoryParser.zip64End} gives the real ones.
   * @throws {SyntaxError} When no record is found (truncated or not a zip), or the directory lies
   * past the end of the file.
   */
  endRecords(tail: Uint8Array): ZipDirectoryLocation {
    const view = viewOf(tail);
    const lowest = Math.max(0, this.size - EOCD_LENGTH - MAX_COMMENT - (this.size - tail.length));
    let eocd = -1;
    for (let i = tail.length - EOCD_LENGTH; i >= lowest; i--) {
      if (view.getUint32(i, true) !== EOCD_SIGNATURE) continue;
      if (eocd < 0) eocd = i;
      if (i + EOCD_LENGTH + view.getUint16(i + 20, true) <= tail.length) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw new SyntaxError(
        `Cannot read ${this.source} as a zip archive: no end-of-central-directory record in its ` +
          `last ${
            Math.min(this.size, EOCD_LENGTH + MAX_COMMENT)
          } bytes (the file is truncated or ` +
          `not a zip)`,
      );
    }
    const location: ZipDirectoryLocation = {
      entryCount: view.getUint16(eocd + 10, true),
      size: view.getUint32(eocd + 12, true),
      offset: view.getUint32(eocd + 16, true),
    };
    const locator = eocd - LOCATOR_LENGTH;
    if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR_SIGNATURE) {
      location.zip64EndOffset = this.#uint64(view, locator + 8, "ZIP64 end record offset");
      return location;
    }
    return this.#checkBounds(location);
  }

  /**
   * Reads the ZIP64 end record that the locator points at.
   *
   * @param record The bytes of {@linkcode ZipDirectoryParser.zip64EndRange}.
   * @param location What {@linkcode ZipDirectoryParser.endRecords} returned.
   * @returns The location with the ZIP64 count, size and offset.
   * @throws {SyntaxError} When there is no ZIP64 end record there, or the directory lies past the
   * end of the file.
   */
  zip64End(record: Uint8Array, location: ZipDirectoryLocation): ZipDirectoryLocation {
    const view = viewOf(record);
    if (record.length < ZIP64_END_LENGTH || view.getUint32(0, true) !== ZIP64_END_SIGNATURE) {
      throw new SyntaxError(
        `Cannot read ${this.source} as a zip archive: the ZIP64 locator points to byte ` +
          `${location.zip64EndOffset}, which holds no ZIP64 end record`,
      );
    }
    return this.#checkBounds({
      entryCount: this.#uint64(view, 32, "entry count"),
      size: this.#uint64(view, 40, "central directory size"),
      offset: this.#uint64(view, 48, "central directory offset"),
    });
  }

  /**
   * Parses the central directory into entries, in order (folders and duplicates included).
   *
   * @param directory The bytes of {@linkcode ZipDirectoryParser.directoryRange}.
   * @param location Where they were read.
   * @returns One entry per record.
   * @throws {SyntaxError} When a record is missing, runs past the directory, or has saturated
   * 32-bit fields without a ZIP64 extra field to replace them.
   */
  entries(directory: Uint8Array, location: ZipDirectoryLocation): ZipEntry[] {
    const view = viewOf(directory);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let i = 0; i < location.entryCount; i++) {
      const corrupt = () =>
        new SyntaxError(
          `Cannot read ${this.source} as a zip archive: central directory record ${i} of ` +
            `${location.entryCount} at byte ${location.offset + at} is missing or corrupt`,
        );
      if (
        at + CENTRAL_LENGTH > directory.length || view.getUint32(at, true) !== CENTRAL_SIGNATURE
      ) {
        throw corrupt();
      }
      const nameLength = view.getUint16(at + 28, true);
      const extraLength = view.getUint16(at + 30, true);
      const commentLength = view.getUint16(at + 32, true);
      const next = at + CENTRAL_LENGTH + nameLength + extraLength + commentLength;
      if (next > directory.length) throw corrupt();
      const nameStart = at + CENTRAL_LENGTH;
      const entry: ZipEntry = {
        name: decodeName(
          directory.subarray(nameStart, nameStart + nameLength),
          view.getUint16(at + 8, true),
        ),
        method: view.getUint16(at + 10, true),
        crc32: view.getUint32(at + 16, true),
        compressedSize: view.getUint32(at + 20, true),
        uncompressedSize: view.getUint32(at + 24, true),
        localHeaderOffset: view.getUint32(at + 42, true),
      };
      this.#applyZip64Extra(entry, view, nameStart + nameLength, extraLength);
      entries.push(entry);
      at = next;
    }
    return entries;
  }

  /**
   * Where an entry's data starts: the local header offset plus the header's own length, name
   * length and extra length (the local extra field may differ from the central one).
   *
   * @param header The bytes of {@linkcode ZipDirectoryParser.localHeaderRange}.
   * @param entry The entry.
   * @returns The byte offset of its (possibly compressed) data.
   * @throws {SyntaxError} When there is no local header there, or the data runs past the end.
   */
  dataOffset(header: Uint8Array, entry: ZipEntry): number {
    const view = viewOf(header);
    const at = entry.localHeaderOffset;
    if (header.length < LOCAL_HEADER_LENGTH || view.getUint32(0, true) !== LOCAL_SIGNATURE) {
      throw new SyntaxError(
        `Cannot read ${this.describe(entry)}: no local file header at byte ${at}`,
      );
    }
    const start = at + LOCAL_HEADER_LENGTH + view.getUint16(26, true) + view.getUint16(28, true);
    const end = start + entry.compressedSize;
    if (end > this.size) {
      throw new SyntaxError(
        `Cannot read ${this.describe(entry)}: its data ends at byte ${end} but the file has ` +
          `${this.size} bytes (truncated?)`,
      );
    }
    return start;
  }

  /**
   * The uncompressed data of an entry: stored data as given (no copy), deflated data inflated
   * into a new array of the recorded size. The CRC is not checked here.
   *
   * @param raw The entry's `compressedSize` bytes at its data offset.
   * @param entry The entry.
   * @returns The data.
   * @throws {SyntaxError} When the sizes disagree, the data fails to inflate, or the method is
   * neither 0 (stored) nor 8 (deflate).
   */
  decompress(raw: Uint8Array, entry: ZipEntry): Uint8Array {
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.uncompressedSize) {
        throw new SyntaxError(
          `Cannot read ${this.describe(entry)}: stored entry has compressed size ` +
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
          `Cannot inflate ${this.describe(entry)}: ${(error as Error).message}`,
        );
      }
      if (out.length !== entry.uncompressedSize) {
        throw new SyntaxError(
          `Cannot inflate ${this.describe(entry)}: got ${out.length} bytes, expected ` +
            `${entry.uncompressedSize}`,
        );
      }
      return out;
    }
    throw new SyntaxError(
      `Cannot read ${this.describe(entry)}: compression method ${entry.method} is not supported ` +
        `(only 0 stored and 8 deflate)`,
    );
  }

  #clamp(start: number, end: number): ByteRange {
    const from = Math.min(Math.max(0, start), this.size);
    return [from, Math.min(Math.max(from, end), this.size)];
  }

  #checkBounds(location: ZipDirectoryLocation): ZipDirectoryLocation {
    const end = location.offset + location.size;
    if (end > this.size) {
      throw new SyntaxError(
        `Cannot read ${this.source} as a zip archive: the central directory spans bytes ` +
          `${location.offset}..${end} but the file has ${this.size} bytes (truncated?)`,
      );
    }
    return location;
  }

  /** Replaces saturated 32-bit fields of `entry` by the values of its ZIP64 extra field (id 1). */
  #applyZip64Extra(entry: ZipEntry, view: DataView, start: number, length: number): void {
    if (
      entry.uncompressedSize !== SATURATED && entry.compressedSize !== SATURATED &&
      entry.localHeaderOffset !== SATURATED
    ) return;
    for (let at = start; at + 4 <= start + length;) {
      const id = view.getUint16(at, true);
      const end = at + 4 + view.getUint16(at + 2, true);
      if (id !== 1) {
        at = end;
        continue;
      }
      let field = at + 4;
      const next = (what: string) => {
        if (field + 8 > end || end > start + length) {
          throw new SyntaxError(
            `Cannot read ${
              this.describe(entry)
            }: its ZIP64 extra field is too short for the ${what}`,
          );
        }
        const value = this.#uint64(view, field, `${what} of '${entry.name}'`);
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === SATURATED) entry.uncompressedSize = next("size");
      if (entry.compressedSize === SATURATED) entry.compressedSize = next("compressed size");
      if (entry.localHeaderOffset === SATURATED) entry.localHeaderOffset = next("offset");
      return;
    }
    throw new SyntaxError(
      `Cannot read ${this.describe(entry)}: sizes need a ZIP64 extra field, which is missing`,
    );
  }

  #uint64(view: DataView, at: number, what: string): number {
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new SyntaxError(
        `Cannot read ${this.source} as a zip archive: ${what} ${value} is too large`,
      );
    }
    return Number(value);
  }
}
