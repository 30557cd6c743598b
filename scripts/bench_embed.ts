/**
 * `deno task bench embed`: images/s of ArcFace IResNet-100 (full width, seeded random weights)
 * per backend at batch 1 and 32, and of PyTorch CPU on the same machine when Debian's
 * `/usr/bin/python3` has torch, printed as ratios.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseFlags, runMain, usage } from "../lib/cli/flags.ts";
import type { FlagSpecs } from "../lib/cli/flags.ts";
import {
  arcFaceFromSession,
  buildIResNetOnnx,
  createSession,
  demoStateDict,
  IRESNET_LAYERS,
  judgeAdapter,
  probeWebGpuAdapter,
} from "../lib/model/mod.ts";
import type { Backend, SessionOptions } from "../lib/model/mod.ts";

const FLAGS: FlagSpecs = {
  backends: {
    type: "string",
    description: "comma-separated backends (default: cpu,wasm, plus webgpu on a real GPU)",
  },
  batches: { type: "string", description: "comma-separated batch sizes", default: "1,32" },
  seconds: { type: "string", description: "timed seconds per configuration", default: "3" },
  depth: { type: "string", description: "IResNet depth: 18, 34, 50 or 100", default: "100" },
  "width-scale": { type: "string", description: "channel width factor", default: "1" },
  "no-torch": { type: "boolean", description: "skip the PyTorch baseline" },
  variants: {
    type: "boolean",
    description:
      "also time cpu variants (BN unfolded, arena off, basic opt, 1 thread, no spinning)",
  },
  help: { type: "boolean", short: "h", description: "show this help" },
};

const USAGE = usage("deno task bench embed [flags]", FLAGS);

/** Options of {@linkcode benchEmbed}. */
export interface BenchEmbedOptions {
  /** @default {["cpu", "wasm"] plus "webgpu" on a real (non-software) adapter} */
  backends?: Backend[];
  /** @default {[1, 32]} */
  batches?: number[];
  /**
   * Timed seconds per batch size, after one warm-up run per session (at least one run).
   * @default {3}
   */
  seconds?: number;
  /** @default {100} */
  depth?: 18 | 34 | 50 | 100;
  /** @default {1} */
  widthScale?: number;
  /** Time PyTorch CPU too when `/usr/bin/python3` has torch. @default {true} */
  torch?: boolean;
  /**
   * Also time cpu variants: unfolded BN, arena off, basic optimisation, 1 thread, no spinning.
   * @default {false}
   */
  variants?: boolean;
  /** @default {console.log} */
  print?: (line: string) => void;
}

/** One timed configuration. */
export interface EmbedTiming {
  label: string;
  batch: number;
  imagesPerSecond: number;
  runs: number;
}

async function timeSession(
  bytes: Uint8Array,
  backend: Backend,
  batches: number[],
  seconds: number,
  sessionOptions: SessionOptions = {},
): Promise<{ batch: number; imagesPerSecond: number; runs: number }[]> {
  const session = await createSession(bytes, backend, sessionOptions);
  const model = arcFaceFromSession(session, { inputName: "data", outputName: "embedding" });
  const out = [];
  try {
    // One warm-up run per session (first-run allocations, kernel selection), at the smallest
    // batch so that slow backends do not pay for a large one twice.
    const smallest = Math.min(...batches);
    await model.embed(new Float32Array(smallest * 3 * 112 * 112), smallest);
    for (const batch of batches) {
      const x = new Float32Array(batch * 3 * 112 * 112);
      for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37);
      let runs = 0;
      const start = performance.now();
      let elapsed = 0;
      do {
        await model.embed(x, batch);
        runs++;
        elapsed = (performance.now() - start) / 1000;
      } while (elapsed < seconds);
      out.push({ batch, imagesPerSecond: (runs * batch) / elapsed, runs });
    }
  } finally {
    await model.close();
  }
  return out;
}

async function timeTorch(
  options: { depth: number; widthScale: number; batches: number[]; seconds: number },
): Promise<{ version: string; threads: number; results: EmbedTiming[] } | string> {
  const script = fileURLToPath(new URL("./bench_torch_embed.py", import.meta.url));
  const threads = navigator.hardwareConcurrency || 1;
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("/usr/bin/python3", {
      args: [
        script,
        `--depth=${options.depth}`,
        `--width=${options.widthScale}`,
        `--batches=${options.batches.join(",")}`,
        `--seconds=${options.seconds}`,
        `--threads=${threads}`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    return `/usr/bin/python3 not runnable (${error instanceof Error ? error.message : error})`;
  }
  if (!output.success) {
    const err = new TextDecoder().decode(output.stderr).trim().split("\n").pop();
    return `PyTorch baseline failed: ${err}`;
  }
  const parsed = JSON.parse(new TextDecoder().decode(output.stdout));
  return {
    version: parsed.torch,
    threads: parsed.threads,
    results: parsed.results.map((r: { batch: number; images_per_s: number; runs: number }) => ({
      label: "torch-cpu",
      batch: r.batch,
      imagesPerSecond: r.images_per_s,
      runs: r.runs,
    })),
  };
}

/**
 * Runs the embed benchmark and prints a table of images/s with the ratio to PyTorch CPU.
 *
 * @param options Options, or the command-line arguments after `deno task bench embed`.
 * @returns The timings.
 */
export async function benchEmbed(
  options: BenchEmbedOptions | string[] = {},
): Promise<EmbedTiming[]> {
  const opts = Array.isArray(options) ? parseArgs(options) : options;
  if (!opts) return [];
  const {
    batches = [1, 32],
    seconds = 3,
    depth = 100,
    widthScale = 1,
    torch = true,
    variants = false,
    print = (line: string) => console.log(line),
  } = opts;
  const adapter = await probeWebGpuAdapter();
  const verdict = judgeAdapter(adapter);
  const backends = opts.backends ?? (verdict.usable ? ["cpu", "wasm", "webgpu"] : ["cpu", "wasm"]);
  const threads = navigator.hardwareConcurrency || 1;
  print(
    `IResNet-${depth} width x${widthScale}, random weights; ${threads} hardware threads; ` +
      `${verdict.description}${
        verdict.usable ? "" : " (webgpu not timed unless --backends names it)"
      }`,
  );

  let t = performance.now();
  const dict = demoStateDict({ depth, widthScale, seed: 1 });
  const folded = buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[depth] });
  print(
    `built the ONNX graph (${(folded.length / 2 ** 20).toFixed(1)} MiB) in ` +
      `${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const timings: EmbedTiming[] = [];
  const configs: {
    label: string;
    backend: Backend;
    bytes: () => Uint8Array;
    s?: SessionOptions;
  }[] = backends.map((b) => ({ label: b, backend: b, bytes: () => folded }));
  if (variants) {
    configs.push(
      {
        label: "cpu, BN not folded",
        backend: "cpu",
        bytes: () =>
          buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[depth] }, { foldBatchNorm: false }),
      },
      {
        label: "cpu, arena off",
        backend: "cpu",
        bytes: () => folded,
        s: { enableCpuMemArena: false },
      },
      {
        label: "cpu, opt basic",
        backend: "cpu",
        bytes: () => folded,
        s: { graphOptimizationLevel: "basic" },
      },
      { label: "cpu, 1 thread", backend: "cpu", bytes: () => folded, s: { intraOpNumThreads: 1 } },
      {
        label: "cpu, no spinning",
        backend: "cpu",
        bytes: () => folded,
        s: { allowSpinning: false },
      },
    );
  }
  for (const c of configs) {
    t = performance.now();
    try {
      for (const r of await timeSession(c.bytes(), c.backend, batches, seconds, c.s)) {
        timings.push({ label: c.label, ...r });
      }
      print(`timed ${c.label} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    } catch (error) {
      print(`${c.label}: failed (${error instanceof Error ? error.message : error})`);
    }
  }

  let torchNote = "PyTorch baseline skipped";
  const torchRate = new Map<number, number>();
  if (torch) {
    const result = await timeTorch({ depth, widthScale, batches, seconds });
    if (typeof result === "string") torchNote = result;
    else {
      torchNote = `PyTorch ${result.version} CPU, ${result.threads} threads`;
      for (const r of result.results) {
        timings.push(r);
        torchRate.set(r.batch, r.imagesPerSecond);
      }
    }
  }

  print("");
  print(
    `${"configuration".padEnd(22)}${"batch".padStart(6)}${"images/s".padStart(11)}` +
      `${"runs".padStart(6)}${"vs torch".padStart(10)}`,
  );
  for (const r of timings) {
    const base = torchRate.get(r.batch);
    const ratio = base ? `${(r.imagesPerSecond / base).toFixed(2)}x` : "-";
    print(
      `${r.label.padEnd(22)}${String(r.batch).padStart(6)}${
        r.imagesPerSecond.toFixed(2).padStart(11)
      }` +
        `${String(r.runs).padStart(6)}${ratio.padStart(10)}`,
    );
  }
  print(
    `(${torchNote}; ORT cpu: onnxruntime-node, intra-op threads ${threads}, sequential, ` +
      `graph optimisation all, conv->BN folded; other processes may share the CPU)`,
  );
  return timings;
}

function parseList(text: string, what: string): number[] {
  const values = text.split(",").map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new RangeError(`Cannot read --${what} as positive integers: current value is ${text}`);
  }
  return values;
}

function parseArgs(args: string[]): BenchEmbedOptions | undefined {
  const { values } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return undefined;
  }
  const depth = Number(values.depth);
  if (![18, 34, 50, 100].includes(depth)) {
    throw new RangeError(`Cannot bench IResNet-${values.depth}: expected 18, 34, 50 or 100`);
  }
  const backends = typeof values.backends === "string"
    ? values.backends.split(",").map((b) => b.trim()) as Backend[]
    : undefined;
  for (const b of backends ?? []) {
    if (!["cpu", "wasm", "webgpu"].includes(b)) {
      throw new RangeError(`Cannot bench backend "${b}": expected cpu, wasm or webgpu`);
    }
  }
  return {
    backends,
    batches: parseList(String(values.batches), "batches"),
    seconds: Number(values.seconds),
    depth: depth as 18 | 34 | 50 | 100,
    widthScale: Number(values["width-scale"]),
    torch: !values["no-torch"],
    variants: Boolean(values.variants),
  };
}

if (import.meta.main) runMain(() => benchEmbed(Deno.args).then(() => {}), USAGE);
