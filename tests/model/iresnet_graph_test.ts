import assert from "node:assert/strict";
import { buildIResNetOnnx } from "../../lib/model/iresnet_graph.ts";
import { demoStateDict } from "../../lib/model/demo_model.ts";
import { IRESNET_LAYERS } from "../../lib/model/iresnet_spec.ts";
import { decodeOnnxInfo } from "../../lib/model/onnx_proto.ts";
import { createSession } from "../../lib/model/backend.ts";
import type { StateDict } from "../../lib/model/state_dict.ts";

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
  const [o, ci, k] = t.shape;
  const wt = t.data as Float32Array;
  const pad = (k - 1) / 2;
  const h = Math.floor((x.h + 2 * pad - k) / stride) + 1;
  const w = Math.floor((x.w + 2 * pad - k) / stride) + 1;
  const v = new Float64Array(o * h * w);
  for (let oc = 0; oc < o; oc++) {
    for (let ic = 0; ic < ci; ic++) {
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const wv = wt[((oc * ci + ic) * k + ky) * k + kx];
          for (let y = 0; y < h; y++) {
            const sy = y * stride + ky - pad;
            if (sy < 0 || sy >= x.h) continue;
            const src = (ic * x.h + sy) * x.w;
            const dst = (oc * h + y) * w;
            for (let xx = 0; xx < w; xx++) {
              const sx = xx * stride + kx - pad;
              if (sx < 0 || sx >= x.w) continue;
              v[dst + xx] += wv * x.v[src + sx];
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
      v[c * hw + i] = (x.v[c * hw + i] - m[c]) / Math.sqrt(s[c] + 1e-5) * g[c] + b[c];
    }
  }
  return { ...x, v };
}

function prelu(dict: StateDict, x: Feature, key: string): Feature {
  const a = param(dict, key);
  const hw = x.h * x.w;
  const v = x.v.map((value, i) => (value >= 0 ? value : value * a[Math.floor(i / hw)]));
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
      x = { ...y, v: y.v.map((value, i) => value + identity.v[i]) };
    }
  });
  const flat = bn(dict, x, "bn2").v;
  const fcW = dict.get("fc.weight")!;
  const [dim, fcIn] = fcW.shape;
  const wt = fcW.data as Float32Array;
  const bias = param(dict, "fc.bias");
  const out = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    let acc = bias[j];
    for (let k = 0; k < fcIn; k++) acc += wt[j * fcIn + k] * flat[k];
    out[j] = acc;
  }
  return bn(dict, { c: dim, h: 1, w: 1, v: out }, "features").v;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
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

for (const foldBatchNorm of [true, false]) {
  Deno.test(`buildIResNetOnnx(dict, spec, { foldBatchNorm: ${foldBatchNorm} }) matches a float64 reference forward pass`, async () => {
    const bytes = buildIResNetOnnx(dict, { layers }, { foldBatchNorm });
    const session = await createSession(bytes, "cpu");
    try {
      const { embedding } = await session.run({ data: { data: images, dims: [2, 3, 112, 112] } });
      assert.deepEqual([...embedding.dims], [2, 512]);
      assert.ok(embedding.data instanceof Float32Array);
      const rows = embedding.data;
      for (let i = 0; i < 2; i++) {
        const row = rows.subarray(i * 512, (i + 1) * 512);
        const c = cosine(row, reference[i]);
        assert.ok(c >= 0.99999, `image ${i}: cosine ${c}`);
        const ratio = norm(row) / norm(reference[i]);
        assert.ok(Math.abs(ratio - 1) < 1e-4, `image ${i}: norm ratio ${ratio}`);
      }
      // The two images must give different embeddings, or the comparison proves little.
      assert.ok(cosine(reference[0], reference[1]) < 0.999);
    } finally {
      await session.release();
    }
  });
}

Deno.test("buildIResNetOnnx(dict, spec) declares input data [N,3,112,112] and output embedding [N,D]", () => {
  const small = demoStateDict({ seed: 1, widthScale: 1 / 16, depth: 18, embeddingDim: 128 });
  const info = decodeOnnxInfo(buildIResNetOnnx(small, { layers }));
  assert.equal(info.inputs.length, 1);
  assert.deepEqual(info.inputs[0], { name: "data", elemType: 1, shape: ["N", 3, 112, 112] });
  assert.deepEqual(info.outputs, [{ name: "embedding", elemType: 1, shape: ["N", 128] }]);
  assert.deepEqual(info.opsets, [{ domain: "", version: 13 }]);
  assert.equal(info.nodes[0].opType, "Conv");
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
