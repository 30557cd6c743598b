import assert from "node:assert/strict";
import { decodeOnnxInfo, encodeOnnxModel, OnnxDataType } from "../../lib/model/_onnx_proto.ts";
import type { OnnxModel } from "../../lib/model/_onnx_proto.ts";
import { createSession } from "../../lib/model/_backend.ts";
import { runPython, skipUnlessPython } from "../_python.ts";
import onnxProto from "onnx-proto";
import { buildIResNetOnnx } from "../../lib/model/_iresnet_graph.ts";
import { demoStateDict } from "../../lib/model/_demo_model.ts";
import { IRESNET_LAYERS } from "../../lib/model/_iresnet_spec.ts";

const { onnx } = onnxProto;

// y = Reshape(Gemm(x, W, b) with transB, [-1, 2, 3]) then LeakyRelu(alpha) : exercises float,
// int, ints (with -1 in an int64 initializer), symbolic and fixed dims.
function gemmModel(): OnnxModel {
  const w = new Float32Array(6 * 4).map((_, i) => (i % 5) - 2);
  const b = new Float32Array(6).map((_, i) => i / 10);
  return {
    opsetVersion: 13,
    graph: {
      name: "gemm_reshape",
      nodes: [
        {
          opType: "Gemm",
          name: "fc",
          inputs: ["x", "w", "b"],
          outputs: ["h"],
          attributes: {
            transB: { type: "int", value: 1 },
            alpha: { type: "float", value: 0.5 },
          },
        },
        { opType: "Reshape", name: "reshape", inputs: ["h", "shape"], outputs: ["r"] },
        {
          opType: "LeakyRelu",
          name: "act",
          inputs: ["r"],
          outputs: ["y"],
          attributes: { alpha: { type: "float", value: 0.25 } },
        },
        {
          opType: "Transpose",
          name: "perm",
          inputs: ["y"],
          outputs: ["z"],
          attributes: { perm: { type: "ints", value: [0, 2, 1] } },
        },
      ],
      initializers: [
        { name: "w", dataType: OnnxDataType.FLOAT, dims: [6, 4], data: w },
        { name: "b", dataType: OnnxDataType.FLOAT, dims: [6], data: b },
        {
          name: "shape",
          dataType: OnnxDataType.INT64,
          dims: [3],
          data: new BigInt64Array([-1n, 2n, 3n]),
        },
      ],
      inputs: [{ name: "x", elemType: OnnxDataType.FLOAT, shape: ["batch", 4] }],
      outputs: [{ name: "z", elemType: OnnxDataType.FLOAT, shape: ["batch", 3, 2] }],
    },
  };
}

Deno.test("decodeOnnxInfo(encodeOnnxModel(model)) reads back names, shapes, opsets and nodes", () => {
  const info = decodeOnnxInfo(encodeOnnxModel(gemmModel()));
  assert.equal(info.irVersion, 8);
  assert.equal(info.graphName, "gemm_reshape");
  assert.deepEqual(info.opsets, [{ domain: "", version: 13 }]);
  assert.deepEqual(info.inputs, [{ name: "x", elemType: 1, shape: ["batch", 4] }]);
  assert.deepEqual(info.outputs, [{ name: "z", elemType: 1, shape: ["batch", 3, 2] }]);
  assert.deepEqual(info.nodes.map((n) => `${n.name}:${n.opType}`), [
    "fc:Gemm",
    "reshape:Reshape",
    "act:LeakyRelu",
    "perm:Transpose",
  ]);
  assert.deepEqual(info.initializerNames, ["w", "b", "shape"]);
});

Deno.test("encodeOnnxModel(model) produces a model ONNX Runtime runs with the encoded attributes", async () => {
  const model = gemmModel();
  const session = await createSession(encodeOnnxModel(model), "cpu");
  const x = new Float32Array([1, -2, 3, 0.5, -1, 0, 2, 4]);
  const { z } = await session.run({ x: { data: x, dims: [2, 4] } });
  await session.release();
  assert.ok(z);
  assert.deepEqual([...z.dims], [2, 3, 2]);
  assert.ok(z.data instanceof Float32Array);
  const zf: Float32Array = z.data;
  const w = model.graph.initializers[0]!.data as Float32Array;
  const b = model.graph.initializers[1]!.data as Float32Array;
  for (let n = 0; n < 2; n++) {
    for (let j = 0; j < 6; j++) {
      let h = b[j]!;
      for (let k = 0; k < 4; k++) h += 0.5 * x[n * 4 + k]! * w[j * 4 + k]!;
      const y = h >= 0 ? h : 0.25 * h;
      // y[n, j / 3, j % 3] lands at z[n, j % 3, j / 3].
      const got = zf[n * 6 + (j % 3) * 2 + Math.floor(j / 3)]!;
      assert.ok(Math.abs(got - y) < 1e-5, `z for n=${n} j=${j}: ${got} vs ${y}`);
    }
  }
});

Deno.test("decodeOnnxInfo(bytes) drops graph inputs that are initializers", () => {
  const model = gemmModel();
  const withWeightInputs: OnnxModel = {
    ...model,
    graph: {
      ...model.graph,
      inputs: [
        ...model.graph.inputs,
        { name: "w", elemType: OnnxDataType.FLOAT, shape: [6, 4] },
      ],
    },
  };
  const info = decodeOnnxInfo(encodeOnnxModel(withWeightInputs));
  assert.deepEqual(info.inputs.map((i) => i.name), ["x"]);
});

Deno.test("decodeOnnxInfo(bytes) throws SyntaxError on empty, truncated and non-ONNX bytes", () => {
  const bytes = encodeOnnxModel(gemmModel());
  const isSyntax = (e: unknown) => e instanceof SyntaxError && e.message.startsWith("Cannot");
  assert.throws(() => decodeOnnxInfo(new Uint8Array(0)), isSyntax);
  assert.throws(() => decodeOnnxInfo(bytes.subarray(0, bytes.length - 7)), isSyntax);
  assert.throws(
    () => decodeOnnxInfo(new TextEncoder().encode("PK\x03\x04 zip, not onnx")),
    isSyntax,
  );
});

/** A decoded message as plain JSON (int64 as numbers, bytes as base64), for comparisons. */
function json(bytes: Uint8Array): unknown {
  return onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: Number, bytes: String });
}

Deno.test("encodeOnnxModel(model) decodes with onnx-proto to every field it was given", () => {
  const model = gemmModel();
  const m = onnx.ModelProto.decode(encodeOnnxModel(model));
  assert.equal(Number(m.irVersion), 8);
  assert.equal(m.producerName, "synthetic-face-audit-kit");
  assert.deepEqual(m.opsetImport.map((o) => [o.domain, Number(o.version)]), [["", 13]]);
  const g = m.graph!;
  const nodes = g.node ?? [];
  assert.equal(g.name, "gemm_reshape");
  assert.deepEqual(nodes.map((n) => [n.name, n.opType, n.input, n.output]), [
    ["fc", "Gemm", ["x", "w", "b"], ["h"]],
    ["reshape", "Reshape", ["h", "shape"], ["r"]],
    ["act", "LeakyRelu", ["r"], ["y"]],
    ["perm", "Transpose", ["y"], ["z"]],
  ]);
  const [transB, alpha] = nodes[0]?.attribute ?? [];
  assert.deepEqual([transB?.name, Number(transB?.i), transB?.type], ["transB", 1, 2]);
  assert.deepEqual([alpha?.name, alpha?.f, alpha?.type], ["alpha", 0.5, 1]);
  const perm = nodes[3]?.attribute?.[0];
  assert.deepEqual([perm?.name, perm?.ints?.map(Number), perm?.type], ["perm", [0, 2, 1], 7]);
  for (const [i, t] of model.graph.initializers.entries()) {
    const got = g.initializer?.[i];
    assert.ok(got);
    assert.equal(got.name, t.name);
    assert.equal(got.dataType, t.dataType);
    assert.deepEqual(got.dims?.map(Number), [...t.dims]);
    assert.deepEqual(
      [...(got.rawData ?? [])],
      [...new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)],
    );
  }
  const shapes = [...(g.input ?? []), ...(g.output ?? [])].map((v) => [
    v.name,
    v.type?.tensorType?.elemType,
    v.type?.tensorType?.shape?.dim?.map((d: { dimParam?: string | null; dimValue?: unknown }) =>
      d.dimParam || Number(d.dimValue)
    ),
  ]);
  assert.deepEqual(shapes, [["x", 1, ["batch", 4]], ["z", 1, ["batch", 3, 2]]]);
});

Deno.test("encodeOnnxModel(graph) of an IResNet is the message onnx-proto's encoder writes", () => {
  // onnx-proto packs repeated scalars (proto3), the kit writes them unpacked (proto2's default):
  // different bytes, one message.
  const bytes = buildIResNetOnnx(demoStateDict({ seed: 3, widthScale: 1 / 16 }), {
    layers: IRESNET_LAYERS[18],
  });
  const again = onnx.ModelProto.encode(onnx.ModelProto.decode(bytes)).finish();
  assert.notEqual(again.length, bytes.length);
  assert.deepEqual(json(again), json(bytes));
});

Deno.test("decodeOnnxInfo(bytes) reads packed fields and skips float_data weights", () => {
  // As older exporters write: weights in float_data, dims packed, a weight listed as an input.
  const bytes = onnx.ModelProto.encode({
    irVersion: 6,
    producerName: "old-exporter",
    opsetImport: [{ domain: "", version: 11 }],
    graph: {
      name: "g",
      node: [{ name: "mm", opType: "MatMul", input: ["x", "w"], output: ["y"] }],
      initializer: [{ name: "w", dataType: 1, dims: [4, 2], floatData: [1, 2, 3, 4, 5, 6, 7, 8] }],
      input: [
        { name: "x", type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, {}] } } } },
        { name: "w", type: { tensorType: { elemType: 1 } } },
      ],
      output: [{
        name: "y",
        type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: "N" }, { dimValue: 2 }] } } },
      }],
    },
  }).finish();
  const info = decodeOnnxInfo(bytes);
  assert.equal(info.irVersion, 6);
  assert.equal(info.producerName, "old-exporter");
  assert.deepEqual(info.opsets, [{ domain: "", version: 11 }]);
  assert.deepEqual(info.nodes, [{ name: "mm", opType: "MatMul" }]);
  assert.deepEqual(info.initializerNames, ["w"]);
  assert.deepEqual(info.inputs, [{ name: "x", elemType: 1, shape: [1, "?"] }]);
  assert.deepEqual(info.outputs, [{ name: "y", elemType: 1, shape: ["N", 2] }]);
});

Deno.test("encodeOnnxModel(model) throws RangeError when tensor data does not fit its dims", () => {
  const model = gemmModel();
  const bad: OnnxModel = {
    ...model,
    graph: {
      ...model.graph,
      initializers: [{
        name: "w",
        dataType: OnnxDataType.FLOAT,
        dims: [6, 5],
        data: new Float32Array(24),
      }],
    },
  };
  assert.throws(() => encodeOnnxModel(bad), RangeError);
});

Deno.test({
  name: "decodeOnnxInfo(bytes) reads names and shapes of a torch-exported ONNX model",
  ignore: skipUnlessPython("torch"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/exported.onnx`;
    const script = [
      "import sys, torch",
      "torch.manual_seed(0)",
      "m = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.PReLU(4),",
      "    torch.nn.Flatten(), torch.nn.Linear(4 * 8 * 8, 5)).eval()",
      "torch.onnx.export(m, torch.zeros(1, 3, 8, 8), sys.argv[1], input_names=['input.1'],",
      "    output_names=['fc1'], dynamic_axes={'input.1': {0: 'batch'}, 'fc1': {0: 'batch'}},",
      "    opset_version=13)",
    ].join("\n");
    try {
      await runPython(["-c", script, path]);
      const info = decodeOnnxInfo(await Deno.readFile(path));
      assert.equal(info.producerName, "pytorch");
      assert.deepEqual(info.inputs, [{ name: "input.1", elemType: 1, shape: ["batch", 3, 8, 8] }]);
      assert.deepEqual(info.outputs, [{ name: "fc1", elemType: 1, shape: ["batch", 5] }]);
      assert.equal(info.nodes[0]?.opType, "Conv");
      assert.ok(info.nodes.some((n) => n.opType === "PRelu"));
      assert.ok(info.opsets.some((o) => o.domain === "" && o.version === 13));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
