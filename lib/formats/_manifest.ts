/**
 * The run manifest `<output>.manifest.json` written beside every output of a long task (embed,
 * similarities, metrics, leakage, closest, merge): what made the output, so that a run can be
 * audited, redrawn, and refused when a resume would mix two different runs in one file.
 *
 * The file is one JSON object, two-space indented, keys in the order of {@linkcode RunManifest}.
 * Reading is strict: a field of the wrong type is an error naming the file and the field.
 *
 * @module
 */
import { writeFileAtomic } from "./_atomic.ts";

/** The `format` tag of a manifest file. */
export const MANIFEST_FORMAT = "synthetic-face-audit/run-manifest";
/** The version of the manifest layout this kit writes and reads. */
export const MANIFEST_FORMAT_VERSION = 1;

/** A JSON value (the resolved flags of a task). */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** One input of a run. */
export interface ManifestInput {
  /** What the input is to the task, e.g. `dataset`, `embeddings`, `gallery`, `scores`. */
  role: string;
  /** The path as the run was given it. */
  path: string;
  /**
   * `file`: `sha256` is of the file's bytes, as `sha256sum` prints it. `listing`: a dataset folder
   * or archive, `sha256` is of its sorted listing (`identity\timage_name\tsize` lines), since
   * hashing millions of images would take longer than the run.
   */
  kind: "file" | "listing";
  /** Bytes of the file, or of the archive file for a listed archive (0 for a folder). */
  size: number;
  /** Modification time of the file or archive (ms since the epoch), `null` for a folder. */
  mtimeMs: number | null;
  /** SHA-256 (hex) of the bytes or of the listing. */
  sha256: string;
  /** Images in a listing; `null` for a file. */
  entries: number | null;
  /** SHA-256 (hex) of the input's own manifest file, when it has one. */
  manifest: string | null;
}

/** The model of an embedding run. */
export interface ManifestModel {
  /** The path as given. */
  path: string;
  /** Bytes. */
  size: number;
  /** SHA-256 (hex) of the whole `.pth` or `.onnx` file, as `sha256sum` prints it. */
  sha256: string;
  /** Version of the `.pth` to ONNX graph builder; `null` for an `.onnx` model. */
  graphBuilder: number | null;
  /** The backend the session ran on (`cpu`, `wasm`, `webgpu`). */
  backend: string;
  /** ONNX Runtime package and version, e.g. `onnxruntime-node@1.30.0`. */
  onnxRuntime: string;
  /** Embedding size. */
  dim: number;
}

/** Indices a run drew at random (pairs, samples), so the draw can be audited and redone. */
export interface ManifestDraw {
  /** What was drawn, e.g. `mated pairs (i, j)`, `sample rows`. */
  what: string;
  /** Numbers drawn (a pair counts 2). */
  count: number;
  /** SHA-256 (hex) of the indices as little-endian uint32. */
  sha256: string;
  /** The indices, base64 of little-endian uint32, when they are small enough to keep inline. */
  indices: string | null;
}

/** One file a run wrote. */
export interface ManifestOutput {
  /** The path as written. */
  path: string;
  /** Bytes when the run ended. */
  size: number;
  /** SHA-256 (hex) of the bytes when the run ended; `null` when not hashed (a growing file). */
  sha256: string | null;
}

/** A run manifest. */
export interface RunManifest {
  /** Always {@linkcode MANIFEST_FORMAT}. */
  format: string;
  /** Always {@linkcode MANIFEST_FORMAT_VERSION}. */
  formatVersion: number;
  /** Version of the kit (`deno.json` `version`). */
  kit: string;
  /** The task, e.g. `embed`. */
  task: string;
  /** The task's resolved options (defaults filled in). */
  flags: { [key: string]: JsonValue };
  /** Inputs with their digests. */
  inputs: ManifestInput[];
  /** The model; `null` for tasks without one. */
  model: ManifestModel | null;
  /** Preprocessing id (decode, resize, normalisation); `null` for tasks without one. */
  preprocessing: string | null;
  /** Seeds by name, e.g. `{ "pairs": 42 }`. */
  seeds: { [key: string]: number };
  /** The shard of a sharded run; `null` for a whole run. */
  shard: { index: number; count: number } | null;
  /** Counts by name (images, rows, pairs, failures...). */
  counts: { [key: string]: number };
  /** Random draws. */
  draws: ManifestDraw[];
  /** Files written. */
  outputs: ManifestOutput[];
  /** Host name of the machine that ran it. */
  host: string;
  /** Process id of the run. */
  pid: number;
  /** Start time (ISO 8601, UTC). The first start when the output was resumed. */
  started: string;
  /** End time (ISO 8601, UTC); `null` while running or when the run was interrupted. */
  ended: string | null;
  /** Whether the output is complete (the task finished its whole input). */
  complete: boolean;
}

/**
 * The manifest's text: two-space indented JSON with a final newline.
 *
 * @param manifest The manifest.
 * @returns The text.
 */
export function manifestText(manifest: RunManifest): string {
  return JSON.stringify(manifest, null, 2) + "\n";
}

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === "string";
const isNumber: Check = (v) => typeof v === "number" && Number.isFinite(v);
const isBool: Check = (v) => typeof v === "boolean";
const orNull = (c: Check): Check => (v) => v === null || c(v);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const numberMap: Check = (v) => isObject(v) && Object.values(v).every(isNumber);

function expect(
  source: string,
  where: string,
  object: Record<string, unknown>,
  fields: Record<string, [Check, string]>,
): void {
  for (const [name, [check, want]] of Object.entries(fields)) {
    if (!check(object[name])) {
      throw new SyntaxError(
        `Cannot read the manifest ${source}: ${where}${name} must be ${want}, current value is ${
          JSON.stringify(object[name]) ?? "missing"
        }; delete the manifest or re-run with --overwrite`,
      );
    }
  }
}

/**
 * Parses a manifest's text, checking every field.
 *
 * @param text The file's text.
 * @param source The file name for messages.
 * @returns The manifest.
 * @throws {SyntaxError} When the text is not JSON, not a manifest of this kit, of a newer layout,
 *   or a field has the wrong type (the message names the file and the field).
 *
 * @example
 * ```ts
 * import { parseManifest } from "./_manifest.ts";
 * const error = (() => {
 *   try {
 *     parseManifest('{"format": "something else"}', "x.manifest.json");
 *   } catch (e) {
 *     return e;
 *   }
 * })();
 * if (!(error instanceof SyntaxError) || !error.message.includes("x.manifest.json")) throw error;
 * ```
 */
export function parseManifest(text: string, source: string): RunManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(
      `Cannot read the manifest ${source}: it is not JSON (${
        error instanceof Error ? error.message : error
      }); delete it or re-run with --overwrite`,
    );
  }
  if (!isObject(value) || value.format !== MANIFEST_FORMAT) {
    throw new SyntaxError(
      `Cannot read the manifest ${source}: expected "format": "${MANIFEST_FORMAT}"`,
    );
  }
  if (value.formatVersion !== MANIFEST_FORMAT_VERSION) {
    throw new SyntaxError(
      `Cannot read the manifest ${source}: formatVersion ${
        JSON.stringify(value.formatVersion)
      }, this kit reads ${MANIFEST_FORMAT_VERSION}; use the kit that wrote it or --overwrite`,
    );
  }
  expect(source, "", value, {
    kit: [isString, "a string"],
    task: [isString, "a string"],
    flags: [isObject, "an object"],
    inputs: [Array.isArray, "an array"],
    model: [orNull(isObject), "an object or null"],
    preprocessing: [orNull(isString), "a string or null"],
    seeds: [numberMap, "an object of numbers"],
    shard: [orNull(isObject), "an object or null"],
    counts: [numberMap, "an object of numbers"],
    draws: [Array.isArray, "an array"],
    outputs: [Array.isArray, "an array"],
    host: [isString, "a string"],
    pid: [isNumber, "a number"],
    started: [isString, "a string"],
    ended: [orNull(isString), "a string or null"],
    complete: [isBool, "true or false"],
  });
  const each = (name: string, fields: Record<string, [Check, string]>) =>
    (value[name] as unknown[]).forEach((item, i) => {
      if (!isObject(item)) {
        throw new SyntaxError(`Cannot read the manifest ${source}: ${name}[${i}] is not an object`);
      }
      expect(source, `${name}[${i}].`, item, fields);
    });
  each("inputs", {
    role: [isString, "a string"],
    path: [isString, "a string"],
    kind: [(v) => v === "file" || v === "listing", `"file" or "listing"`],
    size: [isNumber, "a number"],
    mtimeMs: [orNull(isNumber), "a number or null"],
    sha256: [isString, "a string"],
    entries: [orNull(isNumber), "a number or null"],
    manifest: [orNull(isString), "a string or null"],
  });
  each("draws", {
    what: [isString, "a string"],
    count: [isNumber, "a number"],
    sha256: [isString, "a string"],
    indices: [orNull(isString), "a string or null"],
  });
  each("outputs", {
    path: [isString, "a string"],
    size: [isNumber, "a number"],
    sha256: [orNull(isString), "a string or null"],
  });
  if (isObject(value.model)) {
    expect(source, "model.", value.model, {
      path: [isString, "a string"],
      size: [isNumber, "a number"],
      sha256: [isString, "a string"],
      graphBuilder: [orNull(isNumber), "a number or null"],
      backend: [isString, "a string"],
      onnxRuntime: [isString, "a string"],
      dim: [isNumber, "a number"],
    });
  }
  if (isObject(value.shard)) {
    expect(source, "shard.", value.shard, {
      index: [isNumber, "a number"],
      count: [isNumber, "a number"],
    });
  }
  return value as unknown as RunManifest;
}

/**
 * Reads a manifest file.
 *
 * @param path The `<output>.manifest.json` file.
 * @returns The manifest, or `null` when the file does not exist.
 * @throws {SyntaxError} When it exists but is not a valid manifest.
 */
export async function readManifest(path: string): Promise<RunManifest | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  return parseManifest(text, path);
}

/**
 * Writes a manifest file atomically (temp + fsync + rename).
 *
 * @param path The `<output>.manifest.json` file.
 * @param manifest The manifest.
 *
 * @example
 * ```ts
 * import { readManifest, type RunManifest, writeManifest } from "./_manifest.ts";
 * const dir = await Deno.makeTempDir();
 * const m: RunManifest = {
 *   format: "synthetic-face-audit/run-manifest", formatVersion: 1, kit: "0.4.0", task: "embed",
 *   flags: { batch: 32 }, inputs: [], model: null, preprocessing: null, seeds: {}, shard: null,
 *   counts: { rows: 2 }, draws: [], outputs: [], host: "h", pid: 1, started: "t", ended: null,
 *   complete: false,
 * };
 * await writeManifest(`${dir}/E.jsonl.manifest.json`, m);
 * const back = await readManifest(`${dir}/E.jsonl.manifest.json`);
 * await Deno.remove(dir, { recursive: true });
 * if (back?.counts.rows !== 2 || back.task !== "embed") throw new Error("no round trip");
 * ```
 */
export async function writeManifest(path: string, manifest: RunManifest): Promise<void> {
  await writeFileAtomic(path, manifestText(manifest));
}

/**
 * Packs indices as base64 of little-endian uint32 (the `indices` of a {@linkcode ManifestDraw}).
 *
 * @param indices The indices.
 * @returns The base64 text.
 */
export function packIndices(indices: Uint32Array): string {
  const bytes = new Uint8Array(indices.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < indices.length; i++) view.setUint32(i * 4, indices[i]!, true);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/**
 * Unpacks the `indices` of a {@linkcode ManifestDraw}.
 *
 * @param text Base64 of little-endian uint32.
 * @returns The indices.
 * @throws {SyntaxError} When the text is not base64 of a whole number of uint32.
 *
 * @example
 * ```ts
 * import { packIndices, unpackIndices } from "./_manifest.ts";
 * const back = unpackIndices(packIndices(new Uint32Array([0, 7, 4294967295])));
 * if (back.join() !== "0,7,4294967295") throw new Error(back.join());
 * ```
 */
export function unpackIndices(text: string): Uint32Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new SyntaxError("Cannot unpack manifest indices: not base64");
  }
  if (binary.length % 4 !== 0) {
    throw new SyntaxError(
      `Cannot unpack manifest indices: ${binary.length} bytes is not a whole number of uint32`,
    );
  }
  const out = new Uint32Array(binary.length / 4);
  for (let i = 0; i < out.length; i++) {
    const b = i * 4;
    out[i] = (binary.charCodeAt(b) | (binary.charCodeAt(b + 1) << 8) |
      (binary.charCodeAt(b + 2) << 16) | (binary.charCodeAt(b + 3) << 24)) >>> 0;
  }
  return out;
}
