/**
 * The original embeddings format, JSON lines of
 * `{"identity": str, "image_name": str, "embedding": [floats]}`: a streaming reader, whose memory
 * stays close to the Float32 matrix itself (lines are parsed one at a time into a growing
 * `Float32Array`), and the writer of one line, byte for byte as the original package wrote it
 * (`np.round` on float32, `tolist()`, `json.dumps`; the Python number and string formatting is
 * `lib/formats/_python_float.ts`).
 *
 * @module
 */
import { forEachLine } from "./_lines.ts";
import { type EmbeddingSet, embeddingSet } from "./_embedding_set.ts";
import { pythonFloatRepr, pythonJsonString, roundFloat32 } from "../formats/_python_float.ts";

/** Options of {@linkcode readJsonLines}. */
export interface ReadJsonLinesOptions {
  /** Skip malformed lines (counted in `skipped`) instead of throwing. @default false */
  lenient?: boolean;
  /** Called with the number of bytes read so far and the file size. */
  onProgress?: ((bytesRead: number, totalBytes: number) => void) | undefined;
  /** Bytes read per chunk. @default 8 MiB */
  chunkSize?: number;
}

/** An embedding set with the count of lines skipped in lenient mode. */
export interface JsonLinesResult {
  /** The rows read. */
  set: EmbeddingSet;
  /** Malformed lines skipped (0 unless lenient). */
  skipped: number;
}

/**
 * A malformed line of an embeddings file; the message reads `<path>:<line>: <reason>`.
 *
 * @example
 * ```ts
 * import { EmbeddingFileError } from "./_jsonl.ts";
 * import assert from "node:assert/strict";
 * const error = new EmbeddingFileError("E.jsonl", 3, "not valid JSON");
 * assert.ok(error instanceof SyntaxError);
 * assert.equal(error.message, "E.jsonl:3: not valid JSON");
 * ```
 */
export class EmbeddingFileError extends SyntaxError {
  /** `"EmbeddingFileError"`. */
  override name = "EmbeddingFileError";
  /** The file. */
  readonly path: string;
  /** The 1-based line number. */
  readonly line: number;
  /**
   * Creates the error for one line.
   *
   * @param path The file.
   * @param line The 1-based line number.
   * @param reason What is wrong with the line.
   */
  constructor(path: string, line: number, reason: string) {
    super(`${path}:${line}: ${reason}`);
    this.path = path;
    this.line = line;
  }
}

interface Row {
  identity: string;
  imageName: string;
  embedding: number[];
}

/** Python's `json.dumps` writes non-finite floats as these bare words (not JSON). */
const PYTHON_NON_FINITE = /(?<=[[,:]\s*)(NaN|-?Infinity)(?=\s*[,\]}])/g;

function parseRow(text: string, dim: number): Row | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const word = text.match(PYTHON_NON_FINITE)?.[0];
    if (word !== undefined) {
      return `holds ${word}, which Python's json writes for a non-finite float: embeddings must be finite (the model or the file is broken)`;
    }
    return `not valid JSON (${error instanceof Error ? error.message : error})`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `expected an object with "identity", "image_name" and "embedding"`;
  }
  const { identity, image_name: imageName, embedding } = value as Record<string, unknown>;
  if (typeof identity !== "string" && typeof identity !== "number") {
    return `expected "identity" to be a string`;
  }
  if (typeof imageName !== "string") return `expected "image_name" to be a string`;
  if (!Array.isArray(embedding) || embedding.length === 0) {
    return `expected "embedding" to be a non-empty array of numbers`;
  }
  if (dim > 0 && embedding.length !== dim) {
    return `expected ${dim} embedding values like the lines before, found ${embedding.length}`;
  }
  for (let i = 0; i < embedding.length; i++) {
    const v = embedding[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      return `embedding value ${i} is not a finite number: ${JSON.stringify(v)}`;
    }
    if (!Number.isFinite(Math.fround(v))) {
      return `embedding value ${i} is ${v}, beyond float32's range (±3.4028234663852886e+38): refused as float32 overflow`;
    }
  }
  return { identity: String(identity), imageName, embedding };
}

/**
 * Reads a JSON-lines embeddings file. Blank lines are skipped; a malformed line is an
 * {@linkcode EmbeddingFileError} naming file and line (or counted and skipped with `lenient`).
 * Values are held as float32: a value float32 cannot hold (`1e39`, float32 overflow) is refused
 * like `NaN` and `Infinity` (which Python's `json` writes for non-finite floats), never turned
 * into an infinity.
 *
 * @param path The file.
 * @param options Leniency, progress callback, chunk size.
 * @returns The set and the count of skipped lines.
 * @throws {EmbeddingFileError} On a malformed line (unless lenient).
 * @throws {Deno.errors.NotFound} When the file does not exist.
 *
 * @example
 * ```ts
 * import { readJsonLines } from "./_jsonl.ts";
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * await Deno.writeTextFile(path, '{"identity": "a", "image_name": "1.png", "embedding": [0.6, 0.8]}\n\n');
 * const { set } = await readJsonLines(path);
 * if (set.dim !== 2 || set.identities[0] !== "a") throw new Error("unexpected");
 * await Deno.remove(path);
 * ```
 */
export async function readJsonLines(
  path: string,
  options: ReadJsonLinesOptions = {},
): Promise<JsonLinesResult> {
  const { lenient = false, onProgress, chunkSize = 8 << 20 } = options;
  const file = await Deno.open(path, { read: true });
  const total = (await file.stat()).size;
  const decoder = new TextDecoder();
  const identities: string[] = [];
  const imageNames: string[] = [];
  let vectors = new Float32Array(0);
  let dim = 0;
  let rows = 0;
  let skipped = 0;

  const take = (bytes: Uint8Array, lineNumber: number) => {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end--; // CRLF
    const text = decoder.decode(bytes.subarray(0, end));
    if (text.trim() === "") return;
    const row = parseRow(text, dim);
    if (typeof row === "string") {
      if (lenient) {
        skipped++;
        return;
      }
      throw new EmbeddingFileError(path, lineNumber, row);
    }
    if (dim === 0) {
      dim = row.embedding.length;
      // Rows expected from the file size; lines differ in length, so allow a little slack.
      const guess = Math.max(16, Math.ceil((total / Math.max(1, bytes.length + 1)) * 1.05) + 16);
      vectors = new Float32Array(guess * dim);
    }
    if ((rows + 1) * dim > vectors.length) {
      const grown = new Float32Array(Math.ceil(vectors.length * 1.5) + dim * 16);
      grown.set(vectors);
      vectors = grown;
    }
    vectors.set(row.embedding, rows * dim);
    identities.push(row.identity);
    imageNames.push(row.imageName);
    rows++;
  };

  try {
    await forEachLine(file, take, { chunkSize, onProgress });
  } finally {
    file.close();
  }
  // Keep the buffer when it is nearly full (no second copy of a multi-GB matrix); trim otherwise.
  const used = rows * dim;
  const matrix = used >= vectors.length * 0.9 ? vectors.subarray(0, used) : vectors.slice(0, used);
  const set = embeddingSet(identities, imageNames, matrix, dim || 512);
  return { set, skipped };
}

/** Options of {@linkcode embeddingLine}. */
export interface EmbeddingLineOptions {
  /** Decimals of the values, as the original `np.round(embedding, decimals)`. @default 5 */
  decimals?: number;
}

/**
 * One line of the original embeddings file:
 * `{"identity": ..., "image_name": ..., "embedding": [...]}` with values rounded like
 * `np.round(float32, decimals)` and printed like Python's `repr(float)`.
 *
 * @param identity Identity folder name.
 * @param imageName Image file name.
 * @param vector The L2-normalised embedding.
 * @param options `decimals` (default 5).
 * @returns The line, without its newline.
 *
 * @example
 * ```ts
 * import { embeddingLine } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   embeddingLine("7", "a.png", new Float32Array([0.6, -0.8])),
 *   '{"identity": "7", "image_name": "a.png", "embedding": [0.6000000238418579, -0.800000011920929]}',
 * );
 * ```
 */
export function embeddingLine(
  identity: string,
  imageName: string,
  vector: Float32Array,
  options: EmbeddingLineOptions = {},
): string {
  const { decimals = 5 } = options;
  const parts = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    parts[i] = pythonFloatRepr(roundFloat32(vector[i]!, decimals));
  }
  return `{"identity": ${pythonJsonString(identity)}, "image_name": ${
    pythonJsonString(imageName)
  }, "embedding": [${parts.join(", ")}]}`;
}
