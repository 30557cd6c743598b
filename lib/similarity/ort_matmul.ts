/**
 * Scores-and-top-K blocks on ONNX Runtime's native CPU backend: a small graph
 * `TopK(Gemm(queries, galleryᵀ) [* scale], k)` run by MLAS's float32 GEMM (AVX2 / AVX-512
 * kernels), about two orders of magnitude faster than scalar JavaScript loops. The graph is
 * built in memory with the kit's ONNX encoder and run through the kit's backend module.
 *
 * @module
 */
import { type BackendSession, createSession } from "../model/backend.ts";
import {
  encodeOnnxModel,
  OnnxDataType,
  type OnnxNode,
  type OnnxValueInfo,
} from "../model/onnx_proto.ts";
import type { ScoreTopKKernel } from "./gemm.ts";

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
 * import { createOrtScoreTopK } from "./ort_matmul.ts";
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
  const session = (k: number, scaled: boolean) => {
    const key = `${k}:${scaled}`;
    let s = sessions.get(key);
    if (!s) {
      s = createSession(scoreTopKModel(k, scaled), "cpu", { intraOpNumThreads: threads });
      sessions.set(key, s);
    }
    return s;
  };
  await session(1, false); // fail here, not on first use, when the native runtime is missing
  return {
    name: "ort-cpu",
    async run(queries, gallery, { rows, cols, dim, k }, colScale) {
      const kk = Math.min(k, cols);
      const feeds: Parameters<BackendSession["run"]>[0] = {
        queries: { data: queries.subarray(0, rows * dim), dims: [rows, dim] },
        gallery: { data: gallery.subarray(0, cols * dim), dims: [cols, dim] },
      };
      if (colScale) feeds.scale = { data: colScale.subarray(0, cols), dims: [1, cols] };
      const out = await (await session(kk, colScale !== undefined)).run(feeds);
      const { values: { data: values }, indices: { data: indices } } = out;
      if (!(values instanceof Float32Array) || !(indices instanceof Float32Array)) {
        throw new TypeError(
          `Cannot read the score block as float32: current types are ${values.constructor.name} and ${indices.constructor.name}`,
        );
      }
      return { values, indices: Int32Array.from(indices), k: kk };
    },
    async release() {
      for (const s of sessions.values()) await (await s).release();
      sessions.clear();
    },
  };
}

/**
 * ONNX bytes of `values, indices = TopK(Gemm(queries, gallery, transB=1) [* scale], k, axis=1)`,
 * indices cast to float32 (exact below 2^24 columns per block).
 */
function scoreTopKModel(k: number, withScale: boolean): Uint8Array {
  const { FLOAT, INT64 } = OnnxDataType;
  const int = (value: number) => ({ type: "int" as const, value });
  const nodes: OnnxNode[] = [
    {
      opType: "Gemm",
      inputs: ["queries", "gallery"],
      outputs: ["scores"],
      attributes: { transB: int(1) },
    },
  ];
  if (withScale) nodes.push({ opType: "Mul", inputs: ["scores", "scale"], outputs: ["scaled"] });
  nodes.push(
    {
      opType: "TopK",
      inputs: [withScale ? "scaled" : "scores", "k"],
      outputs: ["values", "indices64"],
      attributes: { axis: int(1), largest: int(1), sorted: int(1) },
    },
    { opType: "Cast", inputs: ["indices64"], outputs: ["indices"], attributes: { to: int(FLOAT) } },
  );
  const inputs: OnnxValueInfo[] = [
    { name: "queries", elemType: FLOAT, shape: ["rows", "dim"] },
    { name: "gallery", elemType: FLOAT, shape: ["cols", "dim"] },
  ];
  if (withScale) inputs.push({ name: "scale", elemType: FLOAT, shape: [1, "cols"] });
  return encodeOnnxModel({
    opsetVersion: 17,
    graph: {
      name: "score_topk",
      nodes,
      initializers: [{
        name: "k",
        dataType: INT64,
        dims: [1],
        data: new BigInt64Array([BigInt(k)]),
      }],
      inputs,
      outputs: [
        { name: "values", elemType: FLOAT, shape: ["rows", k] },
        { name: "indices", elemType: FLOAT, shape: ["rows", k] },
      ],
    },
  });
}
