/**
 * Embeddings read in row blocks instead of whole: an `.npy` gallery (CASIA-WebFace, 1 GB and
 * more) is opened with its labels, and its rows are read from disk block by block into one
 * reused buffer, so a search holds one block of the matrix at a time instead of the file twice
 * (bytes plus the `Float32Array`). An in-memory {@linkcode EmbeddingSet} offers the same
 * interface through {@linkcode embeddingBlocks}.
 *
 * The header is parsed by the `.npy` reader's {@linkcode parseNpyHeader} (little-endian float32,
 * C order); the labels file is read as `readNpy` reads it.
 *
 * @module
 */
import type { EmbeddingSet } from "./_embedding_set.ts";
import {
  npyConversion,
  npyValuesToFloat32,
  parseNpyHeader,
  readNpy,
  readNpyLabels,
} from "./_npy.ts";

/** Rows of embeddings, readable in blocks; labels are held in memory. */
export interface EmbeddingBlocks {
  /** Identity of each row. */
  readonly identities: string[];
  /** Image name of each row. */
  readonly imageNames: string[];
  /** Embedding dimension. */
  readonly dim: number;
  /** Row count. */
  readonly rows: number;
  /**
   * Reads rows `start` to `start + count - 1`, row-major. The array may be a view of the set's
   * own storage or a buffer the next `read` reuses: copy what must outlive that call.
   */
  read(start: number, count: number): Promise<Float32Array>;
  /** Closes the file, if any. */
  close(): void;
}

/**
 * Wraps an in-memory set as {@linkcode EmbeddingBlocks} (reads are views of `set.vectors`).
 *
 * @param set The embeddings.
 * @returns The blocks.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "./_embedding_set.ts";
 * import { embeddingBlocks } from "./_npy_blocks.ts";
 * const blocks = embeddingBlocks(embeddingSet(["a", "b"], ["1", "2"], new Float32Array([1, 0, 0, 1]), 2));
 * if ((await blocks.read(1, 1)).join() !== "0,1") throw new Error("unexpected");
 * ```
 */
export function embeddingBlocks(set: EmbeddingSet): EmbeddingBlocks {
  const { identities, imageNames, dim, vectors } = set;
  return {
    identities,
    imageNames,
    dim,
    rows: identities.length,
    read(start, count) {
      checkRange(start, count, identities.length, "the embedding set");
      return Promise.resolve(vectors.subarray(start * dim, (start + count) * dim));
    },
    close() {},
  };
}

function checkRange(start: number, count: number, rows: number, what: string): void {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0) {
    throw new RangeError(
      `Cannot read rows of ${what}: start ${start} and count ${count} must be non-negative integers`,
    );
  }
  if (start + count > rows) {
    throw new RangeError(
      `Cannot read rows ${start} to ${start + count - 1} of ${what}: it has ${rows} rows`,
    );
  }
}

/** Options of {@linkcode openNpyBlocks}. */
export interface OpenNpyBlocksOptions {
  /** Header bytes read to parse the header (versions 1-3). @default 65536 */
  headerBytes?: number;
  /**
   * Receives one line when the file's values are converted to float32 (float64, float16,
   * big-endian, or Fortran order, which is read whole: its rows are not contiguous).
   * @default no report
   */
  onConversion?: (message: string) => void;
}

/**
 * Opens an `.npy` + `.labels.tsv` pair for block reads. Only the labels and one block buffer are
 * held in memory; close the blocks after use. Float64, float16 and big-endian files are converted
 * block by block (`npyValuesToFloat32`, which refuses non-finite values naming the row); a
 * Fortran-order file, whose rows are not contiguous, is read whole (`readNpy`).
 *
 * @param path The `.npy` file.
 * @param options Header read size, and where a conversion is reported.
 * @returns The blocks.
 * @throws {SyntaxError} When the header is not a 2-d floating-point matrix, the file is shorter
 *   than its header says, or the labels disagree.
 * @throws {RangeError} From `read`, when a converted value is not finite or overflows float32.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "./_embedding_set.ts";
 * import { writeNpy } from "./_npy.ts";
 * import { openNpyBlocks } from "./_npy_blocks.ts";
 * const path = `${await Deno.makeTempDir()}/g.npy`;
 * await writeNpy(path, embeddingSet(["a", "b"], ["1", "2"], new Float32Array([1, 0, 0.6, 0.8]), 2));
 * const blocks = await openNpyBlocks(path);
 * const rows = await blocks.read(1, 1);
 * blocks.close();
 * if (rows[1] !== Math.fround(0.8) || blocks.identities[1] !== "b") throw new Error("unexpected");
 * ```
 */
export async function openNpyBlocks(
  path: string,
  options: OpenNpyBlocksOptions = {},
): Promise<EmbeddingBlocks> {
  const { headerBytes = 65536, onConversion } = options;
  const file = await Deno.open(path, { read: true });
  let open = true;
  try {
    const size = (await file.stat()).size;
    const head = new Uint8Array(Math.min(headerBytes, size));
    await readFully(file, head, 0, path);
    const info = parseNpyHeader(head, path);
    if (info.fortranOrder) {
      file.close();
      open = false;
      return embeddingBlocks(await readNpy(path, onConversion ? { onConversion } : {}));
    }
    const conversion = npyConversion(info);
    if (conversion !== undefined) onConversion?.(`${path}: ${conversion}`);
    const { itemSize } = info;
    const expected = info.dataOffset + info.rows * info.dim * itemSize;
    if (size < expected) {
      throw new SyntaxError(
        `${path}: header says ${info.rows} x ${info.dim} values of ${itemSize} bytes but the file holds ${size} bytes (expected ${expected})`,
      );
    }
    const { identities, imageNames } = await readNpyLabels(path, info.rows);
    const { rows, dim, dataOffset } = info;
    let buffer = new Float32Array(0);
    let closed = false;
    return {
      identities,
      imageNames,
      dim,
      rows,
      async read(start, count) {
        checkRange(start, count, rows, path);
        if (conversion !== undefined) {
          const raw = new Uint8Array(count * dim * itemSize);
          await readFully(file, raw, dataOffset + start * dim * itemSize, path);
          return npyValuesToFloat32(raw, info, { path, firstRow: start });
        }
        if (buffer.length < count * dim) buffer = new Float32Array(count * dim);
        const out = buffer.subarray(0, count * dim);
        const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
        await readFully(file, bytes, dataOffset + start * dim * 4, path);
        return out;
      },
      close() {
        if (!closed) file.close();
        closed = true;
      },
    };
  } catch (error) {
    if (open) file.close();
    throw error;
  }
}

/** Fills `bytes` from `file` at `offset`. */
async function readFully(
  file: Deno.FsFile,
  bytes: Uint8Array,
  offset: number,
  path: string,
): Promise<void> {
  await file.seek(offset, Deno.SeekMode.Start);
  let done = 0;
  while (done < bytes.length) {
    const n = await file.read(bytes.subarray(done));
    if (n === null) {
      throw new SyntaxError(
        `${path}: ended at byte ${
          offset + done
        } while reading ${bytes.length} bytes from ${offset}`,
      );
    }
    done += n;
  }
}
