/**
 * Zip archives read from disk with random access: the central directory (ZIP64 included) is read
 * once, then each entry is read at its offset, inflated (`fflate`) and checked against its CRC-32.
 * The archive is never loaded whole and never extracted.
 *
 * @module
 */
import { inflateSync } from "fflate";
import {
  archiveName,
  crc32,
  imageKeys,
  readAt,
  safeEntryPath,
  serialQueue,
  warnUnsafe,
} from "./_archive_entries.ts";
import type { DatasetReader, ImageKey, ImageRecord, ReadOptions } from "./dataset.ts";

/** One file of the central directory. */
export interface ZipFileEntry {
  /** Path inside the archive, `/`-separated, made safe (see {@linkcode ZipFile.entries}). */
  path: string;
  /** 0 stored, 8 deflate. */
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** A zip archive open for random access. */
export class ZipFile {
  /** The archive path, for messages. */
  readonly source: string;
  readonly #file: Deno.FsFile;
  readonly #entries: Map<string, ZipFileEntry>;
  readonly #queue = serialQueue();

  private constructor(source: string, file: Deno.FsFile, entries: Map<string, ZipFileEntry>) {
    this.source = source;
    this.#file = file;
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
   * import { ZipFile } from "./zip.ts";
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
      const entries = await readCentralDirectory(file, path);
      return new ZipFile(path, file, entries);
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
    const what = `entry '${entry.path}' of ${this.source}`;
    const header = await readAt(this.#file, entry.localHeaderOffset, 30, what);
    const view = new DataView(header.buffer);
    if (view.getUint32(0, true) !== LOCAL) {
      throw new SyntaxError(
        `Cannot read ${what}: no local header at offset ${entry.localHeaderOffset}`,
      );
    }
    const start = entry.localHeaderOffset + 30 + view.getUint16(26, true) +
      view.getUint16(28, true);
    const raw = await readAt(this.#file, start, entry.compressedSize, what);
    let data: Uint8Array;
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) {
      try {
        data = inflateSync(raw, { out: new Uint8Array(entry.uncompressedSize) });
      } catch (error) {
        throw new SyntaxError(`Cannot inflate ${what}: ${(error as Error).message}`);
      }
    } else {
      throw new SyntaxError(
        `Cannot read ${what}: compression method ${entry.method} is not supported (only stored and deflate)`,
      );
    }
    if (data.length !== entry.uncompressedSize || crc32(data) !== entry.crc32) {
      throw new SyntaxError(
        `Cannot read ${what}: its data does not match the recorded size and CRC-32 (corrupt archive)`,
      );
    }
    return data;
  }
}

async function readCentralDirectory(
  file: Deno.FsFile,
  source: string,
): Promise<Map<string, ZipFileEntry>> {
  const size = (await file.stat()).size;
  const tailLength = Math.min(size, 22 + 0xffff + 20);
  const tail = await readAt(file, size - tailLength, tailLength, `the end records of ${source}`);
  const tv = new DataView(tail.buffer);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new SyntaxError(
      `Cannot read ${source} as a zip archive: no end-of-central-directory record (truncated or not a zip)`,
    );
  }
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  if (eocd >= 20 && tv.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const at = Number(tv.getBigUint64(eocd - 12, true));
    const rec = await readAt(file, at, 56, `the ZIP64 end record of ${source}`);
    const rv = new DataView(rec.buffer);
    if (rv.getUint32(0, true) !== ZIP64_EOCD) {
      throw new SyntaxError(
        `Cannot read ${source}: the ZIP64 locator points at offset ${at}, which holds no ZIP64 end record`,
      );
    }
    count = Number(rv.getBigUint64(32, true));
    cdSize = Number(rv.getBigUint64(40, true));
    cdOffset = Number(rv.getBigUint64(48, true));
  }
  if (cdOffset + cdSize > size) {
    throw new SyntaxError(
      `Cannot read ${source}: its central directory (${cdSize} bytes at ${cdOffset}) lies past the end of the ${size}-byte file (truncated?)`,
    );
  }
  const cd = await readAt(file, cdOffset, cdSize, `the central directory of ${source}`);
  const v = new DataView(cd.buffer);
  const utf8 = new TextDecoder();
  const entries = new Map<string, ZipFileEntry>();
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > cd.length || v.getUint32(at, true) !== CENTRAL) {
      throw new SyntaxError(
        `Cannot read ${source}: central directory record ${n} at offset ${
          cdOffset + at
        } is corrupt`,
      );
    }
    const nameLength = v.getUint16(at + 28, true);
    const extraLength = v.getUint16(at + 30, true);
    const commentLength = v.getUint16(at + 32, true);
    const name = utf8.decode(cd.subarray(at + 46, at + 46 + nameLength));
    const entry: ZipFileEntry = {
      path: name,
      method: v.getUint16(at + 10, true),
      crc32: v.getUint32(at + 16, true),
      compressedSize: v.getUint32(at + 20, true),
      uncompressedSize: v.getUint32(at + 24, true),
      localHeaderOffset: v.getUint32(at + 42, true),
    };
    applyZip64(entry, v, at + 46 + nameLength, extraLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith("/")) continue;
    const safe = safeEntryPath(name);
    if (safe === undefined) {
      warnUnsafe(source, name);
      continue;
    }
    entry.path = safe;
    entries.set(safe, entry);
  }
  return entries;
}

/** Replaces saturated 32-bit fields by the values of the ZIP64 extra field (id 1), in order. */
function applyZip64(entry: ZipFileEntry, v: DataView, start: number, length: number): void {
  for (let at = start; at + 4 <= start + length;) {
    const id = v.getUint16(at, true);
    const size = v.getUint16(at + 2, true);
    if (id === 1) {
      let p = at + 4;
      const next = () => {
        const value = Number(v.getBigUint64(p, true));
        p += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + size;
  }
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
 * import { openZipDataset } from "./zip.ts";
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
