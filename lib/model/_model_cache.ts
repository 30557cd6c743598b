/**
 * A cache for a model converted from a checkpoint (`.pth` -> `.onnx`): the converted file lives
 * beside the checkpoint (`X.pth.onnx`) with a JSON stamp (`X.pth.onnx.json`) holding the
 * checkpoint's size, modification time, a sampled content hash and the converter version. Any
 * difference triggers a rebuild. When the checkpoint's folder cannot be written, the cache goes to
 * a fallback folder (`.cache/models/` under the working directory by default). Both files are
 * written atomically (temporary file, fsync, rename), and the temporary files of a conversion
 * killed midway are removed by the next run once their process is gone.
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { consoleReporter, type Reporter } from "../cli/mod.ts";
import { removeStaleTemps, writeFileAtomic } from "../formats/mod.ts";

/** What identifies one conversion of one checkpoint. */
export interface CacheStamp {
  /** Checkpoint size in bytes. */
  checkpointSize: number;
  /** Modification time in ms since the epoch, `null` where the file system has none. */
  checkpointMtimeMs: number | null;
  /** SHA-256 (hex) of the size and evenly spaced samples of the checkpoint. */
  checkpointHash: string;
  /** Version of the converter that wrote the cache (the option `converterVersion`). */
  converterVersion: number;
  /** Byte size of the cached `.onnx`, to notice a truncated cache file. */
  modelSize?: number;
}

/** Options of {@linkcode cachedConversion}. */
export interface CachedConversionOptions {
  /** Bump to invalidate caches written by older converters. */
  converterVersion: number;
  /** Used when the checkpoint's folder cannot be written. @default {".cache/models"} */
  fallbackDir?: string;
  /**
   * Receives status lines (cache hit, rebuild and why) and a warning when no cache can be written.
   * @default {consoleReporter()}
   */
  reporter?: Reporter;
}

/** The converted bytes and where they came from. */
export interface CachedConversion {
  /** The converted `.onnx` model, read from the cache or just built. */
  bytes: Uint8Array;
  /** The cache file, or `null` when no cache could be written. */
  path: string | null;
  /** Whether the converter ran. */
  rebuilt: boolean;
}

const SAMPLE_COUNT = 16;
const SAMPLE_BYTES = 64 * 1024;

/**
 * Computes the stamp of a checkpoint: size, mtime and a SHA-256 over the size and 16 samples of
 * 64 KiB spread evenly over the file (first and last included), so it reads about 1 MiB whatever
 * the file size.
 *
 * @param path The checkpoint.
 * @param converterVersion The converter's version.
 * @returns The stamp (without `modelSize`).
 * @throws {Deno.errors.NotFound} When the file does not exist.
 *
 * @example
 * ```ts
 * import { checkpointStamp } from "./_model_cache.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "weights");
 * const a = await checkpointStamp(path, 1);
 * await Deno.writeTextFile(path, "Weights");
 * const b = await checkpointStamp(path, 1);
 * await Deno.remove(path);
 * if (a.checkpointHash === b.checkpointHash) throw new Error("content change not seen");
 * if (a.checkpointSize !== 7) throw new Error("unexpected size");
 * ```
 */
export async function checkpointStamp(path: string, converterVersion: number): Promise<CacheStamp> {
  using file = await Deno.open(path, { read: true });
  const info = await file.stat();
  const size = info.size;
  const sampled = new Uint8Array(8 + Math.min(size, SAMPLE_COUNT * SAMPLE_BYTES));
  new DataView(sampled.buffer).setFloat64(0, size, true);
  let filled = 8;
  if (size <= SAMPLE_COUNT * SAMPLE_BYTES) {
    filled += await readFully(file, sampled.subarray(8), 0);
  } else {
    const step = (size - SAMPLE_BYTES) / (SAMPLE_COUNT - 1);
    for (let i = 0; i < SAMPLE_COUNT; i++) {
      const offset = Math.round(i * step);
      filled += await readFully(file, sampled.subarray(filled, filled + SAMPLE_BYTES), offset);
    }
  }
  const digest = await crypto.subtle.digest("SHA-256", sampled.subarray(0, filled));
  return {
    checkpointSize: size,
    checkpointMtimeMs: info.mtime ? info.mtime.getTime() : null,
    checkpointHash: Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0"))
      .join(""),
    converterVersion,
  };
}

async function readFully(file: Deno.FsFile, into: Uint8Array, offset: number): Promise<number> {
  await file.seek(offset, Deno.SeekMode.Start);
  let got = 0;
  while (got < into.length) {
    const n = await file.read(into.subarray(got));
    if (n === null) break;
    got += n;
  }
  return got;
}

function sameStamp(a: CacheStamp, b: CacheStamp): boolean {
  return a.checkpointSize === b.checkpointSize &&
    a.checkpointMtimeMs === b.checkpointMtimeMs &&
    a.checkpointHash === b.checkpointHash &&
    a.converterVersion === b.converterVersion;
}

async function readCache(modelPath: string, want: CacheStamp): Promise<Uint8Array | null> {
  let stamp: CacheStamp;
  try {
    stamp = JSON.parse(await Deno.readTextFile(`${modelPath}.json`));
  } catch {
    return null;
  }
  if (!sameStamp(stamp, want)) return null;
  try {
    const bytes = await Deno.readFile(modelPath);
    return bytes.length === stamp.modelSize ? bytes : null;
  } catch {
    return null;
  }
}

async function writeCache(modelPath: string, bytes: Uint8Array, stamp: CacheStamp): Promise<void> {
  // The model goes first: a kill before its stamp is written leaves the old stamp, which no
  // longer matches, so the next run converts again rather than trusting a half-made cache.
  await writeFileAtomic(modelPath, bytes);
  await writeFileAtomic(`${modelPath}.json`, JSON.stringify({ ...stamp, modelSize: bytes.length }));
}

async function fallbackPath(checkpoint: string, fallbackDir: string): Promise<string> {
  const abs = new TextEncoder().encode(resolve(checkpoint));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", abs));
  const tag = Array.from(digest.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
  return join(fallbackDir, `${basename(checkpoint)}-${tag}.onnx`);
}

/**
 * Returns the converted model of a checkpoint, from the cache when its stamp matches, otherwise
 * by running `convert` and caching the result (beside the checkpoint, else in `fallbackDir`;
 * when neither can be written the bytes are still returned, with a warning).
 *
 * @param checkpoint Path of the checkpoint.
 * @param convert Produces the converted bytes (reads the checkpoint itself).
 * @param options Converter version, fallback folder, reporter.
 * @returns The bytes, the cache path and whether `convert` ran.
 * @throws {Deno.errors.NotFound} When the checkpoint does not exist; whatever `convert` throws.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/mod.ts";
 * import { cachedConversion } from "./_model_cache.ts";
 * const dir = await Deno.makeTempDir();
 * const ckpt = `${dir}/m.pth`;
 * await Deno.writeTextFile(ckpt, "weights");
 * const convert = () => Promise.resolve(new Uint8Array([1, 2, 3]));
 * const options = { converterVersion: 1, reporter: memoryReporter() };
 * const first = await cachedConversion(ckpt, convert, options);
 * const second = await cachedConversion(ckpt, convert, options);
 * await Deno.remove(dir, { recursive: true });
 * if (!first.rebuilt || second.rebuilt || second.bytes[2] !== 3) throw new Error("unexpected");
 * ```
 */
export async function cachedConversion(
  checkpoint: string,
  convert: () => Promise<Uint8Array>,
  options: CachedConversionOptions,
): Promise<CachedConversion> {
  const {
    converterVersion,
    fallbackDir = ".cache/models",
    reporter = consoleReporter(),
  } = options;
  const stamp = await checkpointStamp(checkpoint, converterVersion);
  const beside = `${checkpoint}.onnx`;
  const fallback = await fallbackPath(checkpoint, fallbackDir);
  for (const candidate of [beside, fallback]) {
    // Conversions killed midway leave `<cache>.tmp-<pid>`: removed once their process is gone.
    for (const stale of await removeStaleTemps(candidate, [`${candidate}.json`]).catch(() => [])) {
      reporter.info(`model: removed ${stale}, left by an interrupted conversion`);
    }
    const bytes = await readCache(candidate, stamp);
    if (bytes) {
      reporter.info(`model: using cached conversion ${candidate}`);
      return { bytes, path: candidate, rebuilt: false };
    }
  }
  reporter.info(`model: converting ${checkpoint} (no matching cache)`);
  const bytes = await convert();
  try {
    await writeCache(beside, bytes, stamp);
    reporter.info(`model: cached the conversion as ${beside}`);
    return { bytes, path: beside, rebuilt: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    try {
      await Deno.mkdir(fallbackDir, { recursive: true });
      await writeCache(fallback, bytes, stamp);
      reporter.info(
        `model: cannot write ${beside} (${reason}); cached the conversion as ${fallback}`,
      );
      return { bytes, path: fallback, rebuilt: true };
    } catch (error2) {
      const reason2 = error2 instanceof Error ? error2.message : String(error2);
      reporter.warn(`model: cannot cache the conversion (${reason}; ${reason2})`);
      return { bytes, path: null, rebuilt: true };
    }
  }
}
