/**
 * Recognises an arcface_torch IResNet in a state dict and describes it: depth, units per stage,
 * channel widths, embedding size, head layout. Everything is read from the keys and shapes, so
 * reduced-width networks (the demo model, the tests' reference models) are recognised too.
 *
 * @module
 */
import type { StateDict, StateTensor } from "./_state_dict.ts";

/** IResNet depths of arcface_torch `backbones/iresnet.py`. */
export type IResNetDepth = 18 | 34 | 50 | 100 | 200;

/** Residual units per stage for each depth (arcface_torch `iresnet18` ... `iresnet200`). */
export const IRESNET_LAYERS: Readonly<
  Record<IResNetDepth, readonly [number, number, number, number]>
> = {
  18: [2, 2, 2, 2],
  34: [3, 4, 6, 3],
  50: [3, 4, 14, 3],
  100: [3, 13, 30, 3],
  200: [6, 26, 60, 6],
};

/** What {@linkcode inferIResNet} found. */
export interface IResNetSpec {
  /** 18, 34, 50, 100 or 200. */
  depth: IResNetDepth;
  /** Residual units per stage, e.g. `[3, 13, 30, 3]` for IResNet-100. */
  layers: [number, number, number, number];
  /** Output channels of each stage: `[64, 128, 256, 512]` in the real models. */
  widths: [number, number, number, number];
  /** Output channels of the stem conv (`conv1.weight` dim 0); 64 in the real models. */
  stemWidth: number;
  /** Image channels (`conv1.weight` dim 1): 3. */
  inputChannels: number;
  /** Side of the square input image: 16 x `featureMapSize` (four stride-2 stages), 112. */
  inputSize: number;
  /** Side of layer4's output map, from `fc.weight` dim 1 = widths[3] x side^2: 7. */
  featureMapSize: number;
  /** `fc.weight` dim 1 (widths[3] x 7 x 7 = 25088 for the real models). */
  fcInputChannels: number;
  /** `fc.weight` dim 0: the embedding size, 512 in the real models. */
  embeddingSize: number;
  /** Whether `fc.bias` is present. */
  hasFcBias: boolean;
  /** Whether the BatchNorm1d `features.*` follows fc (it does in arcface_torch). */
  hasFeaturesBn: boolean;
  /** Every stage's first unit has `downsample.0/1` (stride 2): always true for arcface_torch. */
  downsample: [boolean, boolean, boolean, boolean];
  /** PReLU slope count per layer: `"channel"` (arcface_torch) or `"shared"` (`nn.PReLU()`). */
  prelu: "channel" | "shared";
  /** BatchNorm epsilon of arcface_torch (not stored in the checkpoint). */
  bnEps: number;
  /** dtype of `conv1.weight`. */
  dtype: StateTensor["dtype"];
  /** Entries the state dict has (925 for IResNet-100 with `num_batches_tracked`). */
  keyCount: number;
  /** Float elements of all weights and BN statistics (65,225,792 for IResNet-100 at 512-d). */
  parameterCount: number;
}

const BN_FIELDS = ["weight", "bias", "running_mean", "running_var"] as const;

/**
 * Checks that `dict` is an arcface_torch IResNet state dict and describes it. Only shapes are
 * read (the tensors' values are not touched).
 *
 * @param dict A state dict, e.g. from `loadStateDict` (which strips a `module.` prefix).
 * @returns The network's description.
 * @throws {TypeError} When the dict is not an IResNet (naming what is missing or unexpected, and
 * what was found), when its keys still carry `module.`, or when its depth is not supported.
 *
 * @example A reduced IResNet-18 described from shapes alone
 * ```ts
 * import { inferIResNet } from "./_iresnet_spec.ts";
 * import type { StateDict } from "./_state_dict.ts";
 * const dict: StateDict = new Map();
 * const put = (key: string, shape: number[]) =>
 *   dict.set(key, { dtype: "float32", shape, data: new Float32Array(0) });
 * const bn = (p: string, c: number) => {
 *   for (const f of ["weight", "bias", "running_mean", "running_var"]) put(`${p}.${f}`, [c]);
 * };
 * put("conv1.weight", [4, 3, 3, 3]);
 * bn("bn1", 4);
 * put("prelu.weight", [4]);
 * let inplanes = 4;
 * [4, 8, 16, 32].forEach((p, s) => {
 *   for (let b = 0; b < 2; b++) {
 *     const u = `layer${s + 1}.${b}`;
 *     const cin = b === 0 ? inplanes : p;
 *     bn(`${u}.bn1`, cin);
 *     put(`${u}.conv1.weight`, [p, cin, 3, 3]);
 *     bn(`${u}.bn2`, p);
 *     put(`${u}.prelu.weight`, [p]);
 *     put(`${u}.conv2.weight`, [p, p, 3, 3]);
 *     bn(`${u}.bn3`, p);
 *     if (b === 0) {
 *       put(`${u}.downsample.0.weight`, [p, cin, 1, 1]);
 *       bn(`${u}.downsample.1`, p);
 *     }
 *   }
 *   inplanes = p;
 * });
 * bn("bn2", 32);
 * put("fc.weight", [16, 32 * 49]);
 * put("fc.bias", [16]);
 * bn("features", 16);
 * const spec = inferIResNet(dict);
 * if (spec.depth !== 18 || spec.embeddingSize !== 16 || spec.widths[3] !== 32) throw new Error();
 * ```
 */
export function inferIResNet(dict: StateDict): IResNetSpec {
  const keys = [...dict.keys()];
  if (keys.length > 0 && keys.every((k) => k.startsWith("module."))) {
    throw new TypeError(
      `Cannot read the state dict as an IResNet: every key starts with 'module.' ` +
        `(torch.nn.DataParallel); remove it with stripModulePrefix(dict) (loadStateDict does so)`,
    );
  }
  if (!dict.has("layer1.0.conv1.weight") || !dict.has("conv1.weight")) {
    throw new TypeError(
      `Cannot read the state dict as an arcface_torch IResNet: it has no ` +
        `'${dict.has("conv1.weight") ? "layer1.0.conv1.weight" : "conv1.weight"}' ` +
        `(found ${keys.length} keys: ${preview(keys)}). Supported: IResNet 18/34/50/100/200 ` +
        `state dicts of insightface arcface_torch`,
    );
  }
  const used = new Set<string>();
  const shapeOf = (key: string): number[] => {
    const tensor = dict.get(key);
    if (tensor === undefined) {
      throw new TypeError(
        `Cannot read the state dict as an arcface_torch IResNet: '${key}' is missing`,
      );
    }
    used.add(key);
    return tensor.shape;
  };
  const expect = (key: string, shape: number[]): void => {
    const actual = shapeOf(key);
    if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) {
      throw new TypeError(
        `Cannot read the state dict as an arcface_torch IResNet: '${key}' has shape ` +
          `[${actual}], expected [${shape}]`,
      );
    }
  };
  const batchNorm = (prefix: string, channels: number): void => {
    for (const field of BN_FIELDS) expect(`${prefix}.${field}`, [channels]);
    const counter = `${prefix}.num_batches_tracked`;
    if (dict.has(counter)) expect(counter, []);
  };
  let prelu: "channel" | "shared" | undefined;
  const preluOf = (key: string, channels: number): void => {
    const shape = shapeOf(key);
    const kind = shape.length !== 1
      ? undefined
      : shape[0] === 1 && channels !== 1
      ? "shared"
      : shape[0] === channels
      ? "channel"
      : undefined;
    if (kind === undefined || (prelu !== undefined && channels !== 1 && prelu !== kind)) {
      throw new TypeError(
        `Cannot read the state dict as an arcface_torch IResNet: '${key}' has shape [${shape}], ` +
          `expected [${prelu === "shared" ? 1 : channels}] like the other PReLU weights`,
      );
    }
    if (channels !== 1) prelu = kind;
  };

  const stem = shapeOf("conv1.weight");
  const [stemWidth, inputChannels, stemKh, stemKw] = stem;
  if (
    stem.length !== 4 || stemWidth === undefined || inputChannels === undefined || stemKh !== 3 ||
    stemKw !== 3
  ) {
    throw new TypeError(
      `Cannot read the state dict as an arcface_torch IResNet: 'conv1.weight' has shape ` +
        `[${stem}], expected [width, 3, 3, 3]`,
    );
  }
  batchNorm("bn1", stemWidth);
  preluOf("prelu.weight", stemWidth);

  const layers = [0, 0, 0, 0] as [number, number, number, number];
  const widths = [0, 0, 0, 0] as [number, number, number, number];
  const downsample = [false, false, false, false] as [boolean, boolean, boolean, boolean];
  let inplanes = stemWidth;
  for (let stage = 0; stage < 4; stage++) {
    const name = `layer${stage + 1}`;
    let units = 0;
    while (dict.has(`${name}.${units}.conv1.weight`)) units++;
    layers[stage] = units;
    if (units === 0) {
      throw new TypeError(
        `Cannot read the state dict as an arcface_torch IResNet: stage '${name}' has no units ` +
          `(no '${name}.0.conv1.weight')`,
      );
    }
    const firstConv = shapeOf(`${name}.0.conv1.weight`);
    const planes = firstConv[0];
    if (firstConv.length !== 4 || planes === undefined) {
      throw new TypeError(
        `Cannot read the state dict as an arcface_torch IResNet: '${name}.0.conv1.weight' has ` +
          `shape [${firstConv}], expected [width, ${inplanes}, 3, 3]`,
      );
    }
    widths[stage] = planes;
    let hasDownsample = false;
    for (let unit = 0; unit < units; unit++) {
      const u = `${name}.${unit}`;
      const cin = unit === 0 ? inplanes : planes;
      batchNorm(`${u}.bn1`, cin);
      expect(`${u}.conv1.weight`, [planes, cin, 3, 3]);
      batchNorm(`${u}.bn2`, planes);
      preluOf(`${u}.prelu.weight`, planes);
      expect(`${u}.conv2.weight`, [planes, planes, 3, 3]);
      batchNorm(`${u}.bn3`, planes);
      if (dict.has(`${u}.downsample.0.weight`)) {
        if (unit !== 0) {
          throw new TypeError(
            `Cannot read the state dict as an arcface_torch IResNet: unit '${u}' has a ` +
              `downsample, which only each stage's first unit has`,
          );
        }
        expect(`${u}.downsample.0.weight`, [planes, cin, 1, 1]);
        batchNorm(`${u}.downsample.1`, planes);
        hasDownsample = true;
      }
    }
    downsample[stage] = hasDownsample;
    if (!hasDownsample) {
      throw new TypeError(
        `Cannot read the state dict as an arcface_torch IResNet: '${name}.0' has no ` +
          `downsample.0.weight, but every arcface_torch stage starts with a stride-2 downsample`,
      );
    }
    inplanes = planes;
  }

  batchNorm("bn2", inplanes);
  const fc = shapeOf("fc.weight");
  const [embeddingSize, fcInputChannels] = fc;
  if (fc.length !== 2 || embeddingSize === undefined || fcInputChannels === undefined) {
    throw new TypeError(
      `Cannot read the state dict as an arcface_torch IResNet: 'fc.weight' has shape [${fc}], ` +
        `expected [embedding, ${inplanes} x 7 x 7]`,
    );
  }
  const featureMapSize = Math.round(Math.sqrt(fcInputChannels / inplanes));
  if (featureMapSize * featureMapSize * inplanes !== fcInputChannels) {
    throw new TypeError(
      `Cannot read the state dict as an arcface_torch IResNet: 'fc.weight' takes ` +
        `${fcInputChannels} inputs, which is not ${inplanes} channels times a square map`,
    );
  }
  const hasFcBias = dict.has("fc.bias");
  if (hasFcBias) expect("fc.bias", [embeddingSize]);
  const hasFeaturesBn = dict.has("features.weight");
  if (hasFeaturesBn) batchNorm("features", embeddingSize);

  const unexpected = keys.filter((k) => !used.has(k));
  if (unexpected.length > 0) {
    throw new TypeError(
      `Cannot read the state dict as an arcface_torch IResNet: ${unexpected.length} keys are ` +
        `not part of one: ${preview(unexpected)}`,
    );
  }
  const depth = depthOf(layers);
  let parameterCount = 0;
  for (const tensor of dict.values()) {
    if (tensor.dtype !== "int64") parameterCount += tensor.shape.reduce((a, b) => a * b, 1);
  }
  return {
    depth,
    layers,
    widths,
    stemWidth,
    inputChannels,
    inputSize: 16 * featureMapSize,
    featureMapSize,
    fcInputChannels,
    embeddingSize,
    hasFcBias,
    hasFeaturesBn,
    downsample,
    prelu: prelu ?? "channel",
    bnEps: 1e-5,
    dtype: dict.get("conv1.weight")!.dtype,
    keyCount: dict.size,
    parameterCount,
  };
}

function depthOf(layers: readonly number[]): IResNetDepth {
  for (const [depth, expected] of Object.entries(IRESNET_LAYERS)) {
    if (expected.every((n, i) => n === layers[i])) return Number(depth) as IResNetDepth;
  }
  const known = Object.entries(IRESNET_LAYERS).map(([d, l]) => `${d}: [${l}]`).join(", ");
  throw new TypeError(
    `Cannot read the state dict as a supported IResNet: it has [${layers}] units per stage; ` +
      `supported depths are ${known}`,
  );
}

function preview(items: string[], limit = 6): string {
  const shown = items.slice(0, limit).join(", ");
  return items.length > limit ? `${shown}, ... (${items.length} in all)` : shown;
}
