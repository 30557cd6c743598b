/**
 * The embedding run: dataset images -> preprocessing -> model batches -> resumable writer.
 * Decoding of the next batch overlaps inference of the current one. Unreadable images are
 * reported and skipped, never fatal.
 *
 * @module
 */
import type { DatasetReader, ImageKey } from "../data/_dataset.ts";
import type { EmbeddingWriter } from "../embeddings/_writer.ts";
import { preprocessImage } from "../image/mod.ts";
import type { ArcFaceModel } from "../model/mod.ts";

/** An image that could not be embedded. */
export interface EmbedFailure extends ImageKey {
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
  /** Called for each image that fails. */
  onFailure?: (failure: EmbedFailure) => void;
  /** Stops after the batch in flight when aborted. */
  signal?: AbortSignal;
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
  const { writer, batch = 32, size = 112, onProgress, onFailure, signal } = options;
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
      await writer.append(ks, vectors);
      embedded += n;
      onProgress?.(n);
    };
    return run();
  };

  for await (const record of reader.read({ skip: (k) => writer.has(k) })) {
    if (signal?.aborted) {
      interrupted = true;
      break;
    }
    if (record.error !== undefined) {
      const failure = {
        identity: record.identity,
        imageName: record.imageName,
        reason: record.error,
      };
      failures.push(failure);
      onFailure?.(failure);
      onProgress?.(1);
      continue;
    }
    try {
      await preprocessImage(record.bytes, {
        name: `${record.identity}/${record.imageName}`,
        size,
        out: inputs,
        offset: batchKeys.length * plane,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failure = { identity: record.identity, imageName: record.imageName, reason };
      failures.push(failure);
      onFailure?.(failure);
      onProgress?.(1);
      continue;
    }
    batchKeys.push({ identity: record.identity, imageName: record.imageName });
    if (batchKeys.length === batch) {
      await pending;
      pending = flush(batchKeys.length, batchKeys, inputs);
      pending.catch(() => {}); // surfaced by the next `await pending`
      [inputs, spare] = [spare, inputs];
      batchKeys = [];
    }
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
