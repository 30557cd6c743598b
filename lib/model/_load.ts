/**
 * Opens an ArcFace model file as an {@linkcode ArcFaceModel}: an `.onnx` model is checked for one
 * image input `[N, 3, 112, 112]` and one embedding output; a `.pth` state dict (arcface_torch
 * IResNet) is converted to ONNX once and cached beside the checkpoint.
 *
 * @module
 */
import { extname } from "node:path";
import { consoleReporter, type Reporter } from "../cli/mod.ts";
import { arcFaceFromSession } from "./_arcface.ts";
import type { ArcFaceModel } from "./_arcface.ts";
import { chooseBackend, createSession } from "./_backend.ts";
import type { BackendRequest, SessionOptions } from "./_backend.ts";
import { buildIResNetOnnx, IRESNET_BUILDER_VERSION } from "./_iresnet_graph.ts";
import { inferIResNet } from "./_iresnet_spec.ts";
import { cachedConversion } from "./_model_cache.ts";
import { decodeOnnxInfo, OnnxDataType } from "./_onnx_proto.ts";
import type { OnnxInfo } from "./_onnx_proto.ts";
import { loadStateDict } from "./_pth.ts";

/** Options of {@linkcode loadModel}. */
export interface LoadModelOptions {
  /** Backend request. @default {"auto"} */
  backend?: BackendRequest;
  /**
   * Receives status lines (what the model is, backend choice, cache use) and warnings (a stripped
   * `module.` prefix, a cache that cannot be written, what a failed run was offered).
   * @default {consoleReporter()}
   */
  reporter?: Reporter;
  /** Session tuning passed to `createSession`. @default {{}} */
  session?: SessionOptions;
  /**
   * Cache folder for `.pth` conversions when the checkpoint's folder is read-only.
   * @default {".cache/models"}
   */
  cacheDir?: string;
}

/** The names and sizes an ArcFace graph must have, as {@linkcode checkArcFaceGraph} found them. */
export interface ArcFaceGraphInfo {
  /** Name of the graph's one image input, e.g. `input.1` or `data`. */
  inputName: string;
  /** Name of the graph's one embedding output `[N, D]`. */
  outputName: string;
  /** Input side, 112. */
  inputSize: number;
  /** Embedding size, or `undefined` when the graph leaves it symbolic. */
  dim?: number | undefined;
  /** The input's batch size when fixed in the graph, else `undefined`. */
  fixedBatch?: number | undefined;
}

const INPUT_SIZE = 112;

function formatShape(shape: readonly (number | string)[] | undefined): string {
  return shape ? `[${shape.join(",")}]` : "of unknown shape";
}

/**
 * Checks that a graph is usable as ArcFace: exactly one float input `[N, 3, 112, 112]` and exactly
 * one float output `[N, D]`.
 *
 * @param info The graph, from `decodeOnnxInfo`.
 * @param source The model's name for messages (its path).
 * @returns Tensor names and sizes.
 * @throws {RangeError} Naming what the graph has and what was expected.
 *
 * @example
 * ```ts
 * import { checkArcFaceGraph } from "./_load.ts";
 * const info = {
 *   irVersion: 8, producerName: "", opsets: [], graphName: "", nodes: [], initializerNames: [],
 *   inputs: [{ name: "input.1", elemType: 1, shape: [1, 3, 112, 112] }],
 *   outputs: [{ name: "683", elemType: 1, shape: [1, 512] }],
 * };
 * const g = checkArcFaceGraph(info, "w600k_r50.onnx");
 * if (g.inputName !== "input.1" || g.dim !== 512 || g.fixedBatch !== 1) throw new Error();
 * ```
 */
export function checkArcFaceGraph(info: OnnxInfo, source: string): ArcFaceGraphInfo {
  const expected = `expected one float32 image input [N,3,${INPUT_SIZE},${INPUT_SIZE}] ` +
    `and one float32 embedding output [N,D]`;
  const fail = (what: string) =>
    new RangeError(`Cannot use ${source} as an ArcFace model: ${what}; ${expected}`);
  const input = info.inputs.length === 1 ? info.inputs[0] : undefined;
  if (!input) {
    throw fail(
      `current graph has ${info.inputs.length} inputs (${
        info.inputs.map((i) => i.name).join(", ")
      })`,
    );
  }
  const output = info.outputs.length === 1 ? info.outputs[0] : undefined;
  if (!output) {
    throw fail(
      `current graph has ${info.outputs.length} outputs (${
        info.outputs.map((o) => o.name).join(", ")
      })`,
    );
  }
  const s = input.shape;
  if (
    input.elemType !== OnnxDataType.FLOAT || !s || s.length !== 4 || s[1] !== 3 ||
    s[2] !== INPUT_SIZE || s[3] !== INPUT_SIZE
  ) {
    throw fail(
      `current input "${input.name}" is ${formatShape(s)} of element type ${input.elemType}`,
    );
  }
  const o = output.shape;
  if (output.elemType !== OnnxDataType.FLOAT || (o && o.length !== 2)) {
    throw fail(
      `current output "${output.name}" is ${formatShape(o)} of element type ${output.elemType}`,
    );
  }
  return {
    inputName: input.name,
    outputName: output.name,
    inputSize: INPUT_SIZE,
    dim: o && typeof o[1] === "number" ? o[1] : undefined,
    fixedBatch: typeof s[0] === "number" && s[0] > 0 ? s[0] : undefined,
  };
}

async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    throw describeFileError(path, error);
  }
}

function describeFileError(path: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof Deno.errors.NotFound) {
    return new Deno.errors.NotFound(
      `Cannot load the model ${path}: no such file (expected an ArcFace .onnx model or an ` +
        `arcface_torch .pth state dict, e.g. Models/ArcFace_R100_MS1MV3.pth)`,
    );
  }
  return new Error(`Cannot read the model ${path}: ${reason}`, { cause: error });
}

/**
 * Loads an ArcFace model for embedding: `.onnx` as is, `.pth` converted (and cached as
 * `<file>.pth.onnx` with a `<file>.pth.onnx.json` stamp; rebuilt when the checkpoint's size, time
 * or sampled content, or the converter, changes). Chooses the backend and reports the choice.
 *
 * @param path Path of the `.onnx` or `.pth` file.
 * @param options Backend, reporter, session tuning, fallback cache folder.
 * @returns The model; call `close()` when done.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 * @throws {RangeError} On an unsupported extension or a graph that is not ArcFace-shaped.
 * @throws {SyntaxError} When an `.onnx` file is not an ONNX protobuf.
 * @throws {TypeError} When a `.pth` is legacy or not an IResNet (from `loadStateDict` and
 *   `inferIResNet`).
 * @throws {Error} When the file cannot be read, or ONNX Runtime refuses the model.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/mod.ts";
 * import { loadModel } from "./_load.ts";
 * const reporter = memoryReporter();
 * const error = await loadModel("no/such/model.onnx", { reporter }).catch((e) => e);
 * if (!(error instanceof Deno.errors.NotFound)) throw error;
 * ```
 */
export async function loadModel(
  path: string,
  options: LoadModelOptions = {},
): Promise<ArcFaceModel> {
  const {
    backend: request = "auto",
    reporter = consoleReporter(),
    session: sessionOptions = {},
    cacheDir = ".cache/models",
  } = options;
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch (error) {
    throw describeFileError(path, error);
  }
  if (!stat.isFile) {
    throw new Error(`Cannot read the model ${path}: it is not a file (current kind: directory)`);
  }
  const ext = extname(path).toLowerCase();
  let bytes: Uint8Array;
  if (ext === ".onnx") {
    bytes = await readModelFile(path);
  } else if (ext === ".pth" || ext === ".pt") {
    const converted = await cachedConversion(path, async () => {
      const dict = await loadStateDict(path, { reporter });
      const spec = inferIResNet(dict);
      reporter.info(
        `model: ${path} is IResNet-${spec.depth} (widths ${spec.widths.join("/")}, ` +
          `${spec.embeddingSize}-d); building its ONNX graph`,
      );
      return buildIResNetOnnx(dict, spec);
    }, { converterVersion: IRESNET_BUILDER_VERSION, fallbackDir: cacheDir, reporter });
    bytes = converted.bytes;
  } else {
    throw new RangeError(
      `Cannot load the model ${path}: current extension is "${ext}", ` +
        `expected .onnx (ArcFace ONNX model) or .pth (arcface_torch state dict)`,
    );
  }
  let info: OnnxInfo;
  try {
    info = decodeOnnxInfo(bytes);
  } catch (error) {
    throw new SyntaxError(
      `Cannot read ${path} as an ONNX model: ${error instanceof Error ? error.message : error}`,
    );
  }
  const graph = checkArcFaceGraph(info, path);
  const { backend } = await chooseBackend(request, { reporter });
  let session;
  try {
    session = await createSession(bytes, backend, sessionOptions);
  } catch (error) {
    throw new Error(
      `Cannot create an ONNX Runtime session for ${path} on backend ${backend}: ${
        error instanceof Error ? error.message : error
      }`,
      { cause: error },
    );
  }
  const model = arcFaceFromSession(session, { ...graph, reporter });
  if (graph.dim === undefined) {
    // A symbolic embedding size: one blank image tells it, so that `dim` is known up front.
    const n = graph.fixedBatch ?? 1;
    try {
      await model.embed(new Float32Array(n * 3 * graph.inputSize * graph.inputSize), n);
    } catch (error) {
      await model.close();
      throw error;
    }
  }
  reporter.info(
    `model: ${path} on ${backend}: input "${graph.inputName}" [N,3,${graph.inputSize},` +
      `${graph.inputSize}], output "${graph.outputName}" [N,${model.dim}]`,
  );
  return model;
}
