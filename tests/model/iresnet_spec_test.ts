import assert from "node:assert/strict";
import { inferIResNet, IRESNET_LAYERS } from "../../lib/model/_iresnet_spec.ts";
import type { IResNetDepth } from "../../lib/model/_iresnet_spec.ts";
import type { StateDict } from "../../lib/model/_state_dict.ts";

interface FakeOptions {
  width?: number;
  embedding?: number;
  numBatchesTracked?: boolean;
}

/**
 * The keys and shapes of an arcface_torch IResNet built the way `iresnet.py` builds its modules
 * (formats.md section 1.6), with empty data: the spec reads shapes only.
 */
function fakeIResNet(layers: readonly number[], options: FakeOptions = {}): StateDict {
  const { width = 64, embedding = 512, numBatchesTracked = true } = options;
  const dict: StateDict = new Map();
  const put = (key: string, shape: number[], dtype: "float32" | "int64" = "float32") =>
    dict.set(key, {
      dtype,
      shape,
      data: dtype === "int64" ? new BigInt64Array(0) : new Float32Array(0),
    });
  const bn = (prefix: string, c: number) => {
    for (const f of ["weight", "bias", "running_mean", "running_var"]) put(`${prefix}.${f}`, [c]);
    if (numBatchesTracked) put(`${prefix}.num_batches_tracked`, [], "int64");
  };
  put("conv1.weight", [width, 3, 3, 3]);
  bn("bn1", width);
  put("prelu.weight", [width]);
  let inplanes = width;
  layers.forEach((units, stage) => {
    const planes = width * 2 ** stage;
    for (let b = 0; b < units; b++) {
      const u = `layer${stage + 1}.${b}`;
      const cin = b === 0 ? inplanes : planes;
      bn(`${u}.bn1`, cin);
      put(`${u}.conv1.weight`, [planes, cin, 3, 3]);
      bn(`${u}.bn2`, planes);
      put(`${u}.prelu.weight`, [planes]);
      put(`${u}.conv2.weight`, [planes, planes, 3, 3]);
      bn(`${u}.bn3`, planes);
      if (b === 0) {
        put(`${u}.downsample.0.weight`, [planes, cin, 1, 1]);
        bn(`${u}.downsample.1`, planes);
      }
    }
    inplanes = planes;
  });
  bn("bn2", inplanes);
  put("fc.weight", [embedding, inplanes * 49]);
  put("fc.bias", [embedding]);
  bn("features", embedding);
  return dict;
}

const rejects = (dict: StateDict, pattern: RegExp) =>
  assert.throws(
    () => inferIResNet(dict),
    (e: Error) => e instanceof TypeError && pattern.test(e.message),
  );

Deno.test("inferIResNet(dict) finds each arcface_torch depth from the units per stage", () => {
  for (const [depth, layers] of Object.entries(IRESNET_LAYERS)) {
    const spec = inferIResNet(fakeIResNet(layers, { width: 4, embedding: 16 }));
    assert.equal(spec.depth, Number(depth) as IResNetDepth);
    assert.deepEqual(spec.layers, layers);
    assert.deepEqual(spec.widths, [4, 8, 16, 32]);
    assert.equal(spec.embeddingSize, 16);
  }
});

Deno.test("inferIResNet(dict) of a full-width IResNet-100 has 925 keys and 65,225,792 weights", () => {
  const dict = fakeIResNet([3, 13, 30, 3]);
  const spec = inferIResNet(dict);
  const int64 = [...dict.values()].filter((t) => t.dtype === "int64").length;
  assert.equal(spec.keyCount, 925);
  assert.equal(int64, 154);
  assert.equal(spec.keyCount - int64, 771);
  assert.equal(spec.parameterCount, 65_225_792);
  assert.deepEqual(spec.widths, [64, 128, 256, 512]);
  assert.equal(spec.stemWidth, 64);
  assert.equal(spec.fcInputChannels, 25088);
  assert.equal(spec.featureMapSize, 7);
  assert.equal(spec.inputSize, 112);
  assert.equal(spec.embeddingSize, 512);
  assert.equal(spec.inputChannels, 3);
  assert.ok(spec.hasFeaturesBn && spec.hasFcBias);
  assert.deepEqual(spec.downsample, [true, true, true, true]);
  assert.equal(spec.prelu, "channel");
});

Deno.test("inferIResNet(dict) accepts checkpoints without num_batches_tracked", () => {
  const spec = inferIResNet(fakeIResNet([2, 2, 2, 2], { width: 8, numBatchesTracked: false }));
  assert.equal(spec.depth, 18);
  // 31 BatchNorms in IResNet-18: stem, 3 per unit x 8, 4 downsamples, bn2, features
  assert.equal(spec.keyCount, 187 - 31);
});

Deno.test("inferIResNet(dict) rejects a dict without layer1.0.conv1.weight, listing its keys", () => {
  const linear: StateDict = new Map([
    ["weight", { dtype: "float32", shape: [3, 4], data: new Float32Array(12) }],
    ["bias", { dtype: "float32", shape: [3], data: new Float32Array(3) }],
  ]);
  rejects(linear, /no 'conv1\.weight'.*found 2 keys: weight, bias/);
  const dict = fakeIResNet([2, 2, 2, 2], { width: 4 });
  dict.delete("layer1.0.conv1.weight");
  rejects(dict, /layer1\.0\.conv1\.weight/);
});

Deno.test("inferIResNet(dict) asks for stripModulePrefix when keys start with module.", () => {
  const dict = new Map(
    [...fakeIResNet([2, 2, 2, 2], { width: 4 })].map(([k, v]) => [`module.${k}`, v]),
  );
  rejects(dict, /module\..*stripModulePrefix/);
});

Deno.test("inferIResNet(dict) names a tensor with the wrong shape", () => {
  const dict = fakeIResNet([2, 2, 2, 2], { width: 4 });
  dict.set("layer3.1.conv2.weight", {
    dtype: "float32",
    shape: [16, 16, 1, 1],
    data: new Float32Array(0),
  });
  rejects(dict, /'layer3\.1\.conv2\.weight' has shape \[16,16,1,1\], expected \[16,16,3,3\]/);
});

Deno.test("inferIResNet(dict) rejects unsupported unit counts and names the supported ones", () => {
  rejects(fakeIResNet([2, 2, 2, 3], { width: 4 }), /\[2,2,2,3\].*18: \[2,2,2,2\]/);
});

Deno.test("inferIResNet(dict) rejects keys that are not part of an IResNet", () => {
  const dict = fakeIResNet([2, 2, 2, 2], { width: 4 });
  dict.set("head.weight", { dtype: "float32", shape: [2], data: new Float32Array(0) });
  rejects(dict, /1 keys are not part of one: head\.weight/);
});

Deno.test("inferIResNet(dict) reads a head without features BN and a non-square fc input as errors", () => {
  const dict = fakeIResNet([2, 2, 2, 2], { width: 4, embedding: 8 });
  for (const f of ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]) {
    dict.delete(`features.${f}`);
  }
  assert.equal(inferIResNet(dict).hasFeaturesBn, false);
  dict.set("fc.weight", { dtype: "float32", shape: [8, 32 * 50], data: new Float32Array(0) });
  rejects(dict, /not 32 channels times a square map/);
});
