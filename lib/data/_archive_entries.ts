/**
 * What the containers share: safe entry paths and the warning for an unsafe one, the
 * `<identity>/<image>` mapping of archive entries with its single-wrapping-folder rule, dataset
 * names, exact reads at an offset of a file, a one-at-a-time queue for a file handle, and CRC-32.
 *
 * @module
 */
import { type ImageKey, isImageName, isJunkPath, type SkipTally } from "./_dataset.ts";

/**
 * The entry path with `\` turned into `/` and leading `./` removed, or `undefined` when it is
 * absolute (`/x`, `C:x`) or climbs (`..` segment): such entries are never read or written.
 *
 * @param name Entry name as the archive records it.
 * @returns The safe path, or `undefined`.
 *
 * @example
 * ```ts
 * import { safeEntryPath } from "./_archive_entries.ts";
 * if (safeEntryPath("./a\\b.jpg") !== "a/b.jpg" || safeEntryPath("x/../../y") !== undefined) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function safeEntryPath(name: string): string | undefined {
  const path = name.replaceAll("\\", "/").replace(/^(\.\/)+/, "");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return undefined;
  if (path.split("/").some((s) => s === "..")) return undefined;
  return path;
}

/** Why an archive entry with an absolute path or a `..` segment is left out. */
export const UNSAFE_ENTRY = "an absolute path or a '..' segment";
/** Why the earlier of two archive members with one path is left out. */
export const DUPLICATE_ENTRY =
  "a second member with the same path (the last one is read, as Python's zipfile and tarfile do)";

/**
 * The warning for an archive entry skipped as unsafe (see {@linkcode safeEntryPath}).
 *
 * @param archive Archive path.
 * @param name The entry name as recorded.
 * @returns The text of the warning.
 */
export function unsafeEntryWarning(archive: string, name: string): string {
  return `${archive}: skipped entry '${name}' (absolute path or '..' segment)`;
}

/** Options of {@linkcode imageKeys}. */
export interface ImageKeysOptions {
  /**
   * Whether one top-level folder that holds every image two or more levels deep is taken as a
   * wrapper around the identity folders (archives: `zip -r DCFace.zip DCFace/`). @default true
   */
  wrapper?: boolean;
  /**
   * Take images in sub-folders of an identity folder, named by their path inside it
   * (`<identity>/<sub>/<image>`, as Python's `os.walk` from the identity folder gives it);
   * otherwise they are left out and counted. @default false
   */
  recursive?: boolean;
  /** Receives what is left out, by reason. @default not counted */
  tally?: SkipTally;
}

/** Why an image in a sub-folder of an identity folder is left out. */
export const NESTED_IMAGE = "an image in a sub-folder of an identity folder (--recursive takes it)";
/** Why an image outside any identity folder is left out. */
export const LOOSE_IMAGE = "an image outside any identity folder";
/** Why a file that is not an image is left out. */
export const NOT_IMAGE_NAME = "not a .png/.jpg/.jpeg file name";

/**
 * Maps entry paths to dataset keys: `<identity>/<image>` directly under the dataset root. The
 * root is the archive root, or (with `wrapper`) its one top-level folder when every image lies
 * under that same folder at least two levels deep (`zip -r DCFace.zip DCFace/` gives
 * `DCFace/<id>/<img>`). OS junk is ignored silently; other files, images outside identity
 * folders and (unless `recursive`) images in sub-folders of identity folders are counted in
 * `tally`.
 *
 * @param paths Safe entry paths (any kind of file).
 * @param options Wrapper rule, sub-folders, the tally.
 * @returns For each path, its key or `undefined`.
 *
 * @example
 * ```ts
 * import { imageKeys } from "./_archive_entries.ts";
 * const keys = imageKeys(["Set/a/1.jpg", "Set/a/notes.txt", "Set/b/2.png"]);
 * if (keys.map((k) => k?.identity).join() !== "a,,b") throw new Error("unexpected");
 * ```
 */
export function imageKeys(
  paths: readonly string[],
  options: ImageKeysOptions = {},
): (ImageKey | undefined)[] {
  const { wrapper: wrap = true, recursive = false, tally } = options;
  const images = paths.map((p) =>
    !isJunkPath(p) && isImageName(p) && !p.endsWith("/") ? p.split("/") : undefined
  );
  let wrapper: string | undefined;
  let deep = false;
  let shared = wrap;
  for (const parts of images) {
    if (!parts || !shared) continue;
    if (parts.length < 2) {
      shared = false;
      continue;
    }
    if (wrapper === undefined) wrapper = parts[0];
    else if (wrapper !== parts[0]) shared = false;
    if (parts.length >= 3) deep = true;
  }
  const skip = shared && deep ? 1 : 0;
  return images.map((parts, i) => {
    const path = paths[i]!;
    if (!parts) {
      if (!isJunkPath(path) && !path.endsWith("/")) tally?.add(NOT_IMAGE_NAME, path);
      return undefined;
    }
    const depth = parts.length - skip;
    if (depth < 2) {
      tally?.add(LOOSE_IMAGE, path);
      return undefined;
    }
    if (depth > 2 && !recursive) {
      tally?.add(NESTED_IMAGE, path);
      return undefined;
    }
    return { identity: parts[skip]!, imageName: parts.slice(skip + 1).join("/") };
  });
}

/**
 * The bytes of several entries read one by one; entries that are not there are absent from the
 * map. The `readMany` of every container that has no faster way.
 *
 * @param read Reads one entry, `undefined` when there is none.
 * @param paths The entries wanted.
 * @returns The bytes by entry path.
 */
export async function readEach(
  read: (path: string) => Promise<Uint8Array | undefined>,
  paths: readonly string[],
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const p of paths) {
    const bytes = await read(p);
    if (bytes) out.set(p, bytes);
  }
  return out;
}

/**
 * Reads exactly `length` bytes at `offset`, or throws a SyntaxError naming what was being read
 * (a truncated file).
 *
 * @param file Open file.
 * @param offset Byte offset.
 * @param length Number of bytes.
 * @param what What is read, for the message (`entry 'x' of y.tar`).
 * @returns The bytes.
 * @throws {SyntaxError} When the file ends first.
 */
export async function readAt(
  file: Deno.FsFile,
  offset: number,
  length: number,
  what: string,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  await file.seek(offset, Deno.SeekMode.Start);
  let got = 0;
  while (got < length) {
    const n = await file.read(out.subarray(got));
    if (n === null) throw shortRead(what, offset, got, length);
    got += n;
  }
  return out;
}

/**
 * {@linkcode readAt} without awaiting: for parsers that read small ranges synchronously.
 *
 * @param file Open file.
 * @param offset Byte offset.
 * @param length Number of bytes.
 * @param what What is read, for the message.
 * @returns The bytes.
 * @throws {SyntaxError} When the file ends first.
 */
export function readAtSync(
  file: Deno.FsFile,
  offset: number,
  length: number,
  what: string,
): Uint8Array {
  const out = new Uint8Array(length);
  file.seekSync(offset, Deno.SeekMode.Start);
  let got = 0;
  while (got < length) {
    const n = file.readSync(out.subarray(got));
    if (n === null) throw shortRead(what, offset, got, length);
    got += n;
  }
  return out;
}

function shortRead(what: string, offset: number, got: number, length: number): SyntaxError {
  return new SyntaxError(
    `Cannot read ${what}: the archive ends after ${offset + got} bytes, ${
      length - got
    } bytes short (truncated?)`,
  );
}

/**
 * A queue that runs async tasks one at a time (one file position per handle).
 *
 * @returns A function that runs a task after every task given before it.
 */
export function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
}

let crcTable: Uint32Array | undefined;

/**
 * CRC-32 (IEEE 802.3, reflected, as zip and gzip use), table-driven.
 *
 * @param bytes The data.
 * @returns The unsigned CRC.
 *
 * @example
 * ```ts
 * import { crc32 } from "./_archive_entries.ts";
 * if (crc32(new TextEncoder().encode("123456789")) !== 0xcbf43926) throw new Error("unexpected");
 * ```
 */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
