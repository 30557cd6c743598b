/**
 * `deno task embed`: ArcFace embeddings of every image of a dataset, written as the original JSON
 * lines and/or the binary `.npy` + labels format. Resumable; unreadable images are skipped and
 * counted.
 *
 * @module
 */
import {
  choiceFlag,
  consoleReporter,
  intFlag,
  parseFlags,
  runMain,
  usage,
  UsageError,
} from "../lib/cli/mod.ts";
import type { EmbeddingFormat } from "../lib/embeddings/mod.ts";
import { BACKEND_REQUESTS } from "../lib/model/mod.ts";
import { embeddingsOutputPath, runEmbed, SHARD_FLAG, shardFlag } from "../lib/tasks/mod.ts";

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
    description:
      "output file, or a folder to write <dataset name>.jsonl into (default Metrics/Embeddings/<dataset name>.jsonl)",
  },
  format: {
    type: "string",
    description: "jsonl (the original format), npy (binary + .labels.tsv), or both",
    default: "jsonl",
  },
  backend: { type: "string", description: "auto | cuda | webgpu | cpu | wasm", default: "auto" },
  batch: { type: "string", description: "images per model call", default: "32" },
  order: {
    type: "string",
    description: "sorted, or listdir (directory order, as the original)",
    default: "sorted",
  },
  recursive: {
    type: "boolean",
    description: "take images in sub-folders of identity folders, named <sub>/<image>",
  },
  overwrite: { type: "boolean", description: "start over instead of resuming an existing output" },
  workers: {
    type: "string",
    description: "decode workers beside the model, 0 = main thread (default: the cores the model " +
      "leaves, at least 1: 1 on cpu/wasm, cores - 1 on a GPU)",
  },
  shard: SHARD_FLAG,
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task embed [--model M] [--dataset D] [--out F] [flags]", FLAGS, {
  writes: [
    "OUT: one JSON line per image (the original format), with --format jsonl or both",
    "OUT.npy and OUT.labels.tsv (float32 rows + identity<TAB>image_name), with --format npy or both",
  ],
});

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
  const backend = choiceFlag(values, "backend", BACKEND_REQUESTS);
  const order = choiceFlag(values, "order", ["sorted", "listdir"]);
  // A folder given as --out takes the file named after the dataset (as every task's --out).
  const out = values.out === undefined
    ? undefined
    : await embeddingsOutputPath(values.out as string, String(values.dataset));
  const formats = out && /\.npy$/i.test(out) && values.format === "jsonl"
    ? ["npy" as const]
    : parseFormats(String(values.format));
  const summary = await runEmbed({
    model: String(values.model),
    dataset: String(values.dataset),
    out,
    formats,
    backend,
    batch: intFlag(values, "batch", { min: 1, max: 4096 }),
    order,
    recursive: Boolean(values.recursive),
    overwrite: Boolean(values.overwrite),
    workers: values.workers === undefined ? undefined : intFlag(values, "workers", { max: 1024 }),
    reporter: consoleReporter({ info: (line) => console.error(line) }),
    shard: shardFlag(values),
  });
  if (summary.interrupted) Deno.exit(130);
}

if (import.meta.main) runMain(main, USAGE);
