/**
 * Reads PyTorch `.pth` checkpoints written by `torch.save(model.state_dict(), path)` (the zip
 * format of torch >= 1.6) into a {@linkcode StateDict} of typed arrays, without Python.
 *
 * Legacy (pre-1.6) files, TorchScript archives and pickled model objects are recognised and
 * rejected with a message that says what was found and what to do.
 *
 * @module
 */
import { consoleReporter, type Reporter } from "../cli/mod.ts";
import { PickleGlobal, PickleObject, unpickle } from "./_pickle.ts";
import type { DType, StateDict, StateTensor } from "./_state_dict.ts";
import { ZipReader } from "../data/_zip.ts";
import { halfToFloat } from "../embeddings/_npy.ts";

/** Options of {@linkcode readStateDict} and {@linkcode loadStateDict}. */
export interface ReadStateDictOptions {
  /**
   * Name of the checkpoint in error and warning messages (its path, typically).
   * @default {"checkpoint"}
   */
  source?: string;
  /**
   * Remove the `module.` prefix that `torch.nn.DataParallel` adds, when every key has it.
   * @default {true}
   */
  stripModulePrefix?: boolean;
  /**
   * Receives, as warnings, notes about silent fixes (such as a stripped `module.` prefix).
   * @default {consoleReporter()}
   */
  reporter?: Reporter;
}

/** What the first bytes of a file say it is. */
export type CheckpointFormat =
  | "zip"
  | "legacy-pickle"
  | "legacy-tar"
  | "pytorch1-preview"
  | "unknown";

const LEGACY_MAGIC = [
  0x80,
  0x02,
  0x8a,
  0x0a,
  0x6c,
  0xfc,
  0x9c,
  0x46,
  0xf9,
  0x20,
  0x6a,
  0xa8,
  0x50,
  0x19,
  0x2e,
];

/**
 * Classifies a checkpoint by its first bytes (formats.md section 1.1).
 *
 * @param bytes The file's bytes (only the first 262 are looked at).
 * @returns `zip` for torch >= 1.6 files, `legacy-pickle` / `legacy-tar` for older layouts,
 * `pytorch1-preview` for the 2018 `PYTORCH1` format, else `unknown`.
 *
 * @example
 * ```ts
 * import { detectCheckpointFormat } from "./_pth.ts";
 * if (detectCheckpointFormat(new Uint8Array([0x50, 0x4b, 3, 4])) !== "zip") throw new Error();
 * ```
 */
export function detectCheckpointFormat(bytes: Uint8Array): CheckpointFormat {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return "zip";
  if (startsWith(bytes, LEGACY_MAGIC)) return "legacy-pickle";
  if (bytes.length >= 262 && ascii(bytes.subarray(257, 262)) === "ustar") return "legacy-tar";
  if (ascii(bytes.subarray(0, 8)) === "PYTORCH1") return "pytorch1-preview";
  return "unknown";
}

/**
 * Decodes a `.pth` checkpoint held in memory. Contiguous little-endian float32 tensors are views
 * into `bytes` (no copy); strided or offset views, big-endian files and other dtypes are copied.
 * float16 and bfloat16 are widened to `Float32Array`, int64 becomes `BigInt64Array`.
 *
 * @param bytes The whole file.
 * @param options See {@linkcode ReadStateDictOptions}.
 * @returns The tensors by key, in the checkpoint's order.
 * @throws {TypeError} For a legacy (pre-1.6) checkpoint, a TorchScript archive, a pickled model
 * object, a dict whose values are not all tensors, or an unsupported dtype.
 * @throws {SyntaxError} For a corrupt or truncated file, naming the file and the entry.
 *
 * @example A state dict with one tensor, built by hand
 * ```ts
 * import { zipSync } from "fflate";
 * import { readStateDict } from "./_pth.ts";
 * // pickle protocol 2 of OrderedDict(w=FloatTensor([1.5, -2])) as torch.save writes it
 * const pkl = new Uint8Array([
 *   0x80, 2, 0x63, ...new TextEncoder().encode("collections\nOrderedDict\n"), 0x29, 0x52,
 *   0x58, 1, 0, 0, 0, 0x77,
 *   0x63, ...new TextEncoder().encode("torch._utils\n_rebuild_tensor_v2\n"),
 *   0x28, 0x28, 0x58, 7, 0, 0, 0, ...new TextEncoder().encode("storage"),
 *   0x63, ...new TextEncoder().encode("torch\nFloatStorage\n"),
 *   0x58, 1, 0, 0, 0, 0x30, 0x58, 3, 0, 0, 0, ...new TextEncoder().encode("cpu"), 0x4b, 2, 0x74,
 *   0x51, 0x4b, 0, 0x4b, 2, 0x85, 0x4b, 1, 0x85, 0x89,
 *   0x63, ...new TextEncoder().encode("collections\nOrderedDict\n"), 0x29, 0x52,
 *   0x74, 0x52, 0x73, 0x2e,
 * ]);
 * const data = new Uint8Array(new Float32Array([1.5, -2]).buffer);
 * const file = zipSync({ "w/data.pkl": pkl, "w/data/0": data, "w/version": new Uint8Array([51]) });
 * const dict = readStateDict(file, { source: "w.pth" });
 * const w = dict.get("w")!;
 * if (w.shape[0] !== 2 || w.data[1] !== -2) throw new Error("wrong tensor");
 * ```
 */
export function readStateDict(bytes: Uint8Array, options: ReadStateDictOptions = {}): StateDict {
  const { source = "checkpoint", stripModulePrefix: strip = true, reporter = consoleReporter() } =
    options;
  checkFormat(bytes, source);
  const zip = new ZipReader(bytes, { source });
  const names = zip.names();
  const first = names[0];
  if (first === undefined) {
    throw new SyntaxError(`Cannot read ${source} as a PyTorch checkpoint: the zip is empty`);
  }
  const slash = first.indexOf("/");
  const prefix = slash < 0 ? "" : first.slice(0, slash + 1);
  if (zip.has(`${prefix}constants.pkl`)) {
    throw new TypeError(
      `Cannot read ${source} as a state dict: it is a TorchScript archive (it holds ` +
        `'${prefix}constants.pkl'); only torch.save(model.state_dict(), path) checkpoints are ` +
        `supported. Re-save the weights from Python, or export the model to ONNX`,
    );
  }
  if (!zip.has(`${prefix}data.pkl`)) {
    throw new TypeError(
      `Cannot read ${source} as a PyTorch checkpoint: the zip has no '${prefix}data.pkl' ` +
        `(entries: ${preview(names)})`,
    );
  }
  const byteOrder = zip.has(`${prefix}byteorder`)
    ? ascii(zip.read(`${prefix}byteorder`)).trim()
    : "little";
  if (byteOrder !== "little" && byteOrder !== "big") {
    throw new SyntaxError(
      `Cannot read ${source}: its byteorder entry says '${byteOrder}', expected 'little' or 'big'`,
    );
  }
  const storages = new StorageTable(zip, prefix, byteOrder === "little", source);
  const root = unpickle(zip.read(`${prefix}data.pkl`), {
    source: `${source} (entry '${prefix}data.pkl')`,
    findClass: (module, name) => resolveGlobal(module, name, storages),
    persistentLoad: (pid) => storages.load(pid),
  });
  const dict = toStateDict(root, source);
  return strip ? stripPrefixIfAll(dict, source, reporter) : dict;
}

/**
 * Reads a `.pth` checkpoint from disk: {@linkcode readStateDict} over the file's bytes, with the
 * path as the source name.
 *
 * @param path Path of the checkpoint.
 * @param options See {@linkcode ReadStateDictOptions}; `source` defaults to `path`.
 * @returns The tensors by key.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 * @throws {TypeError} | {SyntaxError} As {@linkcode readStateDict}.
 *
 * @example
 * ```ts
 * import { loadStateDict } from "./_pth.ts";
 * const path = await Deno.makeTempFile({ suffix: ".pth" });
 * await Deno.writeFile(path, new Uint8Array([0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9,
 *   0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]));
 * const error = await loadStateDict(path).catch((e) => e);
 * await Deno.remove(path);
 * if (!(error instanceof TypeError) || !error.message.includes("legacy")) throw error;
 * ```
 */
export async function loadStateDict(
  path: string,
  options: ReadStateDictOptions = {},
): Promise<StateDict> {
  return readStateDict(await Deno.readFile(path), { ...options, source: options.source ?? path });
}

/**
 * Removes a `module.` prefix (from `torch.nn.DataParallel`) when every key has it.
 *
 * @param dict A state dict.
 * @returns A new map without the prefix, or `dict` itself when some key lacks it.
 *
 * @example
 * ```ts
 * import { stripModulePrefix } from "./_pth.ts";
 * const t = { dtype: "float32" as const, shape: [1], data: new Float32Array(1) };
 * const out = stripModulePrefix(new Map([["module.fc.bias", t]]));
 * if (!out.has("fc.bias")) throw new Error("prefix kept");
 * ```
 */
export function stripModulePrefix(dict: StateDict): StateDict {
  if (dict.size === 0) return dict;
  for (const key of dict.keys()) if (!key.startsWith("module.")) return dict;
  const out: StateDict = new Map();
  for (const [key, tensor] of dict) out.set(key.slice("module.".length), tensor);
  return out;
}

function stripPrefixIfAll(
  dict: StateDict,
  source: string,
  reporter: Reporter,
): StateDict {
  const out = stripModulePrefix(dict);
  if (out !== dict) {
    reporter.warn(
      `${source}: removed the 'module.' prefix (torch.nn.DataParallel) from all ${dict.size} keys`,
    );
  }
  return out;
}

function checkFormat(bytes: Uint8Array, source: string): void {
  const format = detectCheckpointFormat(bytes);
  if (format === "zip") return;
  if (format === "legacy-pickle" || format === "legacy-tar") {
    throw new TypeError(
      `Cannot read ${source}: it is a legacy torch format (${
        format === "legacy-tar" ? "tar archive of torch < 0.4" : "pickle stream of torch < 1.6"
      }); only the zip format of torch >= 1.6 is supported. Re-save it with torch >= 1.6: ` +
        `torch.save(torch.load(path, map_location="cpu"), new_path)`,
    );
  }
  if (format === "pytorch1-preview") {
    throw new TypeError(
      `Cannot read ${source}: it is the 2018 'PYTORCH1' preview format, which torch itself no ` +
        `longer reads; re-save it with torch >= 1.6`,
    );
  }
  const head = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new SyntaxError(
    `Cannot read ${source} as a PyTorch checkpoint: it starts with bytes ${
      head || "(empty file)"
    }, expected a zip ('50 4b 03 04') written by torch.save with torch >= 1.6`,
  );
}

interface StorageType {
  readonly kind: "storage-type";
  /** `null` for an untyped storage (byte-addressed; the dtype comes with the tensor). */
  readonly dtype: DType | null;
  readonly name: string;
}

interface DTypeMarker {
  readonly kind: "dtype";
  readonly dtype: DType;
}

interface Storage {
  readonly key: string;
  readonly entry: string;
  readonly dtype: DType | null;
  readonly bytes: Uint8Array;
}

const STORAGE_DTYPES: Record<string, DType> = {
  DoubleStorage: "float64",
  FloatStorage: "float32",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
};

const TORCH_DTYPES: Record<string, DType> = {
  float64: "float64",
  double: "float64",
  float32: "float32",
  float: "float32",
  float16: "float16",
  half: "float16",
  bfloat16: "bfloat16",
  int64: "int64",
  long: "int64",
  int32: "int32",
  int: "int32",
  int16: "int16",
  short: "int16",
  int8: "int8",
  uint8: "uint8",
  bool: "bool",
};

const ELEMENT_SIZE: Record<DType, number> = {
  float64: 8,
  float32: 4,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

class StorageTable {
  readonly #cache = new Map<string, Storage>();
  constructor(
    readonly zip: ZipReader,
    readonly prefix: string,
    readonly littleEndian: boolean,
    readonly source: string,
  ) {}

  load(pid: unknown): Storage {
    if (!Array.isArray(pid) || pid[0] !== "storage" || pid.length < 5) {
      throw new SyntaxError(
        `Cannot read ${this.source}: unexpected persistent id ${String(pid)} ` +
          `(expected ('storage', type, key, location, numel))`,
      );
    }
    const [, type, key, , numel] = pid as unknown[];
    if (!isStorageType(type)) {
      throw new TypeError(
        `Cannot read ${this.source}: storage '${String(key)}' has type ${String(type)}, which is ` +
          `not supported (supported: ${Object.keys(STORAGE_DTYPES).join(", ")}, UntypedStorage)`,
      );
    }
    const cached = this.#cache.get(String(key));
    if (cached !== undefined) return cached;
    const entry = `${this.prefix}data/${key}`;
    if (!this.zip.has(entry)) {
      throw new SyntaxError(`Cannot read ${this.source}: the zip has no entry '${entry}'`);
    }
    const bytes = this.zip.read(entry);
    const elementSize = type.dtype === null ? 1 : ELEMENT_SIZE[type.dtype];
    if (typeof numel === "number" && bytes.length < numel * elementSize) {
      throw new SyntaxError(
        `Cannot read entry '${entry}' of ${this.source}: it has ${bytes.length} bytes, but its ` +
          `storage of ${numel} ${type.dtype ?? "byte"} elements needs ${numel * elementSize}`,
      );
    }
    const storage: Storage = { key: String(key), entry, dtype: type.dtype, bytes };
    this.#cache.set(storage.key, storage);
    return storage;
  }

  /** Builds the tensor of `_rebuild_tensor_v2/v3`: a contiguous copy of a strided view. */
  tensor(
    storage: unknown,
    offset: unknown,
    size: unknown,
    stride: unknown,
    dtypeOverride?: DType,
  ): StateTensor {
    if (!isStorage(storage)) {
      throw new SyntaxError(`Cannot read ${this.source}: a tensor refers to ${String(storage)}`);
    }
    const dtype = dtypeOverride ?? storage.dtype;
    if (dtype === null) {
      throw new SyntaxError(
        `Cannot read ${this.source}: tensor on untyped storage '${storage.entry}' has no dtype`,
      );
    }
    const shape = intTuple(size, "size", storage.entry, this.source);
    const strides = intTuple(stride, "stride", storage.entry, this.source);
    if (typeof offset !== "number" || shape.length !== strides.length) {
      throw new SyntaxError(
        `Cannot read ${this.source}: tensor on '${storage.entry}' has offset ${String(offset)}, ` +
          `size (${shape}) and stride (${strides})`,
      );
    }
    return buildTensor(storage, dtype, offset, shape, strides, this.littleEndian, this.source);
  }
}

function resolveGlobal(module: string, name: string, storages: StorageTable): unknown {
  if (module === "collections" && name === "OrderedDict") {
    return (pairs?: unknown) => new Map(Array.isArray(pairs) ? pairs as [unknown, unknown][] : []);
  }
  if (module === "torch._utils") {
    switch (name) {
      case "_rebuild_tensor_v2":
      case "_rebuild_tensor":
        return (storage: unknown, offset: unknown, size: unknown, stride: unknown) =>
          storages.tensor(storage, offset, size, stride);
      case "_rebuild_tensor_v3":
        return (...args: unknown[]) => {
          const dtype = args[6];
          if (!isDTypeMarker(dtype)) {
            throw new TypeError(
              `Cannot read ${storages.source}: _rebuild_tensor_v3 with dtype ${String(dtype)} is ` +
                `not supported`,
            );
          }
          return storages.tensor(args[0], args[1], args[2], args[3], dtype.dtype);
        };
      case "_rebuild_parameter":
      case "_rebuild_parameter_with_state":
        return (data: unknown) => data;
    }
  }
  if (module === "torch" || module === "torch.storage") {
    if (Object.hasOwn(STORAGE_DTYPES, name)) {
      return { kind: "storage-type", dtype: STORAGE_DTYPES[name]!, name } satisfies StorageType;
    }
    if (name === "UntypedStorage" || name === "_UntypedStorage") {
      return { kind: "storage-type", dtype: null, name } satisfies StorageType;
    }
    if (module === "torch" && Object.hasOwn(TORCH_DTYPES, name)) {
      return { kind: "dtype", dtype: TORCH_DTYPES[name]! } satisfies DTypeMarker;
    }
  }
  return undefined;
}

function buildTensor(
  storage: Storage,
  dtype: DType,
  offset: number,
  shape: number[],
  strides: number[],
  littleEndian: boolean,
  source: string,
): StateTensor {
  const size = ELEMENT_SIZE[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  const available = Math.floor(storage.bytes.length / size);
  // shape and strides have the same length (checked by the caller).
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d]! > 0) last += (shape[d]! - 1) * strides[d]!;
  }
  if (count > 0 && (offset < 0 || last >= available)) {
    throw new SyntaxError(
      `Cannot read entry '${storage.entry}' of ${source}: a tensor of shape (${shape}) with ` +
        `stride (${strides}) at offset ${offset} reaches element ${last}, but the storage holds ` +
        `${available} ${dtype} elements`,
    );
  }
  const contiguous = isContiguous(shape, strides);
  const bytes = storage.bytes;
  const byteStart = bytes.byteOffset + offset * size;
  if (
    contiguous && littleEndian && isLittleEndianHost() && byteStart % size === 0 &&
    (dtype === "float32" || dtype === "float64" || dtype === "int64" || dtype === "int32" ||
      dtype === "int16" || dtype === "int8" || dtype === "uint8" || dtype === "bool")
  ) {
    return { dtype, shape, data: viewOf(dtype, bytes.buffer as ArrayBuffer, byteStart, count) };
  }
  const data = allocate(dtype, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = reader(dtype, view, littleEndian);
  const write = data as { [i: number]: number | bigint };
  if (contiguous) {
    for (let i = 0; i < count; i++) write[i] = read((offset + i) * size);
  } else {
    const index = new Array<number>(shape.length).fill(0);
    let at = offset;
    for (let i = 0; i < count; i++) {
      write[i] = read(at * size);
      for (let d = shape.length - 1; d >= 0; d--) {
        index[d]!++;
        at += strides[d]!;
        if (index[d]! < shape[d]!) break;
        at -= strides[d]! * shape[d]!;
        index[d] = 0;
      }
    }
  }
  return { dtype, shape, data };
}

function isContiguous(shape: number[], strides: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

function viewOf(
  dtype: DType,
  buffer: ArrayBuffer,
  byteOffset: number,
  count: number,
): StateTensor["data"] {
  switch (dtype) {
    case "float64":
      return new Float64Array(buffer, byteOffset, count);
    case "float32":
      return new Float32Array(buffer, byteOffset, count);
    case "int64":
      return new BigInt64Array(buffer, byteOffset, count);
    case "int32":
      return new Int32Array(buffer, byteOffset, count);
    case "int16":
      return new Int16Array(buffer, byteOffset, count);
    case "int8":
      return new Int8Array(buffer, byteOffset, count);
    default:
      return new Uint8Array(buffer, byteOffset, count);
  }
}

function allocate(dtype: DType, count: number): StateTensor["data"] {
  switch (dtype) {
    case "float64":
      return new Float64Array(count);
    case "float32":
    case "float16":
    case "bfloat16":
      return new Float32Array(count);
    case "int64":
      return new BigInt64Array(count);
    case "int32":
      return new Int32Array(count);
    case "int16":
      return new Int16Array(count);
    case "int8":
      return new Int8Array(count);
    default:
      return new Uint8Array(count);
  }
}

function reader(dtype: DType, view: DataView, le: boolean): (at: number) => number | bigint {
  switch (dtype) {
    case "float64":
      return (at) => view.getFloat64(at, le);
    case "float32":
      return (at) => view.getFloat32(at, le);
    case "float16":
      return (at) => halfToFloat(view.getUint16(at, le));
    case "bfloat16": {
      const scratch = new DataView(new ArrayBuffer(4));
      return (at) => {
        scratch.setUint32(0, view.getUint16(at, le) << 16);
        return scratch.getFloat32(0);
      };
    }
    case "int64":
      return (at) => view.getBigInt64(at, le);
    case "int32":
      return (at) => view.getInt32(at, le);
    case "int16":
      return (at) => view.getInt16(at, le);
    case "int8":
      return (at) => view.getInt8(at);
    default:
      return (at) => view.getUint8(at);
  }
}

let littleEndianHost: boolean | undefined;
function isLittleEndianHost(): boolean {
  littleEndianHost ??= new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  return littleEndianHost;
}

function toStateDict(root: unknown, source: string): StateDict {
  if (root instanceof PickleObject) {
    const cls = root.callable.toString();
    const looksLikeModel = /iresnet|backbone|torch\.nn\.|model/i.test(cls) ||
      (root.state instanceof Map && root.state.has("_modules"));
    throw new TypeError(
      `Cannot read ${source} as a state dict: it holds a pickled ${cls} object` +
        (looksLikeModel ? " (a whole model saved with torch.save(model, path))" : "") +
        `. Only state dicts are supported: in Python, load it and save ` +
        `torch.save(model.state_dict(), path)`,
    );
  }
  if (!(root instanceof Map)) {
    throw new TypeError(
      `Cannot read ${source} as a state dict: its root object is ${describeValue(root)}, ` +
        `expected a dict of tensors from torch.save(model.state_dict(), path)`,
    );
  }
  const dict: StateDict = new Map();
  const others: string[] = [];
  for (const [key, value] of root) {
    if (typeof key === "string" && isStateTensor(value)) dict.set(key, value);
    else others.push(`'${String(key)}' (${describeValue(value)})`);
  }
  if (others.length > 0) {
    throw new TypeError(
      `Cannot read ${source} as a state dict: ${others.length} of its ${root.size} entries are ` +
        `not tensors: ${preview(others)}. Save torch.save(model.state_dict(), path) instead` +
        ` (a training checkpoint keeps it under one of these keys)`,
    );
  }
  return dict;
}

function describeValue(value: unknown): string {
  if (value === null) return "None";
  if (value instanceof PickleObject) return `a ${value.callable} object`;
  if (value instanceof PickleGlobal) return `the global ${value}`;
  if (value instanceof Map) return `a dict of ${value.size} entries`;
  if (Array.isArray(value)) return `a sequence of ${value.length} items`;
  if (isStateTensor(value)) return `a ${value.dtype} tensor`;
  return `a ${typeof value}`;
}

function isStateTensor(value: unknown): value is StateTensor {
  return typeof value === "object" && value !== null && "dtype" in value && "shape" in value &&
    "data" in value;
}

function isStorageType(value: unknown): value is StorageType {
  return typeof value === "object" && value !== null &&
    (value as { kind?: string }).kind === "storage-type";
}

function isDTypeMarker(value: unknown): value is DTypeMarker {
  return typeof value === "object" && value !== null &&
    (value as { kind?: string }).kind === "dtype";
}

function isStorage(value: unknown): value is Storage {
  return typeof value === "object" && value !== null && "entry" in value && "bytes" in value;
}

function intTuple(value: unknown, what: string, entry: string, source: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) {
    throw new SyntaxError(
      `Cannot read ${source}: tensor on '${entry}' has ${what} ${String(value)}, expected a ` +
        `tuple of integers`,
    );
  }
  return [...value] as number[];
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function preview(items: string[], limit = 8): string {
  const shown = items.slice(0, limit).join(", ");
  return items.length > limit ? `${shown}, ... (${items.length} in all)` : shown;
}
