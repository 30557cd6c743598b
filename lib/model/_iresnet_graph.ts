/**
 * Builds the ONNX graph of an arcface_torch IResNet from its state dict, so that ONNX Runtime runs
 * the same forward pass as `iresnet.py`: stem conv3x3 -> BN -> PReLU; per unit BN -> conv3x3 ->
 * BN -> PReLU -> conv3x3 (stride) -> BN, plus identity or conv1x1 (stride) -> BN; then BN ->
 * flatten (C, H, W order) -> fc -> BatchNorm1d. All BN eps 1e-5, convs without bias.
 *
 * @module
 */
import type { DType, StateDict } from "./_state_dict.ts";
import { encodeOnnxModel, OnnxDataType } from "./_onnx_proto.ts";
import type { OnnxNode, OnnxTensor } from "./_onnx_proto.ts";
import { winogradConv3x3 } from "./_winograd.ts";

/**
 * The part of an IResNet description the builder needs: residual units per stage, e.g.
 * `[3, 13, 30, 3]` for IResNet-100. Channel widths, the embedding size and the input size are
 * read from the tensors' shapes, so reduced-width variants work too.
 */
export interface IResNetLayout {
  /** Residual units in each stage, e.g. `[3, 13, 30, 3]`; its length is the number of stages. */
  layers: readonly number[];
}

/** Options of {@linkcode buildIResNetOnnx}. */
export interface BuildIResNetOptions {
  /**
   * Fold each BatchNormalization that directly follows a convolution into that convolution's
   * weights and bias, and fold the head's BN2d and BatchNorm1d into the fc layer. Both foldings are
   * exact up to float rounding (BN -> conv folding would not be exact at zero-padded borders, so
   * the BN that precedes each unit's first conv stays a BatchNormalization node).
   * @default {true}
   */
  foldBatchNorm?: boolean;
  /**
   * How stride-1 3x3 convolutions are emitted: `"direct"` as ONNX `Conv` nodes; `"winograd"` as
   * Winograd F(m x m, 3x3) ({@linkcode winogradConv3x3}) where `winogradTile` picks a tile for
   * the conv's shape, `Conv` elsewhere. Winograd needs `foldBatchNorm` (the folded BN bias is
   * added after the output transform). On the cpu backend (MLAS NCHWc convolutions near the
   * FMA peak) Winograd measured no faster than direct; on the wasm backend it measured about
   * 1.6-1.8x faster at batch 1 (see `deno task bench embed --winograd`).
   * @default {"direct"}
   */
  convAlgorithm?: "direct" | "winograd";
  /**
   * Winograd tile size m (2 or 4) for a stride-1 3x3 conv of the given shape (square input of
   * side `size`), or 0 to keep a direct `Conv`. Only used with `convAlgorithm: "winograd"`.
   * @default {defaultWinogradTile}
   */
  winogradTile?: (shape: { inChannels: number; outChannels: number; size: number }) => 0 | 2 | 4;
  /** Name of the graph's float32 image input `[N, C, S, S]`. @default {"data"} */
  inputName?: string;
  /** Name of the graph's float32 embedding output `[N, D]`. @default {"embedding"} */
  outputName?: string;
}

/** Version of the graph this builder emits; part of the `.pth` conversion cache stamp. */
export const IRESNET_BUILDER_VERSION = 1;

/**
 * The default Winograd policy of {@linkcode buildIResNetOnnx}: F(4x4, 3x3) on feature maps of
 * side 28 to 56, F(2x2, 3x3) on sides 7 to 14 (weights grow (m + 2)² / 9 times: 4x for F(4x4),
 * 1.78x for F(2x2)), and a direct `Conv` for the stem and the 112 x 112 conv of the first unit.
 * Measured on a 2-core AVX2 machine at batch 1, this was the fastest mix for the wasm backend.
 *
 * @param shape The conv's channels and (square) input side.
 * @returns The tile size m, or 0 for a direct `Conv`.
 *
 * @example
 * ```ts
 * import { defaultWinogradTile } from "./_iresnet_graph.ts";
 * const tile = (size: number) => defaultWinogradTile({ inChannels: 64, outChannels: 64, size });
 * if ([112, 56, 28, 14, 7].map(tile).join() !== "0,4,4,2,2") throw new Error("unexpected");
 * ```
 */
export function defaultWinogradTile(
  shape: { inChannels: number; outChannels: number; size: number },
): 0 | 2 | 4 {
  if (shape.size > 56) return 0;
  return shape.size >= 28 ? 4 : shape.size >= 7 ? 2 : 0;
}

const BN_EPS = 1e-5;
const OPSET = 13;

/** Shapes of the ranks the builder asks for. */
interface RankShapes {
  1: [number];
  2: [number, number];
  4: [number, number, number, number];
}

/** A floating-point state-dict tensor whose shape has the checked rank. */
interface FloatTensor<S extends number[]> {
  dtype: DType;
  shape: S;
  data: Float32Array | Float64Array;
}

class GraphBuilder {
  nodes: OnnxNode[] = [];
  initializers: OnnxTensor[] = [];

  /** Side of the current feature map (square inputs). */
  size = 0;

  constructor(
    readonly dict: StateDict,
    readonly fold: boolean,
    readonly winogradTile?: BuildIResNetOptions["winogradTile"],
  ) {}

  tensor<R extends keyof RankShapes>(key: string, expectedRank: R): FloatTensor<RankShapes[R]>;
  tensor(key: string): FloatTensor<number[]>;
  tensor(key: string, expectedRank?: number): FloatTensor<number[]> {
    const t = this.dict.get(key);
    if (!t) {
      throw new RangeError(`Cannot build the IResNet graph: current state dict lacks "${key}"`);
    }
    if (expectedRank !== undefined && t.shape.length !== expectedRank) {
      throw new RangeError(
        `Cannot build the IResNet graph from "${key}" as a rank-${expectedRank} tensor: ` +
          `current shape is [${t.shape}]`,
      );
    }
    if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) {
      throw new TypeError(
        `Cannot build the IResNet graph from "${key}" as floating point: current dtype is ${t.dtype}`,
      );
    }
    return { dtype: t.dtype, shape: t.shape, data: t.data };
  }

  values(key: string): Float64Array {
    return Float64Array.from(this.tensor(key).data);
  }

  addInit(name: string, dims: readonly number[], data: ArrayLike<number>): string {
    const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
    this.initializers.push({ name, dataType: OnnxDataType.FLOAT, dims, data: f32 });
    return name;
  }

  /** BN as scale and shift per channel, in float64. */
  bnAffine(prefix: string): { scale: Float64Array; shift: Float64Array } {
    const w = this.values(`${prefix}.weight`);
    const b = this.values(`${prefix}.bias`);
    const m = this.values(`${prefix}.running_mean`);
    const v = this.values(`${prefix}.running_var`);
    if (b.length !== w.length || m.length !== w.length || v.length !== w.length) {
      throw new RangeError(
        `Cannot fold "${prefix}" as one BatchNorm: current lengths of weight, bias, ` +
          `running_mean and running_var are ${w.length}, ${b.length}, ${m.length}, ${v.length}`,
      );
    }
    const scale = new Float64Array(w.length);
    const shift = new Float64Array(w.length);
    for (let c = 0; c < w.length; c++) {
      scale[c] = w[c]! / Math.sqrt(v[c]! + BN_EPS);
      shift[c] = b[c]! - m[c]! * scale[c]!;
    }
    return { scale, shift };
  }

  batchNorm(x: string, prefix: string): string {
    const inputs = [x];
    for (const p of ["weight", "bias", "running_mean", "running_var"]) {
      const key = `${prefix}.${p}`;
      const t = this.tensor(key, 1);
      inputs.push(this.addInit(key, t.shape, t.data));
    }
    const out = `${prefix}.out`;
    this.nodes.push({
      opType: "BatchNormalization",
      name: prefix,
      inputs,
      outputs: [out],
      attributes: { epsilon: { type: "float", value: BN_EPS } },
    });
    return out;
  }

  /** Conv without bias followed by BN: one Conv with folded bias, or Conv + BatchNormalization. */
  convBn(x: string, convKey: string, bnPrefix: string, stride: number): string {
    const w = this.tensor(convKey, 4);
    const [cout, , kh, kw] = w.shape;
    const pad = (kh - 1) / 2;
    const attributes = {
      kernel_shape: { type: "ints", value: [kh, kw] },
      strides: { type: "ints", value: [stride, stride] },
      pads: { type: "ints", value: [pad, pad, pad, pad] },
    } as const;
    const name = convKey.replace(/\.weight$/, "");
    if (!this.fold) {
      this.addInit(convKey, w.shape, w.data);
      const out = `${name}.out`;
      this.nodes.push({ opType: "Conv", name, inputs: [x, convKey], outputs: [out], attributes });
      return this.batchNorm(out, bnPrefix);
    }
    const { scale, shift } = this.bnAffine(bnPrefix);
    if (scale.length !== cout) {
      throw new RangeError(
        `Cannot fold "${bnPrefix}" into "${convKey}": current channels are ${scale.length} vs ${cout}`,
      );
    }
    const src = w.data;
    const per = src.length / cout;
    const folded = new Float32Array(src.length);
    for (let o = 0; o < cout; o++) {
      const s = scale[o]!;
      const base = o * per;
      for (let i = 0; i < per; i++) folded[base + i] = src[base + i]! * s;
    }
    const cin = w.shape[1];
    const tile = this.winogradTile && stride === 1 && kh === 3 && kw === 3
      ? this.winogradTile({ inChannels: cin, outChannels: cout, size: this.size })
      : 0;
    if (tile) {
      const f = winogradConv3x3(x, {
        name,
        weight: folded,
        outChannels: cout,
        inChannels: cin,
        height: this.size,
        width: this.size,
        bias: shift,
        tile,
      });
      this.nodes.push(...f.nodes);
      this.initializers.push(...f.initializers);
      return f.output;
    }
    const wName = this.addInit(`${name}.folded_weight`, w.shape, folded);
    const bName = this.addInit(`${name}.folded_bias`, [cout], shift);
    const out = `${name}.out`;
    this.nodes.push({
      opType: "Conv",
      name,
      inputs: [x, wName, bName],
      outputs: [out],
      attributes,
    });
    return out;
  }

  prelu(x: string, key: string): string {
    const t = this.tensor(key, 1);
    const slope = this.addInit(key, [t.shape[0], 1, 1], t.data);
    const out = `${key.replace(/\.weight$/, "")}.out`;
    this.nodes.push({ opType: "PRelu", name: key, inputs: [x, slope], outputs: [out] });
    return out;
  }

  add(a: string, b: string, name: string): string {
    const out = `${name}.out`;
    this.nodes.push({ opType: "Add", name, inputs: [a, b], outputs: [out] });
    return out;
  }

  unit(x: string, prefix: string, stride: number): string {
    let y = this.batchNorm(x, `${prefix}.bn1`);
    y = this.convBn(y, `${prefix}.conv1.weight`, `${prefix}.bn2`, 1);
    y = this.prelu(y, `${prefix}.prelu.weight`);
    y = this.convBn(y, `${prefix}.conv2.weight`, `${prefix}.bn3`, stride);
    this.size = Math.ceil(this.size / stride);
    const identity = this.dict.has(`${prefix}.downsample.0.weight`)
      ? this.convBn(x, `${prefix}.downsample.0.weight`, `${prefix}.downsample.1`, stride)
      : x;
    return this.add(y, identity, `${prefix}.add`);
  }

  /** bn2 -> flatten -> fc -> features, folded into one Gemm or kept as four nodes. */
  head(x: string, outputName: string): { out: string; dim: number; spatial: number } {
    const fcW = this.tensor("fc.weight", 2);
    const [dim, fcIn] = fcW.shape;
    const channels = this.tensor("bn2.weight", 1).shape[0];
    const spatial = fcIn / channels;
    if (!Number.isInteger(spatial)) {
      throw new RangeError(
        `Cannot build the IResNet head as fc over ${channels} channels: ` +
          `current fc input size is ${fcIn}`,
      );
    }
    if (!this.fold) {
      const bn = this.batchNorm(x, "bn2");
      this.nodes.push({
        opType: "Flatten",
        name: "flatten",
        inputs: [bn],
        outputs: ["flatten.out"],
        attributes: { axis: { type: "int", value: 1 } },
      });
      this.addInit("fc.weight", fcW.shape, fcW.data);
      this.addInit("fc.bias", [dim], this.values("fc.bias"));
      this.nodes.push({
        opType: "Gemm",
        name: "fc",
        inputs: ["flatten.out", "fc.weight", "fc.bias"],
        outputs: ["fc.out"],
        attributes: { transB: { type: "int", value: 1 } },
      });
      const feats = this.batchNorm("fc.out", "features");
      this.nodes.push({
        opType: "Identity",
        name: "output",
        inputs: [feats],
        outputs: [outputName],
      });
      return { out: outputName, dim, spatial };
    }
    const bn2 = this.bnAffine("bn2");
    const feat = this.bnAffine("features");
    const w = fcW.data;
    const bias = this.values("fc.bias");
    if (bn2.scale.length !== channels || bias.length !== dim || feat.scale.length !== dim) {
      throw new RangeError(
        `Cannot fold bn2, fc and features into one Gemm of ${channels} x ${spatial} -> ${dim}: ` +
          `current lengths of bn2, fc.bias and features are ${bn2.scale.length}, ` +
          `${bias.length}, ${feat.scale.length}`,
      );
    }
    // Every index below is in bounds: w has dim x channels x spatial values (fc.weight's shape).
    const folded = new Float32Array(w.length);
    const foldedBias = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      const row = j * fcIn;
      let acc = bias[j]!;
      for (let c = 0; c < channels; c++) {
        const s = bn2.scale[c]!;
        const t = bn2.shift[c]!;
        const base = row + c * spatial;
        for (let k = 0; k < spatial; k++) {
          const wv = w[base + k]!;
          folded[base + k] = wv * s * feat.scale[j]!;
          acc += wv * t;
        }
      }
      foldedBias[j] = acc * feat.scale[j]! + feat.shift[j]!;
    }
    this.nodes.push({
      opType: "Flatten",
      name: "flatten",
      inputs: [x],
      outputs: ["flatten.out"],
      attributes: { axis: { type: "int", value: 1 } },
    });
    this.addInit("fc.folded_weight", fcW.shape, folded);
    this.addInit("fc.folded_bias", [dim], foldedBias);
    this.nodes.push({
      opType: "Gemm",
      name: "fc",
      inputs: ["flatten.out", "fc.folded_weight", "fc.folded_bias"],
      outputs: [outputName],
      attributes: { transB: { type: "int", value: 1 } },
    });
    return { out: outputName, dim, spatial };
  }
}

/** The input side implied by the fc layer's input size: final side x 2^stages. */
function inputSide(b: GraphBuilder, spec: IResNetLayout): number {
  const fcIn = b.tensor("fc.weight", 2).shape[1];
  const channels = b.tensor("bn2.weight", 1).shape[0];
  return Math.round(Math.sqrt(fcIn / channels)) * 2 ** spec.layers.length;
}

/**
 * Builds an ONNX model equivalent to arcface_torch's IResNet with the given weights: input `data`
 * `[N, 3, S, S]` (S = 112 for the usual 7x7 final feature map), output `embedding` `[N, D]`, not
 * L2-normalised, opset 13.
 *
 * @param dict The checkpoint's state dict (arcface_torch keys, no `module.` prefix).
 * @param spec Units per stage, e.g. `{ layers: [3, 13, 30, 3] }`.
 * @param options Folding, the convolution algorithm and tensor names.
 * @returns The `.onnx` bytes.
 * @throws {RangeError} When a key is missing, a shape does not fit the IResNet layout, or
 *   `convAlgorithm` is unknown or `"winograd"` without `foldBatchNorm`.
 * @throws {TypeError} When a weight is not floating point.
 *
 * @example
 * ```ts
 * import { buildIResNetOnnx } from "./_iresnet_graph.ts";
 * import { demoStateDict } from "./_demo_model.ts";
 * import { decodeOnnxInfo } from "./_onnx_proto.ts";
 * const bytes = buildIResNetOnnx(demoStateDict({ depth: 18, widthScale: 1 / 16 }), {
 *   layers: [2, 2, 2, 2],
 * });
 * const info = decodeOnnxInfo(bytes);
 * if (info.inputs[0]?.shape?.join() !== "N,3,112,112") throw new Error("unexpected input");
 * if (info.outputs[0]?.shape?.join() !== "N,512") throw new Error("unexpected output");
 * ```
 */
export function buildIResNetOnnx(
  dict: StateDict,
  spec: IResNetLayout,
  options: BuildIResNetOptions = {},
): Uint8Array {
  const {
    foldBatchNorm = true,
    inputName = "data",
    outputName = "embedding",
    convAlgorithm = "direct",
    winogradTile = defaultWinogradTile,
  } = options;
  if (convAlgorithm !== "direct" && convAlgorithm !== "winograd") {
    throw new RangeError(
      `Cannot build convolutions as "${convAlgorithm}": expected "direct" or "winograd"`,
    );
  }
  if (convAlgorithm === "winograd" && !foldBatchNorm) {
    throw new RangeError(
      "Cannot build Winograd convolutions with foldBatchNorm: current value is false",
    );
  }
  const b = new GraphBuilder(
    dict,
    foldBatchNorm,
    convAlgorithm === "winograd" ? winogradTile : undefined,
  );
  b.size = inputSide(b, spec);
  let x = b.convBn(inputName, "conv1.weight", "bn1", 1);
  x = b.prelu(x, "prelu.weight");
  spec.layers.forEach((units, stage) => {
    for (let u = 0; u < units; u++) x = b.unit(x, `layer${stage + 1}.${u}`, u === 0 ? 2 : 1);
  });
  const extra = `layer${spec.layers.length + 1}.0.bn1.weight`;
  if (dict.has(extra)) {
    throw new RangeError(
      `Cannot build the IResNet graph with ${spec.layers.length} stages: current state dict has "${extra}"`,
    );
  }
  const { dim } = b.head(x, outputName);
  const side = inputSide(b, spec);
  const inChannels = b.tensor("conv1.weight", 4).shape[1];
  return encodeOnnxModel({
    opsetVersion: OPSET,
    graph: {
      name: `iresnet_${spec.layers.join("_")}`,
      nodes: b.nodes,
      initializers: b.initializers,
      inputs: [{
        name: inputName,
        elemType: OnnxDataType.FLOAT,
        shape: ["N", inChannels, side, side],
      }],
      outputs: [{ name: outputName, elemType: OnnxDataType.FLOAT, shape: ["N", dim] }],
    },
  });
}
