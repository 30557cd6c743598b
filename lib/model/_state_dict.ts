/**
 * A PyTorch `state_dict` as plain typed arrays: what the `.pth` reader returns and what the IResNet
 * graph builder consumes.
 *
 * @module
 */

/** Element types that a state dict of a face recognition backbone holds. */
export type DType =
  | "float64"
  | "float32"
  | "float16"
  | "bfloat16"
  | "int64"
  | "int32"
  | "int16"
  | "int8"
  | "uint8"
  | "bool";

/** One tensor, contiguous, row-major (C order). */
export interface StateTensor {
  /** Element type in the checkpoint (`data` can be wider: `float16` is a `Float32Array`). */
  dtype: DType;
  /** Dimensions; `[]` for a 0-dim tensor. */
  shape: number[];
  /**
   * Values in C order. Floating types are widened to `Float32Array` (`float64` stays
   * `Float64Array`); `int64` is a `BigInt64Array`; other integers use their typed array.
   */
  data:
    | Float32Array
    | Float64Array
    | BigInt64Array
    | Int32Array
    | Int16Array
    | Int8Array
    | Uint8Array;
}

/** Tensors by key, in the checkpoint's order. */
export type StateDict = Map<string, StateTensor>;
