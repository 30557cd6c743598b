/**
 * The embedding pipeline over one ONNX Runtime session: NCHW float32 batch in, run, L2-normalise
 * each row (embeddings' `normalizeRows`, the float32 norm of the original pipeline). Nothing else:
 * image decoding and preprocessing live in `lib/image`.
 *
 * @module
 */
import { consoleReporter, type Reporter } from "../cli/mod.ts";
import type { Backend, BackendSession } from "./_backend.ts";
import { normalizeRows } from "../embeddings/_normalize.ts";

/** An ArcFace model ready to embed preprocessed 112x112 face crops. */
export interface ArcFaceModel {
  /** Name of the image input in the graph, e.g. `data` or `input.1`. */
  readonly inputName: string;
  /** Name of the embedding output in the graph. */
  readonly outputName: string;
  /** Embedding size, e.g. 512. */
  readonly dim: number;
  /** Input side length (112). */
  readonly inputSize: number;
  /** The backend the session runs on. */
  readonly backend: Backend;
  /**
   * Embeds `n` images.
   *
   * @param batch `n x 3 x S x S` floats in C order, RGB, `(x / 255 - 0.5) / 0.5`.
   * @param n Number of images in `batch`.
   * @returns `n x dim` L2-normalised rows.
   */
  embed(batch: Float32Array, n: number): Promise<Float32Array>;
  /** Frees the session. */
  close(): Promise<void>;
}

/** Options of {@linkcode arcFaceFromSession}. */
export interface ArcFaceFromSessionOptions {
  /** Name of the graph's image input `[N, 3, S, S]`, e.g. `data` or `input.1`. */
  inputName: string;
  /** Name of the graph's embedding output `[N, D]`. */
  outputName: string;
  /** Embedding size; `undefined` to take it from the first run's output. */
  dim?: number | undefined;
  /** Input side length S in pixels. @default {112} */
  inputSize?: number;
  /**
   * A fixed batch size of the graph's input (some exports fix it to 1); `embed` then runs in
   * chunks of that size. `undefined` for a symbolic batch dimension.
   */
  fixedBatch?: number | undefined;
  /**
   * Receives, as a warning, what a failed run was offered (graph inputs, dims, type) before the
   * error is rethrown.
   * @default {consoleReporter()}
   */
  reporter?: Reporter;
}

/**
 * Wraps a session as an {@linkcode ArcFaceModel}. On a failed run it reports the graph's input
 * names and the offered dims and type as a warning, then rethrows.
 *
 * @param session A session from `createSession`.
 * @param options Tensor names and sizes.
 * @returns The model.
 *
 * @example
 * ```ts
 * import { arcFaceFromSession } from "./_arcface.ts";
 * const model = arcFaceFromSession({
 *   backend: "cpu",
 *   inputNames: ["x"],
 *   outputNames: ["y"],
 *   run: (feeds) => Promise.resolve({ y: { data: feeds.x!.data.slice(0, 2), dims: [1, 2] } }),
 *   release: () => Promise.resolve(),
 * }, { inputName: "x", outputName: "y", inputSize: 1 });
 * const e = await model.embed(new Float32Array([3, 4, 0]), 1);
 * if (model.dim !== 2 || Math.abs(e[1]! - 0.8) > 1e-7) throw new Error("unexpected");
 * ```
 */
export function arcFaceFromSession(
  session: BackendSession,
  options: ArcFaceFromSessionOptions,
): ArcFaceModel {
  const {
    inputName,
    outputName,
    inputSize = 112,
    fixedBatch,
    reporter = consoleReporter(),
  } = options;
  let dim = options.dim;
  const perImage = 3 * inputSize * inputSize;

  async function runChunk(data: Float32Array, n: number): Promise<Float32Array> {
    const dims = [n, 3, inputSize, inputSize];
    try {
      const out = await session.run({ [inputName]: { data, dims } });
      const t = out[outputName];
      if (!t) {
        throw new RangeError(
          `Cannot read output "${outputName}": current outputs are ${Object.keys(out).join(", ")}`,
        );
      }
      const d = t.dims[t.dims.length - 1];
      if (!(t.data instanceof Float32Array)) {
        throw new TypeError(`Cannot use output "${outputName}" as float32 embeddings`);
      }
      if (
        d === undefined || t.dims[0] !== n || t.data.length !== n * d ||
        (dim !== undefined && d !== dim)
      ) {
        throw new RangeError(
          `Cannot use output "${outputName}" as ${n} x ${dim ?? "D"} embeddings: ` +
            `current dims are [${t.dims}]`,
        );
      }
      dim ??= d;
      return t.data;
    } catch (error) {
      reporter.warn(
        `model run failed on backend ${session.backend}: graph inputs [${session.inputNames}], ` +
          `offered ${inputName}: float32 [${dims}] (${data.length} values)`,
      );
      throw error;
    }
  }

  return {
    inputName,
    outputName,
    inputSize,
    backend: session.backend,
    get dim(): number {
      if (dim === undefined) {
        throw new RangeError("Cannot tell the embedding size before the first run: it is symbolic");
      }
      return dim;
    },
    async embed(batch: Float32Array, n: number): Promise<Float32Array> {
      if (!Number.isInteger(n) || n < 0 || batch.length !== n * perImage) {
        throw new RangeError(
          `Cannot embed ${n} images of 3x${inputSize}x${inputSize}: ` +
            `current batch length is ${batch.length}, expected ${n * perImage}`,
        );
      }
      if (n === 0) return new Float32Array(0);
      if (fixedBatch === undefined || fixedBatch === n) {
        const out = await runChunk(batch, n);
        return normalizeRows(Float32Array.from(out), dim!);
      }
      let result: Float32Array | undefined;
      for (let start = 0; start < n; start += fixedBatch) {
        const count = Math.min(fixedBatch, n - start);
        const chunk = new Float32Array(fixedBatch * perImage);
        chunk.set(batch.subarray(start * perImage, (start + count) * perImage));
        const out = await runChunk(chunk, fixedBatch);
        result ??= new Float32Array(n * dim!);
        result.set(out.subarray(0, count * dim!), start * dim!);
      }
      return normalizeRows(result!, dim!);
    },
    close(): Promise<void> {
      return session.release();
    },
  };
}
