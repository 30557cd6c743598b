/**
 * Where `deno task embed` writes: `--out` names the output file, and a `--out` that names a
 * folder (an existing one, or any path ending in `/`) means a file inside it named after the
 * dataset, as every other task's `--out` is a folder its files go into (never a file beside it).
 *
 * @module
 */
import { basename, join } from "node:path";
import { datasetNameOf, metricsLayout } from "../formats/_layout.ts";

/**
 * The embeddings file of a run: `out` itself, `<out>/<dataset name>.jsonl` when `out` is a
 * folder, or the layout's `Metrics/Embeddings/<dataset name>.jsonl` when `out` is not given.
 *
 * @param out The `--out` value, if any.
 * @param dataset The dataset path (its name names the file).
 * @returns The output file's path (its extension chosen by the format later).
 *
 * @example
 * ```ts
 * import { embeddingsOutputPath } from "./_embed_output.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await embeddingsOutputPath(dir, "Dataset/DCFace.zip"), `${dir}/DCFace.jsonl`);
 * assert.equal(await embeddingsOutputPath(`${dir}/E.npy`, "Dataset/DCFace.zip"), `${dir}/E.npy`);
 * await Deno.remove(dir);
 * ```
 */
export async function embeddingsOutputPath(
  out: string | undefined,
  dataset: string,
): Promise<string> {
  const named = metricsLayout().embeddings(datasetNameOf(dataset));
  if (out === undefined) return named;
  let isFolder = /[\\/]$/.test(out);
  if (!isFolder) {
    try {
      isFolder = (await Deno.stat(out)).isDirectory;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return isFolder ? join(out, basename(named)) : out;
}
