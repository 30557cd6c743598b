/**
 * `deno task merge <embed|similarities|leakage|closest> [the task's flags] --shards N`: joins the
 * outputs of the N runs of `deno task <task> ... --shard K/N` into the files an unsharded run
 * writes, byte for byte, with a manifest listing the shards'. A missing, incomplete or mismatched
 * shard is refused, naming it. The task's flags are those of its own script (the drift test in
 * `tests/tasks/merge_test.ts` keeps the lists equal).
 *
 * @module
 */
import {
  choiceFlag,
  consoleReporter,
  type FlagSpecs,
  intFlag,
  parseFlags,
  pngScaleFlag,
  pngScaleFlagSpec,
  runMain,
  usage,
  UsageError,
} from "../lib/cli/mod.ts";
import type { EmbeddingFormat } from "../lib/embeddings/mod.ts";
import { metricsLayout } from "../lib/formats/mod.ts";
import { BACKEND_REQUESTS } from "../lib/model/mod.ts";
import {
  embeddingsOutputPath,
  LEAKAGE_THRESHOLD_FLAGS,
  leakageThresholdFlags,
  MERGE_TASKS,
  type MergeTask,
  runMerge,
  type RunMergeOptions,
} from "../lib/tasks/mod.ts";

const LAYOUT = metricsLayout();
const COMMON: FlagSpecs = {
  shards: { type: "string", description: "N: the shards' --shard K/N (required)" },
  help: { type: "boolean", short: "h", description: "show this help" },
};
const CASIA = {
  type: "string",
  description: "reference embeddings (JSON lines or .npy)",
  default: LAYOUT.embeddings("CASIA", ".json"),
  aliases: ["casia_file", "casia-file"],
} as const;
const SEED = { type: "string", description: "random seed of the sample", default: "42" } as const;
const ROOT = { type: "string", description: "output root", default: LAYOUT.root } as const;
const KERNEL = {
  type: "string",
  description: "accepted (the merge searches nothing)",
  default: "auto",
} as const;
const N = (description: string, fallback?: string) => ({
  type: "string" as const,
  description,
  aliases: ["n_comparisons"],
  ...(fallback === undefined ? {} : { default: fallback }),
});

const TASK_FLAGS: Record<MergeTask, FlagSpecs> = {
  embed: {
    model: {
      type: "string",
      description: "ArcFace model",
      default: "Models/ArcFace_R100_MS1MV3.pth",
    },
    dataset: { type: "string", description: "the dataset", default: "Dataset" },
    out: {
      type: "string",
      description: "output file, or a folder (default Metrics/Embeddings/<dataset name>.jsonl)",
    },
    format: { type: "string", description: "jsonl, npy or both", default: "jsonl" },
    backend: { type: "string", description: "as the shards ran", default: "auto" },
    batch: { type: "string", description: "as the shards ran", default: "32" },
    order: { type: "string", description: "sorted or listdir", default: "sorted" },
    recursive: { type: "boolean", description: "as the shards ran" },
    overwrite: { type: "boolean", description: "accepted (the merge always rewrites)" },
    workers: { type: "string", description: "accepted (no decoding in a merge)" },
  },
  similarities: {
    "n-comparisons": N("pairs of each kind", "10000"),
    seed: SEED,
    out: { type: "string", description: "output folder", default: LAYOUT.root },
  },
  leakage: {
    casia: CASIA,
    "n-comparisons": N("samples searched", "10000"),
    seed: SEED,
    out: ROOT,
    "no-figures": {
      type: "boolean",
      description: "skip the density figure",
      aliases: ["no-figure", "no_figures"],
    },
    ...pngScaleFlagSpec(2),
    kernel: KERNEL,
    ...LEAKAGE_THRESHOLD_FLAGS,
  },
  closest: {
    casia: CASIA,
    "n-comparisons": N("samples searched (default: every embedding)"),
    top: { type: "string", description: "pairs kept", default: "100", aliases: ["top_global"] },
    seed: SEED,
    out: ROOT,
    kernel: KERNEL,
  },
};

const USAGE = `${
  usage(
    "deno task merge <embed|similarities|leakage|closest> [the task's flags] --shards N",
    COMMON,
  )
}\n\nThe task's flags: see deno task <task> --help (--shard is not one of them here).`;

function formatsOf(values: Record<string, unknown>, out: string | undefined): EmbeddingFormat[] {
  const text = String(values.format);
  if (out && /\.npy$/i.test(out) && text === "jsonl") return ["npy"];
  if (text === "both") return ["jsonl", "npy"];
  if (text === "jsonl" || text === "npy") return [text];
  throw new UsageError(`--format must be jsonl, npy or both: current value is ${text}`);
}

async function mergeOptions(
  task: MergeTask,
  args: string[],
): Promise<RunMergeOptions | undefined> {
  const { values, positionals } = parseFlags(args, { ...TASK_FLAGS[task], ...COMMON });
  if (values.help) return undefined;
  if (values.shards === undefined) throw new UsageError("--shards N is required");
  const shards = intFlag(values, "shards", { min: 1 });
  const [input, ...extra] = positionals;
  if (task === "embed") {
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const out = values.out === undefined
      ? undefined
      : await embeddingsOutputPath(values.out as string, String(values.dataset));
    return {
      task,
      shards,
      options: {
        model: String(values.model),
        dataset: String(values.dataset),
        out,
        formats: formatsOf(values, out),
        backend: choiceFlag(values, "backend", BACKEND_REQUESTS),
        order: choiceFlag(values, "order", ["sorted", "listdir"]),
        recursive: Boolean(values.recursive),
      },
    };
  }
  if (input === undefined || extra.length > 0) {
    throw new UsageError("expected one INPUT embeddings file");
  }
  const seed = intFlag(values, "seed");
  if (task === "similarities") {
    const comparisons = intFlag(values, "n-comparisons", { min: 1 });
    return { task, shards, options: { input, comparisons, seed, out: values.out as string } };
  }
  const common = { input, casia: values.casia as string, seed, outDir: values.out as string };
  if (task === "leakage") {
    const nComparisons = intFlag(values, "n-comparisons", { min: 1 });
    return {
      task,
      shards,
      options: {
        ...common,
        nComparisons,
        figure: !values["no-figures"],
        pngScale: pngScaleFlag(values),
        judge: leakageThresholdFlags(values),
      },
    };
  }
  const nComparisons = values["n-comparisons"] === undefined
    ? undefined
    : intFlag(values, "n-comparisons", { min: 1 });
  return {
    task,
    shards,
    options: { ...common, nComparisons, top: intFlag(values, "top", { min: 1 }) },
  };
}

async function main(): Promise<void> {
  const [task, ...rest] = Deno.args;
  if (task === undefined || task === "--help" || task === "-h") return console.log(USAGE);
  const known = MERGE_TASKS.find((t) => t === task);
  if (known === undefined) {
    throw new UsageError(`the task must be ${MERGE_TASKS.join(", ")}: current value is ${task}`);
  }
  const options = await mergeOptions(known, rest);
  if (options === undefined) {
    return console.log(usage(`deno task merge ${known} [flags] --shards N`, {
      ...TASK_FLAGS[known],
      ...COMMON,
    }));
  }
  const reporter = consoleReporter({ info: (line) => console.error(line) });
  const { files } = await runMerge({ ...options, reporter });
  for (const file of files) console.log(file);
}

if (import.meta.main) runMain(main, USAGE);
