/**
 * Winograd F(m x m, 3x3) convolution (m = 2 or 4) expressed in plain ONNX operators, so that the
 * GEMM part of a stride-1, pad-1 3x3 convolution does (m + 2)² multiplies per m x m output tile
 * instead of 9·m²: 2.25x fewer for F(2x2, 3x3), 4x fewer for F(4x4, 3x3).
 *
 * For input `[N, C, H, W]` and weights `g` `[K, C, 3, 3]`, with a = m + 2 and T tiles per image:
 * each a x a input tile `d` (tiles at stride m) becomes `V = Bᵀ d B`, each filter `U = G g Gᵀ`
 * (computed in float64 here, stored float32), and for each of the a² tile positions `e` a matrix
 * product `M[e] = U[e] · V[e]` (`[K, C] x [C, T]` per image) gives `Y = Aᵀ M A`, the m x m outputs.
 *
 * The lowering avoids ONNX Runtime's slow generic Transpose: every channel of every image is
 * padded and stacked into one tall single-channel image, so that the input transform is one
 * stride-m `Conv` whose a² output channels are already the GEMM batch; the output transform and
 * the scatter of the m x m blocks back into place are one stride-m `ConvTranspose`.
 *
 * @module
 */
import { OnnxDataType } from "./_onnx_proto.ts";
import type { OnnxNode, OnnxTensor } from "./_onnx_proto.ts";

interface WinogradMatrices {
  /** Output tile size m; input tiles are m + 2. */
  m: number;
  /** (m + 2) x (m + 2). */
  BT: number[][];
  /** (m + 2) x 3. */
  G: [number, number, number][];
  /** m x (m + 2). */
  AT: number[][];
}

const F2: WinogradMatrices = {
  m: 2,
  BT: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
  G: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
  AT: [[1, 1, 1, 0], [0, 1, -1, -1]],
};

const F4: WinogradMatrices = {
  m: 4,
  BT: [
    [4, 0, -5, 0, 1, 0],
    [0, -4, -4, 1, 1, 0],
    [0, 4, -4, -1, 1, 0],
    [0, -2, -1, 2, 1, 0],
    [0, 2, -1, -2, 1, 0],
    [0, 4, 0, -5, 0, 1],
  ],
  G: [
    [1 / 4, 0, 0],
    [-1 / 6, -1 / 6, -1 / 6],
    [-1 / 6, 1 / 6, -1 / 6],
    [1 / 24, 1 / 12, 1 / 6],
    [1 / 24, -1 / 12, 1 / 6],
    [0, 0, 1],
  ],
  AT: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
};

/** A piece of an ONNX graph: nodes in order, their constants, and the name of its result. */
export interface OnnxFragment {
  /** Nodes to append to the graph, in topological order. */
  nodes: OnnxNode[];
  /** Constants the nodes read (pads, shapes, transforms, filters, bias), named after `name`. */
  initializers: OnnxTensor[];
  /** Name of the value that holds the result, `[N, K, H, W]`. */
  output: string;
}

/** Shape and constants of {@linkcode winogradConv3x3}. */
export interface WinogradConvParams {
  /** Prefix of node, value and initializer names; must be unique in the graph. */
  name: string;
  /** Weights `[K, C, 3, 3]` in C order. */
  weight: ArrayLike<number>;
  /** Output channels K. */
  outChannels: number;
  /** Input channels C. */
  inChannels: number;
  /** Input height H (odd heights are padded to even and cropped back). */
  height: number;
  /** Input width W (odd widths are padded to even and cropped back). */
  width: number;
  /** Per-output-channel bias `[K]`, added after the output transform; none when absent. */
  bias?: ArrayLike<number> | undefined;
  /** Output tile size m of F(m x m, 3x3): 2 (16 products per 4 outputs) or 4 (36 per 16). @default {2} */
  tile?: 2 | 4;
}

/**
 * Transforms 3x3 filters `[K, C, 3, 3]` to Winograd F(m x m, 3x3) form `U = G g Gᵀ`, laid out
 * `[a², K, C]` (a = m + 2; tile position `e = a·i + j` outermost), computed in float64.
 *
 * @param weight Filters in C order, `K * C * 9` values.
 * @param outChannels K.
 * @param tile The output tile size m: 2 or 4.
 * @returns `a² * K * C` float32 values.
 * @throws {RangeError} When `weight` does not hold `K * C * 9` values for an integer C.
 *
 * @example
 * ```ts
 * import { winogradFilters } from "./_winograd.ts";
 * // A single filter with only the centre tap set: U = G e₁₁ Gᵀ = outer(G[:,1], G[:,1]).
 * const u = winogradFilters([0, 0, 0, 0, 1, 0, 0, 0, 0], 1);
 * const g1 = [0, 0.5, -0.5, 0];
 * for (let e = 0; e < 16; e++) {
 *   if (u[e] !== g1[e >> 2]! * g1[e & 3]!) throw new Error(`unexpected U[${e}]`);
 * }
 * ```
 */
export function winogradFilters(
  weight: ArrayLike<number>,
  outChannels: number,
  tile: 2 | 4 = 2,
): Float32Array {
  const { G } = matrices(tile);
  const a = tile + 2;
  const inChannels = weight.length / (outChannels * 9);
  if (!Number.isInteger(inChannels) || inChannels < 1) {
    throw new RangeError(
      `Cannot read weights as [${outChannels}, C, 3, 3]: current length is ${weight.length}`,
    );
  }
  const kc = outChannels * inChannels;
  const u = new Float32Array(a * a * kc);
  const t = new Float64Array(a * 3); // G g: a x 3
  // Every index below is in bounds: G is a x 3, weight holds kc 3x3 filters, t is a x 3.
  for (let f = 0; f < kc; f++) {
    const base = f * 9;
    for (let i = 0; i < a; i++) {
      const g = G[i]!;
      for (let b = 0; b < 3; b++) {
        t[i * 3 + b] = g[0] * weight[base + b]! + g[1] * weight[base + 3 + b]! +
          g[2] * weight[base + 6 + b]!;
      }
    }
    for (let i = 0; i < a; i++) {
      for (let j = 0; j < a; j++) {
        const g = G[j]!;
        u[(i * a + j) * kc + f] = t[i * 3]! * g[0] + t[i * 3 + 1]! * g[1] + t[i * 3 + 2]! * g[2];
      }
    }
  }
  return u;
}

function matrices(tile: number): WinogradMatrices {
  if (tile === 2) return F2;
  if (tile === 4) return F4;
  throw new RangeError(`Cannot use Winograd F(${tile}x${tile}, 3x3): expected tile 2 or 4`);
}

function ints(name: string, values: readonly number[]): OnnxTensor {
  return {
    name,
    dataType: OnnxDataType.INT64,
    dims: [values.length],
    data: BigInt64Array.from(values, (v) => BigInt(v)),
  };
}

/**
 * Emits a stride-1, pad-1 3x3 convolution (ONNX `Conv` semantics, cross-correlation) as Winograd
 * F(m x m, 3x3): `Pad` and a `Reshape` to one tall single-channel image, a fixed a x a stride-m
 * `Conv` for the input transform, one batched `MatMul` with the transformed filters, a stride-m
 * `ConvTranspose` for the output transform, a `Slice` that drops the spare tile row of each
 * channel (and the padding of sizes that m does not divide), and an `Add` for the bias. The batch
 * dimension stays symbolic; opset 13.
 *
 * @param x Name of the input value `[N, C, H, W]`.
 * @param params Weights, bias, shape and the name prefix.
 * @returns The nodes, their initializers and the output value's name (`[N, K, H, W]`).
 * @throws {RangeError} When the weights do not hold `K * C * 9` values or a size is not positive.
 *
 * @example
 * ```ts
 * import { winogradConv3x3 } from "./_winograd.ts";
 * const k = 2, c = 3;
 * const f = winogradConv3x3("x", {
 *   name: "w",
 *   weight: new Float32Array(k * c * 9).fill(1),
 *   outChannels: k,
 *   inChannels: c,
 *   height: 7,
 *   width: 8,
 * });
 * const ops = f.nodes.map((n) => n.opType).join();
 * if (ops !== "Pad,Reshape,Conv,Reshape,MatMul,Reshape,ConvTranspose,Reshape,Slice") {
 *   throw new Error(`unexpected nodes ${ops}`);
 * }
 * if (f.output !== f.nodes.at(-1)?.outputs[0]) throw new Error("unexpected output");
 * ```
 */
export function winogradConv3x3(x: string, params: WinogradConvParams): OnnxFragment {
  const { name, weight, outChannels: k, inChannels: c, height, width, bias, tile = 2 } = params;
  const { m, BT, AT } = matrices(tile);
  for (const [what, v] of [["K", k], ["C", c], ["H", height], ["W", width]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`Cannot emit Winograd conv "${name}" with ${what} = ${v}`);
    }
  }
  if (weight.length !== k * c * 9) {
    throw new RangeError(
      `Cannot emit Winograd conv "${name}" as [${k}, ${c}, 3, 3]: ` +
        `current weight length is ${weight.length}`,
    );
  }
  const a = m + 2;
  const a2 = a * a;
  const th = Math.ceil(height / m);
  const tw = Math.ceil(width / m);
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const v = (s: string) => `${name}.wino.${s}`;
  const init = (t: OnnxTensor) => {
    initializers.push(t);
    return t.name;
  };
  const node = (opType: string, inputs: string[], attributes?: OnnxNode["attributes"]) => {
    const out = v(`${opType.toLowerCase()}${nodes.length}`);
    nodes.push({
      opType,
      name: out,
      inputs,
      outputs: [out],
      ...(attributes ? { attributes } : {}),
    });
    return out;
  };

  // Input transform kernels: outer products of the rows of Bᵀ, one per tile position e = a·i + j.
  const bKernel = new Float32Array(a2 * a2);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < a; j++) {
      for (let r = 0; r < a; r++) {
        for (let s = 0; s < a; s++) bKernel[(i * a + j) * a2 + r * a + s] = BT[i]![r]! * BT[j]![s]!;
      }
    }
  }
  // Pad every channel to (th + 1)·m rows (1 on top) and tw·m + 2 columns (1 on the left), then
  // stack all N·C channels into one tall single-channel image. As hp is a multiple of m, tiles
  // at stride m start at each channel's first padded row; each channel's tile rows are th valid
  // ones plus one spare that straddles into the next channel, computed and dropped at the end.
  const hp = (th + 1) * m;
  const wp = tw * m + 2;
  let y = node("Pad", [
    x,
    init(ints(v("pads"), [0, 0, 1, 1, 0, 0, hp - height - 1, wp - width - 1])),
  ]);
  y = node("Reshape", [y, init(ints(v("tall_shape"), [1, 1, -1, wp]))]);
  y = node("Conv", [
    y,
    init({
      name: v("input_transform"),
      dataType: OnnxDataType.FLOAT,
      dims: [a2, 1, a, a],
      data: bKernel,
    }),
  ], {
    kernel_shape: { type: "ints", value: [a, a] },
    strides: { type: "ints", value: [m, m] },
    // Two zero rows below the last channel complete its spare tile row.
    pads: { type: "ints", value: [0, 0, 2, 0] },
  });
  // [1, a², N·C·(th + 1), tw] -> [a², N, C, (th + 1)·tw]
  y = node("Reshape", [y, init(ints(v("gemm_shape"), [a2, -1, c, (th + 1) * tw]))]);
  // [a², 1, K, C] x [a², N, C, T'] -> [a², N, K, T']
  y = node("MatMul", [
    init({
      name: v("filters"),
      dataType: OnnxDataType.FLOAT,
      dims: [a2, 1, k, c],
      data: winogradFilters(weight, k, tile),
    }),
    y,
  ]);
  // Output transform and scatter in one ConvTranspose over [1, a², N·K·(th + 1), tw]: kernel
  // m x m, stride m (blocks do not overlap), kernel e holding Aᵀ[:, i] ⊗ Aᵀ[:, j].
  const aKernel = new Float32Array(a2 * m * m);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < a; j++) {
      for (let p = 0; p < m; p++) {
        for (let q = 0; q < m; q++) {
          aKernel[(i * a + j) * m * m + p * m + q] = AT[p]![i]! * AT[q]![j]!;
        }
      }
    }
  }
  y = node("Reshape", [y, init(ints(v("rows_shape"), [1, a2, -1, tw]))]);
  y = node("ConvTranspose", [
    y,
    init({
      name: v("output_transform"),
      dataType: OnnxDataType.FLOAT,
      dims: [a2, 1, m, m],
      data: aKernel,
    }),
  ], {
    kernel_shape: { type: "ints", value: [m, m] },
    strides: { type: "ints", value: [m, m] },
  });
  // [1, 1, N·K·hp, m·tw] -> [N, K, hp, m·tw] -> [N, K, H, W]
  y = node("Reshape", [y, init(ints(v("out_shape"), [-1, k, hp, m * tw]))]);
  y = node("Slice", [
    y,
    init(ints(v("crop_starts"), [0, 0])),
    init(ints(v("crop_ends"), [height, width])),
    init(ints(v("crop_axes"), [2, 3])),
  ]);
  if (bias) {
    if (bias.length !== k) {
      throw new RangeError(
        `Cannot add a bias of length ${bias.length} to Winograd conv "${name}" with ${k} outputs`,
      );
    }
    y = node("Add", [
      y,
      init({
        name: v("bias"),
        dataType: OnnxDataType.FLOAT,
        dims: [k, 1, 1],
        data: Float32Array.from(bias),
      }),
    ]);
  }
  return { nodes, initializers, output: y };
}
