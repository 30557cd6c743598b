/**
 * Embedding sets and their files: the one row-major `Float32Array` type the kit passes around
 * after the model, its L2 normalisation (`normalizeRows`, one rule for zero rows), the original
 * JSON lines (read streaming, each line written byte for byte as the original package wrote it)
 * and the binary `.npy` + `.labels.tsv` format, with a resumable writer. Warnings go through a
 * `reporter` option.
 *
 * @example
 * ```ts
 * import { embeddingLine, embeddingSet, normalizeRows, readEmbeddings, writeNpy } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const vectors = normalizeRows(new Float32Array([3, 4, 0, 0]), 2);
 * const set = embeddingSet(["a", "b"], ["1.png", "2.png"], vectors, 2);
 * const path = `${await Deno.makeTempDir()}/E.npy`;
 * await writeNpy(path, set);
 * assert.deepEqual(await readEmbeddings(path), set);
 * assert.equal(
 *   embeddingLine("b", "2.png", vectors.subarray(2)),
 *   '{"identity": "b", "image_name": "2.png", "embedding": [0.0, 0.0]}',
 * );
 * ```
 *
 * @module
 */
export * from "./_check_embeddings.ts";
export * from "./_embedding_set.ts";
export * from "./_jsonl.ts";
export * from "./_normalize.ts";
export * from "./_npy.ts";
export * from "./_npy_blocks.ts";
export * from "./_read.ts";
export * from "./_writer.ts";
