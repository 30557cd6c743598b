import assert from "node:assert/strict";
import { loadModel } from "../../lib/model/_load.ts";
import { buildIResNetOnnx } from "../../lib/model/_iresnet_graph.ts";
import { demoStateDict } from "../../lib/model/_demo_model.ts";
import { IRESNET_LAYERS } from "../../lib/model/_iresnet_spec.ts";
import { createSession } from "../../lib/model/_backend.ts";
import { encodeOnnxModel, OnnxDataType } from "../../lib/model/_onnx_proto.ts";
import type { OnnxDim } from "../../lib/model/_onnx_proto.ts";
import { runPython, skipUnlessPython } from "../_python.ts";
import { memoryReporter } from "../../lib/cli/mod.ts";

const quiet = { reporter: memoryReporter() };
const PLANE = 3 * 112 * 112;

function images(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n * PLANE);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** GlobalAveragePool -> Flatten -> Gemm to 8-d: a small stand-in with a chosen input shape. */
function poolModel(inputShape: OnnxDim[], extraInput = false): Uint8Array {
  const w = new Float32Array(8 * Number(inputShape[1]));
  for (let i = 0; i < w.length; i++) w[i] = ((i * 7) % 5) - 2;
  return encodeOnnxModel({
    opsetVersion: 13,
    graph: {
      name: "pool",
      nodes: [
        { opType: "GlobalAveragePool", inputs: ["img"], outputs: ["p"] },
        { opType: "Flatten", inputs: ["p"], outputs: ["f"] },
        {
          opType: "Gemm",
          inputs: ["f", "w"],
          outputs: ["out"],
          attributes: { transB: { type: "int", value: 1 } },
        },
      ],
      initializers: [{
        name: "w",
        dataType: OnnxDataType.FLOAT,
        dims: [8, Number(inputShape[1])],
        data: w,
      }],
      inputs: [
        { name: "img", elemType: OnnxDataType.FLOAT, shape: inputShape },
        ...(extraInput ? [{ name: "mask", elemType: OnnxDataType.FLOAT, shape: [1] }] : []),
      ],
      outputs: [{ name: "out", elemType: OnnxDataType.FLOAT, shape: [inputShape[0] ?? "N", 8] }],
    },
  });
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadModel(path.onnx) embeds into L2-normalised rows of the graph's raw output", async () => {
  await withDir(async (dir) => {
    const bytes = buildIResNetOnnx(demoStateDict({ seed: 5, widthScale: 1 / 16 }), {
      layers: IRESNET_LAYERS[18],
    });
    const path = `${dir}/tiny.onnx`;
    await Deno.writeFile(path, bytes);
    const reporter = memoryReporter();
    const lines = reporter.infos;
    const model = await loadModel(path, { backend: "cpu", reporter });
    const raw = await createSession(bytes, "cpu");
    try {
      assert.equal(model.inputName, "data");
      assert.equal(model.outputName, "embedding");
      assert.equal(model.dim, 512);
      assert.equal(model.backend, "cpu");
      assert.ok(lines.some((l) => l.startsWith("backend: cpu")));
      const x = images(3, 9);
      const e = await model.embed(x, 3);
      const { embedding } = await raw.run({ data: { data: x, dims: [3, 3, 112, 112] } });
      assert.ok(embedding);
      for (let i = 0; i < 3; i++) {
        const row = e.subarray(i * 512, (i + 1) * 512);
        const ref = (embedding.data as Float32Array).subarray(i * 512, (i + 1) * 512);
        const refNorm = Math.hypot(...ref);
        assert.ok(Math.abs(Math.hypot(...row) - 1) < 1e-6);
        for (let j = 0; j < 512; j++) assert.ok(Math.abs(row[j]! - ref[j]! / refNorm) < 1e-6);
      }
      await assert.rejects(model.embed(x, 2), /Cannot embed 2 images/);
    } finally {
      await model.close();
      await raw.release();
    }
  });
});

Deno.test("loadModel(path.onnx) runs a graph with a fixed batch of 1 in chunks", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/fixed.onnx`;
    await Deno.writeFile(path, poolModel([1, 3, 112, 112]));
    const model = await loadModel(path, { backend: "cpu", ...quiet });
    try {
      assert.equal(model.inputName, "img");
      assert.equal(model.dim, 8);
      const x = images(3, 4);
      const all = await model.embed(x, 3);
      for (let i = 0; i < 3; i++) {
        const one = await model.embed(x.slice(i * PLANE, (i + 1) * PLANE), 1);
        assert.deepEqual(all.subarray(i * 8, (i + 1) * 8), one);
      }
    } finally {
      await model.close();
    }
  });
});

Deno.test("loadModel(path.onnx) rejects an input that is not [N,3,112,112]", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/small.onnx`;
    await Deno.writeFile(path, poolModel(["N", 3, 64, 64]));
    await assert.rejects(loadModel(path, quiet), (e: unknown) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /"img" is \[N,3,64,64\]/);
      assert.match(e.message, /\[N,3,112,112\]/);
      return true;
    });
  });
});

Deno.test("loadModel(path.onnx) rejects a graph with two inputs", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/two.onnx`;
    await Deno.writeFile(path, poolModel(["N", 3, 112, 112], true));
    await assert.rejects(loadModel(path, quiet), /has 2 inputs \(img, mask\)/);
  });
});

Deno.test("loadModel(path) gives clear errors for missing, unreadable, corrupt and unsupported files", async () => {
  await withDir(async (dir) => {
    await assert.rejects(loadModel(`${dir}/none.onnx`, quiet), (e: unknown) => {
      return e instanceof Deno.errors.NotFound && e.message.includes(`${dir}/none.onnx`);
    });
    await Deno.mkdir(`${dir}/folder.onnx`);
    await assert.rejects(loadModel(`${dir}/folder.onnx`, quiet), /is not a file/);
    await Deno.writeTextFile(`${dir}/text.onnx`, "this is not a protobuf model");
    await assert.rejects(loadModel(`${dir}/text.onnx`, quiet), SyntaxError);
    await Deno.writeFile(`${dir}/empty.onnx`, new Uint8Array());
    await assert.rejects(
      loadModel(`${dir}/empty.onnx`, quiet),
      /Cannot read .*empty.onnx as an ONNX/,
    );
    await Deno.writeTextFile(`${dir}/model.h5`, "x");
    await assert.rejects(loadModel(`${dir}/model.h5`, quiet), /expected \.onnx .* or \.pth/);
    await Deno.writeTextFile(`${dir}/junk.pth`, "not a checkpoint");
    await assert.rejects(loadModel(`${dir}/junk.pth`, quiet));
  });
});

// Writes a .pth with torch.save of a state dict with the demo model's keys and shapes and
// torch-random values, so the test reads a file torch itself wrote.
async function writeTorchCheckpoint(path: string): Promise<void> {
  const dict = demoStateDict({ seed: 2, widthScale: 1 / 16, embeddingDim: 32 });
  const shapes = [...dict].map(([key, t]) => [key, t.shape, t.dtype]);
  const script = [
    "import json, sys, collections, torch",
    "torch.manual_seed(0)",
    "d = collections.OrderedDict()",
    "for key, shape, dtype in json.load(sys.stdin):",
    "    if dtype == 'int64':",
    "        d[key] = torch.tensor(100, dtype=torch.int64)",
    "    elif key.endswith('running_var'):",
    "        d[key] = torch.rand(shape) + 0.5",
    "    else:",
    "        d[key] = (torch.rand(shape) - 0.5) * 0.5",
    "torch.save(d, sys.argv[1])",
  ].join("\n");
  await runPython(["-c", script, path], JSON.stringify(shapes));
}

Deno.test({
  name: "loadModel(path.pth) converts once, reuses the cache, and rebuilds after a touch",
  ignore: skipUnlessPython("torch"),
  fn: async () => {
    await withDir(async (dir) => {
      const path = `${dir}/tiny.pth`;
      await writeTorchCheckpoint(path);
      const load = async () => {
        const reporter = memoryReporter();
        const lines = reporter.infos;
        const model = await loadModel(path, { backend: "cpu", reporter });
        const e = await model.embed(images(1, 3), 1);
        await model.close();
        return { lines: lines.join("\n"), e, dim: model.dim };
      };
      const first = await load();
      assert.equal(first.dim, 32);
      assert.match(first.lines, /IResNet-18.*building its ONNX graph/);
      assert.ok((await Deno.stat(`${path}.onnx`)).isFile);
      const second = await load();
      assert.match(second.lines, /using cached conversion/);
      assert.doesNotMatch(second.lines, /building/);
      assert.deepEqual(second.e, first.e);
      const later = new Date(Date.now() + 60_000);
      await Deno.utime(path, later, later);
      const third = await load();
      assert.match(third.lines, /building its ONNX graph/);
      assert.deepEqual(third.e, first.e);
    });
  },
});
