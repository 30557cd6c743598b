/**
 * Shared by the archive readers: safe entry paths, the `<identity>/<image>` mapping with its
 * single-wrapping-folder rule, and exact reads from a file handle.
 *
 * @module
 */
import { type ImageKey, isImageName } from "./_dataset.ts";

/**
 * The entry path with `\` turned into `/` and leading `./` removed, or `undefined` when it is
 * absolute (`/x`, `C:x`) or climbs (`..` segment): such entries are never read or written.
 */
export function safeEntryPath(name: string): string | undefined {
  const path = name.replaceAll("\\", "/").replace(/^(\.\/)+/, "");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return undefined;
  if (path.split("/").some((s) => s === "..")) return undefined;
  return path;
}

/** Warns once per archive entry that was skipped as unsafe. */
export function warnUnsafe(archive: string, name: string): void {
  console.warn(`warning: ${archive}: skipped entry '${name}' (absolute path or '..' segment)`);
}

/**
 * Maps image entry paths to dataset keys: `<identity>/<image>` directly under the dataset root.
 * The root is the archive root, or its one top-level folder when every image lies under that same
 * folder at least two levels deep (`zip -r DCFace.zip DCFace/` gives `DCFace/<id>/<img>`).
 * Images at other depths are ignored, as a folder dataset ignores them.
 *
 * @param paths Safe entry paths (any kind of file; non-images are ignored).
 * @returns For each path, its key or `undefined`.
 */
export function imageKeys(paths: readonly string[]): (ImageKey | undefined)[] {
  const images = paths.map((p) => (isImageName(p) && !p.endsWith("/") ? p.split("/") : undefined));
  let wrapper: string | undefined;
  let deep = false;
  let shared = true;
  for (const parts of images) {
    if (!parts) continue;
    if (parts.length < 2) {
      shared = false;
      break;
    }
    if (wrapper === undefined) wrapper = parts[0];
    else if (wrapper !== parts[0]) shared = false;
    if (parts.length >= 3) deep = true;
  }
  const skip = shared && deep ? 1 : 0;
  return images.map((parts) => {
    if (!parts || parts.length - skip !== 2) return undefined;
    return { identity: parts[skip], imageName: parts[skip + 1] };
  });
}

/** The dataset name of an archive: its base name without `.zip`, `.tar`, `.tar.gz`, `.tgz`, `.rec`, `.idx`. */
export function archiveName(path: string): string {
  const base = path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? path;
  return base.replace(/\.(zip|tar\.gz|tgz|tar|rec|idx)$/i, "");
}

/**
 * Reads exactly `length` bytes at `offset`, or throws a SyntaxError naming the archive and what
 * was being read (a truncated file).
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
    if (n === null) {
      throw new SyntaxError(
        `Cannot read ${what}: the archive ends after ${offset + got} bytes, ${
          length - got
        } bytes short (truncated?)`,
      );
    }
    got += n;
  }
  return out;
}

/** A queue that runs async tasks one at a time (one file position per handle). */
export function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected, as zip and gzip use). */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
