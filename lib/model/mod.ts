/**
 * ArcFace models: ONNX Runtime backends (cpu via onnxruntime-node, wasm and webgpu via
 * onnxruntime-web), `.onnx` and `.pth` loading with a conversion cache, the arcface_torch IResNet
 * as an ONNX graph, the ONNX protobuf codec, the `.pth` reader, and seeded demo weights. Status
 * lines (backend choice, cache use) and warnings go to the `reporter` option of each call
 * (`consoleReporter()` from `lib/cli` when none is given); nothing here writes to the console.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/mod.ts";
 * import { buildIResNetOnnx, demoStateDict, IRESNET_LAYERS, loadModel } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const path = `${dir}/demo.onnx`;
 * const dict = demoStateDict({ depth: 18, widthScale: 1 / 16 });
 * await Deno.writeFile(path, buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[18] }));
 * const model = await loadModel(path, { backend: "cpu", reporter: memoryReporter() });
 * const e = await model.embed(new Float32Array(3 * 112 * 112), 1);
 * await model.close();
 * await Deno.remove(dir, { recursive: true });
 * const norm = Math.hypot(...e);
 * if (model.dim !== 512 || Math.abs(norm - 1) > 1e-5) throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "./_arcface.ts";
export * from "./_backend.ts";
export * from "./_demo_model.ts";
export * from "./_iresnet_graph.ts";
export * from "./_iresnet_spec.ts";
export * from "./_load.ts";
export * from "./_model_cache.ts";
export * from "./_onnx_proto.ts";
export * from "./_pth.ts";
export * from "./_winograd.ts";
export type * from "./_state_dict.ts";
