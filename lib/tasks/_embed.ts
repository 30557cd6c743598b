/**
 * `deno task embed`: every image of a dataset through preprocessing and the model into a resumable
 * embeddings file (the original JSON lines and/or `.npy` + labels). Decoding of the next batch
 * overlaps inference of the current one. Unreadable images are reported and skipped, never fatal.
 *
 * @module
 */
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import { formatDuration } from "../cli/_progress.ts";
import type { DatasetReader, ImageKey } from "../data/_dataset.ts";
import { openDataset } from "../data/_open.ts";
import {
  type EmbeddingFormat,
  type EmbeddingWriter,
  formatFiles,
  formatPath,
  openEmbeddingWriter,
} from "../embeddings/_writer.ts";
import { datasetNameOf, metricsLayout, shardPathOf } from "../formats/_layout.ts";
import {
  type ArcFaceModel,
  type Backend,
  IRESNET_BUILDER_VERSION,
  loadModel,
} from "../model/mod.ts";
import type { RunManifest } from "../formats/mod.ts";
import config from "../../deno.json" with { type: "json" };
import {
  checkResume,
  listingInput,
  lockOutputs,
  manifestOf,
  type ManifestStart,
  modelInput,
  newManifest,
  type RunManifests,
  startManifest,
} from "./_run_contract.ts";
import { shardReader, type ShardSpec } from "./_shard.ts";
import { decodeRecords, defaultDecodeWorkers } from "./_decode_pool.ts";
import { nonFiniteRows } from "../embeddings/_check_embeddings.ts";

/** An image that could not be embedded. */
export interface EmbedFailure extends ImageKey {
  /** Why it failed: the dataset reader's error, or the decode/preprocess error's message. */
  reason: string;
}

/** Options of {@linkcode embedDataset}. */
export interface EmbedDatasetOptions {
  /** Where rows go; keys it already holds are skipped (resume). */
  writer: EmbeddingWriter;
  /** Images per model call. @default 32 */
  batch?: number;
  /** Input side of the model. @default 112 */
  size?: number;
  /** Called after each batch with the number of images it finished (embedded or failed). */
  onProgress?: (finished: number) => void;
  /** Called for each image that fails (unreadable, or a non-finite embedding). */
  onFailure?: (failure: EmbedFailure) => void;
  /**
   * The model's name in the message that stops a run whose model gives non-finite embeddings for
   * every image of a batch. @default "in use"
   */
  modelName?: string;
  /** Stops after the batch in flight when aborted. */
  signal?: AbortSignal;
  /**
   * Workers that decode and preprocess images while the model runs (0: in this thread). The
   * rows, failures and their order do not depend on it.
   * @default 1
   */
  workers?: number;
}

/** What an embedding run did. */
export interface EmbedSummary {
  /** Images in the dataset. */
  total: number;
  /** Rows the output already held (resumed). */
  resumed: number;
  /** Rows written by this run. */
  embedded: number;
  /** Images skipped because they could not be read or decoded. */
  failures: EmbedFailure[];
  /** True when stopped by the signal before the end. */
  interrupted: boolean;
  /** Wall time of the run. */
  seconds: number;
}

/**
 * Embeds every image of a dataset that the writer does not hold yet.
 *
 * @param reader The dataset.
 * @param model The ArcFace model.
 * @param options Writer, batch size, callbacks.
 * @returns The summary.
 */
export async function embedDataset(
  reader: DatasetReader,
  model: ArcFaceModel,
  options: EmbedDatasetOptions,
): Promise<EmbedSummary> {
  const {
    writer,
    batch = 32,
    size = 112,
    onProgress,
    onFailure,
    signal,
    workers = 1,
    modelName = "in use",
  } = options;
  const start = performance.now();
  const keys = await reader.list();
  const resumed = keys.filter((k) => writer.has(k)).length;
  const plane = 3 * size * size;
  const failures: EmbedFailure[] = [];
  let embedded = 0;
  let interrupted = false;

  let inputs = new Float32Array(batch * plane);
  let spare = new Float32Array(batch * plane);
  let batchKeys: ImageKey[] = [];
  let pending: Promise<void> | undefined;

  const flush = (n: number, ks: ImageKey[], data: Float32Array) => {
    const run = async () => {
      const vectors = await model.embed(data.subarray(0, n * plane), n);
      const bad = nonFiniteRows(vectors, model.dim);
      if (bad.length > 0 && bad.length === n) {
        const first = ks[0]!;
        throw new RangeError(
          `The model ${modelName} is broken: it gave non-finite embeddings (NaN or infinity) for all ${n} images of a batch (the first ${first.identity}/${first.imageName}); nothing of that batch was written. Its weights are corrupt or badly scaled (activations overflow float32): check the checkpoint`,
        );
      }
      if (bad.length > 0) {
        const keep = ks.map((_, i) => i).filter((i) => !bad.includes(i));
        for (const i of bad) {
          const failure = {
            ...ks[i]!,
            reason: "the model gave a non-finite embedding (NaN or infinity); not written",
          };
          failures.push(failure);
          onFailure?.(failure);
        }
        const good = new Float32Array(keep.length * model.dim);
        keep.forEach((i, j) =>
          good.set(vectors.subarray(i * model.dim, (i + 1) * model.dim), j * model.dim)
        );
        await writer.append(keep.map((i) => ks[i]!), good);
        embedded += keep.length;
      } else {
        await writer.append(ks, vectors);
        embedded += n;
      }
      onProgress?.(n);
    };
    return run();
  };

  const images = decodeRecords(reader.read({ skip: (k) => writer.has(k) }), {
    workers,
    size,
    ahead: 2 * batch,
  });
  try {
    for await (const image of images) {
      if (signal?.aborted) {
        interrupted = true;
        break;
      }
      if (image.reason !== undefined) {
        const failure = {
          identity: image.identity,
          imageName: image.imageName,
          reason: image.reason,
        };
        failures.push(failure);
        onFailure?.(failure);
        onProgress?.(1);
        continue;
      }
      inputs.set(image.tensor, batchKeys.length * plane);
      batchKeys.push({ identity: image.identity, imageName: image.imageName });
      if (batchKeys.length === batch) {
        await pending;
        pending = flush(batchKeys.length, batchKeys, inputs);
        pending.catch(() => {}); // surfaced by the next `await pending`
        [inputs, spare] = [spare, inputs];
        batchKeys = [];
      }
    }
  } catch (error) {
    await pending?.catch(() => {}); // the batch in flight is written before the error surfaces
    throw error;
  }
  await pending;
  if (batchKeys.length > 0 && !interrupted) await flush(batchKeys.length, batchKeys, inputs);
  return {
    total: keys.length,
    resumed,
    embedded,
    failures,
    interrupted,
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * The preprocessing of every image (recorded in the manifest; a resume with another is refused):
 * decode, RGB, resize to the model's side as Pillow's bilinear `resize`, CHW float32,
 * `(x / 255 - 0.5) / 0.5`.
 */
export const PREPROCESSING_ID = "pillow-rgb-bilinear-112-chw-f32-(x/255-0.5)/0.5";

/** The ONNX Runtime package a backend runs on, with the version the import map pins. */
export function onnxRuntimeOf(backend: string): string {
  const name = backend === "cpu" || backend === "cuda" ? "onnxruntime-node" : "onnxruntime-web";
  const spec = (config.imports as Record<string, string>)[name] ?? name;
  return spec.replace(/^npm:/, "");
}

/**
 * The manifest of an existing output (`null` when the output or its manifest is missing; an
 * output without one, from an older kit, is resumed with a warning that it cannot be checked).
 */
async function resumableManifest(output: string, reporter: Reporter): Promise<RunManifest | null> {
  try {
    await Deno.stat(output);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const manifest = await manifestOf(output);
  if (manifest === null) {
    reporter.warn(
      `${output} has no manifest: resuming it without checking that the same model, ` +
        `preprocessing and dataset made its rows (use --overwrite to start it over)`,
    );
  }
  return manifest;
}

async function embedManifestStart(
  options: RunEmbedOptions,
  resolved: { formats: EmbeddingFormat[]; batch: number; order: string; overwrite: boolean },
  run: {
    keys: ImageKey[];
    model: ArcFaceModel;
    shard: { index: number; count: number } | undefined;
  },
): Promise<ManifestStart> {
  const { model, shard } = run;
  return {
    task: "embed",
    flags: {
      model: options.model,
      dataset: options.dataset,
      out: options.out ?? null,
      formats: resolved.formats,
      backend: options.backend ?? "auto",
      batch: resolved.batch,
      order: resolved.order,
      overwrite: resolved.overwrite,
    },
    inputs: [await listingInput("dataset", options.dataset, run.keys)],
    model: await modelInput(options.model, {
      backend: model.backend,
      dim: model.dim,
      graphBuilder: /\.pth?$/i.test(options.model) ? IRESNET_BUILDER_VERSION : null,
      onnxRuntime: onnxRuntimeOf(model.backend),
    }),
    preprocessing: PREPROCESSING_ID.replace("112", String(model.inputSize)),
    shard: shard === undefined ? null : { index: shard.index, count: shard.count },
  };
}

/** Options of {@linkcode runEmbed}. */
export interface RunEmbedOptions {
  /** ArcFace model: `.pth` state dict or `.onnx`. */
  model: string;
  /** Folder of identity sub-folders, or `.zip`/`.tar`/`.tar.gz`/`.rec`. */
  dataset: string;
  /** Output file. @default "Metrics/Embeddings/<dataset name>.jsonl" */
  out?: string | undefined;
  /** Output formats. @default ["jsonl"] */
  formats?: EmbeddingFormat[];
  /** ONNX Runtime backend. @default "auto" */
  backend?: "auto" | Backend;
  /** Images per model call. @default 32 */
  batch?: number;
  /** Listing order of folders: sorted, or directory order as the original. @default "sorted" */
  order?: "sorted" | "listdir";
  /**
   * Take images in sub-folders of identity folders, named `<sub>/<image>` (else they are left
   * out with a warning). @default false
   */
  recursive?: boolean;
  /** Start over instead of resuming an existing output. @default false */
  overwrite?: boolean;
  /**
   * Decode workers (0: decode in the main thread). @default defaultDecodeWorkers(model.backend):
   * the cores the model does not need, at least 1
   */
  workers?: number | undefined;
  /** Status lines, warnings and the progress bar. @default consoleReporter() */
  reporter?: Reporter;
  /**
   * Embed only this shard's identities (see `shardListing`) into the shard's own files
   * (`shardPathOf(out)`); `deno task merge embed` joins the shards. @default undefined (all)
   */
  shard?: ShardSpec | undefined;
}

/** What {@linkcode runEmbed} did and wrote. */
export interface EmbedResult extends EmbedSummary {
  /** The files written (one per format). */
  paths: string[];
}

/**
 * Embeds a dataset into `out` (resuming what it already holds), reporting progress, skipped images
 * and a summary. SIGINT stops the run after the batch in flight, so that the same command resumes.
 *
 * @param options Model, dataset, output and run settings.
 * @returns The summary and the paths written.
 * @throws {RangeError} When the dataset holds no image.
 * @throws {Deno.errors.NotFound} When the dataset or the model does not exist.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { runEmbed } from "./_embed.ts";
 * const error = await runEmbed({
 *   model: "Models/none.onnx",
 *   dataset: "no/such/dataset",
 *   reporter: memoryReporter(),
 * }).catch((e) => e);
 * if (!(error instanceof Deno.errors.NotFound)) throw new Error("a missing dataset is named");
 * ```
 */
export async function runEmbed(options: RunEmbedOptions): Promise<EmbedResult> {
  const {
    formats = ["jsonl"],
    backend = "auto",
    batch = 32,
    order = "sorted",
    overwrite = false,
    reporter = consoleReporter(),
  } = options;
  const { shard } = options;
  const whole = await openDataset(options.dataset, {
    order,
    recursive: options.recursive ?? false,
    reporter,
  });
  if (shard !== undefined && (await whole.list()).length === 0) {
    throw new RangeError(
      `Cannot embed ${options.dataset}: it holds no images (expected <identity>/<image>.png|.jpg|.jpeg)`,
    );
  }
  const reader = shard === undefined ? whole : shardReader(whole, shard);
  const unsharded = options.out ?? metricsLayout().embeddings(datasetNameOf(options.dataset));
  const out = shard === undefined ? unsharded : shardPathOf(unsharded, shard);
  const outputs = formats.map((f) => formatPath(out, f));
  await using _locks = await lockOutputs(outputs, "embed");
  const model = await loadModel(options.model, { backend, reporter });
  const keys = await reader.list();
  if (keys.length === 0 && shard === undefined) {
    await model.close();
    throw new RangeError(
      `Cannot embed ${options.dataset}: it holds no images (expected <identity>/<image>.png|.jpg|.jpeg)`,
    );
  }
  let manifests: RunManifests;
  let writer: EmbeddingWriter;
  try {
    const start = await embedManifestStart(options, { formats, batch, order, overwrite }, {
      keys,
      model,
      shard,
    });
    const resumed = overwrite
      ? []
      : await Promise.all(outputs.map((o) => resumableManifest(o, reporter)));
    const draft = newManifest(start);
    outputs.forEach((path, i) => checkResume(path, resumed[i] ?? null, draft));
    writer = await openEmbeddingWriter(out, { formats, dim: model.dim, overwrite, reporter });
    manifests = await startManifest(outputs, start, resumed.find((m) => m) ?? null);
  } catch (error) {
    await model.close();
    await reader.close();
    throw error;
  }
  for (const { reason, count, example } of await reader.skipped()) {
    const entries = count === 1 ? "entry" : "entries";
    reporter.warn(`${reader.source}: left out ${count} ${entries}: ${reason} (e.g. ${example})`);
  }
  const todo = keys.filter((k) => !writer.has(k)).length;
  const workers = options.workers ?? defaultDecodeWorkers(model.backend);
  reporter.info(
    `${reader.source}: ${keys.length} images; ${keys.length - todo} already in ${
      writer.paths.join(", ")
    }; decoding in ${workers === 0 ? "the main thread" : `${workers} worker(s)`}`,
  );
  const progress = reporter.progress(todo, { unit: "img" });
  const controller = new AbortController();
  const onSignal = () => {
    reporter.info("interrupted: finishing the batch in flight; re-run the same command to resume");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onSignal);
  let summary: EmbedSummary;
  try {
    summary = await embedDataset(reader, model, {
      writer,
      batch,
      workers,
      onProgress: (n) => progress.tick(n),
      onFailure: (f) =>
        reporter.info(`skipped ${reader.source}/${f.identity}/${f.imageName}: ${f.reason}`),
      modelName: options.model,
      signal: controller.signal,
    });
    progress.done();
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    await writer.close();
    await model.close();
    await reader.close();
  }
  const files = outputs.flatMap(formatFiles);
  await manifests.finish({
    counts: {
      images: summary.total,
      resumed: summary.resumed,
      embedded: summary.embedded,
      failures: summary.failures.length,
    },
    outputs: files,
    complete: !summary.interrupted,
    unhashed: summary.interrupted ? files : [],
  });
  const rate = summary.seconds > 0 ? summary.embedded / summary.seconds : 0;
  reporter.info(
    `${summary.interrupted ? "interrupted" : "done"}: ${summary.embedded} embedded this run, ` +
      `${summary.resumed} already present, ${summary.failures.length} skipped (unreadable, or a non-finite embedding) ` +
      `(${formatDuration(summary.seconds)}, ${rate.toFixed(1)} img/s) -> ${
        writer.paths.join(", ")
      }`,
  );
  return { ...summary, paths: writer.paths };
}
