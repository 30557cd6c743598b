/**
 * `deno task bench embed`: what feeding the model costs, and how fast the model runs.
 *
 * - `decode` (default): decode + preprocess images/s of the demo dataset's file mix in the main
 *   thread and in pools of 1, 2, ..., all cores' workers (`--workers`); with 16 or more cores, also
 *   decoding alone with 15 workers (what feeds a GPU when one core drives it).
 * - `pipeline` (default): the whole embed pipeline (read files, decode in `embed`'s default
 *   workers, ArcFace IResNet-100 at full width with seeded random weights on the cpu backend,
 *   write JSON lines) against the model alone on the same preprocessed batches, in interleaved
 *   rounds, as the share of the model-only rate that decoding costs.
 * - `backends`: images/s of R100 per backend at batch 1 and 32, and of PyTorch CPU on the same
 *   machine when Debian's `/usr/bin/python3` has torch, printed as ratios.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FlagSpecs, memoryReporter, parseFlags, runMain, usage } from "../lib/cli/mod.ts";
import { openDataset } from "../lib/data/mod.ts";
import { demoDatasetPlan, encodeDemoImage, writeDemoDataset } from "../lib/demo/mod.ts";
import { openEmbeddingWriter } from "../lib/embeddings/mod.ts";
import { preprocessImage } from "../lib/image/mod.ts";
import {
  type DecodeOutcome,
  DecodePool,
  defaultDecodeWorkers,
  embedDataset,
} from "../lib/tasks/mod.ts";
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

const PARTS = ["decode", "pipeline", "backends"] as const;
type Part = typeof PARTS[number];

const FLAGS: FlagSpecs = {
  parts: {
    type: "string",
    description: `comma-separated parts: ${PARTS.join(", ")}`,
    default: "decode,pipeline",
  },
  workers: {
    type: "string",
    description: "decode: comma-separated worker counts, 0 = main thread (default 0,1,...,cores; " +
      "a line for 15 workers is printed where 16 or more cores are present)",
  },
  "decode-seconds": {
    type: "string",
    description: "decode: timed seconds per worker count",
    default: "1.5",
  },
  images: {
    type: "string",
    description: "pipeline: images per timed pass (demo dataset, batch 32)",
    default: "96",
  },
  rounds: { type: "string", description: "pipeline: interleaved rounds", default: "2" },
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
 * @param options Backends, batch sizes, seconds, network size, extra configurations.
 * @returns The timings.
 */
export async function benchEmbed(options: BenchEmbedOptions = {}): Promise<EmbedTiming[]> {
  const opts = options;
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

/** Options of {@linkcode benchDecode}. */
export interface BenchDecodeOptions {
  /**
   * Worker counts to time; 0 decodes in the main thread.
   * @default {[0, 1, ..., cores]}
   */
  workers?: number[];
  /** Timed seconds per worker count, after a warm-up pass. @default {1.5} */
  seconds?: number;
  /** @default {console.log} */
  print?: (line: string) => void;
}

/** One timed worker count of {@linkcode benchDecode}. */
export interface DecodeTiming {
  /** Workers (0: the main thread). */
  workers: number;
  /** Images decoded and preprocessed per second. */
  imagesPerSecond: number;
  /** Images timed. */
  images: number;
}

/** The demo dataset's file mix (64 images), encoded in memory. */
async function decodeCorpus(): Promise<Uint8Array[]> {
  const plan = demoDatasetPlan({ identities: 8, images: 8, seed: 7 });
  return await Promise.all(plan.map((image) => encodeDemoImage(image)));
}

/** The default worker counts: 0 (the main thread), 1, ..., cores (15 among them on 16 cores). */
function defaultWorkerCounts(cores: number): number[] {
  return Array.from({ length: cores + 1 }, (_, i) => i);
}

async function timeDecode(corpus: Uint8Array[], workers: number, seconds: number) {
  const name = (i: number) => `bench/${i % corpus.length}`;
  if (workers === 0) {
    const out = new Float32Array(3 * 112 * 112);
    for (let i = 0; i < corpus.length; i++) {
      await preprocessImage(corpus[i]!, { name: name(i), out });
    }
    const start = performance.now();
    let images = 0;
    while (performance.now() - start < seconds * 1000) {
      await preprocessImage(corpus[images % corpus.length]!, { name: name(images), out });
      images++;
    }
    return { images, seconds: (performance.now() - start) / 1000 };
  }
  const pool = new DecodePool({ workers });
  try {
    // Warm-up: every worker loads its modules and the wasm JPEG decoder.
    await Promise.all(corpus.map((bytes, i) => pool.decode(bytes.slice(), name(i))));
    const ahead = 4 * workers + 8;
    const window: Promise<DecodeOutcome>[] = [];
    const start = performance.now();
    let sent = 0;
    let images = 0;
    const take = async () => {
      const outcome = await window.shift()!;
      if (outcome.tensor === undefined) throw new Error(`bench image failed: ${outcome.reason}`);
      pool.recycle(outcome.tensor);
      images++;
    };
    while (performance.now() - start < seconds * 1000) {
      window.push(pool.decode(corpus[sent % corpus.length]!.slice(), name(sent)));
      sent++;
      if (window.length >= ahead) await take();
    }
    while (window.length > 0) await take();
    return { images, seconds: (performance.now() - start) / 1000 };
  } finally {
    pool.close();
  }
}

/**
 * Times decode + preprocess (`preprocessImage`, the embed pipeline's code) of the demo
 * dataset's file mix per worker count, and prints a table of images/s with the speed-up over one
 * worker. With 16 or more cores the default counts include 15 (all cores but one, which drives a
 * GPU), printed as its own line.
 *
 * @param options Worker counts, seconds, printer.
 * @returns The timings.
 */
export async function benchDecode(options: BenchDecodeOptions = {}): Promise<DecodeTiming[]> {
  const cores = navigator.hardwareConcurrency || 1;
  const {
    workers = defaultWorkerCounts(cores),
    seconds = 1.5,
    print = (line: string) => console.log(line),
  } = options;
  const corpus = await decodeCorpus();
  const kib = corpus.reduce((n, b) => n + b.length, 0) / corpus.length / 1024;
  print(
    `decode + preprocess to 3x112x112 float32: ${corpus.length} demo images (mostly 112x112 ` +
      `PNG; JPEG baseline/progressive, 96x112, 250x250, one grey), ${kib.toFixed(1)} KiB each ` +
      `on average; ${cores} hardware threads`,
  );
  const timings: DecodeTiming[] = [];
  for (const w of workers) {
    const { images, seconds: spent } = await timeDecode(corpus, w, seconds);
    timings.push({ workers: w, imagesPerSecond: images / spent, images });
  }
  const one = timings.find((t) => t.workers === 1)?.imagesPerSecond;
  print("");
  print(
    `${"workers".padEnd(16)}${"images/s".padStart(11)}${"images".padStart(8)}` +
      `${"vs 1 worker".padStart(13)}`,
  );
  for (const t of timings) {
    const label = t.workers === 0 ? "0 (main thread)" : String(t.workers);
    const ratio = one ? `${(t.imagesPerSecond / one).toFixed(2)}x` : "-";
    print(
      `${label.padEnd(16)}${t.imagesPerSecond.toFixed(1).padStart(11)}` +
        `${String(t.images).padStart(8)}${ratio.padStart(13)}`,
    );
  }
  const fifteen = timings.find((t) => t.workers === 15);
  if (fifteen && cores >= 16) {
    print(
      `decoding alone with 15 workers (${cores} cores): ${fifteen.imagesPerSecond.toFixed(0)} ` +
        `images/s`,
    );
  }
  return timings;
}

/** Options of {@linkcode benchPipeline}. */
export interface BenchPipelineOptions {
  /** Images per timed pass (a demo dataset of `ceil(images / 8)` identities of 8). @default {96} */
  images?: number;
  /** Interleaved rounds of (model only, whole pipeline). @default {2} */
  rounds?: number;
  /** Images per model call. @default {32} */
  batch?: number;
  /** @default {100} */
  depth?: 18 | 34 | 50 | 100;
  /** @default {1} */
  widthScale?: number;
  /** Decode workers of the pipeline. @default {defaultDecodeWorkers("cpu")} */
  workers?: number;
  /** @default {console.log} */
  print?: (line: string) => void;
}

/** What {@linkcode benchPipeline} measured (medians over the rounds). */
export interface PipelineTiming {
  /** Images per pass. */
  images: number;
  /** Decode workers of the pipeline. */
  workers: number;
  /** The model alone on preprocessed batches, after the first batch. */
  modelImagesPerSecond: number;
  /** Files to JSON lines (read, decode in workers, model, write), after the first batch. */
  pipelineImagesPerSecond: number;
  /**
   * `1 - pipeline / model` after the first batch (steady state): the share of the model-only
   * rate that feeding the model costs.
   */
  cost: number;
  /** The same over whole passes, the workers' start and the first batch's decoding included. */
  wholeCost: number;
}

/** Rates of one timed pass: over the whole pass, and from the first batch's end to the last's. */
interface Pass {
  whole: number;
  steady: number;
}

/** `ticks`: when each batch was done; the pass ends now. */
function passRates(n: number, batch: number, start: number, ticks: number[]): Pass {
  const end = performance.now();
  const whole = n / ((end - start) / 1000);
  const first = ticks[0];
  const last = ticks.at(-1);
  const steady = first !== undefined && last !== undefined && last > first
    ? (n - Math.min(batch, n)) / ((last - first) / 1000)
    : whole;
  return { whole, steady };
}

/**
 * Times the whole embed pipeline (`embedDataset` over a demo dataset on disk: read, decode in
 * workers, IResNet on the cpu backend, JSON lines written and synced) against the model alone on
 * the same preprocessed batches, in interleaved rounds (the order alternates between rounds), and
 * prints the share of the model-only rate that decoding costs.
 *
 * @param options Images, rounds, batch, network size, workers, printer.
 * @returns The medians and the cost.
 */
export async function benchPipeline(options: BenchPipelineOptions = {}): Promise<PipelineTiming> {
  const {
    images = 96,
    rounds = 2,
    batch = 32,
    depth = 100,
    widthScale = 1,
    workers = defaultDecodeWorkers("cpu"),
    print = (line: string) => console.log(line),
  } = options;
  const dir = await Deno.makeTempDir({ prefix: "bench_embed_" });
  let model: Awaited<ReturnType<typeof arcFaceFromSession>> | undefined;
  try {
    const dataset = join(dir, "Data");
    const { images: n } = await writeDemoDataset(dataset, {
      identities: Math.ceil(images / 8),
      images: 8,
      seed: 11,
    });
    const t = performance.now();
    const graph = buildIResNetOnnx(demoStateDict({ depth, widthScale, seed: 1 }), {
      layers: IRESNET_LAYERS[depth],
    });
    print(
      `pipeline: ${n} demo images, batch ${batch}, IResNet-${depth} width x${widthScale} on cpu ` +
        `(${navigator.hardwareConcurrency || 1} intra-op threads), ${workers} decode worker(s); ` +
        `graph built in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    model = arcFaceFromSession(await createSession(graph, "cpu"), {
      inputName: "data",
      outputName: "embedding",
    });
    const plane = 3 * 112 * 112;
    const tensors = new Float32Array(n * plane);
    const reader = await openDataset(dataset, { reporter: memoryReporter() });
    let row = 0;
    for await (const record of reader.read()) {
      if (record.bytes === undefined) throw new Error(`bench image unreadable: ${record.error}`);
      await preprocessImage(record.bytes, { out: tensors, offset: row++ * plane });
    }
    await reader.close();
    await model.embed(tensors.subarray(0, batch * plane), Math.min(batch, n)); // warm-up

    const modelOnly = async (m: NonNullable<typeof model>): Promise<Pass> => {
      const start = performance.now();
      const ticks: number[] = [];
      for (let i = 0; i < n; i += batch) {
        const k = Math.min(batch, n - i);
        await m.embed(tensors.subarray(i * plane, (i + k) * plane), k);
        ticks.push(performance.now());
      }
      return passRates(n, batch, start, ticks);
    };
    const pipeline = async (m: NonNullable<typeof model>): Promise<Pass> => {
      const start = performance.now();
      const ticks: number[] = [];
      const source = await openDataset(dataset, { reporter: memoryReporter() });
      const writer = await openEmbeddingWriter(join(dir, "out", "Data.jsonl"), {
        dim: m.dim,
        overwrite: true,
        reporter: memoryReporter(),
      });
      try {
        const summary = await embedDataset(source, m, {
          writer,
          batch,
          workers,
          onProgress: () => ticks.push(performance.now()),
        });
        if (summary.embedded !== n) {
          throw new Error(`pipeline embedded ${summary.embedded} of ${n}`);
        }
      } finally {
        await writer.close();
        await source.close();
      }
      return passRates(n, batch, start, ticks);
    };
    const models: Pass[] = [];
    const pipelines: Pass[] = [];
    print("");
    print(
      `${"round".padEnd(7)}${"model only".padStart(12)}${"pipeline".padStart(10)}` +
        `${"model only".padStart(13)}${"pipeline".padStart(10)}  images/s`,
    );
    print(`${"".padEnd(7)}${"(after the first batch)".padStart(22)}${"(whole pass)".padStart(23)}`);
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        models.push(await modelOnly(model));
        pipelines.push(await pipeline(model));
      } else {
        pipelines.push(await pipeline(model));
        models.push(await modelOnly(model));
      }
      print(
        `${String(r + 1).padEnd(7)}${models[r]!.steady.toFixed(2).padStart(12)}` +
          `${pipelines[r]!.steady.toFixed(2).padStart(10)}` +
          `${models[r]!.whole.toFixed(2).padStart(13)}${
            pipelines[r]!.whole.toFixed(2).padStart(10)
          }`,
      );
    }
    const modelRate = median(models.map((p) => p.steady));
    const pipelineRate = median(pipelines.map((p) => p.steady));
    const cost = 1 - pipelineRate / modelRate;
    const wholeCost = 1 -
      median(pipelines.map((p) => p.whole)) / median(models.map((p) => p.whole));
    print(
      `median after the first batch: model only ${modelRate.toFixed(2)}, whole pipeline ` +
        `${pipelineRate.toFixed(2)} images/s: decoding (with reading and writing) costs ` +
        `IResNet-${depth} ${(cost * 100).toFixed(1)}% of its model-only rate (target: under 3%); ` +
        `over the whole pass, with the workers' start and the first batch's decoding, ` +
        `${(wholeCost * 100).toFixed(1)}% (other processes may share the CPU)`,
    );
    return {
      images: n,
      workers,
      modelImagesPerSecond: modelRate,
      pipelineImagesPerSecond: pipelineRate,
      cost,
      wholeCost,
    };
  } finally {
    await model?.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function parseList(text: string, what: string, min = 1): number[] {
  const values = text.split(",").map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < min)) {
    throw new RangeError(
      `Cannot read --${what} as integers of at least ${min}: current value is ${text}`,
    );
  }
  return values;
}

/** The parsed command line: which parts run, with which options. */
interface BenchArgs {
  parts: Part[];
  decode: BenchDecodeOptions;
  pipeline: BenchPipelineOptions;
  backends: BenchEmbedOptions;
}

function parseArgs(args: string[]): BenchArgs | undefined {
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
  const parts = String(values.parts).split(",").map((p) => p.trim());
  for (const part of parts) {
    if (!(PARTS as readonly string[]).includes(part)) {
      throw new RangeError(`Cannot run part "${part}": expected ${PARTS.join(", ")}`);
    }
  }
  const decode: BenchDecodeOptions = { seconds: Number(values["decode-seconds"]) };
  if (typeof values.workers === "string") decode.workers = parseList(values.workers, "workers", 0);
  return {
    parts: parts as Part[],
    decode,
    pipeline: {
      images: parseList(String(values.images), "images")[0]!,
      rounds: parseList(String(values.rounds), "rounds")[0]!,
      depth: depth as 18 | 34 | 50 | 100,
      widthScale: Number(values["width-scale"]),
    },
    backends: {
      backends,
      batches: parseList(String(values.batches), "batches"),
      seconds: Number(values.seconds),
      depth: depth as 18 | 34 | 50 | 100,
      widthScale: Number(values["width-scale"]),
      torch: !values["no-torch"],
      variants: Boolean(values.variants),
      winograd: Boolean(values.winograd),
    },
  };
}

async function main(): Promise<void> {
  const args = parseArgs(Deno.args);
  if (!args) return;
  const started = performance.now();
  for (const part of args.parts) {
    console.log(`-- ${part} --`);
    if (part === "decode") await benchDecode(args.decode);
    else if (part === "pipeline") await benchPipeline(args.pipeline);
    else await benchEmbed(args.backends);
    console.log("");
  }
  console.log(`(bench embed: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

if (import.meta.main) runMain(main, USAGE);
