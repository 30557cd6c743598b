/**
 * Parallel decoding for `embed`: a pool of workers that decode and preprocess images (through
 * `preprocessImage`, the one decode entry point of `lib/image`, so every format it reads is read
 * here too) while the model runs on the main thread's batches.
 *
 * The dataset is still read in this thread, in its own order (archives stream; a `.tar.gz` cannot
 * be read out of order); each image's bytes go to the least busy worker as a transfer, and its
 * tensor comes back as a transfer into a buffer that is recycled for a later image. The results
 * come out in reading order whatever the worker count, so that the rows, the failures and their
 * order equal those of a one-worker run, and with the same preprocessing code the vectors are the
 * same bits.
 *
 * A worker that dies (an uncaught error in it, not an unreadable image: that is an ordinary
 * failure with its reason) stops the pool: every image still in flight is answered with an error
 * that names the image the worker was decoding, and the workers are terminated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRecords } from "./_decode_pool.ts";
 * async function* records() {
 *   yield { identity: "a", imageName: "empty.png", bytes: new Uint8Array(0) };
 *   yield { identity: "a", imageName: "gone.png", error: "Cannot read a/gone.png" };
 * }
 * const reasons = [];
 * for await (const item of decodeRecords(records(), { workers: 2 })) reasons.push(item.reason);
 * assert.equal(reasons.length, 2);
 * assert.match(reasons[0] ?? "", /a\/empty\.png/);
 * assert.equal(reasons[1], "Cannot read a/gone.png");
 * ```
 *
 * @module
 */
import type { ImageKey, ImageRecord } from "../data/_dataset.ts";
import { preprocessImage } from "../image/mod.ts";
import { WebWorker } from "../model/_backend.ts";

/** One image sent to a decode worker (internal message format of the pool and its workers). */
export interface DecodeRequest {
  /** `<identity>/<image name>`, for messages. */
  name: string;
  /** Side of the model input. */
  size: number;
  /** The file's bytes (transferred). */
  bytes: Uint8Array;
  /** A recycled tensor buffer of `3 * size * size` floats to write into (transferred). */
  out?: ArrayBuffer;
}

/** A decode worker's answer (internal message format of the pool and its workers). */
export interface DecodeReply {
  /** The tensor (transferred); on a failure, the unused buffer, for recycling. */
  tensor: Float32Array;
  /** Why the image could not be decoded; absent on success. */
  reason?: string;
}

/** What decoding one image gave: its tensor, or the reason it could not be decoded. */
export type DecodeOutcome =
  | { tensor: Float32Array; reason?: undefined }
  | { tensor?: undefined; reason: string };

/** Options of {@linkcode DecodePool}. */
export interface DecodePoolOptions {
  /** Number of workers (at least 1). */
  workers: number;
  /** Side of the square model input. @default {112} */
  size?: number;
  /**
   * The worker module: the kit's decode worker, or a module that wraps it (tests use one that
   * crashes on purpose).
   * @default {new URL("./_decode_worker.ts", import.meta.url)}
   */
  workerUrl?: URL;
}

interface Job {
  name: string;
  bytes: Uint8Array;
  resolve(outcome: DecodeOutcome): void;
  reject(error: Error): void;
}

/** Workers started and not yet terminated, over every pool of this process. */
let live = 0;

/**
 * How many decode workers of this process are running (started by a {@linkcode DecodePool} and
 * not yet terminated): 0 once every run has ended, whichever way it ended.
 *
 * @returns The count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DecodePool, liveDecodeWorkers } from "./_decode_pool.ts";
 * const pool = new DecodePool({ workers: 2 });
 * assert.equal(liveDecodeWorkers(), 2);
 * pool.close();
 * assert.equal(liveDecodeWorkers(), 0);
 * ```
 */
export function liveDecodeWorkers(): number {
  return live;
}

/** Why the pool stopped: the worker that died, the image it was decoding, its error. */
interface Crash {
  worker: number;
  name: string | undefined;
  message: string;
}

/**
 * Decode workers behind one `decode` call. Jobs wait in one queue, first come first served; each
 * worker holds one job at a time (so that a worker that dies is known to have died on that
 * image), and takes the next when it answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DecodePool } from "./_decode_pool.ts";
 * const pool = new DecodePool({ workers: 1 });
 * try {
 *   const outcome = await pool.decode(new Uint8Array([1, 2, 3]), "a/junk.png");
 *   assert.match(outcome.reason ?? "", /a\/junk\.png as an image: it is neither PNG/);
 * } finally {
 *   pool.close();
 * }
 * ```
 */
export class DecodePool {
  /** Number of workers. */
  readonly workers: number;
  /** Side of the square model input. */
  readonly size: number;
  #workers: Worker[] = [];
  #alive: boolean[] = [];
  #busy: (Job | undefined)[] = [];
  #queue: Job[] = [];
  #spare: ArrayBuffer[] = [];
  #crash: Crash | undefined;
  #closed = false;

  /**
   * Starts the workers.
   *
   * @param options Worker count, input size, worker module.
   * @throws {RangeError} When `workers` or `size` is not a positive integer.
   */
  constructor(options: DecodePoolOptions) {
    const {
      workers,
      size = 112,
      workerUrl = new URL("./_decode_worker.ts", import.meta.url),
    } = options;
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(
        `Cannot start a decode pool of ${workers} workers: it must be a positive integer`,
      );
    }
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`Cannot decode to size ${size}: it must be a positive integer`);
    }
    this.workers = workers;
    this.size = size;
    for (let i = 0; i < workers; i++) {
      // Deno's Web Worker: onnxruntime-web replaces globalThis.Worker once a wasm or webgpu
      // session exists (see WebWorker in lib/model).
      const worker = new WebWorker(workerUrl, { type: "module" });
      worker.onmessage = (event: MessageEvent<DecodeReply>) => this.#answer(i, event.data);
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        this.#stop(i, event.message || String(event.error));
      };
      worker.onmessageerror = () => this.#stop(i, "a message from it could not be read");
      this.#workers.push(worker);
      this.#alive.push(true);
      this.#busy.push(undefined);
      live++;
    }
  }

  /**
   * Decodes and preprocesses one image in a worker. The bytes are handed over: a view that spans
   * its whole buffer is transferred (the caller's array is empty once a worker takes it), any
   * other view is copied once.
   *
   * @param bytes The file's bytes.
   * @param name `<identity>/<image name>`, for messages.
   * @returns The tensor (`3 * size * size` floats; give it back with {@linkcode recycle} once
   * used), or the decoder's reason for an unreadable image.
   * @throws {Error} (as a rejection) When the pool is closed, or a worker died: the message names
   * this image and the image the worker was decoding.
   */
  decode(bytes: Uint8Array, name: string): Promise<DecodeOutcome> {
    if (this.#crash !== undefined) return Promise.reject(this.#crashError(name));
    if (this.#closed) {
      return Promise.reject(new Error(`Cannot decode ${name}: the decode pool is closed`));
    }
    const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 &&
      bytes.byteLength === bytes.buffer.byteLength;
    const owned = whole ? bytes : bytes.slice();
    return new Promise<DecodeOutcome>((resolve, reject) => {
      this.#queue.push({ name, bytes: owned, resolve, reject });
      this.#dispatch();
    });
  }

  /**
   * Gives a tensor's buffer back for a later image (optional; saves an allocation per image).
   *
   * @param tensor A tensor from {@linkcode decode}, no longer used.
   */
  recycle(tensor: Float32Array): void {
    const buffer = tensor.buffer;
    if (
      buffer instanceof ArrayBuffer && buffer.byteLength === 3 * this.size * this.size * 4 &&
      this.#spare.length < 2 * this.workers + 64
    ) this.#spare.push(buffer);
  }

  /** Terminates the workers; images still waiting or in flight are answered with an error. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (let i = 0; i < this.#workers.length; i++) this.#terminate(i);
    const left = [...this.#busy.filter((job) => job !== undefined), ...this.#queue];
    this.#busy.fill(undefined);
    this.#queue = [];
    for (const job of left) {
      job.reject(
        this.#crash === undefined
          ? new Error(`Cannot decode ${job.name}: the decode pool was closed first`)
          : this.#crashError(job.name),
      );
    }
  }

  #dispatch(): void {
    for (let i = 0; i < this.#workers.length && this.#queue.length > 0; i++) {
      if (!this.#alive[i] || this.#busy[i] !== undefined) continue;
      const job = this.#queue.shift()!;
      this.#busy[i] = job;
      const request: DecodeRequest = { name: job.name, size: this.size, bytes: job.bytes };
      const transfer: Transferable[] = [job.bytes.buffer as ArrayBuffer];
      const out = this.#spare.pop();
      if (out !== undefined) {
        request.out = out;
        transfer.push(out);
      }
      this.#workers[i]!.postMessage(request, transfer);
    }
  }

  #answer(worker: number, reply: DecodeReply): void {
    const job = this.#busy[worker];
    if (job === undefined) return;
    this.#busy[worker] = undefined;
    if (reply.reason === undefined) job.resolve({ tensor: reply.tensor });
    else {
      this.recycle(reply.tensor);
      job.resolve({ reason: reply.reason });
    }
    if (this.#crash === undefined) this.#dispatch();
  }

  /** A worker died: its image fails, the waiting ones too; the others finish what they hold. */
  #stop(worker: number, message: string): void {
    if (this.#closed || !this.#alive[worker]) return;
    const job = this.#busy[worker];
    this.#busy[worker] = undefined;
    this.#terminate(worker);
    this.#crash ??= { worker, name: job?.name, message };
    const waiting = this.#queue;
    this.#queue = [];
    for (const failed of job === undefined ? waiting : [job, ...waiting]) {
      failed.reject(this.#crashError(failed.name));
    }
  }

  #terminate(worker: number): void {
    if (!this.#alive[worker]) return;
    this.#alive[worker] = false;
    this.#workers[worker]!.terminate();
    live--;
  }

  #crashError(name: string): Error {
    const crash = this.#crash!;
    const where = crash.name === undefined
      ? "while idle"
      : crash.name === name
      ? "while decoding it"
      : `while decoding ${crash.name}`;
    return new Error(
      `Cannot decode ${name}: decode worker ${crash.worker + 1} of ${this.workers} stopped ` +
        `${where} (${crash.message}); the rows written so far are kept, re-run the same command ` +
        `to resume`,
    );
  }
}

/** An image in reading order with its tensor, or the reason it was skipped. */
export type DecodedImage = ImageKey & DecodeOutcome;

/** Options of {@linkcode decodeRecords}. */
export interface DecodeRecordsOptions {
  /**
   * Decode workers; 0 decodes in this thread, one image at a time, as before the pool.
   * @default {1}
   */
  workers?: number;
  /** Side of the square model input. @default {112} */
  size?: number;
  /**
   * Images read and handed to the workers ahead of the one the caller takes next (with workers;
   * at least `workers`). Twice the model's batch keeps the workers busy while a batch runs.
   * @default {64}
   */
  ahead?: number;
  /** The worker module, as {@linkcode DecodePoolOptions.workerUrl}. @default {the kit's} */
  workerUrl?: URL;
}

/**
 * Decodes a dataset's records in a pool of workers and yields them in the records' order:
 * records the reader could not read keep their reason, images the decoder refuses get its
 * reason, the others their CHW float32 tensor. A yielded tensor is valid until the next item is
 * asked for (its buffer is then reused). Breaking out of the loop, an error, or the end
 * terminates the workers and closes the records' iterator.
 *
 * @param records The dataset reader's records, in order.
 * @param options Worker count, input size, read-ahead.
 * @returns The images in the records' order.
 * @throws {Error} When a worker dies: the message names the image it was decoding.
 * @throws {RangeError} For a negative or fractional worker count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRecords } from "./_decode_pool.ts";
 * async function* records() {
 *   yield { identity: "a", imageName: "junk.jpg", bytes: new Uint8Array([0xff, 0xd8, 0xff]) };
 * }
 * const items = [];
 * for await (const item of decodeRecords(records(), { workers: 0 })) items.push(item);
 * assert.equal(items[0]?.imageName, "junk.jpg");
 * assert.match(items[0]?.reason ?? "", /a\/junk\.jpg/);
 * ```
 */
export async function* decodeRecords(
  records: AsyncIterable<ImageRecord>,
  options: DecodeRecordsOptions = {},
): AsyncGenerator<DecodedImage, void, undefined> {
  const { workers = 1, size = 112, workerUrl } = options;
  if (!Number.isInteger(workers) || workers < 0) {
    throw new RangeError(
      `Cannot decode with ${workers} workers: it must be 0 (this thread) or a positive integer`,
    );
  }
  const ahead = workers === 0 ? 1 : Math.max(workers, options.ahead ?? 64);
  const pool = workers === 0
    ? undefined
    : new DecodePool(workerUrl === undefined ? { workers, size } : { workers, size, workerUrl });
  // In this thread one image is in flight at a time (ahead 1), so one tensor serves them all.
  const here = pool === undefined ? new Float32Array(3 * size * size) : undefined;
  const decode = (bytes: Uint8Array, name: string): Promise<DecodeOutcome> =>
    here === undefined ? pool!.decode(bytes, name) : decodeHere(bytes, name, size, here);
  const iterator = records[Symbol.asyncIterator]();
  const queue: { key: ImageKey; outcome: Promise<DecodeOutcome> }[] = [];
  let finished = false;
  try {
    for (;;) {
      while (!finished && queue.length < ahead) {
        const next = await iterator.next();
        if (next.done === true) {
          finished = true;
          break;
        }
        const record = next.value;
        const key = { identity: record.identity, imageName: record.imageName };
        const outcome = record.error !== undefined
          ? Promise.resolve({ reason: record.error })
          : decode(record.bytes, `${record.identity}/${record.imageName}`);
        outcome.catch(() => {}); // surfaced in order below; later ones are dropped with the pool
        queue.push({ key, outcome });
      }
      const head = queue.shift();
      if (head === undefined) return;
      const outcome = await head.outcome;
      yield { ...head.key, ...outcome };
      if (outcome.tensor !== undefined) pool?.recycle(outcome.tensor);
    }
  } finally {
    pool?.close();
    if (!finished) await iterator.return?.();
  }
}

async function decodeHere(
  bytes: Uint8Array,
  name: string,
  size: number,
  out: Float32Array,
): Promise<DecodeOutcome> {
  try {
    return { tensor: await preprocessImage(bytes, { name, size, out }) };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The default number of decode workers: the cores the model does not need, at least one. The
 * `cpu` and `wasm` backends run ONNX Runtime with one intra-op thread per core
 * (`navigator.hardwareConcurrency`, see `createSession`), so they leave none and get one worker,
 * which mostly waits for the model; a GPU backend needs one core to feed it and leaves the rest.
 *
 * @param backend The model's backend.
 * @param cores Hardware threads. @default {navigator.hardwareConcurrency}
 * @returns The worker count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultDecodeWorkers } from "./_decode_pool.ts";
 * assert.equal(defaultDecodeWorkers("cpu", 16), 1);
 * assert.equal(defaultDecodeWorkers("webgpu", 16), 15);
 * assert.equal(defaultDecodeWorkers("webgpu", 1), 1);
 * ```
 */
export function defaultDecodeWorkers(
  backend: string,
  cores: number = navigator.hardwareConcurrency || 1,
): number {
  const modelThreads = backend === "cpu" || backend === "wasm" ? cores : 1;
  return Math.max(1, cores - modelThreads);
}
