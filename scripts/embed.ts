/**
 * `deno task embed`: ArcFace embeddings of every image of a dataset, written as the original JSON
 * lines and/or the binary `.npy` + labels format. Resumable; unreadable images are skipped and
 * counted.
 *
 * @module
 */
import { intFlag, parseFlags, runMain, usage, UsageError } from "../lib/cli/_flags.ts";
import { formatDuration, Progress } from "../lib/cli/_progress.ts";
import { consoleReporter } from "../lib/cli/_reporter.ts";
import { openDataset } from "../lib/data/_open.ts";
import { type EmbeddingFormat, openEmbeddingWriter } from "../lib/embeddings/_writer.ts";
import { type Backend, loadModel } from "../lib/model/mod.ts";
import { embedDataset, type EmbedSummary } from "../lib/tasks/_embed_dataset.ts";

const FLAGS = {
  model: {
    type: "string",
    description: "ArcFace model: .pth state dict or .onnx",
    default: "Models/ArcFace_R100_MS1MV3.pth",
  },
  dataset: {
    type: "string",
    description: "folder of identity sub-folders, or .zip/.tar/.tar.gz/.rec",
    default: "Dataset",
  },
  out: {
    type: "string",
    description: "output file (default Metrics/Embeddings/<dataset name>.jsonl)",
  },
  format: {
    type: "string",
    description: "jsonl (the original format), npy (binary + .labels.tsv), or both",
    default: "jsonl",
  },
  backend: { type: "string", description: "auto | cpu | wasm | webgpu", default: "auto" },
  batch: { type: "string", description: "images per model call", default: "32" },
  order: {
    type: "string",
    description: "sorted, or listdir (directory order, as the original)",
    default: "sorted",
  },
  overwrite: { type: "boolean", description: "start over instead of resuming an existing output" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task embed [--model M] [--dataset D] [--out F] [flags]", FLAGS);

/** Options of {@linkcode runEmbed}. */
export interface RunEmbedOptions {
  model: string;
  dataset: string;
  out?: string;
  formats?: EmbeddingFormat[];
  backend?: "auto" | Backend;
  batch?: number;
  order?: "sorted" | "listdir";
  overwrite?: boolean;
  /** Progress and messages. @default console.error */
  log?: (line: string) => void;
}

/**
 * Embeds a dataset into `out` (resuming), printing progress and a summary.
 *
 * @param options Model, dataset, output and run settings.
 * @returns The summary and the paths written.
 */
export async function runEmbed(
  options: RunEmbedOptions,
): Promise<EmbedSummary & { paths: string[] }> {
  const { formats = ["jsonl"], backend = "auto", batch = 32, order = "sorted", overwrite = false } =
    options;
  const log = options.log ?? ((line: string) => console.error(line));
  const reader = await openDataset(options.dataset, {
    order,
    reporter: consoleReporter({ warn: log }),
  });
  const out = options.out ?? `Metrics/Embeddings/${reader.name}.jsonl`;
  const model = await loadModel(options.model, { backend, log });
  const writer = await openEmbeddingWriter(out, { formats, dim: model.dim, overwrite });
  const keys = await reader.list();
  if (keys.length === 0) {
    throw new RangeError(
      `Cannot embed ${options.dataset}: it holds no images (expected <identity>/<image>.png|.jpg|.jpeg)`,
    );
  }
  const todo = keys.filter((k) => !writer.has(k)).length;
  log(
    `${reader.source}: ${keys.length} images; ${keys.length - todo} already in ${
      writer.paths.join(", ")
    }`,
  );
  const progress = new Progress(todo, { unit: "img" });
  const controller = new AbortController();
  const onSignal = () => {
    progress.log("interrupted: finishing the batch in flight; re-run the same command to resume");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onSignal);
  let summary: EmbedSummary;
  try {
    summary = await embedDataset(reader, model, {
      writer,
      batch,
      onProgress: (n) => progress.tick(n),
      onFailure: (f) =>
        progress.log(`skipped ${reader.source}/${f.identity}/${f.imageName}: ${f.reason}`),
      signal: controller.signal,
    });
    progress.done();
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    await writer.close();
    await model.close();
    await reader.close();
  }
  const rate = summary.seconds > 0 ? summary.embedded / summary.seconds : 0;
  log(
    `${summary.interrupted ? "interrupted" : "done"}: ${summary.embedded} embedded this run, ` +
      `${summary.resumed} already present, ${summary.failures.length} skipped as unreadable ` +
      `(${formatDuration(summary.seconds)}, ${rate.toFixed(1)} img/s) -> ${
        writer.paths.join(", ")
      }`,
  );
  return { ...summary, paths: writer.paths };
}

function parseFormats(text: string): EmbeddingFormat[] {
  if (text === "both") return ["jsonl", "npy"];
  if (text === "jsonl" || text === "npy") return [text];
  throw new UsageError(`--format must be jsonl, npy or both: current value is ${text}`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const backend = String(values.backend);
  if (!["auto", "cpu", "wasm", "webgpu"].includes(backend)) {
    throw new UsageError(
      `--backend must be auto, cpu, wasm or webgpu: current value is ${backend}`,
    );
  }
  const order = String(values.order);
  if (order !== "sorted" && order !== "listdir") {
    throw new UsageError(`--order must be sorted or listdir: current value is ${order}`);
  }
  const out = values.out as string | undefined;
  const formats = out && /\.npy$/i.test(out) && values.format === "jsonl"
    ? ["npy" as const]
    : parseFormats(String(values.format));
  const summary = await runEmbed({
    model: String(values.model),
    dataset: String(values.dataset),
    out,
    formats,
    backend: backend as RunEmbedOptions["backend"],
    batch: intFlag(values, "batch", { min: 1, max: 4096 }),
    order,
    overwrite: Boolean(values.overwrite),
  });
  if (summary.interrupted) Deno.exit(130);
}

if (import.meta.main) runMain(main, USAGE);
