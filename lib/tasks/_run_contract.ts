/**
 * The run contract of every long task (DESIGN.md "The run contract"), built once:
 *
 * - {@linkcode lockOutputs}: an exclusive lock on `<output>.lock` for the whole run
 *   (`Deno.FsFile.tryLock`, released by the OS when the process dies, so a killed run never
 *   blocks the next); a second run on the same output stops at once, naming the holder.
 * - {@linkcode startManifest}: the `<output>.manifest.json` beside each output, written when the
 *   run starts (`complete: false`) and again when it ends, with the inputs' digests
 *   ({@linkcode fileInput}, {@linkcode listingInput}), the model's ({@linkcode modelInput}), the
 *   draws ({@linkcode drawOf}) and the counts.
 * - {@linkcode checkResume}: a resume whose model, preprocessing, order or dataset listing
 *   differs from the manifest of the output is refused, naming the difference and the way out.
 *
 * Atomic rewrites live one floor down, in `lib/formats/_atomic.ts`, so that the embeddings
 * writer and the model cache use them too.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { KIT_VERSION } from "../cli/mod.ts";
import type { ImageKey } from "../data/mod.ts";
import type { EmbeddingSet } from "../embeddings/mod.ts";
import {
  type JsonValue,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type ManifestDraw,
  type ManifestInput,
  type ManifestModel,
  type ManifestOutput,
  manifestPathOf,
  packIndices,
  readManifest,
  removeStaleTemps,
  type RunManifest,
  writeFileAtomic,
  writeManifest,
} from "../formats/mod.ts";

/** Who holds an output's lock, as written into the lock file. */
export interface LockHolder {
  /** Process id. */
  pid: number;
  /** Host name. */
  host: string;
  /** When it took the lock (ISO 8601, UTC). */
  started: string;
  /** The task, e.g. `embed`. */
  task: string;
}

/** Locks held on a run's outputs. */
export interface OutputLocks {
  /** The lock files held, `<output>.lock`. */
  paths: string[];
  /** Releases every lock and removes the lock files. */
  release(): Promise<void>;
  /** Same as {@linkcode OutputLocks.release}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The lock file of an output: `<output>.lock`. */
export function lockPathOf(output: string): string {
  return `${output}.lock`;
}

function describeHolder(text: string): string {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid === "number") {
      return `${h.task ?? "a run"} (pid ${h.pid} on ${h.host ?? "an unknown host"}, started ${
        h.started ?? "at an unknown time"
      })`;
    }
  } catch { /* fall through */ }
  return "another run (its lock file does not say which)";
}

async function lockOne(output: string, task: string): Promise<Deno.FsFile> {
  const path = lockPathOf(output);
  await Deno.mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    const file = await Deno.open(path, { read: true, write: true, create: true });
    let locked: boolean;
    try {
      locked = await file.tryLock(true);
    } catch (error) {
      file.close();
      throw error;
    }
    if (!locked) {
      file.close();
      const text = await Deno.readTextFile(path).catch(() => "");
      throw new Deno.errors.Busy(
        `Cannot run ${task} on ${output}: it is in use by ${describeHolder(text)}; wait for ` +
          `that run to end, stop it, or write to another --out (lock file ${path})`,
      );
    }
    // The holder before us may have removed the file after we opened it: the lock must be on
    // the file that is at the path now.
    const [held, now] = [await file.stat(), await Deno.stat(path).catch(() => null)];
    if (now === null || now.ino !== held.ino || now.dev !== held.dev) {
      file.close();
      continue;
    }
    const holder: LockHolder = {
      pid: Deno.pid,
      host: hostname(),
      started: new Date().toISOString(),
      task,
    };
    await file.truncate(0);
    const bytes = new TextEncoder().encode(JSON.stringify(holder) + "\n");
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    return file;
  }
  throw new Deno.errors.Busy(`Cannot lock ${path}: it keeps being replaced by other runs`);
}

/**
 * Takes an exclusive lock on each output (`<output>.lock`) for the whole run, writing the holder
 * (pid, host, start time, task) into the lock file. Never waits: a lock held by a live run is an
 * error at once; a lock of a killed run was released by the OS and is taken over.
 *
 * @param outputs The run's output files.
 * @param task The task, for messages.
 * @returns The locks; release them when the run ends (`await using` works).
 * @throws {Deno.errors.Busy} When another run holds one of the outputs (the message names the
 *   output and the holder); the locks taken so far are released.
 *
 * @example
 * ```ts
 * import { lockOutputs } from "./_run_contract.ts";
 * const dir = await Deno.makeTempDir();
 * const first = await lockOutputs([`${dir}/E.jsonl`], "embed");
 * const error = await lockOutputs([`${dir}/E.jsonl`], "embed").catch((e) => e);
 * if (!(error instanceof Deno.errors.Busy) || !error.message.includes(`pid ${Deno.pid}`)) {
 *   throw new Error("a second run on one output must be refused, naming the holder");
 * }
 * await first.release();
 * await (await lockOutputs([`${dir}/E.jsonl`], "embed")).release();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function lockOutputs(outputs: string[], task: string): Promise<OutputLocks> {
  const files: Deno.FsFile[] = [];
  const paths: string[] = [];
  try {
    for (const output of [...new Set(outputs)]) {
      files.push(await lockOne(output, task));
      paths.push(lockPathOf(output));
    }
  } catch (error) {
    for (const [i, file] of files.entries()) {
      await Deno.remove(paths[i]!).catch(() => undefined);
      file.close();
    }
    throw error;
  }
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    for (const [i, file] of files.entries()) {
      await Deno.remove(paths[i]!).catch(() => undefined);
      file.close();
    }
  };
  return { paths, release, [Symbol.asyncDispose]: release };
}

/**
 * SHA-256 of a file's bytes, streamed (as `sha256sum` prints it).
 *
 * @param path The file.
 * @returns Lower-case hex.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 *
 * @example
 * ```ts
 * import { sha256File } from "./_run_contract.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "abc");
 * const hex = await sha256File(path);
 * await Deno.remove(path);
 * if (hex !== "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") throw new Error(hex);
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  const file = await Deno.open(path, { read: true });
  try {
    const buffer = new Uint8Array(4 << 20);
    while (true) {
      const n = await file.read(buffer).catch((error) => {
        // Deno's read errors carry no path ("Is a directory (os error 21)"): add it.
        if (!(error instanceof Error) || !/\(os error \d+\)$/.test(error.message)) throw error;
        const Kind = error.constructor as new (message: string) => Error;
        throw new Kind(`${error.message}: read '${path}'`);
      });
      if (n === null) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    file.close();
  }
  return hash.digest("hex");
}

/** SHA-256 (hex) of bytes. */
export function sha256Bytes(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The digest cache beside a model: `<model>.sha256.json`. */
export function digestCachePathOf(model: string): string {
  return `${model}.sha256.json`;
}

/**
 * SHA-256 of a (large) model file, cached beside it in `<model>.sha256.json` keyed by size and
 * modification time, so a 250 MB checkpoint is hashed once. A folder that cannot be written
 * only costs the cache.
 *
 * @param path The model file.
 * @returns Its size and SHA-256.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 */
export async function cachedSha256(path: string): Promise<{ size: number; sha256: string }> {
  const stat = await Deno.stat(path);
  const mtimeMs = stat.mtime?.getTime() ?? null;
  const cache = digestCachePathOf(path);
  try {
    const c = JSON.parse(await Deno.readTextFile(cache));
    if (c.size === stat.size && c.mtimeMs === mtimeMs && typeof c.sha256 === "string") {
      return { size: stat.size, sha256: c.sha256 };
    }
  } catch { /* no cache, or a stale one */ }
  const sha256 = await sha256File(path);
  await writeFileAtomic(cache, JSON.stringify({ size: stat.size, mtimeMs, sha256 }) + "\n")
    .catch(() => undefined);
  return { size: stat.size, sha256 };
}

/**
 * A file input of a run: size and SHA-256 of its bytes, and the digest of its own manifest when
 * it has one (the output of an earlier task).
 *
 * @param role What the input is to the task (`embeddings`, `gallery`, `scores`...).
 * @param path The file.
 * @returns The manifest entry.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 */
export async function fileInput(role: string, path: string): Promise<ManifestInput> {
  const stat = await Deno.stat(path);
  let manifest: string | null = null;
  try {
    manifest = sha256Bytes(await Deno.readFile(manifestPathOf(path)));
  } catch { /* an input without a manifest */ }
  return {
    role,
    path,
    kind: "file",
    size: stat.size,
    mtimeMs: stat.mtime?.getTime() ?? null,
    sha256: await sha256File(path),
    entries: null,
    manifest,
  };
}

/**
 * The digest of a dataset's listing in reading order: SHA-256 of the lines
 * `identity\timage_name\n`, or `identity\timage_name\tsize\n` when sizes are given. The order
 * is part of it (a resume in another order is refused).
 *
 * @param keys The listing.
 * @param sizes Each image's size in bytes, index for index.
 * @returns Lower-case hex.
 *
 * @example
 * ```ts
 * import { listingDigest } from "./_run_contract.ts";
 * const keys = [{ identity: "a", imageName: "1.png" }, { identity: "b", imageName: "2.png" }];
 * if (listingDigest(keys) === listingDigest([...keys].reverse())) throw new Error("order counts");
 * if (listingDigest(keys) === listingDigest(keys, [10, 20])) throw new Error("sizes count");
 * ```
 */
export function listingDigest(keys: readonly ImageKey[], sizes?: ArrayLike<number>): string {
  const hash = createHash("sha256");
  const encoder = new TextEncoder();
  let text = "";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    text += sizes === undefined
      ? `${k.identity}\t${k.imageName}\n`
      : `${k.identity}\t${k.imageName}\t${sizes[i]}\n`;
    if (text.length > 1 << 20) {
      hash.update(encoder.encode(text));
      text = "";
    }
  }
  hash.update(encoder.encode(text));
  return hash.digest("hex");
}

/**
 * A dataset input of a run: the digest of its listing in reading order, plus, for an archive,
 * the archive file's size and modification time; for a folder, each image's size goes into the
 * listing (`identity\timage_name\tsize` lines, from one `stat` per image). Image bytes are not
 * hashed: for millions of files that would take longer than the run.
 *
 * @param role What the input is (`dataset`).
 * @param path The folder or archive.
 * @param keys Its listing.
 * @returns The manifest entry.
 */
export async function listingInput(
  role: string,
  path: string,
  keys: readonly ImageKey[],
): Promise<ManifestInput> {
  const stat = await Deno.stat(path);
  const sizes = stat.isDirectory ? await imageSizes(path, keys) : undefined;
  return {
    role,
    path,
    kind: "listing",
    size: stat.isFile ? stat.size : 0,
    mtimeMs: stat.isFile ? stat.mtime?.getTime() ?? null : null,
    sha256: listingDigest(keys, sizes),
    entries: keys.length,
    manifest: null,
  };
}

/** Sizes of a folder dataset's images (-1 where an image is not at `<folder>/<identity>/<name>`). */
async function imageSizes(folder: string, keys: readonly ImageKey[]): Promise<Float64Array> {
  const sizes = new Float64Array(keys.length);
  const width = 64;
  let next = 0;
  const work = async () => {
    while (next < keys.length) {
      const i = next++;
      const k = keys[i]!;
      sizes[i] = await Deno.stat(join(folder, k.identity, k.imageName)).then(
        (s) => s.size,
        () => -1,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, keys.length) }, work));
  return sizes;
}

/** Options of {@linkcode modelInput}. */
export interface ModelInputOptions {
  /** Backend the session runs on. */
  backend: string;
  /** Embedding size. */
  dim: number;
  /** Version of the `.pth` graph builder; `null` for an `.onnx` model. */
  graphBuilder: number | null;
  /** ONNX Runtime package and version. */
  onnxRuntime: string;
}

/**
 * The model entry of a manifest, with the file's SHA-256 ({@linkcode cachedSha256}).
 *
 * @param path The `.pth` or `.onnx` file.
 * @param options Backend, dimension, builder version, runtime.
 * @returns The entry.
 */
export async function modelInput(path: string, options: ModelInputOptions): Promise<ManifestModel> {
  const { size, sha256 } = await cachedSha256(path);
  return { path, size, sha256, ...options };
}

/** Indices kept inline in a manifest up to this many (4 bytes each, base64). */
export const INLINE_DRAW_LIMIT = 1 << 18;

/**
 * A draw entry: the digest of the indices, and the indices themselves when there are at most
 * {@linkcode INLINE_DRAW_LIMIT} of them (more are redrawn from the seeds and the input).
 *
 * @param what What was drawn.
 * @param indices The indices in draw order.
 * @returns The entry.
 */
export function drawOf(what: string, indices: Uint32Array): ManifestDraw {
  const bytes = new Uint8Array(indices.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < indices.length; i++) view.setUint32(i * 4, indices[i]!, true);
  return {
    what,
    count: indices.length,
    sha256: sha256Bytes(bytes),
    indices: indices.length <= INLINE_DRAW_LIMIT ? packIndices(indices) : null,
  };
}

/**
 * An output entry: size, and SHA-256 unless `hash` is false.
 *
 * @param path The file written.
 * @param hash Whether to hash it. @default true
 * @returns The entry.
 */
export async function outputOf(path: string, hash = true): Promise<ManifestOutput> {
  const stat = await Deno.stat(path);
  return { path, size: stat.size, sha256: hash ? await sha256File(path) : null };
}

/** What a run knows of itself when it starts. */
export interface ManifestStart {
  /** The task, e.g. `embed`. */
  task: string;
  /** Resolved options. */
  flags: { [key: string]: JsonValue };
  /** Inputs. @default [] */
  inputs?: ManifestInput[];
  /** The model. @default null */
  model?: ManifestModel | null;
  /** Preprocessing id. @default null */
  preprocessing?: string | null;
  /** Seeds by name. @default {} */
  seeds?: { [key: string]: number };
  /** The shard. @default null */
  shard?: { index: number; count: number } | null;
}

/** The end of a run, for {@linkcode RunManifests.finish}. */
export interface ManifestEnd {
  /** Counts by name. */
  counts: { [key: string]: number };
  /** Draws. @default [] */
  draws?: ManifestDraw[];
  /** Files written; each is hashed unless named in `unhashed`. @default the outputs */
  outputs?: string[];
  /** Whether the whole input was done. @default true */
  complete?: boolean;
  /** Outputs not to hash (large embeddings are hashed by their readers' manifests). */
  unhashed?: string[];
  /** Inputs found while running, added to those of the start. @default [] */
  inputs?: ManifestInput[];
}

/** The manifests of one run, one per output. */
export interface RunManifests {
  /** The manifest as last written. */
  readonly manifest: RunManifest;
  /** Writes the end: counts, draws, outputs, end time, completeness. */
  finish(end: ManifestEnd): Promise<RunManifest>;
}

/**
 * The manifest of a run as it starts (`complete: false`, no end time), for
 * {@linkcode checkResume} before anything is written.
 *
 * @param start What the run knows when it starts.
 * @param resumed The manifest of the output being resumed: its start time is kept.
 * @returns The manifest.
 */
export function newManifest(start: ManifestStart, resumed: RunManifest | null = null): RunManifest {
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    kit: KIT_VERSION,
    task: start.task,
    flags: start.flags,
    inputs: start.inputs ?? [],
    model: start.model ?? null,
    preprocessing: start.preprocessing ?? null,
    seeds: start.seeds ?? {},
    shard: start.shard ?? null,
    counts: {},
    draws: [],
    outputs: [],
    host: hostname(),
    pid: Deno.pid,
    started: resumed?.started ?? new Date().toISOString(),
    ended: null,
    complete: false,
  };
}

/**
 * Starts the manifests of a run: writes `<output>.manifest.json` beside each output now, with
 * `complete: false` and no end time, so that a killed run leaves a manifest that says what made
 * its partial output. `started` is kept from a manifest being resumed (`resumed`).
 *
 * @param outputs The run's outputs.
 * @param start What the run knows when it starts.
 * @param resumed The manifest of the output being resumed, if any.
 * @returns The handle that writes the end.
 *
 * @example
 * ```ts
 * import { readManifest } from "../formats/mod.ts";
 * import { startManifest } from "./_run_contract.ts";
 * const dir = await Deno.makeTempDir();
 * const out = `${dir}/scores.txt`;
 * const run = await startManifest([out], { task: "demo", flags: { n: 3 }, seeds: { pairs: 42 } });
 * await Deno.writeTextFile(out, "0.5\n");
 * await run.finish({ counts: { scores: 1 } });
 * const m = await readManifest(`${out}.manifest.json`);
 * await Deno.remove(dir, { recursive: true });
 * if (!m?.complete || m.outputs[0]?.size !== 4 || m.seeds.pairs !== 42) throw new Error();
 * ```
 */
export async function startManifest(
  outputs: string[],
  start: ManifestStart,
  resumed: RunManifest | null = null,
): Promise<RunManifests> {
  let manifest = newManifest(start, resumed);
  const writeAll = async () => {
    for (const output of outputs) await writeManifest(manifestPathOf(output), manifest);
  };
  await writeAll();
  return {
    get manifest() {
      return manifest;
    },
    async finish(end) {
      const unhashed = new Set(end.unhashed ?? []);
      const written: ManifestOutput[] = [];
      for (const path of end.outputs ?? outputs) {
        written.push(await outputOf(path, !unhashed.has(path)));
      }
      manifest = {
        ...manifest,
        inputs: [...manifest.inputs, ...end.inputs ?? []],
        counts: end.counts,
        draws: end.draws ?? [],
        outputs: written,
        ended: new Date().toISOString(),
        complete: end.complete ?? true,
      };
      await writeAll();
      return manifest;
    },
  };
}

/** One field in which a resumed run differs from the run that made the output. */
export interface ResumeDifference {
  /** The field, e.g. `model.sha256`. */
  field: string;
  /** The value in the output's manifest. */
  old: string;
  /** The value of this run. */
  now: string;
}

const show = (v: unknown) => v === undefined ? "(none)" : JSON.stringify(v);

/**
 * The fields that must not change within one output: the model file and its builder, the
 * embedding size, the preprocessing, the listing order flag, and the digest of each dataset
 * listing (matched by role). Batch size, backend and the like may change between resumes.
 *
 * @param old The manifest of the output.
 * @param now The manifest of this run (as started).
 * @returns The differences, empty when the resume is safe.
 */
export function resumeDifferences(old: RunManifest, now: RunManifest): ResumeDifference[] {
  const out: ResumeDifference[] = [];
  const add = (field: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ field, old: show(a), now: show(b) });
  };
  add("task", old.task, now.task);
  add("model.sha256", old.model?.sha256, now.model?.sha256);
  add("model.graphBuilder", old.model?.graphBuilder, now.model?.graphBuilder);
  add("model.dim", old.model?.dim, now.model?.dim);
  add("preprocessing", old.preprocessing, now.preprocessing);
  add("flags.order", old.flags.order, now.flags.order);
  add("shard", old.shard, now.shard);
  for (const input of now.inputs.filter((i) => i.kind === "listing")) {
    const before = old.inputs.find((i) => i.role === input.role && i.kind === "listing");
    add(
      `inputs.${input.role} listing (sha256 of identity/image names in order, and sizes in a folder)`,
      before?.sha256,
      input.sha256,
    );
  }
  return out;
}

/**
 * Refuses a resume that would mix two different runs in one output.
 *
 * @param output The output being resumed.
 * @param old Its manifest (`null` when it has none: nothing to compare, allowed).
 * @param now The manifest of this run.
 * @throws {Error} Naming each difference (old and new value) and the way out.
 */
export function checkResume(output: string, old: RunManifest | null, now: RunManifest): void {
  if (old === null) return;
  const diffs = resumeDifferences(old, now);
  if (diffs.length === 0) return;
  throw new Error(
    `Cannot resume ${output}: it was made by a different run (${
      diffs.map((d) => `${d.field} was ${d.old}, now ${d.now}`).join("; ")
    }); re-run with --overwrite to start it over, or write to another --out`,
  );
}

/**
 * The manifest of an output, if it has one.
 *
 * @param output The output.
 * @returns Its manifest, or `null`.
 * @throws {SyntaxError} When the manifest exists but cannot be read.
 */
export function manifestOf(output: string): Promise<RunManifest | null> {
  return readManifest(manifestPathOf(output));
}

/** A run under the contract: its outputs locked, their manifests started. */
export interface RunContract {
  /** The manifests (as started, then as finished). */
  readonly manifests: RunManifests;
  /** Writes the manifests' end (see {@linkcode RunManifests.finish}). */
  finish(end: ManifestEnd): Promise<RunManifest>;
  /** Releases the locks (the manifests stay). */
  release(): Promise<void>;
  /** Same as {@linkcode RunContract.release}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a run under the contract: locks each output ({@linkcode lockOutputs}), removes the
 * temporary files that killed runs left beside them, and writes their manifests with
 * `complete: false` ({@linkcode startManifest}). Use with `await using`, so the locks go on every
 * exit path; call `finish` once the outputs are written.
 *
 * @param outputs The run's outputs (a manifest beside each).
 * @param start What the run knows when it starts.
 * @param inputs Computes the inputs' entries once the locks are held (hashing large inputs takes
 *   a while; a second run on the same outputs is refused before it). @default none
 * @returns The run.
 * @throws {Deno.errors.Busy} When another run holds one of the outputs.
 *
 * @example
 * ```ts
 * import { readManifest } from "../formats/mod.ts";
 * import { beginRun } from "./_run_contract.ts";
 * const dir = await Deno.makeTempDir();
 * const out = `${dir}/table.csv`;
 * {
 *   await using run = await beginRun([out], { task: "metrics", flags: {} });
 *   await Deno.writeTextFile(out, "a,b\n");
 *   await run.finish({ counts: { rows: 1 } });
 * }
 * const m = await readManifest(`${out}.manifest.json`);
 * const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort().join();
 * await Deno.remove(dir, { recursive: true });
 * if (!m?.complete || left !== "table.csv,table.csv.manifest.json") throw new Error(left);
 * ```
 */
export async function beginRun(
  outputs: string[],
  start: ManifestStart,
  inputs?: () => Promise<ManifestInput[]>,
): Promise<RunContract> {
  const locks = await lockOutputs(outputs, start.task);
  try {
    for (const output of outputs) {
      await removeStaleTemps(output, [manifestPathOf(output)]);
    }
    const found = inputs ? await inputs() : [];
    const manifests = await startManifest(outputs, {
      ...start,
      inputs: [...start.inputs ?? [], ...found],
    });
    return {
      manifests,
      finish: (end) => manifests.finish(end),
      release: () => locks.release(),
      [Symbol.asyncDispose]: () => locks.release(),
    };
  } catch (error) {
    await locks.release();
    throw error;
  }
}

/**
 * An embeddings input of a downstream task: {@linkcode fileInput} of the file, or, when the task
 * was handed the set in memory and the file does not exist, an entry whose `sha256` is of the
 * set's labels and vectors (`kind: "file"`, size 0).
 *
 * @param role What the input is (`embeddings`, `gallery`).
 * @param path The file's path.
 * @param set The set, when the caller holds it in memory.
 * @returns The manifest entry.
 */
export async function embeddingsInput(
  role: string,
  path: string,
  set?: EmbeddingSet | undefined,
): Promise<ManifestInput> {
  try {
    return await fileInput(role, path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound) || set === undefined) throw error;
  }
  const hash = createHash("sha256");
  const encoder = new TextEncoder();
  for (let i = 0; i < set.identities.length; i++) {
    hash.update(encoder.encode(`${set.identities[i]}\t${set.imageNames[i]}\n`));
  }
  hash.update(new Uint8Array(set.vectors.buffer, set.vectors.byteOffset, set.vectors.byteLength));
  return {
    role: `${role} (in memory)`,
    path,
    kind: "file",
    size: 0,
    mtimeMs: null,
    sha256: hash.digest("hex"),
    entries: set.identities.length,
    manifest: null,
  };
}

/**
 * The draw entry of sampled pairs: the indices as `first[0], second[0], first[1], ...`.
 *
 * @param what What was drawn.
 * @param pairs The pairs' rows.
 * @returns The entry.
 */
export function pairsDraw(
  what: string,
  pairs: { first: Uint32Array; second: Uint32Array },
): ManifestDraw {
  const n = Math.min(pairs.first.length, pairs.second.length);
  const flat = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    flat[2 * i] = pairs.first[i]!;
    flat[2 * i + 1] = pairs.second[i]!;
  }
  return drawOf(what, flat);
}
