/**
 * The int8 score-and-top-k block of the search prefilter on ONNX Runtime's native CPU backend:
 * `values, indices = TopK(MatMulInteger(queries, gallery, 128), k)` with uint8 queries (codes
 * plus the zero point 128) and an int8 gallery block transposed to `dim x cols`. MLAS runs
 * `MatMulInteger` with its uint8 x int8 kernels (AVX-512 VNNI or AVX-VNNI where the CPU has them),
 * and `TopK` runs on the int32 block inside the graph, so only `rows x k` values and indices come
 * back to JavaScript. The int32 dot products are exact (at most 512 x 127 x 127 per term sum,
 * far below 2^31).
 *
 * @module
 */
import { type BackendSession, createSession, type TensorData } from "../model/_backend.ts";
import { encodeOnnxModel, OnnxDataType } from "../model/_onnx_proto.ts";

/** Shape of one int8 kernel call. */
export interface Int8BlockShape {
  /** Query rows in the block. */
  rows: number;
  /** Gallery rows in the block. */
  cols: number;
  /** Embedding dimension. */
  dim: number;
  /** Results kept per query row (at most `cols`). */
  k: number;
}

/** One int8 block: for each query row, `k` int32 dot products (descending) and their columns. */
export interface Int8TopK {
  /** `rows x k` dot products of the codes, row-major, each row descending. */
  values: Int32Array;
  /** `rows x k` gallery columns within the block, matching `values`. */
  indices: Int32Array;
  /** Results per row: the smaller of the requested `k` and the block width. */
  k: number;
}

/** Scores uint8 query codes against a transposed int8 gallery block and keeps `k` per row. */
export interface Int8TopKKernel {
  /** Short name for messages and benchmarks (`int8-ort-cpu`). */
  readonly name: string;
  /**
   * Runs one block.
   *
   * @param queries `rows x dim` uint8 codes (`q + 128`), row-major.
   * @param gallery `dim x cols` int8 codes (column `j` is gallery row `j` of the block).
   * @param shape Block shape and `k`.
   */
  run(queries: Uint8Array, gallery: Int8Array, shape: Int8BlockShape): Promise<Int8TopK>;
  /** Releases native resources. */
  release(): Promise<void>;
}

/** Options of {@linkcode createInt8TopK}. */
export interface Int8TopKOptions {
  /** Intra-op threads. @default navigator.hardwareConcurrency */
  threads?: number;
}

/**
 * Creates the {@linkcode Int8TopKKernel} on onnxruntime-node's CPU execution provider.
 *
 * @param options Thread count.
 * @returns The kernel; release it after use.
 * @throws {Error} When onnxruntime-node cannot be loaded on this platform.
 *
 * @example
 * ```ts
 * import { createInt8TopK } from "./_int8_matmul.ts";
 * const kernel = await createInt8TopK();
 * const q = new Uint8Array([128 + 1, 128 - 2]); // one query (1, -2)
 * const g = new Int8Array([3, 0, 1, 0, 5, -1]); // dim x cols: gallery rows (3,0) (0,5) (1,-1)
 * const r = await kernel.run(q, g, { rows: 1, cols: 3, dim: 2, k: 2 });
 * await kernel.release();
 * if (r.values.join() !== "3,3" || r.indices[0] !== 0 && r.indices[0] !== 2) throw new Error();
 * ```
 */
export async function createInt8TopK(options: Int8TopKOptions = {}): Promise<Int8TopKKernel> {
  const { threads = navigator.hardwareConcurrency || 1 } = options;
  const sessions = new Map<number, Promise<BackendSession>>();
  const session = (k: number) => {
    let s = sessions.get(k);
    if (!s) {
      s = createSession(int8TopKModel(k), "cpu", { intraOpNumThreads: threads });
      sessions.set(k, s);
    }
    return s;
  };
  await session(1); // fail here when the native runtime is missing
  return {
    name: "int8-ort-cpu",
    async run(queries, gallery, shape) {
      const { rows, cols, dim } = shape;
      const k = Math.min(shape.k, cols);
      const out = await (await session(k)).run({
        queries: { data: queries.subarray(0, rows * dim), dims: [rows, dim] },
        gallery: { data: gallery.subarray(0, dim * cols), dims: [dim, cols] },
      });
      const values = dataOf(out, "values");
      const indices = dataOf(out, "indices");
      if (!(values instanceof Int32Array) || !(indices instanceof Int32Array)) {
        throw new TypeError(
          `Cannot read the int8 score block as int32 values and indices: current types are ${values.constructor.name} and ${indices.constructor.name}`,
        );
      }
      return { values, indices, k };
    },
    async release() {
      for (const s of sessions.values()) await (await s).release();
      sessions.clear();
    },
  };
}

function dataOf(out: Record<string, TensorData>, name: string): TensorData["data"] {
  const tensor = out[name];
  if (!tensor) {
    throw new TypeError(
      `Cannot read the int8 score block output "${name}": current outputs are ${
        Object.keys(out).join(", ")
      }`,
    );
  }
  return tensor.data;
}

/**
 * ONNX bytes of `TopK(MatMulInteger(queries, gallery, a_zero_point = 128), k, axis = 1)`, the
 * indices cast to int32 in the graph (no BigInt conversion in JavaScript).
 */
function int8TopKModel(k: number): Uint8Array {
  const int = (value: number) => ({ type: "int" as const, value });
  return encodeOnnxModel({
    opsetVersion: 17,
    graph: {
      name: "int8_score_topk",
      nodes: [
        { opType: "MatMulInteger", inputs: ["queries", "gallery", "zero"], outputs: ["dots"] },
        {
          opType: "TopK",
          inputs: ["dots", "k"],
          outputs: ["values", "indices64"],
          attributes: { axis: int(1), largest: int(1), sorted: int(1) },
        },
        {
          opType: "Cast",
          inputs: ["indices64"],
          outputs: ["indices"],
          attributes: { to: int(OnnxDataType.INT32) },
        },
      ],
      initializers: [
        {
          name: "k",
          dataType: OnnxDataType.INT64,
          dims: [1],
          data: new BigInt64Array([BigInt(k)]),
        },
        { name: "zero", dataType: OnnxDataType.UINT8, dims: [], data: new Uint8Array([128]) },
      ],
      inputs: [
        { name: "queries", elemType: OnnxDataType.UINT8, shape: ["rows", "dim"] },
        { name: "gallery", elemType: OnnxDataType.INT8, shape: ["dim", "cols"] },
      ],
      outputs: [
        { name: "values", elemType: OnnxDataType.INT32, shape: ["rows", k] },
        { name: "indices", elemType: OnnxDataType.INT32, shape: ["rows", k] },
      ],
    },
  });
}
