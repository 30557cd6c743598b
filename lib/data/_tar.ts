/**
 * Tar archives, plain or gzip-compressed (`.tar`, `.tar.gz`, `.tgz`), read as a stream: headers
 * (ustar, GNU long names, pax `path`) are parsed as they come, entry data is handed over or
 * skipped, and nothing is written to disk. A plain `.tar` is also indexed once for random access.
 *
 * @module
 */
import {
  archiveName,
  imageKeys,
  readAt,
  safeEntryPath,
  serialQueue,
  warnUnsafe,
} from "./_archive_entries.ts";
import type { DatasetReader, ImageRecord, ReadOptions } from "./_dataset.ts";

/** One regular file of a tar archive. */
export interface TarEntry {
  /** Safe path inside the archive. */
  path: string;
  /** Data size in bytes. */
  size: number;
  /** Offset of the data in the (uncompressed) tar stream. */
  offset: number;
}

/** Whether a path names a gzip-compressed tar (`.tar.gz`, `.tgz`). */
export function isGzipTar(path: string): boolean {
  return /\.(tar\.gz|tgz)$/i.test(path);
}

/** Pulls exact byte counts out of a stream of chunks. */
class StreamReader {
  position = 0;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #at = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** Takes the next chunk once the current one is used up; false at the end of the stream. */
  async #refill(): Promise<boolean> {
    const { value, done } = await this.#reader.read();
    if (done) return false;
    this.#chunk = value;
    this.#at = 0;
    return true;
  }

  /** Up to `n` bytes (fewer only at the end of the stream). */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      if (this.#at >= this.#chunk.length && !(await this.#refill())) break;
      const take = Math.min(n - got, this.#chunk.length - this.#at);
      out.set(this.#chunk.subarray(this.#at, this.#at + take), got);
      this.#at += take;
      got += take;
    }
    this.position += got;
    return got === n ? out : out.subarray(0, got);
  }

  /** Skips `n` bytes; returns how many were skipped. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      if (this.#at >= this.#chunk.length && !(await this.#refill())) break;
      const take = Math.min(left, this.#chunk.length - this.#at);
      this.#at += take;
      left -= take;
    }
    this.position += n - left;
    return n - left;
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

const decoder = new TextDecoder();

function field(block: Uint8Array, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return decoder.decode(end < 0 ? raw : raw.subarray(0, end));
}

function octal(block: Uint8Array, start: number, length: number): number {
  if (block[start] & 0x80) {
    let value = 0; // GNU base-256 for sizes of 8 GiB and more
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i];
    return value;
  }
  const text = field(block, start, length).trim();
  return text === "" ? 0 : parseInt(text, 8);
}

function checksumOk(block: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
  return sum === octal(block, 148, 8);
}

function paxPath(data: Uint8Array): string | undefined {
  const text = decoder.decode(data);
  let path: string | undefined;
  for (let at = 0; at < text.length;) {
    const space = text.indexOf(" ", at);
    const length = parseInt(text.slice(at, space), 10);
    if (!(length > 0)) break;
    const record = text.slice(space + 1, at + length - 1);
    const eq = record.indexOf("=");
    if (record.slice(0, eq) === "path") path = record.slice(eq + 1);
    at += length;
  }
  return path;
}

/** Visitor decision: read the entry's bytes, skip them, or stop the walk. */
export type TarVisit = "read" | "skip" | "stop";

/**
 * Walks the entries of a tar stream in order, yielding the bytes of the entries `visit` asks for.
 *
 * @param stream The uncompressed tar bytes.
 * @param source Archive path for messages.
 * @param visit Called for each safe regular file: read its data, skip it, or stop the walk.
 * @returns The entries read, with their bytes.
 * @throws {SyntaxError} Naming archive and entry, on a bad header checksum or a truncated entry.
 */
export async function* walkTar(
  stream: ReadableStream<Uint8Array>,
  source: string,
  visit: (entry: TarEntry) => TarVisit,
): AsyncGenerator<{ entry: TarEntry; bytes: Uint8Array }> {
  const reader = new StreamReader(stream);
  let longName: string | undefined;
  let previous = "(start of archive)";
  try {
    for (;;) {
      const block = await reader.read(512);
      if (block.length === 0) return; // no end blocks: accept, as Python's tarfile does
      if (block.length < 512) {
        throw new SyntaxError(
          `Cannot read ${source}: the archive ends inside the header after '${previous}' (truncated)`,
        );
      }
      if (block.every((b) => b === 0)) return;
      if (!checksumOk(block)) {
        throw new SyntaxError(
          `Cannot read ${source}: corrupt tar header after '${previous}' at offset ${
            reader.position - 512
          }`,
        );
      }
      const type = String.fromCharCode(block[156] || 48);
      const size = octal(block, 124, 12);
      const padded = Math.ceil(size / 512) * 512;
      let name = field(block, 0, 100);
      const prefix = field(block, 345, 155);
      if (field(block, 257, 5) === "ustar" && prefix) name = `${prefix}/${name}`;
      if (type === "L" || type === "x") {
        const data = await reader.read(padded);
        if (data.length < padded) {
          throw new SyntaxError(
            `Cannot read ${source}: the archive ends inside the long name after '${previous}' (truncated)`,
          );
        }
        longName = type === "L"
          ? field(data, 0, size)
          : paxPath(data.subarray(0, size)) ?? longName;
        continue;
      }
      if (longName !== undefined) name = longName;
      longName = undefined;
      previous = name;
      const offset = reader.position;
      const regular = type === "0" || type === "7";
      const safe = regular ? safeEntryPath(name) : undefined;
      if (regular && safe === undefined) warnUnsafe(source, name);
      const entry: TarEntry = { path: safe ?? name, size, offset };
      const decision = safe === undefined ? "skip" : visit(entry);
      if (decision === "stop") return;
      if (decision === "read") {
        const data = await reader.read(size);
        if (data.length < size) {
          throw new SyntaxError(
            `Cannot read entry '${name}' of ${source}: the archive ends ${
              size - data.length
            } bytes short (truncated)`,
          );
        }
        yield { entry, bytes: data };
        if ((await reader.skip(padded - size)) < padded - size) return;
      } else if ((await reader.skip(padded)) < size) {
        throw new SyntaxError(
          `Cannot read entry '${name}' of ${source}: the archive ends inside it (truncated)`,
        );
      }
    }
  } catch (error) {
    if (error instanceof SyntaxError) throw error;
    // gzip errors (bad data, unexpected end) come from the decompressor as TypeError/Error
    throw new SyntaxError(
      `Cannot read ${source} after entry '${previous}': ${(error as Error).message}`,
    );
  } finally {
    await reader.cancel();
  }
}

/**
 * Opens the uncompressed tar stream of a `.tar`, `.tar.gz` or `.tgz` file.
 *
 * @param path The archive.
 * @returns The tar bytes as a stream.
 */
export async function openTarStream(path: string): Promise<ReadableStream<Uint8Array>> {
  const file = await Deno.open(path, { read: true });
  return isGzipTar(path)
    ? file.readable.pipeThrough(
      new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    )
    : file.readable;
}

/**
 * Lists the safe regular files of a tar archive (one pass; for `.tar.gz` a full decompression).
 *
 * @param path The archive.
 * @returns Entries in archive order.
 * @throws {SyntaxError} When the archive is corrupt or truncated.
 */
export async function listTar(path: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const walk = walkTar(await openTarStream(path), path, (e) => {
    entries.push(e);
    return "skip";
  });
  for await (const _ of walk) { /* every entry is skipped */ }
  return entries;
}

/**
 * Reads the bytes of a plain `.tar` entry at its indexed offset.
 *
 * @param file Open archive.
 * @param entry An entry of {@linkcode listTar}.
 * @param source Archive path for messages.
 * @returns The bytes.
 */
export function readTarEntry(
  file: Deno.FsFile,
  entry: TarEntry,
  source: string,
): Promise<Uint8Array> {
  return readAt(file, entry.offset, entry.size, `entry '${entry.path}' of ${source}`);
}

/**
 * Opens a tar archive (`.tar`, `.tar.gz`, `.tgz`) as a dataset of `<identity>/<image>` entries
 * (one top-level folder holding every identity is skipped). `list()` makes one pass over the
 * archive; `read()` streams it once more, reading only the images.
 *
 * @param path The archive.
 * @returns A {@linkcode DatasetReader} in archive order; `name` is the file name without its
 * extension.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 * @throws {SyntaxError} When the archive is corrupt or truncated (from `list()` or `read()`).
 *
 * @example
 * ```ts
 * import { openTarDataset } from "./_tar.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/Set/alice`, { recursive: true });
 * await Deno.writeFile(`${dir}/Set/alice/1.png`, new Uint8Array([1, 2]));
 * const path = `${dir}/Set.tar.gz`;
 * const tar = new Deno.Command("tar", { args: ["-czf", path, "-C", dir, "Set"] }).outputSync();
 * if (tar.success) {
 *   const reader = await openTarDataset(path);
 *   const records = [];
 *   for await (const r of reader.read()) records.push(r);
 *   if (records.length !== 1 || records[0].identity !== "alice" || records[0].bytes?.length !== 2) {
 *     throw new Error("unexpected");
 *   }
 * }
 * ```
 */
export async function openTarDataset(path: string): Promise<DatasetReader> {
  await Deno.stat(path);
  let listed: Map<string, { identity: string; imageName: string }> | undefined;
  const index = async () => {
    if (listed) return listed;
    const entries = await listTar(path);
    const keys = imageKeys(entries.map((e) => e.path));
    listed = new Map();
    entries.forEach((e, i) => {
      const key = keys[i];
      if (key) listed!.set(e.path, key);
    });
    return listed;
  };
  async function* read(options: ReadOptions = {}): AsyncIterable<ImageRecord> {
    const keys = await index();
    const walk = walkTar(await openTarStream(path), path, (e) => {
      const key = keys.get(e.path);
      return key && !options.skip?.(key) ? "read" : "skip";
    });
    for await (const { entry, bytes } of walk) yield { ...keys.get(entry.path)!, bytes };
  }
  return {
    source: path,
    name: archiveName(path),
    list: async () => [...(await index()).values()],
    read,
    close: () => Promise.resolve(),
  };
}

/** One open plain tar with its index, for random access (see `archive.ts`). */
export interface TarIndex {
  entries: Map<string, TarEntry>;
  read(path: string): Promise<Uint8Array | undefined>;
  close(): void;
}

/**
 * Indexes a plain `.tar` for random access by path.
 *
 * @param path A `.tar` (not compressed).
 * @returns The index and a reader.
 */
export async function indexTar(path: string): Promise<TarIndex> {
  const entries = new Map((await listTar(path)).map((e) => [e.path, e]));
  const file = await Deno.open(path, { read: true });
  const queue = serialQueue();
  return {
    entries,
    read: (p) => {
      const e = entries.get(p);
      return e ? queue(() => readTarEntry(file, e, path)) : Promise.resolve(undefined);
    },
    close: () => file.close(),
  };
}
