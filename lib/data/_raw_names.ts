/**
 * File names that are not valid UTF-8, read as Python reads them. Python's `os.listdir` decodes
 * names with `surrogateescape` (each byte that is not part of valid UTF-8 becomes U+DC80-U+DCFF),
 * so an identity folder `caf\xe9` is the identity `"caf\udce9"`, written by `json.dumps` as
 * `"caf\udce9"`. Deno turns such bytes into U+FFFD and cannot open the path, so these names are
 * listed and read through POSIX `find`, `stat` and `cat` with the path's bytes spelled in octal
 * for `printf`: a slow path taken only for such names. Where those tools are missing the names
 * are skipped with the reason.
 *
 * @module
 */

/**
 * Decodes bytes as Python's `bytes.decode("utf-8", "surrogateescape")`.
 *
 * @param bytes The name's bytes.
 * @returns The name, with U+DC80-U+DCFF for the bytes that are not valid UTF-8.
 *
 * @example
 * ```ts
 * import { surrogateEscapeDecode } from "./_raw_names.ts";
 * if (surrogateEscapeDecode(new Uint8Array([0x63, 0xe9])) !== "c\udce9") throw new Error();
 * ```
 */
export function surrogateEscapeDecode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  const cont = (k: number) => (bytes[k]! & 0xc0) === 0x80;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let cp = -1;
    let n = 1;
    if (b < 0x80) cp = b;
    else if (b >= 0xc2 && b <= 0xdf && i + 1 < bytes.length && cont(i + 1)) {
      cp = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      n = 2;
    } else if (b >= 0xe0 && b <= 0xef && i + 2 < bytes.length && cont(i + 1) && cont(i + 2)) {
      const c = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      if (c >= 0x800 && (c < 0xd800 || c > 0xdfff)) {
        cp = c;
        n = 3;
      }
    } else if (
      b >= 0xf0 && b <= 0xf4 && i + 3 < bytes.length && cont(i + 1) && cont(i + 2) && cont(i + 3)
    ) {
      const c = ((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) |
        ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
      if (c >= 0x10000 && c <= 0x10ffff) {
        cp = c;
        n = 4;
      }
    }
    out += cp < 0 ? String.fromCharCode(0xdc00 + b) : String.fromCodePoint(cp);
    i += cp < 0 ? 1 : n;
  }
  return out;
}

/**
 * Encodes a name as Python's `str.encode("utf-8", "surrogateescape")`: U+DC80-U+DCFF back to
 * their bytes, everything else as UTF-8.
 *
 * @param name The name.
 * @returns Its bytes.
 *
 * @example
 * ```ts
 * import { surrogateEscapeEncode } from "./_raw_names.ts";
 * if (surrogateEscapeEncode("c\udce9").join() !== "99,233") throw new Error();
 * ```
 */
export function surrogateEscapeEncode(name: string): Uint8Array {
  const out: number[] = [];
  const encoder = new TextEncoder();
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xdc80 && cp <= 0xdcff) out.push(cp - 0xdc00);
    else out.push(...encoder.encode(ch));
  }
  return new Uint8Array(out);
}

/** Whether a name holds escaped bytes (and so needs the slow path). */
export function hasEscapedBytes(name: string): boolean {
  return /[\udc80-\udcff]/.test(name);
}

/** A path's bytes spelled for `printf` (every byte in octal). */
function printfSpelling(path: string): string {
  return Array.from(surrogateEscapeEncode(path), (b) => `\\${b.toString(8).padStart(3, "0")}`)
    .join("");
}

async function sh(script: string, path: string): Promise<Uint8Array | undefined> {
  try {
    const out = await new Deno.Command("sh", {
      args: ["-c", script, "sh", printfSpelling(path)],
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? out.stdout : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** What an entry is once links are followed: find's `%Y` letter. */
export type RawKind = "file" | "folder" | "broken" | "other";

/**
 * The entries of a folder whose path may hold escaped bytes, with their kinds, via `find`.
 *
 * @param dir The folder (surrogateescape string).
 * @returns Names (surrogateescape) and kinds, or `undefined` when `find` is not there.
 */
export async function listRaw(dir: string): Promise<{ name: string; kind: RawKind }[] | undefined> {
  const out = await sh(
    `find "$(printf "$1")" -mindepth 1 -maxdepth 1 -printf '%Y/%f\\0'`,
    dir,
  );
  if (out === undefined) return undefined;
  const entries: { name: string; kind: RawKind }[] = [];
  let start = 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i] !== 0) continue;
    const item = out.subarray(start, i);
    start = i + 1;
    const letter = String.fromCharCode(item[0]!);
    const kind: RawKind = letter === "f"
      ? "file"
      : letter === "d"
      ? "folder"
      : letter === "N" || letter === "L"
      ? "broken"
      : "other";
    entries.push({ name: surrogateEscapeDecode(item.subarray(2)), kind });
  }
  return entries;
}

/**
 * The bytes of a regular file whose path holds escaped bytes, via `cat`.
 *
 * @param path The file (surrogateescape string).
 * @param count Read only the first `count` bytes. @default the whole file
 * @returns The bytes, or `undefined` when it cannot be read.
 */
export function readRaw(path: string, count?: number): Promise<Uint8Array | undefined> {
  return count === undefined
    ? sh(`cat -- "$(printf "$1")"`, path)
    : sh(`head -c ${Math.floor(count)} -- "$(printf "$1")"`, path);
}

/**
 * The size of a file whose path holds escaped bytes, and whether it is a regular file.
 *
 * @param path The file (surrogateescape string).
 * @returns Its size and kind, or `undefined` when it is not there.
 */
export async function statRaw(
  path: string,
): Promise<{ size: number; isFile: boolean } | undefined> {
  const out = await sh(`stat -L -c '%F|%s' -- "$(printf "$1")"`, path);
  if (out === undefined) return undefined;
  const [kind, size] = new TextDecoder().decode(out).trim().split("|");
  return { size: Number(size), isFile: kind === "regular file" || kind === "regular empty file" };
}
