/**
 * The binary embeddings format: a NumPy `.npy` file (`<f4`, shape `(n, dim)`, C order) beside a
 * `.labels.tsv` file (`identity<TAB>image_name` per row, with a header line). In Python:
 * `np.load("X.npy")` and
 * `pandas.read_csv("X.labels.tsv", sep="\t", dtype=str, keep_default_na=False)` (identities stay
 * text: `0001` is not read as 1, `NA` not as NaN). Files written by numpy as float64 or float16,
 * big-endian or in Fortran order are read too, converted to row-major float32; NaN and infinite
 * values are refused on load, naming file, row and column.
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

/** Value types of a `.npy` file the kit reads: float32 (its own), float64 and float16, either byte order. */
export type NpyDescr = "<f4" | ">f4" | "<f8" | ">f8" | "<f2" | ">f2";

const DESCRS: Record<string, NpyDescr> = {
  "<f4": "<f4",
  ">f4": ">f4",
  "<f8": "<f8",
  ">f8": ">f8",
  "<f2": "<f2",
  ">f2": ">f2",
  "=f4": "<f4",
  "=f8": "<f8",
  "=f2": "<f2",
};

const DTYPE_NAMES: Record<string, string> = { f2: "float16", f4: "float32", f8: "float64" };

/** Shape, value type, order and data offset of a `.npy` file. */
export interface NpyInfo {
  /** Rows (the first dimension of the shape). */
  rows: number;
  /** Columns (the second dimension). */
  dim: number;
  /** Byte offset of the first value. */
  dataOffset: number;
  /** The value type (`<f4` is the kit's own: no conversion). */
  descr: NpyDescr;
  /** Column-major values (`np.asfortranarray`); rows are then not contiguous in the file. */
  fortranOrder: boolean;
  /** Bytes per value: 2, 4 or 8. */
  itemSize: number;
}

/**
 * Parses a `.npy` header (versions 1-3) of a 2-d floating-point array: float32, float64 or
 * float16, little- or big-endian, C or Fortran order.
 *
 * @param bytes At least the header bytes.
 * @param path For messages.
 * @returns Shape, value type, order and data offset.
 * @throws {SyntaxError} When the header is not such an array.
 *
 * @example
 * ```ts
 * import { npyHeader, NPY_HEADER_BYTES, parseNpyHeader } from "./_npy.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseNpyHeader(npyHeader(3, 512)), {
 *   rows: 3, dim: 512, dataOffset: NPY_HEADER_BYTES, descr: "<f4", fortranOrder: false, itemSize: 4,
 * });
 * assert.throws(() => parseNpyHeader(new Uint8Array(16), "x.npy"), SyntaxError);
 * ```
 */
export function parseNpyHeader(bytes: Uint8Array, path = "<npy>"): NpyInfo {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new SyntaxError(`${path}: not a .npy file (no \\x93NUMPY magic)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major !== 1 && major !== 2 && major !== 3) {
    throw new SyntaxError(`${path}: .npy format version ${major} is not one of 1, 2 or 3`);
  }
  if (major !== 1 && bytes.length < 12) throw new SyntaxError(`${path}: truncated .npy header`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start + headerLength) throw new SyntaxError(`${path}: truncated .npy header`);
  const dict = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(start, start + headerLength),
  );
  const rawDescr = /'descr':\s*'([^']+)'/.exec(dict)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(dict)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1];
  const descr = rawDescr === undefined ? undefined : DESCRS[rawDescr];
  if (descr === undefined || fortran === undefined || shape === undefined) {
    throw new SyntaxError(
      `${path}: expected a float32, float64 or float16 array ('<f4', '<f8', '<f2'), found header ${dict.trim()}`,
    );
  }
  const dims = shape.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (dims.length !== 2 || dims.some((d) => !/^\d+L?$/.test(d))) {
    throw new SyntaxError(
      `${path}: expected a 2-d array (rows, dim), found shape (${shape}); save embeddings as a matrix with one row per image`,
    );
  }
  const [rows, dim] = dims.map((d) => Number.parseInt(d, 10)) as [number, number];
  return {
    rows,
    dim,
    dataOffset: start + headerLength,
    descr,
    fortranOrder: fortran === "True",
    itemSize: Number(descr.slice(2)),
  };
}

/**
 * What reading an `.npy` file of this type costs in fidelity, for the reporter: `undefined` for
 * the kit's own little-endian float32 C order, else a sentence such as
 * `float64 values rounded to float32`.
 *
 * @param info The parsed header.
 * @returns The sentence, or `undefined` when nothing is converted.
 *
 * @example
 * ```ts
 * import { npyConversion, npyHeader, parseNpyHeader } from "./_npy.ts";
 * if (npyConversion(parseNpyHeader(npyHeader(1, 2))) !== undefined) throw new Error("unexpected");
 * ```
 */
export function npyConversion(info: NpyInfo): string | undefined {
  const parts: string[] = [];
  const type = DTYPE_NAMES[info.descr.slice(1)]!;
  if (info.itemSize === 8) parts.push(`${type} values rounded to float32`);
  if (info.itemSize === 2) parts.push(`${type} values widened to float32 (exactly)`);
  if (info.descr.startsWith(">")) parts.push("big-endian bytes swapped");
  if (info.fortranOrder) parts.push("Fortran (column-major) order transposed to rows");
  return parts.length === 0 ? undefined : parts.join("; ");
}

/**
 * IEEE 754 binary16 bits to the number they hold (exact): `.npy` float16 files and `.pth` float16
 * tensors are read through it.
 *
 * @param bits The 16 bits, as an unsigned integer.
 * @returns The value (±Infinity and NaN included).
 *
 * @example
 * ```ts
 * import { halfToFloat } from "./_npy.ts";
 * if (halfToFloat(0x3c00) !== 1 || halfToFloat(0xc000) !== -2 || halfToFloat(0x0001) !== 2 ** -24) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Options of {@linkcode npyValuesToFloat32}. */
export interface NpyValuesOptions {
  /** The file, for messages. @default "<npy>" */
  path?: string;
  /** Row number (0-based) of the first row in `bytes`, for messages. @default 0 */
  firstRow?: number;
  /** Labels of the rows (all rows of the file), to name the row of a bad value. @default none */
  labels?: { identities: readonly string[]; imageNames: readonly string[] };
}

/**
 * Converts the values of whole rows of an `.npy` file to a row-major float32 matrix, refusing
 * any value that is not finite (NaN, ±Infinity) or that float32 cannot hold (a float64 beyond
 * ±3.4028234663852886e38, float32 overflow), naming the file, the row (with its labels when
 * given) and the column, as scikit-learn refuses such input. Float64 values are rounded to the
 * nearest float32 (`np.float32(x)`), float16 values widened exactly. A C-order file may be
 * converted block by block (`bytes` holds `rows * dim` values starting at row `firstRow`); a
 * Fortran-order file only whole (`bytes` holds every value of the file).
 *
 * @param bytes The values of the rows, as stored in the file (after the header).
 * @param info The file's header.
 * @param options File name, first row number and labels, for messages.
 * @returns `rows * dim` float32 values, row-major (`rows` = `bytes.length / (dim * itemSize)`).
 * @throws {RangeError} When a value is not finite or overflows float32, or `bytes` does not hold
 *   whole rows (or, in Fortran order, the whole file).
 *
 * @example
 * ```ts
 * import { npyValuesToFloat32, type NpyInfo } from "./_npy.ts";
 * import assert from "node:assert/strict";
 * const info: NpyInfo = { rows: 2, dim: 2, dataOffset: 128, descr: "<f8", fortranOrder: false, itemSize: 8 };
 * const bytes = new Uint8Array(new Float64Array([0.6, 0.8, 1, 0]).buffer);
 * assert.deepEqual(Array.from(npyValuesToFloat32(bytes, info)), [Math.fround(0.6), Math.fround(0.8), 1, 0]);
 * assert.throws(() => npyValuesToFloat32(new Uint8Array(new Float64Array([0, 1e39, 1, 0]).buffer), info, {
 *   path: "E.npy",
 * }), { message: /^E\.npy: row 0, column 1 holds 1e\+39, beyond float32's range/ });
 * ```
 */
export function npyValuesToFloat32(
  bytes: Uint8Array,
  info: NpyInfo,
  options: NpyValuesOptions = {},
): Float32Array {
  const { path = "<npy>", firstRow = 0, labels } = options;
  const { dim, itemSize, descr, fortranOrder } = info;
  const rowBytes = dim * itemSize;
  if (rowBytes === 0 || bytes.length % rowBytes !== 0) {
    if (rowBytes === 0 && bytes.length === 0) return new Float32Array(0);
    throw new RangeError(
      `${path}: cannot convert ${bytes.length} bytes into rows of ${dim} values of ${itemSize} bytes`,
    );
  }
  const rows = bytes.length / rowBytes;
  if (fortranOrder && (firstRow !== 0 || rows !== info.rows)) {
    throw new RangeError(
      `${path}: a Fortran-order .npy file is converted whole (its rows are not contiguous): got rows ${firstRow} to ${
        firstRow + rows
      } of ${info.rows}`,
    );
  }
  const n = rows * dim;
  const out = new Float32Array(n);
  const little = descr.startsWith("<");
  if (itemSize === 4 && little && !fortranOrder) {
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let k = 0; k < n; k++) {
      const at = k * itemSize;
      const value = itemSize === 8
        ? view.getFloat64(at, little)
        : itemSize === 4
        ? view.getFloat32(at, little)
        : halfToFloat(view.getUint16(at, little));
      // Fortran order: value k is row k % rows, column floor(k / rows).
      const index = fortranOrder ? (k % rows) * dim + Math.floor(k / rows) : k;
      out[index] = value;
      if (!Number.isFinite(out[index]!) && Number.isFinite(value)) {
        throw new RangeError(
          `${
            where(path, firstRow + Math.floor(index / dim), index % dim, labels)
          } holds ${value}, beyond float32's range (±3.4028234663852886e+38): refused as float32 overflow`,
        );
      }
    }
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i]!)) {
      throw new RangeError(
        `${where(path, firstRow + Math.floor(i / dim), i % dim, labels)} holds ${
          out[i]
        }: embeddings must be finite (a NaN or infinite value means the model or the file is broken)`,
      );
    }
  }
  return out;
}

function where(
  path: string,
  row: number,
  column: number,
  labels: NpyValuesOptions["labels"],
): string {
  const identity = labels?.identities[row];
  const image = labels?.imageNames[row];
  const named = identity === undefined ? "" : ` (${identity}/${image})`;
  return `${path}: row ${row}${named}, column ${column}`;
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
 * The text of the labels file of an `.npy` file, or an error that names the missing file and how
 * it is made (the one message of every `.npy` reader).
 *
 * @param path The `.npy` file.
 * @returns The text of `X.labels.tsv`.
 * @throws {Deno.errors.NotFound} When the labels file does not exist.
 *
 * @example
 * ```ts
 * import { readLabelsText } from "./_npy.ts";
 * import assert from "node:assert/strict";
 * await assert.rejects(readLabelsText("nowhere/X.npy"), { message: /X\.labels\.tsv does not exist/ });
 * ```
 */
export async function readLabelsText(path: string): Promise<string> {
  const lpath = labelsPath(path);
  try {
    return await Deno.readTextFile(lpath);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Deno.errors.NotFound(
      `Cannot read ${path}: its labels file ${lpath} does not exist (one "identity<TAB>image_name" line per row under that header line; deno task embed --format npy writes both files, and from Python: pandas.DataFrame({"identity": ids, "image_name": names}).to_csv("${lpath}", sep="\\t", index=False))`,
    );
  }
}

/**
 * Reads the labels file of an `.npy` file: identities and image names of `rows` rows.
 *
 * @param path The `.npy` path (its labels are `X.labels.tsv`).
 * @param rows Rows the matrix holds.
 * @returns The two label columns.
 * @throws {SyntaxError} When the header line is wrong, a line has no tab, or the count differs.
 *
 * @example
 * ```ts
 * import { readNpyLabels } from "./_npy.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/x.labels.tsv`, "identity\timage_name\na\t1.png\n");
 * const labels = await readNpyLabels(`${dir}/x.npy`, 1);
 * if (labels.imageNames[0] !== "1.png") throw new Error("unexpected");
 * ```
 */
export async function readNpyLabels(
  path: string,
  rows: number,
): Promise<{ identities: string[]; imageNames: string[] }> {
  const lpath = labelsPath(path);
  const lines = (await readLabelsText(path)).split("\n");
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
  if (identities.length !== rows) {
    throw new SyntaxError(`${path}: ${rows} rows but ${lpath} has ${identities.length} labels`);
  }
  return { identities, imageNames };
}

/** Options of {@linkcode readNpy}. */
export interface ReadNpyOptions {
  /**
   * Receives one line when the values are converted (float64, float16, big-endian or Fortran
   * order; see {@linkcode npyConversion}). @default no report
   */
  onConversion?: (message: string) => void;
}

/**
 * Reads a `.npy` + `.labels.tsv` pair. The matrix is read in one call (disk speed); float64,
 * float16, big-endian and Fortran-order files are converted to row-major float32 (said through
 * `onConversion`). Every value must be finite.
 *
 * @param path The `.npy` file.
 * @param options Where a conversion is reported.
 * @returns The set.
 * @throws {SyntaxError} When the files disagree or are malformed.
 * @throws {RangeError} When a value is not finite or overflows float32, naming row and column.
 * @throws {Deno.errors.NotFound} When the labels file is missing, naming it and how it is made.
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
export async function readNpy(path: string, options: ReadNpyOptions = {}): Promise<EmbeddingSet> {
  const bytes = await Deno.readFile(path);
  const info = parseNpyHeader(bytes, path);
  const expected = info.dataOffset + info.rows * info.dim * info.itemSize;
  if (bytes.length < expected) {
    throw new SyntaxError(
      `${path}: header says ${info.rows} x ${info.dim} ${
        DTYPE_NAMES[info.descr.slice(1)]
      } but the file holds ${bytes.length} bytes (expected ${expected})`,
    );
  }
  const { identities, imageNames } = await readNpyLabels(path, info.rows);
  const vectors = npyValuesToFloat32(bytes.subarray(info.dataOffset, expected), info, {
    path,
    labels: { identities, imageNames },
  });
  const conversion = npyConversion(info);
  if (conversion !== undefined) options.onConversion?.(`${path}: ${conversion}`);
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
