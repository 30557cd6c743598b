/**
 * Embedding sets and their files: the original JSON lines (read streaming, written byte for byte
 * as the original package wrote them) and the binary `.npy` + `.labels.tsv` format, with a
 * resumable writer.
 *
 * @example
 * ```ts
 * import { embeddingSet, readEmbeddings, writeNpy } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/E.npy`;
 * await writeNpy(path, embeddingSet(["a"], ["1.png"], new Float32Array([0.6, 0.8]), 2));
 * if ((await readEmbeddings(path)).vectors[1] !== Math.fround(0.8)) throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "./_embedding_set.ts";
export * from "./_jsonl.ts";
export * from "./_normalize.ts";
export * from "./_npy.ts";
export * from "./_read.ts";
export * from "./_writer.ts";
