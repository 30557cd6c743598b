import assert from "node:assert/strict";
import {
  chooseBackend,
  createSession,
  judgeAdapter,
  nativeBinaryFolder,
  probeCuda,
  probeWebGpuAdapter,
} from "../../lib/model/_backend.ts";
import type { AdapterLike, Backend, CudaStatus } from "../../lib/model/_backend.ts";
import { encodeOnnxModel, OnnxDataType } from "../../lib/model/_onnx_proto.ts";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { skipUnless } from "../_prereq.ts";

const adapter = await probeWebGpuAdapter();

const nvidia: AdapterLike = { info: { vendor: "nvidia", architecture: "hopper", device: "" } };
const llvmpipe: AdapterLike = {
  info: { vendor: "mesa", architecture: "", description: "llvmpipe (LLVM 15.0.6, 256 bits)" },
};

const NO_CUDA: CudaStatus = {
  available: false,
  installed: false,
  reason: "onnxruntime-node's CUDA execution provider is not installed (no x.so)",
};

function choose(
  request: Parameters<typeof chooseBackend>[0],
  gpu: AdapterLike | null,
  native: boolean,
  cuda: CudaStatus = NO_CUDA,
) {
  const reporter = memoryReporter();
  const result = chooseBackend(request, {
    reporter,
    requestAdapter: () => Promise.resolve(gpu),
    nativeAvailable: () => Promise.resolve(native),
    cudaAvailable: () => Promise.resolve(cuda),
  });
  return result.then((choice) => ({ ...choice, lines: reporter.infos }));
}

Deno.test("judgeAdapter(adapter) rejects none, fallback and software adapters", () => {
  assert.equal(judgeAdapter(null).usable, false);
  assert.equal(judgeAdapter(llvmpipe).usable, false);
  assert.match(judgeAdapter(llvmpipe).description, /software.*llvmpipe/);
  assert.equal(
    judgeAdapter({ info: { vendor: "google", description: "SwiftShader" } }).usable,
    false,
  );
  assert.equal(judgeAdapter({ isFallbackAdapter: true, info: { vendor: "x" } }).usable, false);
  assert.equal(judgeAdapter({ info: { vendor: "nvidia", isFallbackAdapter: true } }).usable, false);
  assert.equal(judgeAdapter(nvidia).usable, true);
});

Deno.test("chooseBackend('auto') takes webgpu on a real adapter and reports why", async () => {
  const c = await choose("auto", nvidia, true);
  assert.equal(c.backend, "webgpu");
  assert.equal(c.lines.length, 1);
  assert.match(c.lines[0] ?? "", /^backend: webgpu \(auto: WebGPU adapter nvidia hopper\)$/);
});

Deno.test("chooseBackend('auto') takes cpu over a software adapter", async () => {
  const c = await choose("auto", llvmpipe, true);
  assert.equal(c.backend, "cpu");
  assert.match(c.lines[0] ?? "", /llvmpipe.*onnxruntime-node/);
});

Deno.test("chooseBackend('auto') takes wasm when there is no adapter and no native runtime", async () => {
  const c = await choose("auto", null, false);
  assert.equal(c.backend, "wasm");
  assert.match(c.reason, /no WebGPU adapter and onnxruntime-node did not load/);
});

Deno.test("chooseBackend('webgpu') honours a software adapter but refuses a missing one", async () => {
  assert.equal((await choose("webgpu", llvmpipe, true)).backend, "webgpu");
  await assert.rejects(choose("webgpu", null, true), /Cannot use backend webgpu/);
});

Deno.test("chooseBackend('cpu') refuses when onnxruntime-node does not load", async () => {
  await assert.rejects(choose("cpu", nvidia, false), RangeError);
  assert.equal((await choose("cpu", nvidia, true)).backend, "cpu");
  assert.equal((await choose("wasm", nvidia, true)).backend, "wasm");
});

Deno.test("chooseBackend(request) throws RangeError for an unknown backend", async () => {
  await assert.rejects(
    choose("rocm" as Backend, nvidia, true),
    /expected auto, cuda, webgpu, cpu, wasm/,
  );
});

Deno.test("chooseBackend('auto') prefers cuda when its execution provider starts", async () => {
  const cuda = {
    available: true,
    installed: true,
    reason: "onnxruntime-node CUDA execution provider",
  };
  const c = await choose("auto", nvidia, true, cuda);
  assert.equal(c.backend, "cuda");
  assert.deepEqual(c.lines, ["backend: cuda (auto: onnxruntime-node CUDA execution provider)"]);
  assert.equal((await choose("auto", nvidia, true)).backend, "webgpu");
});

Deno.test("chooseBackend('cuda') says how to install the provider and what CUDA it needs", async () => {
  await assert.rejects(
    choose("cuda", nvidia, true),
    (e: Error) =>
      e instanceof RangeError &&
      e.message.startsWith("Cannot use backend cuda: onnxruntime-node's CUDA execution provider") &&
      e.message.includes("ONNXRUNTIME_NODE_INSTALL=cuda12 deno install") &&
      e.message.includes("CUDA 12.x and cuDNN 9.x") && e.message.endsWith("or use --backend cpu"),
  );
  const broken = { available: false, installed: true, reason: "did not start (libcudnn.so.9)" };
  await assert.rejects(
    choose("cuda", nvidia, true, broken),
    (e: Error) =>
      e.message.includes("did not start (libcudnn.so.9)") && e.message.includes("cuDNN 9.x") &&
      !e.message.includes("ONNXRUNTIME_NODE_INSTALL"),
  );
});

Deno.test("probeCuda() finds the provider library exactly where onnxruntime-node's installer puts it", async () => {
  const folder = nativeBinaryFolder();
  assert.ok(folder, "onnxruntime-node is located");
  assert.ok(Deno.statSync(`${folder}libonnxruntime.so.1`).isFile || Deno.build.os !== "linux");
  let installed = false;
  try {
    installed = Deno.statSync(`${folder}libonnxruntime_providers_cuda.so`).isFile;
  } catch {
    installed = false;
  }
  const status = await probeCuda();
  assert.equal(status.installed, installed);
  if (!installed) {
    assert.equal(status.available, false);
    assert.match(status.reason, /not installed \(no .*libonnxruntime_providers_cuda\.so\)/);
    await assert.rejects(chooseBackend("cuda", { reporter: memoryReporter() }), /deno install/);
  }
});

// z = Conv(x, w) + bias, 1 -> 2 channels, 3x3, padding 1: small, yet a real kernel per backend.
function convModel(): Uint8Array {
  return encodeOnnxModel({
    opsetVersion: 13,
    graph: {
      name: "conv",
      nodes: [{
        opType: "Conv",
        inputs: ["x", "w", "b"],
        outputs: ["z"],
        attributes: { pads: { type: "ints", value: [1, 1, 1, 1] } },
      }],
      initializers: [
        {
          name: "w",
          dataType: OnnxDataType.FLOAT,
          dims: [2, 1, 3, 3],
          data: new Float32Array(18).map((_, i) => (i % 4) - 1.5),
        },
        { name: "b", dataType: OnnxDataType.FLOAT, dims: [2], data: new Float32Array([0.5, -1]) },
      ],
      inputs: [{ name: "x", elemType: OnnxDataType.FLOAT, shape: ["N", 1, 5, 5] }],
      outputs: [{ name: "z", elemType: OnnxDataType.FLOAT, shape: ["N", 2, 5, 5] }],
    },
  });
}

function convReference(x: Float32Array, n: number): Float64Array {
  const w = new Float32Array(18).map((_, i) => (i % 4) - 1.5);
  const b = [0.5, -1];
  const out = new Float64Array(n * 50);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < 2; o++) {
      for (let y = 0; y < 5; y++) {
        for (let xx = 0; xx < 5; xx++) {
          let acc = b[o]!;
          for (let ky = 0; ky < 3; ky++) {
            for (let kx = 0; kx < 3; kx++) {
              const sy = y + ky - 1, sx = xx + kx - 1;
              if (sy >= 0 && sy < 5 && sx >= 0 && sx < 5) {
                acc += w[o * 9 + ky * 3 + kx]! * x[i * 25 + sy * 5 + sx]!;
              }
            }
          }
          out[i * 50 + o * 25 + y * 5 + xx] = acc;
        }
      }
    }
  }
  return out;
}

async function checkBackend(backend: Backend): Promise<void> {
  const session = await createSession(convModel(), backend);
  try {
    assert.equal(session.backend, backend);
    assert.deepEqual([...session.inputNames], ["x"]);
    assert.deepEqual([...session.outputNames], ["z"]);
    // Several runs started at once: the session serialises them and each gets its own result.
    const inputs = [1, 2, 3].map((n) => new Float32Array(n * 25).map((_, i) => Math.sin(i * n)));
    const outputs = await Promise.all(
      inputs.map((x, k) => session.run({ x: { data: x, dims: [k + 1, 1, 5, 5] } })),
    );
    outputs.forEach(({ z }, k) => {
      assert.ok(z);
      assert.deepEqual([...z.dims], [k + 1, 2, 5, 5]);
      assert.ok(z.data instanceof Float32Array);
      const want = convReference(inputs[k]!, k + 1);
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(z.data[i]! - want[i]!) < 1e-4);
    });
  } finally {
    await session.release();
  }
  await assert.rejects(
    session.run({ x: { data: new Float32Array(25), dims: [1, 1, 5, 5] } }),
    /released/,
  );
}

Deno.test("createSession(bytes, 'cpu') runs a convolution, serialising concurrent runs", async () => {
  await checkBackend("cpu");
});

Deno.test("createSession(bytes, 'wasm') runs a convolution, serialising concurrent runs", async () => {
  await checkBackend("wasm");
});

Deno.test({
  name: "createSession(bytes, 'webgpu') runs a convolution on the real adapter",
  ignore: skipUnless(
    "webgpu",
    adapter !== null,
    "navigator.gpu finds no adapter (Debian: mesa-vulkan-drivers gives llvmpipe)",
  ),
  fn: async () => {
    await checkBackend("webgpu");
  },
});

Deno.test("createSession(bytes, backend) rejects bytes that are not a model", async () => {
  await assert.rejects(createSession(new Uint8Array([1, 2, 3]), "cpu"));
});

Deno.test("createSession(bytes, 'cpu') returns int64 outputs as BigInt64Array", async () => {
  const bytes = encodeOnnxModel({
    opsetVersion: 13,
    graph: {
      name: "argmax",
      nodes: [{
        opType: "ArgMax",
        inputs: ["x"],
        outputs: ["i"],
        attributes: { axis: { type: "int", value: 1 }, keepdims: { type: "int", value: 0 } },
      }],
      initializers: [],
      inputs: [{ name: "x", elemType: OnnxDataType.FLOAT, shape: ["N", 3] }],
      outputs: [{ name: "i", elemType: OnnxDataType.INT64, shape: ["N"] }],
    },
  });
  const session = await createSession(bytes, "cpu", { allowSpinning: false, intraOpNumThreads: 1 });
  try {
    const { i } = await session.run({
      x: { data: new Float32Array([0, 5, 1, 7, 2, 3]), dims: [2, 3] },
    });
    assert.ok(i && i.data instanceof BigInt64Array);
    assert.deepEqual([...i.data], [1n, 0n]);
  } finally {
    await session.release();
  }
});
