/**
 * The binary embeddings format: a NumPy `.npy` file (`<f4`, shape `(n, dim)`, C order) beside a
 * `.labels.tsv` file (`identity<TAB>image_name` per row, with a header line). In Python:
 * `np.load("X.npy")` and `pandas.read_csv("X.labels.tsv", sep="\t")`.
 *
 * The header is written with a fixed width so the row count can be rewritten in place after every
 * appended batch: a killed run leaves a valid file holding every finished batch.
 *
 * @module
 */
import { type EmbeddingSet, embeddingSet } from "./_embedding_set.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Total header size (magic + version + length + dict), a multiple of 64. */
export const NPY_HEADER_BYTES = 128;

/**
 * The `.npy` header for a float32 matrix, padded to {@linkcode NPY_HEADER_BYTES}.
 *
 * @param rows Row count.
 * @param dim Columns.
 * @returns Header bytes.
 *
 * @example
 * ```ts
 * import { npyHeader, NPY_HEADER_BYTES } from "./_npy.ts";
 * if (npyHeader(3, 512).length !== NPY_HEADER_BYTES) throw new Error("unexpected");
 * ```
 */
export function npyHeader(rows: number, dim: number): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const room = NPY_HEADER_BYTES - 10;
  if (dict.length + 1 > room) {
    throw new RangeError(`Cannot write the .npy header: shape (${rows}, ${dim}) is too large`);
  }
  const text = dict.padEnd(room - 1, " ") + "\n";
  const out = new Uint8Array(NPY_HEADER_BYTES);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, room, true);
  out.set(new TextEncoder().encode(text), 10);
  return out;
}

/** Shape and data offset of a `.npy` file. */
export interface NpyInfo {
  /** Rows (the first dimension of the shape). */
  rows: number;
  /** Columns (the second dimension). */
  dim: number;
  /** Byte offset of the first value. */
  dataOffset: number;
}

/**
 * Parses a `.npy` header (versions 1-3) of a little-endian float32 C-order 2-d array.
 *
 * @param bytes At least the header bytes.
 * @param path For messages.
 * @returns Shape and data offset.
 * @throws {SyntaxError} When the header is not such an array.
 *
 * @example
 * ```ts
 * import { npyHeader, NPY_HEADER_BYTES, parseNpyHeader } from "./_npy.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseNpyHeader(npyHeader(3, 512)), { rows: 3, dim: 512, dataOffset: NPY_HEADER_BYTES });
 * assert.throws(() => parseNpyHeader(new Uint8Array(16), "x.npy"), SyntaxError);
 * ```
 */
export function parseNpyHeader(bytes: Uint8Array, path = "<npy>"): NpyInfo {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new SyntaxError(`${path}: not a .npy file (no \\x93NUMPY magic)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start + headerLength) throw new SyntaxError(`${path}: truncated .npy header`);
  const dict = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(dict)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(dict)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (descr !== "<f4" || fortran !== "False" || shape === undefined) {
    throw new SyntaxError(
      `${path}: expected a little-endian float32 C-order array ('<f4'), found header ${dict.trim()}`,
    );
  }
  const dims = shape.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (dims.length !== 2) {
    throw new SyntaxError(`${path}: expected a 2-d array, found shape (${shape})`);
  }
  return { rows: dims[0]!, dim: dims[1]!, dataOffset: start + headerLength };
}

/**
 * Path of the labels file that goes with a `.npy` file.
 *
 * @param npyPath The `.npy` path.
 * @returns `X.labels.tsv` for `X.npy`.
 *
 * @example
 * ```ts
 * import { labelsPath } from "./_npy.ts";
 * if (labelsPath("a/b.npy") !== "a/b.labels.tsv") throw new Error("unexpected");
 * ```
 */
export function labelsPath(npyPath: string): string {
  return npyPath.replace(/\.npy$/i, "") + ".labels.tsv";
}

/** Header line of the labels file. */
export const LABELS_HEADER = "identity\timage_name";

/**
 * Checks that a label can be written to the TSV labels file.
 *
 * @param label Identity or image name.
 * @returns The label.
 * @throws {RangeError} When it holds a tab or a line break.
 *
 * @example
 * ```ts
 * import { checkLabel } from "./_npy.ts";
 * import assert from "node:assert/strict";
 * assert.equal(checkLabel("a b,c"), "a b,c");
 * assert.throws(() => checkLabel("a\tb"), RangeError);
 * ```
 */
export function checkLabel(label: string): string {
  if (/[\t\r\n]/.test(label)) {
    throw new RangeError(
      `Cannot write the label ${JSON.stringify(label)}: it holds a tab or line break`,
    );
  }
  return label;
}

/**
 * Reads a `.npy` + `.labels.tsv` pair. The matrix is read in one call (disk speed).
 *
 * @param path The `.npy` file.
 * @returns The set.
 * @throws {SyntaxError} When the files disagree or are malformed.
 *
 * @example
 * ```ts
 * import { readNpy, writeNpy } from "./_npy.ts";
 * import { embeddingSet } from "./_embedding_set.ts";
 * const path = (await Deno.makeTempDir()) + "/x.npy";
 * await writeNpy(path, embeddingSet(["a", "b"], ["1", "2"], new Float32Array([1, 0, 0, 1]), 2));
 * const set = await readNpy(path);
 * if (set.identities.join() !== "a,b" || set.vectors[3] !== 1) throw new Error("unexpected");
 * ```
 */
export async function readNpy(path: string): Promise<EmbeddingSet> {
  const bytes = await Deno.readFile(path);
  const info = parseNpyHeader(bytes, path);
  const expected = info.dataOffset + info.rows * info.dim * 4;
  if (bytes.length < expected) {
    throw new SyntaxError(
      `${path}: header says ${info.rows} x ${info.dim} float32 but the file holds ${bytes.length} bytes (expected ${expected})`,
    );
  }
  const vectors = new Float32Array(info.rows * info.dim);
  new Uint8Array(vectors.buffer).set(bytes.subarray(info.dataOffset, expected));
  const lpath = labelsPath(path);
  const lines = (await Deno.readTextFile(lpath)).split("\n");
  if (lines[0]!.replace(/\r$/, "") !== LABELS_HEADER) {
    throw new SyntaxError(
      `${lpath}:1: expected the header "${LABELS_HEADER.replace("\t", "\\t")}"`,
    );
  }
  const identities: string[] = [];
  const imageNames: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    if (line === "") continue;
    const tab = line.indexOf("\t");
    if (tab < 0) throw new SyntaxError(`${lpath}:${i + 1}: expected identity<TAB>image_name`);
    identities.push(line.slice(0, tab));
    imageNames.push(line.slice(tab + 1));
  }
  if (identities.length !== info.rows) {
    throw new SyntaxError(
      `${path}: ${info.rows} rows but ${lpath} has ${identities.length} labels`,
    );
  }
  return embeddingSet(identities, imageNames, vectors, info.dim);
}

/**
 * Writes a set as `.npy` + `.labels.tsv`.
 *
 * @param path The `.npy` path.
 * @param set The embeddings.
 * @throws {RangeError} When a label holds a tab or a line break.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "./_embedding_set.ts";
 * import { labelsPath, writeNpy } from "./_npy.ts";
 * import assert from "node:assert/strict";
 * const path = `${await Deno.makeTempDir()}/x.npy`;
 * await writeNpy(path, embeddingSet(["a"], ["1.png"], new Float32Array([0.6, 0.8]), 2));
 * assert.equal(await Deno.readTextFile(labelsPath(path)), "identity\timage_name\na\t1.png\n");
 * assert.equal((await Deno.stat(path)).size, 128 + 8);
 * ```
 */
export async function writeNpy(path: string, set: EmbeddingSet): Promise<void> {
  const rows = set.identities.length;
  const out = new Uint8Array(NPY_HEADER_BYTES + rows * set.dim * 4);
  out.set(npyHeader(rows, set.dim));
  out.set(
    new Uint8Array(set.vectors.buffer, set.vectors.byteOffset, rows * set.dim * 4),
    NPY_HEADER_BYTES,
  );
  await Deno.writeFile(path, out);
  const labels = [LABELS_HEADER];
  for (let i = 0; i < rows; i++) {
    labels.push(`${checkLabel(set.identities[i]!)}\t${checkLabel(set.imageNames[i]!)}`);
  }
  await Deno.writeTextFile(labelsPath(path), labels.join("\n") + "\n");
}
