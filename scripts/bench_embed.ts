/**
 * `deno task bench embed`: images/s of ArcFace IResNet-100 (full width, seeded random weights)
 * per backend at batch 1 and 32, and of PyTorch CPU on the same machine when Debian's
 * `/usr/bin/python3` has torch, printed as ratios.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { type FlagSpecs, parseFlags, runMain, usage } from "../lib/cli/mod.ts";
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
  winograd: {
    type: "boolean",
    description: "also time each backend on the Winograd graph (convAlgorithm winograd)",
  },
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
  backends?: Backend[] | undefined;
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
  /**
   * Also time each backend on the graph built with `convAlgorithm: "winograd"` (default tile
   * policy), in the same interleaved rounds, labelled `<backend>, winograd`.
   * @default {false}
   */
  winograd?: boolean;
  /** @default {console.log} */
  print?: (line: string) => void;
}

/** One timed configuration. */
export interface EmbedTiming {
  label: string;
  batch: number;
  /** `batch` divided by the median run time. */
  imagesPerSecond: number;
  runs: number;
}

/** Something timed in slices: `run` returns the seconds of each run (at least one). */
interface Runner {
  label: string;
  run(batch: number, seconds: number): Promise<number[]>;
  close(): Promise<void>;
}

async function ortRunner(
  label: string,
  bytes: Uint8Array,
  backend: Backend,
  warmBatch: number,
  sessionOptions: SessionOptions = {},
): Promise<Runner> {
  const session = await createSession(bytes, backend, sessionOptions);
  const model = arcFaceFromSession(session, { inputName: "data", outputName: "embedding" });
  // One warm-up run per session (first-run allocations, kernel selection).
  await model.embed(new Float32Array(warmBatch * 3 * 112 * 112), warmBatch);
  const inputs = new Map<number, Float32Array>();
  return {
    label,
    async run(batch, seconds) {
      let x = inputs.get(batch);
      if (!x) {
        x = new Float32Array(batch * 3 * 112 * 112);
        for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37);
        inputs.set(batch, x);
      }
      const times: number[] = [];
      const start = performance.now();
      do {
        const t = performance.now();
        await model.embed(x, batch);
        times.push((performance.now() - t) / 1000);
      } while ((performance.now() - start) / 1000 < seconds);
      return times;
    },
    close: () => model.close(),
  };
}

/** Starts `bench_torch_embed.py` as a server answering timing requests; a string says why not. */
async function torchRunner(
  options: { depth: number; widthScale: number; warmBatch: number },
): Promise<{ runner: Runner; note: string } | string> {
  const script = fileURLToPath(new URL("./bench_torch_embed.py", import.meta.url));
  const threads = navigator.hardwareConcurrency || 1;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("/usr/bin/python3", {
      args: [
        script,
        `--depth=${options.depth}`,
        `--width=${options.widthScale}`,
        `--warmup-batch=${options.warmBatch}`,
        `--threads=${threads}`,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    return `/usr/bin/python3 not runnable (${error instanceof Error ? error.message : error})`;
  }
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const readLine = async (): Promise<string | null> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) return null;
      buffered += value;
    }
    const i = buffered.indexOf("\n");
    const line = buffered.slice(0, i);
    buffered = buffered.slice(i + 1);
    return line;
  };
  const writer = child.stdin.getWriter();
  const stderrText = new Response(child.stderr).text();
  const hello = await readLine();
  if (hello === null) {
    await lines.cancel();
    await writer.close().catch(() => {});
    await child.status;
    const err = (await stderrText).trim().split("\n").pop();
    return `PyTorch baseline not run: ${err}`;
  }
  const info = JSON.parse(hello);
  return {
    note: `PyTorch ${info.torch} CPU, ${info.threads} threads`,
    runner: {
      label: "torch-cpu",
      async run(batch, seconds) {
        await writer.write(new TextEncoder().encode(JSON.stringify({ batch, seconds }) + "\n"));
        const line = await readLine();
        if (line === null) throw new Error(`PyTorch baseline stopped: ${await stderrText}`);
        return JSON.parse(line).times;
      },
      async close() {
        await writer.close();
        await lines.cancel();
        await child.status;
        await stderrText;
      },
    },
  };
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds over which each configuration's time is spread, so that load from other processes
 * falls on every configuration alike. */
const ROUNDS = 3;

/**
 * Runs the embed benchmark and prints a table of images/s with the ratio to PyTorch CPU. The
 * configurations (each ORT backend, PyTorch in a server process) are timed in interleaved
 * slices over three rounds, and each reports `batch / median run time`.
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
    winograd = false,
    print = (line: string) => console.log(line),
  } = opts;
  const adapter = await probeWebGpuAdapter();
  const verdict = judgeAdapter(adapter);
  const backends = opts.backends ?? (verdict.usable ? ["cpu", "wasm", "webgpu"] : ["cpu", "wasm"]);
  const threads = navigator.hardwareConcurrency || 1;
  const warmBatch = Math.min(...batches);
  print(
    `IResNet-${depth} width x${widthScale}, random weights; ${threads} hardware threads; ` +
      `${verdict.description}${
        verdict.usable ? "" : " (webgpu not timed unless --backends names it)"
      }`,
  );

  const t = performance.now();
  const dict = demoStateDict({ depth, widthScale, seed: 1 });
  const folded = buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[depth] });
  print(
    `built the ONNX graph (${(folded.length / 2 ** 20).toFixed(1)} MiB) in ` +
      `${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const runners: Runner[] = [];
  let torchNote = "PyTorch baseline skipped";
  try {
    const winogradBytes = winograd
      ? buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[depth] }, { convAlgorithm: "winograd" })
      : undefined;
    for (const backend of backends) {
      try {
        runners.push(await ortRunner(backend, folded, backend, warmBatch));
        if (winogradBytes) {
          runners.push(await ortRunner(`${backend}, winograd`, winogradBytes, backend, warmBatch));
        }
      } catch (error) {
        print(`${backend}: not timed (${error instanceof Error ? error.message : error})`);
      }
    }
    if (variants) {
      const unfolded = buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[depth] }, {
        foldBatchNorm: false,
      });
      runners.push(
        await ortRunner("cpu, BN not folded", unfolded, "cpu", warmBatch),
        await ortRunner("cpu, arena off", folded, "cpu", warmBatch, { enableCpuMemArena: false }),
        await ortRunner("cpu, opt basic", folded, "cpu", warmBatch, {
          graphOptimizationLevel: "basic",
        }),
        await ortRunner("cpu, 1 thread", folded, "cpu", warmBatch, { intraOpNumThreads: 1 }),
        await ortRunner("cpu, no spinning", folded, "cpu", warmBatch, { allowSpinning: false }),
      );
    }
    if (torch) {
      const started = await torchRunner({ depth, widthScale, warmBatch });
      if (typeof started === "string") torchNote = started;
      else {
        torchNote = started.note;
        runners.push(started.runner);
      }
    }

    const times = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const batch of batches) {
        for (const runner of runners) {
          const key = `${runner.label}\u0000${batch}`;
          const so = times.get(key) ?? [];
          const spent = so.reduce((a, b) => a + b, 0);
          if (so.length > 0 && spent >= seconds) continue; // slow configurations: one run is enough
          so.push(...await runner.run(batch, seconds / ROUNDS));
          times.set(key, so);
        }
      }
      print(`round ${round + 1} of ${ROUNDS} done`);
    }

    const timings: EmbedTiming[] = [];
    for (const runner of runners) {
      for (const batch of batches) {
        const runTimes = times.get(`${runner.label}\u0000${batch}`) ?? [];
        timings.push({
          label: runner.label,
          batch,
          imagesPerSecond: batch / median(runTimes),
          runs: runTimes.length,
        });
      }
    }
    const torchRate = new Map(
      timings.filter((r) => r.label === "torch-cpu").map((r) => [r.batch, r.imagesPerSecond]),
    );
    print("");
    print(
      `${"configuration".padEnd(22)}${"batch".padStart(6)}${"images/s".padStart(11)}` +
        `${"runs".padStart(6)}${"vs torch".padStart(10)}`,
    );
    for (const r of timings) {
      const base = torchRate.get(r.batch);
      const ratio = base ? `${(r.imagesPerSecond / base).toFixed(2)}x` : "-";
      print(
        `${r.label.padEnd(22)}${String(r.batch).padStart(6)}` +
          `${r.imagesPerSecond.toFixed(2).padStart(11)}${String(r.runs).padStart(6)}` +
          `${ratio.padStart(10)}`,
      );
    }
    print(
      `(${torchNote}; ORT cpu: onnxruntime-node, intra-op threads ${threads}, sequential, ` +
        `graph optimisation all, conv->BN folded; images/s = batch / median run time over ` +
        `${ROUNDS} interleaved rounds; other processes may share the CPU)`,
    );
    return timings;
  } finally {
    for (const runner of runners) await runner.close();
  }
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
    if (!["cpu", "cuda", "wasm", "webgpu"].includes(b)) {
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
    winograd: Boolean(values.winograd),
  };
}

if (import.meta.main) runMain(() => benchEmbed(Deno.args).then(() => {}), USAGE);
