/**
 * Scores-and-top-K blocks on ONNX Runtime's native CPU backend: small graphs
 * `TopK(Gemm(queries, galleryᵀ), k)` and "every score above a threshold" run by MLAS's float32
 * GEMM (AVX2 / AVX-512 kernels), about two orders of magnitude faster than scalar JavaScript
 * loops. The graphs are built in memory with the kit's ONNX encoder and run through the kit's
 * backend module.
 *
 * @module
 */
import { type BackendSession, createSession, type TensorData } from "../model/_backend.ts";
import {
  encodeOnnxModel,
  OnnxDataType,
  type OnnxNode,
  type OnnxValueInfo,
} from "../model/_onnx_proto.ts";
import type { ScoreTopKKernel, ScoreTopKShape } from "./_gemm.ts";

/** Options of {@linkcode createOrtScoreTopK}. */
export interface OrtScoreTopKOptions {
  /** Intra-op threads; 0 lets ONNX Runtime use every core. @default 0 */
  threads?: number;
}

/**
 * Creates a {@linkcode ScoreTopKKernel} on onnxruntime-node's CPU execution provider.
 *
 * @param options Thread count.
 * @returns The kernel.
 * @throws {Error} When onnxruntime-node cannot be loaded on this platform.
 *
 * @example
 * ```ts
 * import { createOrtScoreTopK } from "./_ort_matmul.ts";
 * const kernel = await createOrtScoreTopK();
 * const q = new Float32Array([1, 0, 0, 1]);
 * const g = new Float32Array([0.5, 0.5, 1, 0, 0, -1]);
 * const r = await kernel.run(q, g, { rows: 2, cols: 3, dim: 2, k: 1 });
 * await kernel.release();
 * if (r.indices[0] !== 1 || r.indices[1] !== 0 || r.values[1] !== 0.5) throw new Error("wrong");
 * ```
 */
export async function createOrtScoreTopK(
  options: OrtScoreTopKOptions = {},
): Promise<ScoreTopKKernel> {
  const { threads = navigator.hardwareConcurrency || 1 } = options;
  const sessions = new Map<string, Promise<BackendSession>>();
  const session = (key: string, model: () => Uint8Array) => {
    let s = sessions.get(key);
    if (!s) {
      s = createSession(model(), "cpu", { intraOpNumThreads: threads });
      sessions.set(key, s);
    }
    return s;
  };
  await session("top1", () => scoreTopKModel(1)); // fail here when the native runtime is missing
  // A one-row block goes in as two copies of the row: MLAS scores a single row with another
  // kernel (its M = 1 path), whose sums round differently, and a pair must score the same in
  // every block it is met in (shards of a search, pass 1 and pass 2 of topKPairs).
  const feedsOf = (queries: Float32Array, gallery: Float32Array, shape: ScoreTopKShape) => {
    const { rows, dim } = shape;
    let data = queries.subarray(0, rows * dim);
    if (rows === 1) {
      data = new Float32Array(2 * dim);
      data.set(queries.subarray(0, dim));
      data.set(queries.subarray(0, dim), dim);
    }
    return {
      queries: { data, dims: [Math.max(rows, 2), dim] },
      gallery: { data: gallery.subarray(0, shape.cols * dim), dims: [shape.cols, dim] },
    };
  };
  return {
    name: "ort-cpu",
    async run(queries, gallery, shape) {
      const kk = Math.min(shape.k, shape.cols);
      const out = await (await session(`top${kk}`, () => scoreTopKModel(kk)))
        .run(feedsOf(queries, gallery, shape));
      const values = outputData(out, "values");
      const indices = outputData(out, "indices");
      if (!(values instanceof Float32Array) || !(indices instanceof Float32Array)) {
        throw new TypeError(
          `Cannot read the score block as float32: current types are ${values.constructor.name} and ${indices.constructor.name}`,
        );
      }
      const n = shape.rows * kk; // without the copy of a one-row block
      return {
        values: values.subarray(0, n),
        indices: Int32Array.from(indices.subarray(0, n)),
        k: kk,
      };
    },
    async runAbove(queries, gallery, shape, threshold) {
      const feeds = {
        ...feedsOf(queries, gallery, shape),
        threshold: { data: new Float32Array([threshold]), dims: [1] },
      };
      const out = await (await session("above", scoreAboveModel)).run(feeds);
      const where = outputData(out, "where");
      const values = outputData(out, "values");
      if (!(where instanceof BigInt64Array) || !(values instanceof Float32Array)) {
        throw new TypeError(
          `Cannot read the pairs above the threshold: current types are ${where.constructor.name} and ${values.constructor.name}`,
        );
      }
      const m = values.length;
      const rows = new Int32Array(m);
      const cols = new Int32Array(m);
      for (let i = 0; i < m; i++) {
        rows[i] = Number(where[i]!);
        cols[i] = Number(where[m + i]!);
      }
      if (shape.rows === 1) {
        const kept = rows.findIndex((r) => r !== 0); // row-major: the copy's pairs come last
        const n = kept < 0 ? m : kept;
        return {
          rows: rows.subarray(0, n),
          cols: cols.subarray(0, n),
          values: values.subarray(0, n),
        };
      }
      return { rows, cols, values };
    },
    async release() {
      for (const s of sessions.values()) await (await s).release();
      sessions.clear();
    },
  };
}

/** The data of an output of one of the graphs below (which always produce every output). */
function outputData(out: Record<string, TensorData>, name: string): TensorData["data"] {
  const tensor = out[name];
  if (!tensor) {
    throw new TypeError(
      `Cannot read the score block output "${name}": current outputs are ${
        Object.keys(out).join(", ")
      }`,
    );
  }
  return tensor.data;
}

const { FLOAT } = OnnxDataType;
const int = (value: number) => ({ type: "int" as const, value });
const GEMM: OnnxNode = {
  opType: "Gemm",
  inputs: ["queries", "gallery"],
  outputs: ["scores"],
  attributes: { transB: int(1) },
};
const BLOCK_INPUTS: OnnxValueInfo[] = [
  { name: "queries", elemType: FLOAT, shape: ["rows", "dim"] },
  { name: "gallery", elemType: FLOAT, shape: ["cols", "dim"] },
];

/**
 * ONNX bytes of `values, indices = TopK(Gemm(queries, gallery, transB=1), k, axis=1)`, indices
 * cast to float32 (exact below 2^24 columns per block).
 */
function scoreTopKModel(k: number): Uint8Array {
  return encodeOnnxModel({
    opsetVersion: 17,
    graph: {
      name: "score_topk",
      nodes: [
        GEMM,
        {
          opType: "TopK",
          inputs: ["scores", "k"],
          outputs: ["values", "indices64"],
          attributes: { axis: int(1), largest: int(1), sorted: int(1) },
        },
        {
          opType: "Cast",
          inputs: ["indices64"],
          outputs: ["indices"],
          attributes: { to: int(FLOAT) },
        },
      ],
      initializers: [{
        name: "k",
        dataType: OnnxDataType.INT64,
        dims: [1],
        data: new BigInt64Array([BigInt(k)]),
      }],
      inputs: BLOCK_INPUTS,
      outputs: [
        { name: "values", elemType: FLOAT, shape: ["rows", k] },
        { name: "indices", elemType: FLOAT, shape: ["rows", k] },
      ],
    },
  });
}

/**
 * ONNX bytes of `where = NonZero(scores > threshold)` ([2, m] row and column indices) and
 * `values = GatherND(scores, whereᵀ)` with `scores = Gemm(queries, gallery, transB=1)`.
 */
function scoreAboveModel(): Uint8Array {
  return encodeOnnxModel({
    opsetVersion: 17,
    graph: {
      name: "score_above",
      nodes: [
        GEMM,
        { opType: "Greater", inputs: ["scores", "threshold"], outputs: ["mask"] },
        { opType: "NonZero", inputs: ["mask"], outputs: ["where"] },
        { opType: "Transpose", inputs: ["where"], outputs: ["pairs"] },
        { opType: "GatherND", inputs: ["scores", "pairs"], outputs: ["values"] },
      ],
      initializers: [],
      inputs: [...BLOCK_INPUTS, { name: "threshold", elemType: FLOAT, shape: [1] }],
      outputs: [
        { name: "where", elemType: OnnxDataType.INT64, shape: [2, "m"] },
        { name: "values", elemType: FLOAT, shape: ["m"] },
      ],
    },
  });
}
