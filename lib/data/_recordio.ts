/**
 * MXNet RecordIO datasets as insightface ships them (`train.rec` + `train.idx`, e.g.
 * `faces_webface_112x112`): records located through the `.idx` (never by scanning), multi-part
 * records joined, `IRHeader` labels decoded. Layout: `shared/spec/formats.md` §3.
 *
 * Keys: identity = the record's class label as an integer string, image name = record index +
 * `.jpg`; a `list.txt` beside the `.rec` (tab-separated, first field the record index, last field
 * `<identity>/<image>`, as DCFace ships) names them instead. As a {@linkcode Container}, each
 * image record is the entry `<identity>/<image name>`.
 *
 * Hand-written: no maintained npm package reads RecordIO.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { readAt, readEach, serialQueue } from "./_archive_entries.ts";
import type { Container, ContainerRecord, StreamOptions } from "./_container.ts";
import type { ImageKey } from "./_dataset.ts";

const MAGIC = 0xced7230a;
const LENGTH_MASK = (1 << 29) - 1;

/** A decoded record: `IRHeader` fields and the payload (the encoded image). */
export interface RecordIORecord {
  /** Number of float labels (0: the scalar `label` is the label). */
  flag: number;
  /** Scalar label, or `labels[0]` when `flag > 0`. */
  label: number;
  /** The `flag` labels when `flag > 0`. */
  labels: Float32Array;
  /** `IRHeader.id` (u64 at byte 8): the image id the packer wrote (im2rec: its list index). */
  id: bigint;
  /** `IRHeader.id2` (u64 at byte 16): a second id, 0 as im2rec and insightface write it. */
  id2: bigint;
  /** Bytes after the header and labels. */
  payload: Uint8Array;
}

/**
 * Decodes `IRHeader` (`IfQQ`: u32 flag, f32 label, u64 id, u64 id2) and the labels that follow it.
 *
 * @param data A whole record.
 * @param what Record name for messages.
 * @returns The fields and payload.
 * @throws {SyntaxError} When the record is shorter than its header.
 *
 * @example
 * ```ts
 * import { decodeIRHeader } from "./_recordio.ts";
 * const data = new Uint8Array(24 + 3);
 * new DataView(data.buffer).setFloat32(4, 7, true);
 * data.set([1, 2, 3], 24);
 * const r = decodeIRHeader(data, "record 1");
 * if (r.label !== 7 || r.payload.join() !== "1,2,3") throw new Error("unexpected");
 * ```
 */
export function decodeIRHeader(data: Uint8Array, what: string): RecordIORecord {
  if (data.length < 24) {
    throw new SyntaxError(`Cannot decode ${what}: ${data.length} bytes hold no 24-byte IRHeader`);
  }
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const flag = v.getUint32(0, true);
  const end = 24 + 4 * flag;
  if (data.length < end) {
    throw new SyntaxError(
      `Cannot decode ${what}: its header announces ${flag} labels past its end`,
    );
  }
  const labels = new Float32Array(flag);
  for (let i = 0; i < flag; i++) labels[i] = v.getFloat32(24 + 4 * i, true);
  return {
    flag,
    label: flag > 0 ? labels[0]! : v.getFloat32(4, true),
    labels,
    id: v.getBigUint64(8, true),
    id2: v.getBigUint64(16, true),
    payload: data.subarray(end),
  };
}

/** A `.rec` file open for reads through its `.idx`. */
export class RecordIOFile {
  /** The `.rec` path. */
  readonly source: string;
  /** Record key → byte offset, in `.idx` line order. */
  readonly index: Map<number, number>;
  readonly #file: Deno.FsFile;
  readonly #size: number;
  /** Record key -> its line in the `.idx`, for messages. */
  #lines = new Map<number, number>();
  readonly #queue = serialQueue();

  private constructor(source: string, file: Deno.FsFile, size: number, index: Map<number, number>) {
    this.source = source;
    this.#file = file;
    this.#size = size;
    this.index = index;
  }

  /**
   * Opens `x.rec` with `x.idx` (either path may be given).
   *
   * @param path The `.rec` or `.idx` path.
   * @returns The open file; {@linkcode RecordIOFile.close} it.
   * @throws {Deno.errors.NotFound} When either file is missing.
   * @throws {SyntaxError} When an `.idx` line is not `key<TAB>offset`.
   */
  static async open(path: string): Promise<RecordIOFile> {
    const base = path.replace(/\.(rec|idx)$/i, "");
    const rec = `${base}.rec`;
    const idxText = await Deno.readTextFile(`${base}.idx`);
    const file = await Deno.open(rec, { read: true });
    const size = (await file.stat()).size;
    const index = new Map<number, number>();
    const rows = idxText.split("\n");
    const lines = new Map<number, number>();
    for (let i = 0; i < rows.length; i++) {
      const line = rows[i]!.trim();
      if (!line) continue;
      const m = /^(\d+)\s+(\d+)$/.exec(line);
      if (!m) {
        file.close();
        throw new SyntaxError(
          `Cannot read ${base}.idx line ${
            i + 1
          }: expected 'key<TAB>offset' within the ${size}-byte ${rec}, current value is '${line}'`,
        );
      }
      const offset = Number(m[2]);
      lines.set(Number(m[1]), i + 1);
      index.set(Number(m[1]), offset);
    }
    const opened = new RecordIOFile(rec, file, size, index);
    opened.#lines = lines;
    return opened;
  }

  /**
   * Reads and decodes the record with this key, joining multi-part records (cflag 1, 2..., 3) with
   * the magic word the writer split them at.
   *
   * @param key Record key of the `.idx`.
   * @returns The record, or `undefined` when the key is not indexed.
   * @throws {SyntaxError} Naming the archive and record when the magic is wrong or the data is
   * truncated.
   */
  read(key: number): Promise<RecordIORecord | undefined> {
    const offset = this.index.get(key);
    if (offset === undefined) return Promise.resolve(undefined);
    const what = `record ${key} of ${this.source}`;
    const pastEnd = this.#pastEnd(key, offset, what);
    if (pastEnd) return Promise.reject(pastEnd);
    return this.#queue(async () => decodeIRHeader(await this.#readParts(offset, what), what));
  }

  /**
   * The class label of a record (scalar label, or the first of its labels), reading only the
   * start of the record.
   *
   * @param key Record key of the `.idx`.
   * @returns The label, or `undefined` when the key is not indexed.
   * @throws {SyntaxError} Naming the archive and record when it is corrupt or truncated.
   */
  label(key: number): Promise<number | undefined> {
    const offset = this.index.get(key);
    if (offset === undefined) return Promise.resolve(undefined);
    const what = `record ${key} of ${this.source}`;
    const pastEnd = this.#pastEnd(key, offset, what);
    if (pastEnd) return Promise.reject(pastEnd);
    return this.#queue(async () => {
      const head = await readAt(this.#file, offset, Math.min(36, this.#size - offset), what);
      const v = new DataView(head.buffer);
      if (head.length < 36 || v.getUint32(0, true) !== MAGIC) {
        throw new SyntaxError(
          `Cannot read ${what}: no RecordIO record with a header at offset ${offset}`,
        );
      }
      return v.getUint32(8, true) > 0 ? v.getFloat32(32, true) : v.getFloat32(12, true);
    });
  }

  #pastEnd(key: number, offset: number, what: string): SyntaxError | undefined {
    if (offset + 8 <= this.#size) return undefined;
    const line = this.#lines.get(key);
    const idx = this.source.replace(/\.rec$/i, ".idx");
    return new SyntaxError(
      `Cannot read ${what}: ${idx} line ${line} gives offset ${offset}, past the end of the ` +
        `${this.#size}-byte file (a truncated .rec, or an .idx of another .rec)`,
    );
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }

  async #readParts(offset: number, what: string): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let at = offset;
    for (;;) {
      if (at + 8 > this.#size) {
        throw new SyntaxError(
          `Cannot read ${what}: the file ends at ${this.#size} bytes, inside the record (truncated)`,
        );
      }
      const head = await readAt(this.#file, at, 8, what);
      const v = new DataView(head.buffer);
      if (v.getUint32(0, true) !== MAGIC) {
        throw new SyntaxError(
          `Cannot read ${what}: no RecordIO magic at offset ${at} (corrupt file or index)`,
        );
      }
      const lrec = v.getUint32(4, true);
      const cflag = lrec >>> 29;
      const length = lrec & LENGTH_MASK;
      parts.push(await readAt(this.#file, at + 8, length, what));
      at += 8 + Math.ceil(length / 4) * 4;
      if (cflag === 0 || cflag === 3) break;
      if (parts.length === 1 && cflag !== 1) {
        throw new SyntaxError(`Cannot read ${what}: it starts with continuation flag ${cflag}`);
      }
    }
    if (parts.length === 1) return parts[0]!;
    const total = parts.reduce((n, p) => n + p.length, 0) + 4 * (parts.length - 1);
    const out = new Uint8Array(total);
    const magic = new Uint8Array(new Uint32Array([MAGIC]).buffer);
    let pos = 0;
    parts.forEach((p, i) => {
      if (i > 0) {
        out.set(magic, pos);
        pos += 4;
      }
      out.set(p, pos);
      pos += p.length;
    });
    return out;
  }
}

/** The image records of an insightface `.rec` and their dataset keys. */
export interface RecordIOLayout {
  /** Record keys of the images, in reading order. */
  keys: number[];
  /** Dataset key of each image (filled as records are read when no `list.txt` names them). */
  names?: Map<number, ImageKey>;
}

async function readListTxt(path: string): Promise<Map<number, ImageKey> | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const names = new Map<number, ImageKey>();
  for (const line of text.split("\n")) {
    const fields = line.trim().split("\t");
    if (fields.length < 2) continue;
    const parts = fields[fields.length - 1]!.replaceAll("\\", "/").split("/");
    if (parts.length < 2) continue;
    names.set(Number(fields[0]), { identity: parts.at(-2)!, imageName: parts.at(-1)! });
  }
  return names;
}

/**
 * Which records are images: with a header record 0 (`flag > 0`, labels `[A, B]`), records
 * `1..A-1`; otherwise every indexed key in `.idx` order.
 *
 * @param rec The open file.
 * @returns Image record keys, and names from `list.txt` when present.
 */
export async function recordIOLayout(rec: RecordIOFile): Promise<RecordIOLayout> {
  const header = rec.index.has(0) ? await rec.read(0) : undefined;
  let keys: number[];
  if (header && header.flag > 0 && header.payload.length === 0) {
    const label = header.labels[0]!;
    if (!Number.isFinite(label)) {
      // insightface's reader takes int(header.label[0]): OverflowError or ValueError in Python.
      throw new SyntaxError(
        `Cannot read record 0 of ${rec.source}: its header label is ${label}, expected the ` +
          `number that ends the image records (a corrupt header record)`,
      );
    }
    const end = Math.trunc(label);
    keys = [...rec.index.keys()].filter((k) => k >= 1 && k < end).sort((x, y) => x - y);
  } else {
    keys = [...rec.index.keys()];
  }
  const names = await readListTxt(join(dirname(rec.source), "list.txt"));
  return names ? { keys, names } : { keys };
}

/**
 * The dataset key of an image record: from `list.txt` when it names the record, else identity =
 * integer class label and image name = `<key>.jpg`.
 *
 * @param rec The open file.
 * @param layout Its layout.
 * @param key Record key.
 * @param label The record's label when already read (else only the label is read).
 * @returns The key.
 */
export async function recordKey(
  rec: RecordIOFile,
  layout: RecordIOLayout,
  key: number,
  label?: number,
): Promise<ImageKey> {
  const named = layout.names?.get(key);
  if (named) return named;
  const l = label ?? await rec.label(key);
  if (l === undefined || !Number.isFinite(l)) {
    throw new SyntaxError(
      `Cannot read record ${key} of ${rec.source}: its label is ${l}, expected a class number`,
    );
  }
  return { identity: String(Math.round(l)), imageName: `${key}.jpg` };
}

/**
 * Opens a RecordIO dataset (`x.rec` + `x.idx`; either path may be given) as a
 * {@linkcode Container} of its image records, in `.idx` order. `list()` reads every image
 * record's header when no `list.txt` names them (labels live in the records); `lookup()` finds the
 * record whose key is the last number of a wanted file name (`0424848/image_2.jpg` -> record 2).
 *
 * @param path The `.rec` or `.idx` path.
 * @returns The container; `source` is the `.rec` path, `name` the file name without extension.
 * @throws {Deno.errors.NotFound} When the `.rec` or `.idx` is missing.
 * @throws {SyntaxError} When the index or a record is corrupt or truncated.
 */
export async function openRecordIOContainer(path: string): Promise<Container> {
  const rec = await RecordIOFile.open(path);
  let layout: RecordIOLayout;
  try {
    layout = await recordIOLayout(rec);
  } catch (error) {
    rec.close();
    throw error;
  }
  const isImage = new Set(layout.keys);
  const named = new Map<string, number>();
  for (const [k, key] of layout.names ?? []) named.set(`${key.identity}/${key.imageName}`, k);
  /** Entry path of an image record, reading only its label when no list.txt names it. */
  const pathOf = async (k: number, label?: number) => {
    const key = await recordKey(rec, layout, k, label);
    return `${key.identity}/${key.imageName}`;
  };
  /** Record key of an entry path, checked without reading the whole index. */
  const keyOf = async (p: string) => {
    if (layout.names) return named.get(p);
    const m = /^([^/]+)\/(\d+)\.jpg$/.exec(p);
    const k = m ? Number(m[2]) : NaN;
    return isImage.has(k) && (await pathOf(k)) === p ? k : undefined;
  };
  const read = async (p: string) => {
    const k = await keyOf(p);
    return k === undefined ? undefined : (await rec.read(k))?.payload;
  };
  let listed: Promise<string[]> | undefined;
  const list = () =>
    listed ??= (async () => {
      const out: string[] = [];
      for (const k of layout.keys) out.push(await pathOf(k));
      return out;
    })();
  async function* stream(options: StreamOptions = {}): AsyncIterable<ContainerRecord> {
    const { filter, check } = options;
    for (const k of layout.keys) {
      const known = layout.names?.get(k);
      if (known && filter && !filter(`${known.identity}/${known.imageName}`)) continue;
      const record = (await rec.read(k))!;
      const p = await pathOf(k, record.label);
      if (!known && filter && !filter(p)) continue;
      const refusal = check?.(record.payload.subarray(0, 16), record.payload.length);
      yield refusal === undefined
        ? { path: p, bytes: record.payload }
        : { path: p, error: refusal };
    }
  }
  return {
    kind: "recordio",
    source: rec.source,
    list,
    read,
    readMany: (paths) => readEach(read, paths),
    stream,
    async lookup(wanted) {
      if ((await keyOf(wanted)) !== undefined) return wanted;
      const m = /(\d+)\.[^./]+$/.exec(wanted);
      if (m && isImage.has(Number(m[1]))) return await pathOf(Number(m[1]));
      return undefined;
    },
    close: () => Promise.resolve(rec.close()),
  };
}
