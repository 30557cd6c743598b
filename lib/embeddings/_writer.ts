/**
 * Incremental, resumable writing of embeddings: every finished batch is on disk before the next
 * one starts, so a killed run loses at most the batch in flight, and re-opening the same output
 * resumes after the rows already written, without duplicates. Each format resumes on its own;
 * resuming validates every line, and rewrites go through a temporary file and a rename.
 *
 * @module
 */
import { consoleReporter, osErrorAt, type Reporter } from "../cli/mod.ts";
import type { ImageKey } from "../data/_dataset.ts";
import { pathExists } from "../formats/_list_files.ts";
import { removeStaleTemps, writeFileAtomic } from "../formats/_atomic.ts";
import { manifestPathOf } from "../formats/_layout.ts";
import { embeddingLine } from "./_jsonl.ts";
import { forEachLine } from "./_lines.ts";
import {
  checkLabel,
  LABELS_HEADER,
  labelsPath,
  NPY_HEADER_BYTES,
  npyHeader,
  parseNpyHeader,
} from "./_npy.ts";

/** Output formats of `deno task embed`. */
export type EmbeddingFormat = "jsonl" | "npy";

/** Options of {@linkcode openEmbeddingWriter}. */
export interface EmbeddingWriterOptions {
  /** Output formats; each gets its own file beside the others. @default ["jsonl"] */
  formats?: EmbeddingFormat[];
  /** Embedding dimension. @default 512 */
  dim?: number;
  /** Start over instead of resuming. @default false */
  overwrite?: boolean;
  /** Decimals of the JSON-lines values, as the original `np.round`. @default 5 */
  decimals?: number;
  /** Warnings: a torn last line cut, stale temporary files removed. @default consoleReporter() */
  reporter?: Reporter;
}

/** A resumable embeddings output. */
export interface EmbeddingWriter {
  /** Paths written, one per format. */
  paths: string[];
  /** Rows every format held when the writer was opened (resumed). */
  resumedRows: number;
  /** Rows each format held when opened, in the order of `paths`. */
  rowsByFormat: number[];
  /** Whether a key was already written before this run. */
  has(key: ImageKey): boolean;
  /** Appends a batch: `vectors` holds `keys.length` rows. */
  append(keys: ImageKey[], vectors: Float32Array): Promise<void>;
  /** Closes every file. */
  close(): Promise<void>;
}

const keyOf = (k: ImageKey) => `${k.identity}\u0000${k.imageName}`;

/**
 * Output path for a format, from the base path the user gave (extension replaced).
 *
 * @param out Base output path (`X.jsonl`, `X.json`, `X.npy` or no extension).
 * @param format The format.
 * @returns `X.jsonl`/`X.json` for JSON lines, `X.npy` for the binary format.
 *
 * @example
 * ```ts
 * import { formatPath } from "./_writer.ts";
 * if (formatPath("a/b.jsonl", "npy") !== "a/b.npy") throw new Error("unexpected");
 * ```
 */
export function formatPath(out: string, format: EmbeddingFormat): string {
  const base = out.replace(/\.(jsonl|json|npy)$/i, "");
  if (format === "npy") return `${base}.npy`;
  return /\.json$/i.test(out) ? out : `${base}.jsonl`;
}

interface FormatWriter {
  keys: ImageKey[];
  append(keys: ImageKey[], vectors: Float32Array): Promise<void>;
  close(): void;
}

const KEY_PREFIX = /^\{"identity": ("(?:[^"\\]|\\.)*"), "image_name": ("(?:[^"\\]|\\.)*")/;
const EMBEDDING_START = ', "embedding": [';

/** Keys of an embeddings JSON-lines file, with the byte offset just after each key's line. */
interface JsonlKeys {
  keys: ImageKey[];
  ends: number[];
  totalBytes: number;
  completeBytes: number;
}

const HEAD_BYTES = 4096;

/**
 * Why a line written by the kit is not a whole embeddings line of `dim` numbers, or `null` when
 * it is one. Checks the shape byte by byte (no JSON parse of the vector): the key prefix, the
 * `"embedding": [` opening, `dim` comma-separated numbers and the closing `]}`.
 */
function lineProblem(line: Uint8Array, keyEnd: number, dim: number): string | null {
  let i = keyEnd;
  for (let k = 0; k < EMBEDDING_START.length; k++, i++) {
    if (line[i] !== EMBEDDING_START.charCodeAt(k)) {
      return `expected ${JSON.stringify(EMBEDDING_START.trim())} after the image name`;
    }
  }
  let values = 0;
  let inNumber = false;
  for (; i < line.length; i++) {
    const c = line[i]!;
    // digits, '.', '-', '+', 'e', 'E'
    if ((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69) {
      if (!inNumber) values++;
      inNumber = true;
    } else if (c === 44 || c === 32) {
      if (c === 44 && !inNumber) return `an empty value after number ${values}`;
      if (c === 44) inNumber = false;
    } else if (c === 93) break;
    else return `byte ${i + 1} (${JSON.stringify(String.fromCharCode(c))}) is not part of a number`;
  }
  if (line[i] !== 93 || line[i + 1] !== 125 || i + 2 !== line.length) {
    return "the line does not end with ]} (cut or joined with another line)";
  }
  if (values !== dim) return `it holds ${values} numbers, the model gives ${dim}`;
  return null;
}

/**
 * Streams a JSON-lines file and reads each line's identity and image name, checking that every
 * line is a whole embeddings line of `dim` numbers (when `dim` is given) and that no image comes
 * twice. A last line without its newline is the torn write of a killed run: it is left out (the
 * caller cuts it).
 */
async function jsonlKeys(path: string, dim?: number): Promise<JsonlKeys> {
  const keys: ImageKey[] = [];
  const ends: number[] = [];
  const seen = new Map<string, number>();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let offset = 0;
  const file = await Deno.open(path, { read: true });
  const fail = (lineNumber: number, why: string): never => {
    throw new SyntaxError(
      `Cannot resume ${path}: line ${lineNumber} is not a whole embeddings line (${why}); ` +
        `the file was damaged: re-run with --overwrite, or cut the file before line ${lineNumber}`,
    );
  };
  try {
    const summary = await forEachLine(file, (line, lineNumber) => {
      offset += line.length + 1;
      const head = decoder.decode(line.subarray(0, HEAD_BYTES));
      if (head.trim() === "") return;
      const m = KEY_PREFIX.exec(head);
      let key: ImageKey;
      if (m) {
        key = { identity: JSON.parse(m[1]!), imageName: JSON.parse(m[2]!) };
        if (dim !== undefined) {
          const why = lineProblem(line, encoder.encode(m[0]).length, dim);
          if (why !== null) fail(lineNumber, why);
        }
      } else {
        let row: { identity?: unknown; image_name?: unknown; embedding?: unknown } = {};
        try {
          row = JSON.parse(decoder.decode(line));
        } catch { /* reported below */ }
        if (typeof row.image_name !== "string" || row.identity === undefined) {
          fail(lineNumber, "not JSON with identity and image_name");
        }
        if (dim !== undefined && (!Array.isArray(row.embedding) || row.embedding.length !== dim)) {
          fail(lineNumber, `expected an embedding of ${dim} numbers`);
        }
        key = { identity: String(row.identity), imageName: String(row.image_name) };
      }
      const k = keyOf(key);
      const first = seen.get(k);
      if (first !== undefined) {
        throw new SyntaxError(
          `Cannot resume ${path}: line ${lineNumber} repeats ${key.identity}/${key.imageName} ` +
            `of line ${first} (two runs wrote into one output); re-run with --overwrite`,
        );
      }
      seen.set(k, lineNumber);
      keys.push(key);
      ends.push(offset);
    }, { includeUnterminated: false });
    return { keys, ends, ...summary };
  } finally {
    file.close();
  }
}

/** The fixed-size header of a `.npy` file written by the kit, without reading the matrix. */
async function readNpyHead(path: string): Promise<Uint8Array> {
  const file = await Deno.open(path, { read: true });
  try {
    const head = new Uint8Array(NPY_HEADER_BYTES);
    let got = 0;
    while (got < head.length) {
      const n = await file.read(head.subarray(got));
      if (n === null) break;
      got += n;
    }
    return head.subarray(0, got);
  } finally {
    file.close();
  }
}

/** Writes all of `bytes`; an OS error names `path` (Deno's write errors carry none). */
async function writeAll(file: Deno.FsFile, bytes: Uint8Array, path: string): Promise<void> {
  let written = 0;
  try {
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  } catch (error) {
    throw osErrorAt(error, "write", path);
  }
}

async function openJsonl(
  path: string,
  decimals: number,
  dim: number,
  warn: (message: string) => void,
): Promise<FormatWriter> {
  let keys: ImageKey[] = [];
  if (await pathExists(path)) {
    const found = await jsonlKeys(path, dim);
    if (found.completeBytes < found.totalBytes) {
      // Only the unterminated tail can be a write cut by a kill; it is dropped.
      warn(
        `${path}: cut ${found.totalBytes - found.completeBytes} bytes of a line left ` +
          `unfinished by an interrupted run (after line ${found.keys.length})`,
      );
      await Deno.truncate(path, found.completeBytes);
    }
    keys = found.keys;
  }
  const file = await Deno.open(path, { create: true, write: true, append: true });
  const encoder = new TextEncoder();
  return {
    keys,
    async append(batch, vectors) {
      let text = "";
      for (let i = 0; i < batch.length; i++) {
        text += embeddingLine(
          batch[i]!.identity,
          batch[i]!.imageName,
          vectors.subarray(i * dim, (i + 1) * dim),
          { decimals },
        ) + "\n";
      }
      await writeAll(file, encoder.encode(text), path);
      await file.syncData().catch((error) => {
        throw osErrorAt(error, "sync", path);
      });
    },
    close: () => file.close(),
  };
}

/** Label rows of a `labels.tsv`, checked; a last line without newline is reported as torn. */
async function readLabels(lpath: string): Promise<{ keys: ImageKey[]; torn: boolean }> {
  const text = await Deno.readTextFile(lpath);
  const lines = text.split("\n");
  const torn = lines[lines.length - 1] !== "";
  lines.pop(); // the "" after the last newline, or the torn line

  if (lines[0] !== LABELS_HEADER) {
    throw new SyntaxError(
      `Cannot resume ${lpath}: line 1 must be the header ${JSON.stringify(LABELS_HEADER)}, ` +
        `current value is ${JSON.stringify((lines[0] ?? "").slice(0, 60))}; ` +
        `re-run with --overwrite`,
    );
  }
  const keys: ImageKey[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const parts = lines[i]!.split("\t");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
      throw new SyntaxError(
        `Cannot resume ${lpath}: line ${i + 1} must be <identity><TAB><image_name>, current ` +
          `value is ${JSON.stringify(lines[i]!.slice(0, 60))}; re-run with --overwrite`,
      );
    }
    const key = { identity: parts[0]!, imageName: parts[1]! };
    const first = seen.get(keyOf(key));
    if (first !== undefined) {
      throw new SyntaxError(
        `Cannot resume ${lpath}: line ${i + 1} repeats ${key.identity}/${key.imageName} of ` +
          `line ${first} (two runs wrote into one output); re-run with --overwrite`,
      );
    }
    seen.set(keyOf(key), i + 1);
    keys.push(key);
  }
  return { keys, torn };
}

const labelsText = (keys: ImageKey[]) =>
  [LABELS_HEADER, ...keys.map((k) => `${k.identity}\t${k.imageName}`)].join("\n") + "\n";

async function openNpyWriter(
  path: string,
  dim: number,
  warn: (message: string) => void,
): Promise<FormatWriter> {
  const lpath = labelsPath(path);
  let keys: ImageKey[] = [];
  let rows = 0;
  const hasData = await pathExists(path);
  const hasLabels = await pathExists(lpath);
  if (hasData !== hasLabels) {
    const [there, missing] = hasData ? [path, lpath] : [lpath, path];
    throw new Deno.errors.NotFound(
      `Cannot resume ${there}: its partner ${missing} is missing; restore it, or re-run with ` +
        `--overwrite to start over`,
    );
  }
  if (hasData) {
    const info = parseNpyHeader(await readNpyHead(path), path);
    if (
      info.dim !== dim || info.dataOffset !== NPY_HEADER_BYTES || info.descr !== "<f4" ||
      info.fortranOrder
    ) {
      throw new SyntaxError(
        `Cannot resume ${path}: it holds ${info.dim}-d '${info.descr}'${
          info.fortranOrder ? " Fortran-order" : ""
        } rows, the model gives ${dim}-d '<f4' rows; ` +
          `use another --out or --overwrite`,
      );
    }
    const dataRows = Math.floor(((await Deno.stat(path)).size - NPY_HEADER_BYTES) / (dim * 4));
    const labels = await readLabels(lpath);
    // Appends go vectors, labels, then the header's row count, each synced: the header is the
    // last word, and a kill leaves at most one unfinished batch of vectors and labels after it.
    rows = info.rows;
    if (labels.keys.length < rows || dataRows < rows) {
      throw new SyntaxError(
        `Cannot resume ${path}: its header says ${rows} rows but ${lpath} holds ` +
          `${labels.keys.length} labels and the file ${dataRows} vectors; the output was damaged: ` +
          `re-run with --overwrite`,
      );
    }
    keys = labels.keys.slice(0, rows);
    if (labels.keys.length > rows || labels.torn) {
      warn(
        `${lpath}: cut ${labels.keys.length - rows} labels${
          labels.torn ? " and a torn line" : ""
        } of a batch an interrupted run left unfinished`,
      );
      await writeFileAtomic(lpath, labelsText(keys));
    }
    if (dataRows > rows) await Deno.truncate(path, NPY_HEADER_BYTES + rows * dim * 4);
  } else {
    const data = await Deno.open(path, { create: true, write: true, truncate: true });
    await writeAll(data, npyHeader(0, dim), path);
    data.close();
    await writeFileAtomic(lpath, labelsText([]));
  }
  const data = await Deno.open(path, { read: true, write: true });
  const labels = await Deno.open(lpath, { append: true });
  const encoder = new TextEncoder();
  return {
    keys,
    async append(batch, vectors) {
      await data.seek(NPY_HEADER_BYTES + rows * dim * 4, Deno.SeekMode.Start);
      await writeAll(
        data,
        new Uint8Array(vectors.buffer, vectors.byteOffset, batch.length * dim * 4),
        path,
      );
      await data.syncData();
      const text = batch.map((k) => `${checkLabel(k.identity)}\t${checkLabel(k.imageName)}\n`)
        .join("");
      await writeAll(labels, encoder.encode(text), lpath);
      await labels.syncData();
      rows += batch.length;
      await data.seek(0, Deno.SeekMode.Start);
      await writeAll(data, npyHeader(rows, dim), path);
      await data.syncData();
    },
    close: () => {
      data.close();
      labels.close();
    },
  };
}

/** The files of one output format: the format file, and the labels beside a `.npy`. */
export function formatFiles(path: string): string[] {
  return /\.npy$/i.test(path) ? [path, labelsPath(path)] : [path];
}

/**
 * Opens (or resumes) an embeddings output in one or more formats. Each format resumes on its own
 * from the rows it holds: {@linkcode EmbeddingWriter.has} is true for an image every format
 * holds, and {@linkcode EmbeddingWriter.append} gives each format only the rows it lacks (a
 * complete `.jsonl` beside a missing `.npy` gets nothing, the `.npy` gets every row). Resuming
 * checks every line: a damaged line, a repeated image, or labels that disagree with the `.npy`
 * header is an error naming the file and line; only the unfinished tail of a killed run is cut
 * (with a warning). Files are never truncated below what they held complete; `labels.tsv` is
 * rewritten only through a temporary file and a rename. `overwrite` removes the old files first.
 *
 * @param out Base output path.
 * @param options Formats, dimension, overwrite, decimals, reporter.
 * @returns The writer.
 * @throws {SyntaxError} When an existing output cannot be resumed (damaged line, other dimension).
 * @throws {Deno.errors.NotFound} When a `.npy` lacks its labels or the reverse.
 *
 * @example
 * ```ts
 * import { openEmbeddingWriter } from "./_writer.ts";
 * import assert from "node:assert/strict";
 * const out = `${await Deno.makeTempDir()}/E.jsonl`;
 * const first = await openEmbeddingWriter(out, { formats: ["jsonl", "npy"], dim: 2 });
 * await first.append([{ identity: "a", imageName: "1.png" }], new Float32Array([0.6, 0.8]));
 * await first.close();
 * const again = await openEmbeddingWriter(out, { formats: ["jsonl", "npy"], dim: 2 });
 * assert.equal(again.resumedRows, 1);
 * assert.ok(again.has({ identity: "a", imageName: "1.png" }));
 * await again.close();
 * ```
 */
export async function openEmbeddingWriter(
  out: string,
  options: EmbeddingWriterOptions = {},
): Promise<EmbeddingWriter> {
  const {
    formats = ["jsonl"],
    dim = 512,
    overwrite = false,
    decimals = 5,
    reporter = consoleReporter(),
  } = options;
  const dir = out.replace(/[\\/][^\\/]*$/, "");
  if (dir !== out) await Deno.mkdir(dir, { recursive: true });
  const paths = formats.map((f) => formatPath(out, f));
  const warn = (message: string) => reporter.warn(message);
  for (const path of paths) {
    const files = formatFiles(path);
    // An output that is a device, FIFO or folder would be read forever (or fail late) on resume.
    for (const file of files) {
      const info = await Deno.stat(file).catch(() => undefined);
      if (info && !info.isFile) {
        throw new TypeError(
          `Cannot write embeddings to ${file}: it is not a regular file (a folder, device or FIFO); ` +
            "name a file with --out",
        );
      }
    }
    for (const stale of await removeStaleTemps(path, [...files, manifestPathOf(path)])) {
      warn(`removed ${stale}, left by an interrupted run`);
    }
    if (overwrite) {
      for (const file of files) await Deno.remove(file).catch(() => undefined);
    }
  }
  const writers: FormatWriter[] = [];
  try {
    for (let i = 0; i < formats.length; i++) {
      writers.push(
        formats[i] === "npy"
          ? await openNpyWriter(paths[i]!, dim, warn)
          : await openJsonl(paths[i]!, decimals, dim, warn),
      );
    }
  } catch (error) {
    writers.forEach((w) => w.close());
    throw error;
  }
  const held = writers.map((w) => new Set(w.keys.map(keyOf)));
  const inAll = (k: string) => held.every((set) => set.has(k));
  const resumedRows = held.length === 0
    ? 0
    : writers[0]!.keys.filter((key) => inAll(keyOf(key))).length;
  return {
    paths,
    resumedRows,
    rowsByFormat: writers.map((w) => w.keys.length),
    has: (key) => inAll(keyOf(key)),
    async append(keys, vectors) {
      for (let f = 0; f < writers.length; f++) {
        const set = held[f]!;
        const pick: number[] = [];
        for (let i = 0; i < keys.length; i++) if (!set.has(keyOf(keys[i]!))) pick.push(i);
        if (pick.length === 0) continue;
        let subKeys = keys;
        let subVectors = vectors;
        if (pick.length < keys.length) {
          subKeys = pick.map((i) => keys[i]!);
          subVectors = new Float32Array(pick.length * dim);
          pick.forEach((i, j) => subVectors.set(vectors.subarray(i * dim, (i + 1) * dim), j * dim));
        }
        await writers[f]!.append(subKeys, subVectors);
        for (const k of subKeys) set.add(keyOf(k));
      }
    },
    close: () => {
      writers.forEach((w) => w.close());
      return Promise.resolve();
    },
  };
}
