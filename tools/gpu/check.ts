/**
 * `deno task gpu-check`: what a machine offers the kit on an NVIDIA GPU, found out and measured
 * in one short run. It prints the driver (`nvidia-smi`), the Vulkan loader and ICD files, what
 * Deno's WebGPU (`navigator.gpu.requestAdapter()`) and onnxruntime-node (CUDA and WebGPU
 * execution providers) find, and, where an NVIDIA GPU is reachable, ArcFace IResNet-100 (full
 * width, seeded random weights) images/s per backend and batch, the search block
 * `TopK(queries x galleryᵀ)` on each backend, with every GPU result compared with the CPU's
 * (cosine of the embeddings, agreement of the best matches) so that a wrong result cannot pass as
 * a fast one, and the rate of decoding + preprocessing with all cores but one as workers (what
 * feeds the GPU in `deno task embed`).
 *
 * Without an NVIDIA GPU it says so plainly and stops after the probes (`--force` measures anyway,
 * e.g. on llvmpipe with a small `--depth`). Every step catches its own failure, so the run always
 * ends with the verdict. `tools/gpu/run.sh` runs it twice on a device machine: without and with
 * `LD_LIBRARY_PATH` pointing at a carried Vulkan loader.
 *
 * @module
 */
import * as ortNode from "onnxruntime-node";
import { benchDecode } from "../../scripts/bench_embed.ts";
import { type FlagSpecs, intFlag, parseFlags, runMain, usage } from "../../lib/cli/mod.ts";
import {
  arcFaceFromSession,
  type Backend,
  type BackendSession,
  buildIResNetOnnx,
  createSession,
  demoStateDict,
  encodeOnnxModel,
  IRESNET_LAYERS,
  judgeAdapter,
  OnnxDataType,
  probeCuda,
  probeWebGpuAdapter,
  reluProbeModel,
} from "../../lib/model/mod.ts";

const FLAGS = {
  "probe-only": { type: "boolean", description: "only the probes (driver, Vulkan, adapters)" },
  force: { type: "boolean", description: "measure even without an NVIDIA GPU" },
  depth: { type: "string", description: "IResNet depth: 18, 34, 50 or 100", default: "100" },
  "width-scale": { type: "string", description: "channel width factor", default: "1" },
  batches: { type: "string", description: "comma-separated batch sizes", default: "32,128" },
  runs: { type: "string", description: "timed runs per configuration (median)", default: "3" },
  search: {
    type: "string",
    description: "search block rows x cols x dim",
    default: "2048x32768x512",
  },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const satisfies FlagSpecs;

const USAGE = usage("deno task gpu-check [--probe-only] [--force] [flags]", FLAGS);

const print = (line = "") => console.log(line);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0];

async function command(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr, code } = await new Deno.Command(cmd, {
      args,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    return code === 0 ? text.trimEnd() : `${cmd} exited ${code}: ${text.trim()}`;
  } catch (e) {
    return e instanceof Deno.errors.NotFound
      ? `${cmd}: not found on PATH`
      : `${cmd}: ${message(e)}`;
  }
}

function section(title: string): void {
  print();
  print(`== ${title}`);
}

function vulkanFiles(): string[] {
  const lines: string[] = [];
  for (const dir of ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d"]) {
    let names: string[];
    try {
      names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    } catch {
      lines.push(`${dir}: absent`);
      continue;
    }
    if (names.length === 0) lines.push(`${dir}: empty`);
    for (const name of names) {
      let detail = "";
      try {
        const icd = JSON.parse(Deno.readTextFileSync(`${dir}/${name}`)).ICD ?? {};
        detail = ` (library_path ${icd.library_path}, api_version ${icd.api_version})`;
      } catch (e) {
        detail = ` (unreadable: ${message(e)})`;
      }
      lines.push(`${dir}/${name}${detail}`);
    }
  }
  return lines;
}

function vulkanLoader(): string {
  const dirs = (Deno.env.get("LD_LIBRARY_PATH") ?? "").split(":").filter(Boolean)
    .concat(["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu"]);
  const found = dirs.map((d) => `${d}/libvulkan.so.1`).filter((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });
  let loads = "";
  try {
    Deno.dlopen("libvulkan.so.1", {}).close();
    loads = "dlopen(libvulkan.so.1) succeeds";
  } catch (e) {
    loads = `dlopen(libvulkan.so.1) fails: ${message(e)}`;
  }
  return `${loads}; files: ${found.length ? [...new Set(found)].join(", ") : "none found"}`;
}

interface AdapterReport {
  nvidia: boolean;
  usable: boolean;
  line: string;
}

async function webGpuAdapters(): Promise<AdapterReport> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  if (!gpu) return { nvidia: false, usable: false, line: "navigator.gpu is absent" };
  const lines: string[] = [];
  let best: AdapterReport = { nvidia: false, usable: false, line: "" };
  for (const powerPreference of [undefined, "high-performance"] as const) {
    const adapter = await (powerPreference
      ? gpu.requestAdapter({ powerPreference })
      : probeWebGpuAdapter() as Promise<GPUAdapter | null>)
      .catch((e) => {
        lines.push(`requestAdapter(${powerPreference ?? ""}) threw: ${message(e)}`);
        return null;
      });
    const label = `requestAdapter(${
      powerPreference ? `{powerPreference: "${powerPreference}"}` : ""
    })`;
    if (!adapter) {
      lines.push(`${label}: null`);
      continue;
    }
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const verdict = judgeAdapter(adapter);
    const limits = adapter.limits;
    lines.push(
      `${label}: vendor "${info.vendor}", architecture "${info.architecture}", device "${info.device}", ` +
        `description "${info.description}", fallback ${info.isFallbackAdapter ?? false}; ` +
        `maxBufferSize ${limits.maxBufferSize}, maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}, ` +
        `${adapter.features.size} features (shader-f16: ${adapter.features.has("shader-f16")}); ` +
        `kit verdict: ${verdict.usable ? "usable" : "not usable"} (${verdict.description})`,
    );
    const nvidia = /nvidia/i.test(`${info.vendor} ${info.description} ${info.device}`) ||
      info.vendor === "0x10de" || info.vendor === "4318"; // PCI vendor id of NVIDIA, as Deno prints it
    if (nvidia || (verdict.usable && !best.usable)) {
      best = { nvidia, usable: verdict.usable, line: "" };
    }
  }
  return { ...best, line: lines.join("\n") };
}

function nodeWebGpuProbe(): Promise<string> {
  return ortNode.InferenceSession.create(reluProbeModel(), {
    executionProviders: ["webgpu"],
  }).then(
    async (s) => {
      await s.release();
      return "session created";
    },
    (e) => `fails: ${message(e)}`,
  );
}

/** `TopK(Gemm(queries, galleryᵀ), 1)`, the search's block. */
function searchModel(rows: number, cols: number, dim: number): Uint8Array {
  return encodeOnnxModel({
    opsetVersion: 13,
    graph: {
      name: "search_block",
      nodes: [
        {
          opType: "Gemm",
          inputs: ["queries", "gallery"],
          outputs: ["scores"],
          attributes: { transB: { type: "int", value: 1 } },
        },
        { opType: "TopK", inputs: ["scores", "k"], outputs: ["values", "indices"] },
      ],
      initializers: [
        { name: "k", dataType: OnnxDataType.INT64, dims: [1], data: new BigInt64Array([1n]) },
      ],
      inputs: [
        { name: "queries", elemType: OnnxDataType.FLOAT, shape: [rows, dim] },
        { name: "gallery", elemType: OnnxDataType.FLOAT, shape: [cols, dim] },
      ],
      outputs: [
        { name: "values", elemType: OnnxDataType.FLOAT, shape: [rows, 1] },
        { name: "indices", elemType: OnnxDataType.INT64, shape: [rows, 1] },
      ],
    },
  });
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timed(runs: number, once: () => Promise<unknown>): Promise<number> {
  await once(); // warm-up: kernel selection, shader compilation, first allocations
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await once();
    times.push((performance.now() - t) / 1000);
  }
  return median(times);
}

function fill(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

/** Smallest cosine between corresponding rows. */
function minCosine(a: Float32Array, b: Float32Array, dim: number): number {
  let worst = 1;
  for (let r = 0; r < a.length / dim; r++) {
    let ab = 0, aa = 0, bb = 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) {
      ab += a[j]! * b[j]!;
      aa += a[j]! * a[j]!;
      bb += b[j]! * b[j]!;
    }
    worst = Math.min(worst, ab / Math.sqrt(aa * bb));
  }
  return worst;
}

interface Measured {
  backend: string;
  create(bytes: Uint8Array): Promise<BackendSession>;
}

function measuredBackends(webgpu: boolean, cuda: boolean, nodeWebGpu: boolean): Measured[] {
  const list: Measured[] = [{ backend: "cpu", create: (b) => createSession(b, "cpu") }];
  const kit = (backend: Backend) => ({
    backend,
    create: (b: Uint8Array) => createSession(b, backend),
  });
  if (cuda) list.push(kit("cuda"));
  if (webgpu) list.push(kit("webgpu"));
  if (nodeWebGpu) {
    list.push({
      backend: "node-webgpu",
      async create(bytes) {
        const s = await ortNode.InferenceSession.create(bytes, { executionProviders: ["webgpu"] });
        return {
          backend: "cpu",
          inputNames: s.inputNames,
          outputNames: s.outputNames,
          async run(feeds) {
            const ortFeeds: Record<string, ortNode.Tensor> = {};
            for (const [k, t] of Object.entries(feeds)) {
              ortFeeds[k] = new ortNode.Tensor(t.data, t.dims);
            }
            const out = await s.run(ortFeeds);
            const result: Record<
              string,
              { data: Float32Array | Int32Array | BigInt64Array; dims: readonly number[] }
            > = {};
            for (const [k, t] of Object.entries(out)) {
              result[k] = { data: t.data as Float32Array, dims: t.dims };
            }
            return result;
          },
          release: () => s.release(),
        };
      },
    });
  }
  return list;
}

async function measureEmbed(
  backends: Measured[],
  options: { depth: 18 | 34 | 50 | 100; widthScale: number; batches: number[]; runs: number },
): Promise<void> {
  const { depth, widthScale, batches, runs } = options;
  const t = performance.now();
  const bytes = buildIResNetOnnx(demoStateDict({ depth, widthScale, seed: 1 }), {
    layers: IRESNET_LAYERS[depth],
  });
  print(
    `IResNet-${depth} x${widthScale}, random weights: graph ${
      (bytes.length / 2 ** 20).toFixed(1)
    } MiB, built in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const probe = fill(4 * 3 * 112 * 112, 7);
  let reference: Float32Array | undefined;
  for (const b of backends) {
    let model;
    try {
      model = arcFaceFromSession(await b.create(bytes), {
        inputName: "data",
        outputName: "embedding",
      });
    } catch (e) {
      print(`${b.backend}: no session (${message(e)})`);
      continue;
    }
    try {
      const check = await model.embed(probe, 4);
      if (!reference) reference = check;
      const agreement = b.backend === "cpu"
        ? "reference"
        : `min cosine to cpu ${minCosine(check, reference, 512).toFixed(6)}`;
      for (const batch of batches) {
        const x = fill(batch * 3 * 112 * 112, batch);
        const s = await timed(runs, () => model.embed(x, batch));
        print(
          `${b.backend.padEnd(12)} batch ${String(batch).padStart(4)}: ${
            (batch / s).toFixed(1).padStart(8)
          } images/s (median ${s.toFixed(3)} s of ${runs}); ${agreement}`,
        );
      }
    } catch (e) {
      print(`${b.backend}: failed (${message(e)})`);
    } finally {
      await model.close().catch(() => {});
    }
  }
}

async function measureSearch(
  backends: Measured[],
  shape: [number, number, number],
  runs: number,
): Promise<void> {
  const [rows, cols, dim] = shape;
  const bytes = searchModel(rows, cols, dim);
  const queries = fill(rows * dim, 11);
  const gallery = fill(cols * dim, 13);
  const feeds = {
    queries: { data: queries, dims: [rows, dim] },
    gallery: { data: gallery, dims: [cols, dim] },
  };
  let reference: { values: Float32Array; indices: BigInt64Array } | undefined;
  for (const b of backends) {
    let session: BackendSession;
    try {
      session = await b.create(bytes);
    } catch (e) {
      print(`${b.backend}: no search session (${message(e)})`);
      continue;
    }
    try {
      const out = await session.run(feeds);
      const values = out.values?.data as Float32Array;
      const indices = out.indices?.data as BigInt64Array;
      let agreement = "reference";
      if (reference) {
        let same = 0, worst = 0;
        for (let r = 0; r < rows; r++) {
          if (indices[r] === reference.indices[r]) same++;
          worst = Math.max(worst, Math.abs(values[r]! - reference.values[r]!));
        }
        agreement = `best match equal to cpu's on ${same}/${rows} rows, max |score diff| ${
          worst.toExponential(2)
        }`;
      } else reference = { values, indices };
      const s = await timed(runs, () => session.run(feeds));
      const gops = (2 * rows * cols * dim) / s / 1e9;
      print(
        `${b.backend.padEnd(12)} ${rows} x ${cols} x ${dim}: ${(s * 1000).toFixed(1)} ms, ${
          gops.toFixed(0)
        } GFLOP/s; ${agreement}`,
      );
    } catch (e) {
      print(`${b.backend}: search failed (${message(e)})`);
    } finally {
      await session.release().catch(() => {});
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, FLAGS);
  if (values.help) return print(USAGE);
  const started = performance.now();
  print(
    `gpu-check ${new Date().toISOString()}: Deno ${Deno.version.deno}, onnxruntime-node ${
      ortNode.env.versions?.common ?? "?"
    }, ${Deno.build.os}/${Deno.build.arch}, ${navigator.hardwareConcurrency} hardware threads`,
  );
  print(`LD_LIBRARY_PATH=${Deno.env.get("LD_LIBRARY_PATH") ?? "(unset)"}`);

  section("nvidia-smi");
  print(await command("nvidia-smi", []));
  section("Vulkan");
  for (const line of vulkanFiles()) print(line);
  print(`loader: ${vulkanLoader()}`);

  section("WebGPU in Deno (wgpu)");
  const adapters = await webGpuAdapters();
  print(adapters.line);

  section("onnxruntime-node");
  const supported =
    (ortNode as { listSupportedBackends?: () => { name: string; bundled: boolean }[] })
      .listSupportedBackends?.() ?? [];
  print(
    `execution providers: ${
      supported.map((b) => `${b.name}${b.bundled ? "" : " (not bundled)"}`).join(", ") || "unknown"
    }`,
  );
  const cuda = await probeCuda();
  print(`cuda: ${cuda.available ? "usable" : "not usable"} (${cuda.reason})`);
  const nodeWebGpu = await nodeWebGpuProbe();
  print(`webgpu (Dawn, inside onnxruntime-node): ${nodeWebGpu}`);

  section("verdict");
  const gpuThere = adapters.nvidia || cuda.available;
  print(
    adapters.nvidia
      ? "WebGPU finds an NVIDIA adapter."
      : `No NVIDIA adapter: WebGPU finds ${
        adapters.usable ? "a non-NVIDIA GPU" : "no hardware GPU"
      } (see above).`,
  );
  print(
    cuda.available
      ? "CUDA: onnxruntime-node's CUDA execution provider starts."
      : `CUDA: ${cuda.reason}.`,
  );
  if (values["probe-only"]) return;
  if (!gpuThere && !values.force) {
    print(
      "Measurements skipped: no NVIDIA GPU is reachable from this process (--force measures anyway).",
    );
    return;
  }

  const cores = navigator.hardwareConcurrency || 1;
  const depth = intFlag(values, "depth", { min: 18, max: 100 });
  if (!(depth in IRESNET_LAYERS)) {
    throw new RangeError(`--depth must be 18, 34, 50 or 100: current value is ${depth}`);
  }
  const backends = measuredBackends(
    adapters.usable || Boolean(values.force),
    cuda.available,
    nodeWebGpu === "session created",
  );
  section(
    `decode + preprocess (the embed pipeline's feed), 1 and ${Math.max(1, cores - 1)} workers`,
  );
  try {
    await benchDecode({ workers: [...new Set([1, Math.max(1, cores - 1)])], seconds: 2, print });
  } catch (e) {
    print(`decode: failed (${message(e)})`);
  }
  section("ArcFace embedding throughput");
  await measureEmbed(backends, {
    depth: depth as 18 | 34 | 50 | 100,
    widthScale: Number(values["width-scale"]),
    batches: String(values.batches).split(",").map(Number),
    runs: intFlag(values, "runs", { min: 1, max: 100 }),
  });
  section("search block TopK(queries x galleryᵀ, 1)");
  const shape = String(values.search).split("x").map(Number) as [number, number, number];
  await measureSearch(backends, shape, intFlag(values, "runs", { min: 1, max: 100 }));
  print();
  print(`gpu-check done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.main) runMain(main, USAGE);
