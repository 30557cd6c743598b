import assert from "node:assert/strict";
import { buildIResNetOnnx, defaultWinogradTile } from "../../lib/model/_iresnet_graph.ts";
import type { BuildIResNetOptions } from "../../lib/model/_iresnet_graph.ts";
import { demoStateDict } from "../../lib/model/_demo_model.ts";
import { IRESNET_LAYERS } from "../../lib/model/_iresnet_spec.ts";
import { decodeOnnxInfo } from "../../lib/model/_onnx_proto.ts";
import { createSession } from "../../lib/model/_backend.ts";
import type { StateDict } from "../../lib/model/_state_dict.ts";

// An independent float64 forward pass of arcface_torch's IResNet, written from formats.md 1.6:
// plain loops over [C, H, W] arrays, one image at a time, no folding.

interface Feature {
  c: number;
  h: number;
  w: number;
  v: Float64Array;
}

function param(dict: StateDict, key: string): ArrayLike<number> {
  const t = dict.get(key);
  if (!t) throw new Error(`missing ${key}`);
  return t.data as Float32Array;
}

function conv(dict: StateDict, x: Feature, key: string, stride: number): Feature {
  const t = dict.get(key)!;
  const [o, ci, k] = t.shape as [number, number, number, number];
  const wt = t.data as Float32Array;
  const pad = (k - 1) / 2;
  const h = Math.floor((x.h + 2 * pad - k) / stride) + 1;
  const w = Math.floor((x.w + 2 * pad - k) / stride) + 1;
  const v = new Float64Array(o * h * w);
  for (let oc = 0; oc < o; oc++) {
    for (let ic = 0; ic < ci; ic++) {
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const wv = wt[((oc * ci + ic) * k + ky) * k + kx]!;
          for (let y = 0; y < h; y++) {
            const sy = y * stride + ky - pad;
            if (sy < 0 || sy >= x.h) continue;
            const src = (ic * x.h + sy) * x.w;
            const dst = (oc * h + y) * w;
            for (let xx = 0; xx < w; xx++) {
              const sx = xx * stride + kx - pad;
              if (sx < 0 || sx >= x.w) continue;
              v[dst + xx]! += wv * x.v[src + sx]!;
            }
          }
        }
      }
    }
  }
  return { c: o, h, w, v };
}

function bn(dict: StateDict, x: Feature, prefix: string): Feature {
  const g = param(dict, `${prefix}.weight`);
  const b = param(dict, `${prefix}.bias`);
  const m = param(dict, `${prefix}.running_mean`);
  const s = param(dict, `${prefix}.running_var`);
  const hw = x.h * x.w;
  const v = new Float64Array(x.v.length);
  for (let c = 0; c < x.c; c++) {
    for (let i = 0; i < hw; i++) {
      v[c * hw + i] = (x.v[c * hw + i]! - m[c]!) / Math.sqrt(s[c]! + 1e-5) * g[c]! + b[c]!;
    }
  }
  return { ...x, v };
}

function prelu(dict: StateDict, x: Feature, key: string): Feature {
  const a = param(dict, key);
  const hw = x.h * x.w;
  const v = x.v.map((value, i) => (value >= 0 ? value : value * a[Math.floor(i / hw)]!));
  return { ...x, v };
}

function referenceForward(
  dict: StateDict,
  layers: readonly number[],
  image: Feature,
): Float64Array {
  let x = prelu(dict, bn(dict, conv(dict, image, "conv1.weight", 1), "bn1"), "prelu.weight");
  layers.forEach((units, stage) => {
    for (let u = 0; u < units; u++) {
      const p = `layer${stage + 1}.${u}`;
      const stride = u === 0 ? 2 : 1;
      let y = bn(dict, x, `${p}.bn1`);
      y = bn(dict, conv(dict, y, `${p}.conv1.weight`, 1), `${p}.bn2`);
      y = prelu(dict, y, `${p}.prelu.weight`);
      y = bn(dict, conv(dict, y, `${p}.conv2.weight`, stride), `${p}.bn3`);
      const identity = dict.has(`${p}.downsample.0.weight`)
        ? bn(dict, conv(dict, x, `${p}.downsample.0.weight`, stride), `${p}.downsample.1`)
        : x;
      x = { ...y, v: y.v.map((value, i) => value + identity.v[i]!) };
    }
  });
  const flat = bn(dict, x, "bn2").v;
  const fcW = dict.get("fc.weight")!;
  const [dim, fcIn] = fcW.shape as [number, number];
  const wt = fcW.data as Float32Array;
  const bias = param(dict, "fc.bias");
  const out = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    let acc = bias[j]!;
    for (let k = 0; k < fcIn; k++) acc += wt[j * fcIn + k]! * flat[k]!;
    out[j] = acc;
  }
  return bn(dict, { c: dim, h: 1, w: 1, v: out }, "features").v;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

function randomImages(n: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(n * 3 * 112 * 112);
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

const layers = IRESNET_LAYERS[18];
const dict = demoStateDict({ seed: 3, widthScale: 1 / 8, depth: 18 });
const images = randomImages(2, 11);
const perImage = 3 * 112 * 112;
const reference = [0, 1].map((i) =>
  referenceForward(dict, layers, {
    c: 3,
    h: 112,
    w: 112,
    v: Float64Array.from(images.subarray(i * perImage, (i + 1) * perImage)),
  })
);

/** Winograd F(2x2) on the 112 x 112 convs (the stem too), F(4x4) everywhere else. */
const allWinograd = ({ size }: { size: number }) => (size > 56 ? 2 : 4) as 2 | 4;

const variants: { label: string; options: BuildIResNetOptions }[] = [
  { label: "{ foldBatchNorm: true }", options: { foldBatchNorm: true } },
  { label: "{ foldBatchNorm: false }", options: { foldBatchNorm: false } },
  { label: '{ convAlgorithm: "winograd" }', options: { convAlgorithm: "winograd" } },
  {
    label: '{ convAlgorithm: "winograd", winogradTile: F(4x4) below 112, F(2x2) at 112 }',
    options: { convAlgorithm: "winograd", winogradTile: allWinograd },
  },
];

async function embed(options: BuildIResNetOptions): Promise<Float32Array> {
  const bytes = buildIResNetOnnx(dict, { layers }, options);
  const session = await createSession(bytes, "cpu");
  try {
    const { embedding } = await session.run({ data: { data: images, dims: [2, 3, 112, 112] } });
    assert.ok(embedding);
    assert.deepEqual([...embedding.dims], [2, 512]);
    assert.ok(embedding.data instanceof Float32Array);
    return embedding.data;
  } finally {
    await session.release();
  }
}

for (const { label, options } of variants) {
  Deno.test(`buildIResNetOnnx(dict, spec, ${label}) matches a float64 reference forward pass`, async () => {
    const rows = await embed(options);
    for (let i = 0; i < 2; i++) {
      const row = rows.subarray(i * 512, (i + 1) * 512);
      const ref = reference[i]!;
      const c = cosine(row, ref);
      assert.ok(c >= 0.99999, `image ${i}: cosine ${c}`);
      const ratio = norm(row) / norm(ref);
      assert.ok(Math.abs(ratio - 1) < 1e-4, `image ${i}: norm ratio ${ratio}`);
    }
    // The two images must give different embeddings, or the comparison proves little.
    assert.ok(cosine(reference[0]!, reference[1]!) < 0.999);
  });
}

Deno.test('buildIResNetOnnx(dict, spec, { convAlgorithm: "winograd" }) matches the direct graph', async () => {
  const direct = await embed({});
  const scale = Math.max(...direct.map(Math.abs));
  for (const tile of [defaultWinogradTile, allWinograd]) {
    const wino = await embed({ convAlgorithm: "winograd", winogradTile: tile });
    let maxDiff = 0;
    for (let i = 0; i < direct.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(direct[i]! - wino[i]!));
    }
    for (let i = 0; i < 2; i++) {
      const c = cosine(
        direct.subarray(i * 512, (i + 1) * 512),
        wino.subarray(i * 512, (i + 1) * 512),
      );
      assert.ok(c >= 0.999999, `image ${i}: cosine ${c}`);
    }
    assert.ok(maxDiff <= 1e-4 * scale, `max abs diff ${maxDiff} vs max abs ${scale}`);
  }
});

Deno.test("buildIResNetOnnx(dict, spec, options) emits Winograd only where the policy asks", () => {
  const seen: string[] = [];
  const ops = (options: BuildIResNetOptions) =>
    decodeOnnxInfo(buildIResNetOnnx(dict, { layers }, options)).nodes.map((n) => n.opType);
  const direct = ops({});
  assert.ok(!direct.includes("ConvTranspose"));
  const wino = ops({
    convAlgorithm: "winograd",
    winogradTile: ({ inChannels, outChannels, size }) => {
      seen.push(`${inChannels}>${outChannels}@${size}`);
      return size === 7 ? 2 : 0;
    },
  });
  // Every stride-1 3x3 conv is offered: the stem, and conv1 of every unit plus conv2 of the
  // units after the first of each stage (ResNet-18: 1 + 8 + 4); widths are 64 / 8 per stage.
  assert.deepEqual(seen, [
    "3>8@112",
    "8>8@112",
    "8>8@56",
    "8>8@56",
    "8>16@56",
    "16>16@28",
    "16>16@28",
    "16>32@28",
    "32>32@14",
    "32>32@14",
    "32>64@14",
    "64>64@7",
    "64>64@7",
  ]);
  // Only the two 7 x 7 convs of the last unit became Winograd (one MatMul and one
  // ConvTranspose each, and one Conv for the input transform in place of the direct Conv).
  const count = (list: string[], op: string) => list.filter((o) => o === op).length;
  assert.equal(count(wino, "ConvTranspose"), 2);
  assert.equal(count(wino, "MatMul"), 2);
  assert.equal(count(wino, "Conv"), count(direct, "Conv"));
});

Deno.test('buildIResNetOnnx(dict, spec, { convAlgorithm: "winograd", foldBatchNorm: false }) throws RangeError', () => {
  assert.throws(
    () => buildIResNetOnnx(dict, { layers }, { convAlgorithm: "winograd", foldBatchNorm: false }),
    RangeError,
  );
});

Deno.test("buildIResNetOnnx(dict, spec) declares input data [N,3,112,112] and output embedding [N,D]", () => {
  const small = demoStateDict({ seed: 1, widthScale: 1 / 16, depth: 18, embeddingDim: 128 });
  const info = decodeOnnxInfo(buildIResNetOnnx(small, { layers }));
  assert.equal(info.inputs.length, 1);
  assert.deepEqual(info.inputs[0], { name: "data", elemType: 1, shape: ["N", 3, 112, 112] });
  assert.deepEqual(info.outputs, [{ name: "embedding", elemType: 1, shape: ["N", 128] }]);
  assert.deepEqual(info.opsets, [{ domain: "", version: 13 }]);
  assert.equal(info.nodes[0]?.opType, "Conv");
  assert.equal(info.nodes.filter((n) => n.opType === "Add").length, 8);
});

Deno.test("buildIResNetOnnx(dict, spec) throws RangeError for a missing key", () => {
  const broken: StateDict = new Map(demoStateDict({ widthScale: 1 / 16 }));
  broken.delete("layer2.1.conv2.weight");
  assert.throws(() => buildIResNetOnnx(broken, { layers }), (e: unknown) => {
    return e instanceof RangeError && e.message.includes("layer2.1.conv2.weight");
  });
});

Deno.test("buildIResNetOnnx(dict, spec) throws RangeError when the dict has more stages than the spec", () => {
  const small = demoStateDict({ widthScale: 1 / 16 });
  assert.throws(() => buildIResNetOnnx(small, { layers: [2, 2, 2] }), RangeError);
});

Deno.test("buildIResNetOnnx(dict, spec) throws TypeError for integer weights", () => {
  const broken: StateDict = new Map(demoStateDict({ widthScale: 1 / 16 }));
  broken.set("prelu.weight", { dtype: "int32", shape: [4], data: new Int32Array(4) });
  assert.throws(() => buildIResNetOnnx(broken, { layers }), TypeError);
});
