/**
 * One entry point to read embeddings in any of the kit's formats.
 *
 * @module
 */
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import type { EmbeddingSet } from "./_embedding_set.ts";
import { readJsonLines, type ReadJsonLinesOptions } from "./_jsonl.ts";
import { readNpy } from "./_npy.ts";

/** Options of {@linkcode readEmbeddings}. */
export interface ReadEmbeddingsOptions extends ReadJsonLinesOptions {
  /**
   * Receives a warning `<path>: skipped <n> malformed lines` when a lenient read skipped lines.
   * @default consoleReporter()
   */
  reporter?: Reporter;
}

/**
 * Reads embeddings from JSON lines (`.jsonl`, `.json`, the original format) or `.npy` (+ its
 * `.labels.tsv`), chosen by extension.
 *
 * @param path The file.
 * @param options JSON-lines options (leniency, progress) and the reporter of skipped lines.
 * @returns The set.
 * @throws {Deno.errors.NotFound} With the path when the file does not exist.
 *
 * @example
 * ```ts
 * import { readEmbeddings } from "./_read.ts";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.writeTextFile(path, '{"identity": "a", "image_name": "1.png", "embedding": [1, 0]}\n');
 * if ((await readEmbeddings(path)).dim !== 2) throw new Error("unexpected");
 * ```
 */
export async function readEmbeddings(
  path: string,
  options: ReadEmbeddingsOptions = {},
): Promise<EmbeddingSet> {
  try {
    await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(`Cannot read embeddings: ${path} does not exist`);
    }
    throw error;
  }
  if (/\.npy$/i.test(path)) return await readNpy(path);
  const { reporter = consoleReporter(), ...jsonLines } = options;
  const { set, skipped } = await readJsonLines(path, jsonLines);
  if (skipped > 0) reporter.warn(`${path}: skipped ${skipped} malformed lines`);
  return set;
}
