/**
 * The one module that owns ONNX Runtime: `cpu` is onnxruntime-node (native), `cuda` is
 * onnxruntime-node's CUDA execution provider where the user installed it, `wasm` and `webgpu` are
 * onnxruntime-web. It chooses a backend (probing the WebGPU adapter and the CUDA provider once),
 * applies one-time environment defaults, and creates sessions whose runs are serialised.
 *
 * @module
 */
import type * as Ort from "onnxruntime-common";
import { consoleReporter, type Reporter } from "../cli/mod.ts";
import { encodeOnnxModel, OnnxDataType } from "./_onnx_proto.ts";

/**
 * An ONNX Runtime backend: `webgpu`/`wasm` via onnxruntime-web, `cpu` and `cuda` via
 * onnxruntime-node.
 */
export type Backend = "cuda" | "webgpu" | "wasm" | "cpu";

/** A backend or `auto` (cuda where it starts, else webgpu on a real GPU, else cpu, else wasm). */
export type BackendRequest = "auto" | Backend;

/** The backends, in the order {@linkcode chooseBackend} prefers them for `auto`. */
export const BACKENDS: readonly Backend[] = ["cuda", "webgpu", "cpu", "wasm"];

/** What a `--backend` flag accepts: `auto` and every backend. */
export const BACKEND_REQUESTS: readonly BackendRequest[] = ["auto", ...BACKENDS];

/**
 * The CUDA versions the CUDA execution provider of the pinned onnxruntime-node (1.30, NuGet package
 * `Microsoft.ML.OnnxRuntime.Gpu.Linux`) is built against: any CUDA 12.x and cuDNN 9.x.
 */
export const CUDA_REQUIREMENT: string = "an NVIDIA driver with CUDA 12.x and cuDNN 9.x libraries " +
  "(libcudart.so.12, libcublas.so.12, libcudnn.so.9) on the loader path";

/** How to install the CUDA execution provider, which the npm package does not carry. */
export const CUDA_INSTALL: string = "ONNXRUNTIME_NODE_INSTALL=cuda12 deno install " +
  "--allow-scripts=npm:onnxruntime-node@1.30.0 (its install script fetches " +
  "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.30.0 from NuGet; Linux x64 only)";

/** Whether onnxruntime-node's CUDA execution provider starts here, and why not. */
export interface CudaStatus {
  /** True when a session on the `cuda` execution provider was created. */
  available: boolean;
  /** Whether the provider's shared library is installed beside onnxruntime-node's. */
  installed: boolean;
  /** The provider in words, or why it is not usable. */
  reason: string;
}

/** The fields of a WebGPU adapter that the choice looks at (a real `GPUAdapter` fits). */
export interface AdapterLike {
  /**
   * `GPUAdapterInfo`: vendor, architecture, device and description name the adapter (and give away
   * software rasterisers such as llvmpipe).
   */
  info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  /**
   * `GPUAdapter.isFallbackAdapter` as older implementations have it (newer ones put it in `info`);
   * `true` in either place makes the adapter unusable for `auto`.
   */
  isFallbackAdapter?: boolean;
}

/** Whether an adapter is usable for `auto`, and why. */
export interface AdapterVerdict {
  /**
   * Whether `auto` may take webgpu on it: `false` for no adapter, a fallback adapter or a
   * software rasteriser.
   */
  usable: boolean;
  /** The adapter in words, e.g. `"nvidia hopper (NVIDIA H100)"`, or why there is none. */
  description: string;
}

/** Options of {@linkcode chooseBackend}. */
export interface ChooseBackendOptions {
  /** Receives one status line saying what was chosen and why. @default {consoleReporter()} */
  reporter?: Reporter;
  /**
   * Replaces the probe of `navigator.gpu.requestAdapter()` (for tests). The real probe runs once
   * per process and is cached.
   * @default {probeWebGpuAdapter}
   */
  requestAdapter?: () => Promise<AdapterLike | null>;
  /**
   * Replaces the check that onnxruntime-node loads (for tests).
   * @default {isNativeRuntimeAvailable}
   */
  nativeAvailable?: () => Promise<boolean>;
  /**
   * Replaces the probe of onnxruntime-node's CUDA execution provider (for tests).
   * @default {probeCuda}
   */
  cudaAvailable?: () => Promise<CudaStatus>;
}

/** The chosen backend and the reason, as reported. */
export interface BackendChoice {
  /** The backend to create sessions on. */
  backend: Backend;
  /**
   * Why it was chosen, in the words of the status line, e.g. `auto: no WebGPU adapter, so
   * onnxruntime-node on the CPU`.
   */
  reason: string;
}

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader|software|basic render/i;

/**
 * Judges a WebGPU adapter: none, a fallback adapter, or a software rasteriser (llvmpipe,
 * lavapipe, SwiftShader) is not usable for `auto`.
 *
 * @param adapter The adapter, or `null` when `requestAdapter()` found none.
 * @returns The verdict and a description for the report.
 *
 * @example
 * ```ts
 * import { judgeAdapter } from "./_backend.ts";
 * const soft = judgeAdapter({ info: { vendor: "mesa", description: "llvmpipe (LLVM 15.0.6)" } });
 * if (soft.usable) throw new Error("llvmpipe must not count as a GPU");
 * if (!judgeAdapter({ info: { vendor: "nvidia", architecture: "hopper" } }).usable) {
 *   throw new Error("a real GPU must count");
 * }
 * ```
 */
export function judgeAdapter(adapter: AdapterLike | null | undefined): AdapterVerdict {
  if (!adapter) return { usable: false, description: "no WebGPU adapter" };
  const info = adapter.info ?? {};
  const words = [info.vendor, info.architecture, info.device, info.description]
    .filter((w): w is string => typeof w === "string" && w.length > 0);
  const name = words.length ? words.join(" ") : "unnamed adapter";
  if (adapter.isFallbackAdapter || info.isFallbackAdapter) {
    return { usable: false, description: `fallback WebGPU adapter (${name})` };
  }
  if (SOFTWARE_ADAPTER.test(name)) {
    return { usable: false, description: `software WebGPU adapter (${name})` };
  }
  return { usable: true, description: `WebGPU adapter ${name}` };
}

let adapterProbe: Promise<AdapterLike | null> | undefined;

/**
 * Mesa's Vulkan loader prints "XDG_RUNTIME_DIR is invalid or not set" twice on headless machines
 * while it looks for a Wayland display; an empty private folder silences it without changing what
 * the probe finds.
 */
function quietWaylandProbe(): void {
  try {
    if (Deno.build.os !== "linux" || Deno.env.get("XDG_RUNTIME_DIR")) return;
    Deno.env.set("XDG_RUNTIME_DIR", Deno.makeTempDirSync({ prefix: "xdg-runtime-" }));
  } catch {
    // Without env/write permission the warning stays; the probe itself is unaffected.
  }
}

/**
 * Requests the WebGPU adapter once per process and caches the answer (`null` when WebGPU is
 * absent or finds no adapter). `"gpu" in navigator` alone says nothing: `requestAdapter()` may
 * resolve to `null`.
 *
 * @returns The adapter or `null`.
 */
export function probeWebGpuAdapter(): Promise<AdapterLike | null> {
  adapterProbe ??= (async () => {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<AdapterLike | null> } }).gpu;
    if (!gpu) return null;
    quietWaylandProbe();
    try {
      return await gpu.requestAdapter();
    } catch {
      return null;
    }
  })();
  return adapterProbe;
}

let nativeModule: Promise<typeof Ort | null> | undefined;
let nativeError = "";

function loadNative(): Promise<typeof Ort | null> {
  nativeModule ??= import("onnxruntime-node").then(
    (m) => m as unknown as typeof Ort,
    (error) => {
      nativeError = error instanceof Error ? error.message : String(error);
      return null;
    },
  );
  return nativeModule;
}

/**
 * Whether onnxruntime-node (the `cpu` backend) loads on this machine; tried once and cached.
 *
 * @returns `true` when the native module loaded.
 */
export async function isNativeRuntimeAvailable(): Promise<boolean> {
  return (await loadNative()) !== null;
}

const NODE_ARCH: Record<string, string> = { x86_64: "x64", aarch64: "arm64" };

/**
 * The folder of onnxruntime-node's native libraries for this platform, where its install script
 * puts `libonnxruntime_providers_cuda.so`; `null` when the package cannot be located.
 *
 * @returns The folder path, or `null`.
 */
export function nativeBinaryFolder(): string | null {
  try {
    const entry = new URL(import.meta.resolve("onnxruntime-node"));
    if (entry.protocol !== "file:") return null;
    const platform = `${Deno.build.os === "windows" ? "win32" : Deno.build.os}/${
      NODE_ARCH[Deno.build.arch] ?? Deno.build.arch
    }`;
    return decodeURIComponent(new URL(`../bin/napi-v6/${platform}/`, entry).pathname);
  } catch {
    return null;
  }
}

/**
 * A one-node ONNX model (`y = Relu(x)`, two floats): what the CUDA probe, and the GPU check's
 * probe of other execution providers, create a session on.
 *
 * @returns The `.onnx` bytes.
 */
export function reluProbeModel(): Uint8Array {
  return encodeOnnxModel({
    opsetVersion: 13,
    graph: {
      name: "cuda_probe",
      nodes: [{ opType: "Relu", inputs: ["x"], outputs: ["y"] }],
      initializers: [],
      inputs: [{ name: "x", elemType: OnnxDataType.FLOAT, shape: [2] }],
      outputs: [{ name: "y", elemType: OnnxDataType.FLOAT, shape: [2] }],
    },
  });
}

let cudaProbe: Promise<CudaStatus> | undefined;

/**
 * Probes onnxruntime-node's CUDA execution provider once per process (cached): is its shared
 * library installed, and does a one-node session start on it? Without the library nothing is
 * loaded, so machines without CUDA pay one `stat`.
 *
 * @returns Whether `cuda` is usable, and why not.
 */
export function probeCuda(): Promise<CudaStatus> {
  cudaProbe ??= (async (): Promise<CudaStatus> => {
    const folder = nativeBinaryFolder();
    const library = `${folder ?? ""}${
      Deno.build.os === "windows"
        ? "onnxruntime_providers_cuda.dll"
        : "libonnxruntime_providers_cuda.so"
    }`;
    let installed = false;
    try {
      installed = folder !== null && Deno.statSync(library).isFile;
    } catch {
      installed = false;
    }
    if (!installed) {
      return {
        available: false,
        installed,
        reason: `onnxruntime-node's CUDA execution provider is not installed (no ${library})`,
      };
    }
    const ort = await loadNative();
    if (!ort) {
      return {
        available: false,
        installed,
        reason: `onnxruntime-node did not load (${nativeError})`,
      };
    }
    try {
      const session = await ort.InferenceSession.create(reluProbeModel(), {
        executionProviders: ["cuda"],
      });
      await session.release();
      return { available: true, installed, reason: "onnxruntime-node CUDA execution provider" };
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      return {
        available: false,
        installed,
        reason: `the CUDA execution provider is installed but did not start (${message})`,
      };
    }
  })();
  return cudaProbe;
}

/**
 * Chooses the backend for a request. `auto` takes webgpu only on a real (non-fallback,
 * non-software) adapter, else cpu when onnxruntime-node loads, else wasm. An explicit request is
 * honoured or refused, never silently replaced.
 *
 * @param request `auto` or a backend.
 * @param options Reporter and injectable probes.
 * @returns The backend and the reason (also reported as a status line).
 * @throws {RangeError} On an unknown request, `webgpu` without a usable adapter (a software
 *   adapter is accepted when asked for explicitly), or `cpu` when onnxruntime-node fails to load.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/mod.ts";
 * import { chooseBackend } from "./_backend.ts";
 * const reporter = memoryReporter();
 * const choice = await chooseBackend("auto", {
 *   reporter,
 *   requestAdapter: () => Promise.resolve({ info: { description: "llvmpipe" } }),
 *   nativeAvailable: () => Promise.resolve(true),
 * });
 * if (choice.backend !== "cpu" || !reporter.infos[0]?.includes("llvmpipe")) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export async function chooseBackend(
  request: BackendRequest,
  options: ChooseBackendOptions = {},
): Promise<BackendChoice> {
  const {
    reporter = consoleReporter(),
    requestAdapter = probeWebGpuAdapter,
    nativeAvailable = isNativeRuntimeAvailable,
    cudaAvailable = probeCuda,
  } = options;
  let choice: BackendChoice;
  switch (request) {
    case "auto": {
      const cuda = await cudaAvailable();
      const verdict = cuda.available ? undefined : judgeAdapter(await requestAdapter());
      if (!verdict) {
        choice = { backend: "cuda", reason: `auto: ${cuda.reason}` };
      } else if (verdict.usable) {
        choice = { backend: "webgpu", reason: `auto: ${verdict.description}` };
      } else if (await nativeAvailable()) {
        choice = {
          backend: "cpu",
          reason: `auto: ${verdict.description}, so onnxruntime-node on the CPU`,
        };
      } else {
        choice = {
          backend: "wasm",
          reason: `auto: ${verdict.description} and onnxruntime-node did not load` +
            (nativeError ? ` (${nativeError})` : "") + ", so onnxruntime-web wasm",
        };
      }
      break;
    }
    case "webgpu": {
      const adapter = await requestAdapter();
      if (!adapter) {
        throw new RangeError(
          "Cannot use backend webgpu: current navigator.gpu.requestAdapter() finds no adapter " +
            "(a Vulkan driver is needed; try --backend cpu or auto)",
        );
      }
      choice = { backend: "webgpu", reason: `requested: ${judgeAdapter(adapter).description}` };
      break;
    }
    case "cuda": {
      const cuda = await cudaAvailable();
      if (!cuda.available) {
        throw new RangeError(
          `Cannot use backend cuda: ${cuda.reason}. ` +
            (cuda.installed
              ? `It needs ${CUDA_REQUIREMENT}`
              : `Install it with ${CUDA_INSTALL}; it needs ${CUDA_REQUIREMENT}`) +
            "; or use --backend cpu",
        );
      }
      choice = { backend: "cuda", reason: `requested: ${cuda.reason}` };
      break;
    }
    case "cpu":
      if (!(await nativeAvailable())) {
        throw new RangeError(
          `Cannot use backend cpu: onnxruntime-node did not load${
            nativeError ? ` (${nativeError})` : ""
          }; try --backend wasm`,
        );
      }
      choice = { backend: "cpu", reason: "requested: onnxruntime-node on the CPU" };
      break;
    case "wasm":
      choice = { backend: "wasm", reason: "requested: onnxruntime-web wasm" };
      break;
    default:
      throw new RangeError(
        `Cannot choose a backend as "${request}": expected ${BACKEND_REQUESTS.join(", ")}`,
      );
  }
  reporter.info(`backend: ${choice.backend} (${choice.reason})`);
  return choice;
}

/**
 * Element arrays a tensor may carry across the backend boundary (float32, int32, int64; uint8 and
 * int8 as inputs, for quantised graphs).
 */
export type TensorValues = Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/** A tensor crossing the backend boundary; its element type follows the array type. */
export interface TensorData {
  /** Elements in C order; the array type gives the element type (float32, int32 or int64). */
  data: TensorValues;
  /** Shape, outermost first; its product equals `data.length`. */
  dims: readonly number[];
}

/** Session tuning; defaults are what the embed benchmark measured best here. */
export interface SessionOptions {
  /** Threads of one operator (cpu backend). @default {navigator.hardwareConcurrency} */
  intraOpNumThreads?: number;
  /**
   * ONNX Runtime graph optimisation level (constant folding, node fusions), on every backend.
   * @default {"all"}
   */
  graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
  /**
   * Let ONNX Runtime keep freed CPU buffers in an arena for later runs instead of returning them.
   * @default {true}
   */
  enableCpuMemArena?: boolean;
  /**
   * Let idle intra-op threads spin (cpu backend; ONNX Runtime's default). Spinning saves wake-up
   * latency on an idle machine; turning it off helps when other processes compete for the cores.
   * @default {true}
   */
  allowSpinning?: boolean;
}

/** An ONNX Runtime session with serialised runs. */
export interface BackendSession {
  /** The backend the session runs on. */
  readonly backend: Backend;
  /** Names of the graph's inputs as ONNX Runtime reports them: the keys `run` wants in `feeds`. */
  readonly inputNames: readonly string[];
  /** Names of the graph's outputs as ONNX Runtime reports them: the keys of what `run` returns. */
  readonly outputNames: readonly string[];
  /** Runs the model; concurrent calls queue behind each other. */
  run(feeds: Record<string, TensorData>): Promise<Record<string, TensorData>>;
  /** Frees the session; later runs throw. */
  release(): Promise<void>;
}

/**
 * Deno's Web `Worker`, as it was before onnxruntime-web loaded: the Emscripten code of
 * onnxruntime-web's Node build replaces `globalThis.Worker` with `worker_threads`' Worker, under
 * which a module worker written for the Web API (`self.onmessage`) never answers. This module is
 * the only importer of onnxruntime-web and imports it lazily, so the value captured here, when the
 * module is first evaluated, is Deno's. Code that starts Web workers (the decode pool) uses this.
 */
export const WebWorker: typeof Worker = globalThis.Worker;

let webModule: Promise<typeof Ort> | undefined;
let webGpuModule: Promise<typeof Ort> | undefined;

function loadRuntime(backend: Backend): Promise<typeof Ort> {
  switch (backend) {
    case "cpu":
    case "cuda":
      return loadNative().then((m) => {
        if (!m) {
          throw new RangeError(`Cannot use backend ${backend}: onnxruntime-node did not load`);
        }
        return m;
      });
    case "wasm":
      // Deno resolves onnxruntime-web's "node" build; its threads start as worker_threads from
      // files, which Deno supports (the browser bundle's blob: workers are refused).
      webModule ??= import("onnxruntime-web").then((m) => {
        const ort = m as unknown as typeof Ort;
        ort.env.wasm.numThreads = navigator.hardwareConcurrency || 1;
        return ort;
      });
      return webModule;
    case "webgpu":
      webGpuModule ??= import("onnxruntime-web/webgpu").then((m) => {
        const ort = m as unknown as typeof Ort;
        ort.env.wasm.numThreads = 1;
        return ort;
      });
      return webGpuModule;
  }
}

let creationQueue: Promise<unknown> = Promise.resolve();

function serialise<T>(queue: { tail: Promise<unknown> }, task: () => Promise<T>): Promise<T> {
  const result = queue.tail.then(task, task);
  queue.tail = result.catch(() => undefined);
  return result;
}

/**
 * Creates a session for an ONNX model on a backend. Creations are serialised process-wide (the
 * wasm runtime initialises once), and each session serialises its runs.
 *
 * @param modelBytes The `.onnx` contents.
 * @param backend The backend, e.g. from {@linkcode chooseBackend}.
 * @param options Session tuning.
 * @returns The session.
 * @throws {RangeError} When the backend's runtime does not load.
 * @throws {Error} ONNX Runtime's error when the model is invalid.
 *
 * @example
 * ```ts
 * import { createSession } from "./_backend.ts";
 * import { encodeOnnxModel, OnnxDataType } from "./_onnx_proto.ts";
 * const bytes = encodeOnnxModel({
 *   opsetVersion: 13,
 *   graph: {
 *     name: "g",
 *     nodes: [{ opType: "Relu", inputs: ["x"], outputs: ["y"] }],
 *     initializers: [],
 *     inputs: [{ name: "x", elemType: OnnxDataType.FLOAT, shape: [2] }],
 *     outputs: [{ name: "y", elemType: OnnxDataType.FLOAT, shape: [2] }],
 *   },
 * });
 * const session = await createSession(bytes, "cpu");
 * const { y } = await session.run({ x: { data: new Float32Array([-1, 2]), dims: [2] } });
 * await session.release();
 * if (y?.data[0] !== 0 || y.data[1] !== 2) throw new Error("unexpected");
 * ```
 */
export function createSession(
  modelBytes: Uint8Array,
  backend: Backend,
  options: SessionOptions = {},
): Promise<BackendSession> {
  const {
    intraOpNumThreads = navigator.hardwareConcurrency || 1,
    graphOptimizationLevel = "all",
    enableCpuMemArena = true,
    allowSpinning = true,
  } = options;
  const queue = { tail: creationQueue };
  const created = serialise(queue, async () => {
    const ort = await loadRuntime(backend);
    const sessionOptions: Ort.InferenceSession.SessionOptions = {
      executionProviders: [backend],
      graphOptimizationLevel,
      executionMode: "sequential",
      enableCpuMemArena,
    };
    if (backend === "cpu" || backend === "cuda") {
      sessionOptions.intraOpNumThreads = intraOpNumThreads;
    }
    if (backend === "cpu" && !allowSpinning) {
      sessionOptions.extra = { session: { intra_op: { allow_spinning: "0" } } };
    }
    const session = await ort.InferenceSession.create(modelBytes, sessionOptions);
    return wrapSession(ort, session, backend);
  });
  creationQueue = queue.tail;
  return created;
}

function wrapSession(
  ort: typeof Ort,
  session: Ort.InferenceSession,
  backend: Backend,
): BackendSession {
  const runs = { tail: Promise.resolve() as Promise<unknown> };
  let released = false;
  return {
    backend,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    run(feeds) {
      return serialise(runs, async () => {
        if (released) {
          throw new RangeError("Cannot run a released session: current state is released");
        }
        const ortFeeds: Record<string, Ort.Tensor> = {};
        for (const [name, t] of Object.entries(feeds)) {
          ortFeeds[name] = new ort.Tensor(t.data, t.dims);
        }
        const out = await session.run(ortFeeds);
        const result: Record<string, TensorData> = {};
        for (const [name, t] of Object.entries(out)) {
          const data = backend === "webgpu" && t.location !== "cpu"
            ? await t.getData(true)
            : t.data;
          if (
            !(data instanceof Float32Array || data instanceof Int32Array ||
              data instanceof BigInt64Array)
          ) {
            throw new TypeError(
              `Cannot read output "${name}" as float32, int32 or int64: current type is ${t.type}`,
            );
          }
          result[name] = { data, dims: t.dims };
        }
        return result;
      });
    },
    release() {
      return serialise(runs, async () => {
        if (released) return;
        released = true;
        await session.release();
      });
    },
  };
}
