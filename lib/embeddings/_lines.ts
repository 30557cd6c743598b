/**
 * Chunked line splitting for large text files: memory stays at one chunk plus one line.
 *
 * @module
 */

/** Options of {@linkcode forEachLine}. */
export interface ForEachLineOptions {
  /** Bytes read per chunk. @default 8 MiB */
  chunkSize?: number;
  /** Called after each chunk with the bytes read so far and the file size. */
  onProgress?: ((bytesRead: number, totalBytes: number) => void) | undefined;
  /** Also hand over a last line that has no newline. @default true */
  includeUnterminated?: boolean;
}

/** What {@linkcode forEachLine} saw. */
export interface LinesSummary {
  /** File size in bytes. */
  totalBytes: number;
  /** Bytes up to and including the last newline. */
  completeBytes: number;
}

/**
 * Calls `fn` with the bytes of every line (without its `\n`) and its 1-based number.
 *
 * @param file An open file, read from its current position to the end.
 * @param fn Receives each line; the bytes are only valid during the call.
 * @param options Chunk size, progress, unterminated last line.
 * @returns File size and the length of the newline-terminated part.
 *
 * @example
 * ```ts
 * import { forEachLine } from "./_lines.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "a\nbc\nd");
 * const lines: string[] = [];
 * using file = await Deno.open(path);
 * const summary = await forEachLine(file, (line) => lines.push(new TextDecoder().decode(line)), {
 *   chunkSize: 2,
 * });
 * assert.deepEqual(lines, ["a", "bc", "d"]);
 * assert.deepEqual(summary, { totalBytes: 6, completeBytes: 5 });
 * ```
 */
export async function forEachLine(
  file: Deno.FsFile,
  fn: (line: Uint8Array, lineNumber: number) => void,
  options: ForEachLineOptions = {},
): Promise<LinesSummary> {
  const { chunkSize = 8 << 20, onProgress, includeUnterminated = true } = options;
  const totalBytes = (await file.stat()).size;
  const buffer = new Uint8Array(chunkSize);
  let carry = new Uint8Array(0);
  let bytesRead = 0;
  let completeBytes = 0;
  let lineNumber = 0;
  while (true) {
    const n = await file.read(buffer);
    if (n === null) break;
    bytesRead += n;
    let chunk = buffer.subarray(0, n);
    if (carry.length > 0) {
      const joined = new Uint8Array(carry.length + n);
      joined.set(carry);
      joined.set(chunk, carry.length);
      chunk = joined;
    }
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      fn(chunk.subarray(start, i), ++lineNumber);
      start = i + 1;
    }
    completeBytes = bytesRead - (chunk.length - start);
    carry = chunk.slice(start);
    onProgress?.(bytesRead, totalBytes);
  }
  if (carry.length > 0 && includeUnterminated) fn(carry, ++lineNumber);
  return { totalBytes, completeBytes };
}
