import assert from "node:assert/strict";
import { demoDatasetPlan, encodeDemoImage } from "../../lib/demo/mod.ts";
import { createSession, encodeOnnxModel, OnnxDataType, WebWorker } from "../../lib/model/mod.ts";
import { decodeRecords } from "../../lib/tasks/mod.ts";

Deno.test({
  name:
    "decodeRecords(records, {workers}) still answers after onnxruntime-web replaced globalThis.Worker",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // A wasm session loads onnxruntime-web's Node build, whose Emscripten code swaps in
    // worker_threads' Worker; a webgpu session (embed --backend webgpu) does the same.
    const relu = encodeOnnxModel({
      opsetVersion: 13,
      graph: {
        name: "g",
        nodes: [{ opType: "Relu", inputs: ["x"], outputs: ["y"] }],
        initializers: [],
        inputs: [{ name: "x", elemType: OnnxDataType.FLOAT, shape: [2] }],
        outputs: [{ name: "y", elemType: OnnxDataType.FLOAT, shape: [2] }],
      },
    });
    const session = await createSession(relu, "wasm");
    await session.run({ x: { data: new Float32Array([1, -1]), dims: [2] } });
    assert.notEqual(globalThis.Worker, WebWorker, "onnxruntime-web replaced the global Worker");
    const plan = demoDatasetPlan({ identities: 2, images: 3, seed: 3 });
    const bytes = await Promise.all(plan.map((p) => encodeDemoImage(p)));
    async function* records() {
      for (const [i, p] of plan.entries()) {
        yield { identity: p.identity, imageName: p.imageName, bytes: bytes[i]! };
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const decoded = await Promise.race([
      (async () => {
        const out = [];
        for await (const image of decodeRecords(records(), { workers: 2 })) out.push(image);
        return out;
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("the decode workers never answered")), 60_000);
      }),
    ]);
    clearTimeout(timer);
    await session.release();
    assert.equal(decoded.length, plan.length);
    assert.deepEqual(decoded.map((d) => d.imageName), plan.map((p) => p.imageName));
  },
});
