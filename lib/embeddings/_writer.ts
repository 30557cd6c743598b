/**
 * Incremental, resumable writing of embeddings: every finished batch is on disk before the next
 * one starts, so a killed run loses at most the batch in flight, and re-opening the same output
 * resumes after the rows already written, without duplicates.
 *
 * @module
 */
import type { ImageKey } from "../data/_dataset.ts";
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
}

/** A resumable embeddings output. */
export interface EmbeddingWriter {
  /** Paths written, one per format. */
  paths: string[];
  /** Rows present when the writer was opened (resumed). */
  resumedRows: number;
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

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

interface FormatWriter {
  keys: ImageKey[];
  append(keys: ImageKey[], vectors: Float32Array): Promise<void>;
  close(): void;
}

const KEY_PREFIX = /^\{"identity": ("(?:[^"\\]|\\.)*"), "image_name": ("(?:[^"\\]|\\.)*")/;

/** Keys of an embeddings JSON-lines file, with the byte offset just after each key's line. */
interface JsonlKeys {
  keys: ImageKey[];
  ends: number[];
  totalBytes: number;
  completeBytes: number;
}

const HEAD_BYTES = 4096;

/** Streams a JSON-lines file and reads each line's identity and image name (not its vector). */
async function jsonlKeys(path: string): Promise<JsonlKeys> {
  const keys: ImageKey[] = [];
  const ends: number[] = [];
  const decoder = new TextDecoder();
  let offset = 0;
  const file = await Deno.open(path, { read: true });
  try {
    const summary = await forEachLine(file, (line, lineNumber) => {
      offset += line.length + 1;
      const head = decoder.decode(line.subarray(0, HEAD_BYTES));
      if (head.trim() === "") return;
      const m = KEY_PREFIX.exec(head);
      let key: ImageKey;
      if (m) key = { identity: JSON.parse(m[1]!), imageName: JSON.parse(m[2]!) };
      else {
        let row: { identity?: unknown; image_name?: unknown } = {};
        try {
          row = JSON.parse(decoder.decode(line));
        } catch { /* reported below */ }
        if (typeof row.image_name !== "string" || row.identity === undefined) {
          throw new SyntaxError(`${path}:${lineNumber}: cannot resume: not an embeddings line`);
        }
        key = { identity: String(row.identity), imageName: row.image_name };
      }
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

async function openJsonl(
  path: string,
  overwrite: boolean,
  decimals: number,
  dim: number,
): Promise<FormatWriter> {
  let keys: ImageKey[] = [];
  if (!overwrite && await exists(path)) {
    const found = await jsonlKeys(path);
    // A line cut by a kill is dropped.
    if (found.completeBytes < found.totalBytes) await Deno.truncate(path, found.completeBytes);
    keys = found.keys;
  }
  const file = await Deno.open(path, {
    create: true,
    write: true,
    append: !overwrite,
    truncate: overwrite,
  });
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
          {
            decimals,
          },
        ) + "\n";
      }
      const bytes = encoder.encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.syncData();
    },
    close: () => file.close(),
  };
}

async function openNpyWriter(path: string, overwrite: boolean, dim: number): Promise<FormatWriter> {
  const lpath = labelsPath(path);
  const keys: ImageKey[] = [];
  let rows = 0;
  if (!overwrite && await exists(path) && await exists(lpath)) {
    const head = await readNpyHead(path);
    const info = parseNpyHeader(head, path);
    if (info.dim !== dim || info.dataOffset !== NPY_HEADER_BYTES) {
      throw new SyntaxError(
        `${path}: cannot resume: it holds ${info.dim}-d rows, the model gives ${dim}-d`,
      );
    }
    const size = (await Deno.stat(path)).size;
    const lines = (await Deno.readTextFile(lpath)).split("\n");
    if (lines[0] !== LABELS_HEADER) {
      throw new SyntaxError(`${lpath}:1: cannot resume: unexpected header`);
    }
    const labelRows = lines.slice(1).filter((l, i, all) => l !== "" || i < all.length - 1)
      .filter((l) => l.includes("\t"));
    rows = Math.min(info.rows, labelRows.length, Math.floor((size - NPY_HEADER_BYTES) / (dim * 4)));
    for (let i = 0; i < rows; i++) {
      const tab = labelRows[i]!.indexOf("\t");
      keys.push({ identity: labelRows[i]!.slice(0, tab), imageName: labelRows[i]!.slice(tab + 1) });
    }
  }
  const data = await Deno.open(path, { create: true, read: true, write: true });
  await data.truncate(NPY_HEADER_BYTES + rows * dim * 4);
  const header = async () => {
    await data.seek(0, Deno.SeekMode.Start);
    await data.write(npyHeader(rows, dim));
  };
  await header();
  const labelLines = [LABELS_HEADER, ...keys.map((k) => `${k.identity}\t${k.imageName}`)];
  await Deno.writeTextFile(lpath, labelLines.join("\n") + "\n");
  const labels = await Deno.open(lpath, { append: true });
  const encoder = new TextEncoder();
  return {
    keys,
    async append(batch, vectors) {
      await data.seek(NPY_HEADER_BYTES + rows * dim * 4, Deno.SeekMode.Start);
      const bytes = new Uint8Array(vectors.buffer, vectors.byteOffset, batch.length * dim * 4);
      let written = 0;
      while (written < bytes.length) written += await data.write(bytes.subarray(written));
      const text = batch.map((k) => `${checkLabel(k.identity)}\t${checkLabel(k.imageName)}\n`).join(
        "",
      );
      await labels.write(encoder.encode(text));
      rows += batch.length;
      await header();
      await data.syncData();
      await labels.syncData();
    },
    close: () => {
      data.close();
      labels.close();
    },
  };
}

/**
 * Opens (or resumes) an embeddings output in one or more formats. When the formats disagree on
 * what was already written (a kill between two files), each file is cut back to the rows that all
 * of them hold.
 *
 * @param out Base output path.
 * @param options Formats, dimension, overwrite, decimals.
 * @returns The writer.
 * @throws {SyntaxError} When an existing output cannot be resumed.
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
  const { formats = ["jsonl"], dim = 512, overwrite = false, decimals = 5 } = options;
  const dir = out.replace(/[\\/][^\\/]*$/, "");
  if (dir !== out) await Deno.mkdir(dir, { recursive: true });
  const paths = formats.map((f) => formatPath(out, f));
  let writers = await Promise.all(
    formats.map((f, i) =>
      f === "npy"
        ? openNpyWriter(paths[i]!, overwrite, dim)
        : openJsonl(paths[i]!, overwrite, decimals, dim)
    ),
  );
  const common = Math.min(...writers.map((w) => w.keys.length));
  if (writers.some((w) => w.keys.length !== common)) {
    // Formats disagree (killed between the two writes): keep the shorter prefix everywhere.
    writers.forEach((w) => w.close());
    writers = await Promise.all(formats.map(async (f, i) => {
      if (f === "npy") {
        const info = parseNpyHeader(await readNpyHead(paths[i]!), paths[i]);
        const lpath = labelsPath(paths[i]!);
        const lines = (await Deno.readTextFile(lpath)).split("\n").slice(0, common + 1);
        await Deno.writeTextFile(lpath, lines.join("\n") + "\n");
        const file = await Deno.open(paths[i]!, { write: true });
        await file.write(npyHeader(Math.min(info.rows, common), dim));
        file.close();
        return openNpyWriter(paths[i]!, false, dim);
      }
      const { ends } = await jsonlKeys(paths[i]!);
      await Deno.truncate(paths[i]!, common > 0 ? ends[common - 1] : 0);
      return openJsonl(paths[i]!, false, decimals, dim);
    }));
  }
  const done = new Set(writers[0]!.keys.map(keyOf));
  return {
    paths,
    resumedRows: writers[0]!.keys.length,
    has: (key) => done.has(keyOf(key)),
    async append(keys, vectors) {
      for (const w of writers) await w.append(keys, vectors);
      for (const k of keys) done.add(keyOf(k));
    },
    close: () => {
      writers.forEach((w) => w.close());
      return Promise.resolve();
    },
  };
}
