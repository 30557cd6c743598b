/**
 * Seeded random IResNet weights in the arcface_torch key layout, for the demo (reduced width) and
 * for benchmarks (full width). The weights are not trained: embeddings from them carry no identity
 * information.
 *
 * @module
 */
import { mulberry32 } from "../random/mod.ts";
import type { StateDict, StateTensor } from "./_state_dict.ts";
import { IRESNET_LAYERS } from "./_iresnet_spec.ts";

/** Options of {@linkcode demoStateDict}. */
export interface DemoStateDictOptions {
  /** Seed of the weight generator; the same seed gives the same weights. @default {1} */
  seed?: number;
  /** Channel widths are `[64, 128, 256, 512]` times this, rounded, at least 1. @default {0.25} */
  widthScale?: number;
  /** IResNet depth. @default {18} */
  depth?: 18 | 34 | 50 | 100;
  /** Embedding size (output of `fc` and `features`). @default {512} */
  embeddingDim?: number;
}

/**
 * Makes a state dict with the keys, order, shapes and dtypes of arcface_torch's `iresnet.py`
 * (including int64 `num_batches_tracked`), filled with seeded random values: Kaiming-uniform
 * convolutions, BN affine parameters and running statistics near their usual ranges, the last BN
 * of each residual branch scaled down so activations stay bounded through deep networks.
 *
 * @param options Seed, width scale, depth and embedding size.
 * @returns A new state dict (about 65 M floats for full-width R100).
 * @throws {RangeError} On an unsupported depth or a non-positive width scale or embedding size.
 *
 * @example
 * ```ts
 * import { demoStateDict } from "./_demo_model.ts";
 * const a = demoStateDict({ seed: 7, widthScale: 1 / 16 });
 * const b = demoStateDict({ seed: 7, widthScale: 1 / 16 });
 * const wa = a.get("fc.weight")!.data;
 * if (wa[123] !== b.get("fc.weight")!.data[123]) throw new Error("not deterministic");
 * if (a.get("conv1.weight")!.shape.join() !== "4,3,3,3") throw new Error("unexpected width");
 * ```
 */
export function demoStateDict(options: DemoStateDictOptions = {}): StateDict {
  const { seed = 1, widthScale = 0.25, depth = 18, embeddingDim = 512 } = options;
  const layers = [18, 34, 50, 100].includes(depth) ? IRESNET_LAYERS[depth] : undefined;
  if (!layers) {
    throw new RangeError(
      `Cannot make a demo IResNet of depth ${depth}: supported depths are 18, 34, 50, 100`,
    );
  }
  if (!(widthScale > 0)) {
    throw new RangeError(`Cannot scale the IResNet widths by ${widthScale}: it must be positive`);
  }
  if (!(Number.isInteger(embeddingDim) && embeddingDim > 0)) {
    throw new RangeError(`Cannot use ${embeddingDim} as the embedding size: it must be >= 1`);
  }
  const random = mulberry32(seed);
  const dict: StateDict = new Map();
  const uniform = (shape: number[], lo: number, hi: number): StateTensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const span = hi - lo;
    for (let i = 0; i < n; i++) data[i] = lo + span * random();
    return { dtype: "float32", shape, data };
  };
  const conv = (key: string, cout: number, cin: number, k: number) => {
    const bound = Math.sqrt(6 / (cin * k * k));
    dict.set(key, uniform([cout, cin, k, k], -bound, bound));
  };
  const bn = (prefix: string, c: number, weightRange: [number, number] = [0.8, 1.2]) => {
    dict.set(`${prefix}.weight`, uniform([c], ...weightRange));
    dict.set(`${prefix}.bias`, uniform([c], -0.1, 0.1));
    dict.set(`${prefix}.running_mean`, uniform([c], -0.1, 0.1));
    dict.set(`${prefix}.running_var`, uniform([c], 0.5, 1.5));
    dict.set(`${prefix}.num_batches_tracked`, {
      dtype: "int64",
      shape: [],
      data: new BigInt64Array([1000n]),
    });
  };
  const prelu = (key: string, c: number) => dict.set(key, uniform([c], 0.1, 0.3));

  /** Channels of a stage: 64, 128, 256, 512 times the width scale, rounded, at least 1. */
  const width = (stage: number) => Math.max(1, Math.round(64 * 2 ** stage * widthScale));
  conv("conv1.weight", width(0), 3, 3);
  bn("bn1", width(0));
  prelu("prelu.weight", width(0));
  let inplanes = width(0);
  layers.forEach((units, stage) => {
    const planes = width(stage);
    for (let u = 0; u < units; u++) {
      const p = `layer${stage + 1}.${u}`;
      bn(`${p}.bn1`, inplanes);
      conv(`${p}.conv1.weight`, planes, inplanes, 3);
      bn(`${p}.bn2`, planes);
      prelu(`${p}.prelu.weight`, planes);
      conv(`${p}.conv2.weight`, planes, planes, 3);
      bn(`${p}.bn3`, planes, [0.1, 0.3]);
      if (u === 0) {
        conv(`${p}.downsample.0.weight`, planes, inplanes, 1);
        bn(`${p}.downsample.1`, planes);
      }
      inplanes = planes;
    }
  });
  bn("bn2", inplanes);
  const fcIn = inplanes * 49;
  const fcBound = Math.sqrt(3 / fcIn);
  dict.set("fc.weight", uniform([embeddingDim, fcIn], -fcBound, fcBound));
  dict.set("fc.bias", uniform([embeddingDim], -0.1, 0.1));
  bn("features", embeddingDim, [1, 1]);
  return dict;
}
