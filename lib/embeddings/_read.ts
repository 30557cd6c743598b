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
   * Receives a warning `<path>: skipped <n> malformed lines` when a lenient read skipped lines,
   * and a status line when an `.npy` file's values are converted to float32.
   * @default consoleReporter()
   */
  reporter?: Reporter;
  /** Return an empty set for a file without embeddings instead of refusing it. @default false */
  allowEmpty?: boolean;
}

/**
 * Reads embeddings from JSON lines (`.jsonl`, `.json`, the original format) or `.npy` (+ its
 * `.labels.tsv`), chosen by extension. Every value is finite (a NaN, an infinity or a float32
 * overflow is refused on load, naming file and line or row), and a file without embeddings is
 * refused unless `allowEmpty`: no task writes header-only outputs from one.
 *
 * @param path The file.
 * @param options JSON-lines options (leniency, progress), the reporter, and `allowEmpty`.
 * @returns The set.
 * @throws {Deno.errors.NotFound} With the path when the file does not exist.
 * @throws {Deno.errors.IsADirectory} When the path is a folder.
 * @throws {RangeError} When the file holds no embeddings, or a value that is not finite.
 * @throws {SyntaxError} When a line or the `.npy` header is malformed.
 *
 * @example
 * ```ts
 * import { readEmbeddings } from "./_read.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.writeTextFile(path, '{"identity": "a", "image_name": "1.png", "embedding": [1, 0]}\n');
 * assert.equal((await readEmbeddings(path)).dim, 2);
 * await Deno.writeTextFile(path, "\n");
 * await assert.rejects(readEmbeddings(path), { message: /holds no embeddings/ });
 * ```
 */
export async function readEmbeddings(
  path: string,
  options: ReadEmbeddingsOptions = {},
): Promise<EmbeddingSet> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(`Cannot read embeddings: ${path} does not exist`);
    }
    throw error;
  }
  if (info.isDirectory) {
    throw new Deno.errors.IsADirectory(
      `Cannot read embeddings: ${path} is a folder (expected a JSON lines file or an .npy file with its .labels.tsv)`,
    );
  }
  const { reporter = consoleReporter(), allowEmpty = false, ...jsonLines } = options;
  let set: EmbeddingSet;
  if (/\.npy$/i.test(path)) {
    set = await readNpy(path, { onConversion: (line) => reporter.info(line) });
  } else {
    const read = await readJsonLines(path, jsonLines);
    if (read.skipped > 0) reporter.warn(`${path}: skipped ${read.skipped} malformed lines`);
    set = read.set;
  }
  if (set.identities.length === 0 && !allowEmpty) {
    throw new RangeError(
      `Cannot use ${path}: it holds no embeddings (expected one per image, as deno task embed writes them)`,
    );
  }
  return set;
}
