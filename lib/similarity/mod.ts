/**
 * Similarity, pure (no files, no console, no figures): scikit-learn-style cosine scores of seeded
 * mated and non-mated pair samples, and similarity search: exact best matches and global top-K
 * pairs of query embeddings against a large gallery, with the kernels behind it. The samplers
 * return facts (counts requested and available); `lib/tasks` reads and writes the files and
 * words the facts.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { bestMatches } from "./mod.ts";
 * const g = embeddingSet(["a", "b"], ["1.jpg", "2.jpg"], new Float32Array([1, 0, 0, 1]), 2);
 * const best = await bestMatches(g, g);
 * if (best.gallery.join() !== "0,1") throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "./_cosine.ts";
export * from "./_gemm.ts";
export * from "./_int8_matmul.ts";
export * from "./_int8_quantize.ts";
export * from "./_int8_search.ts";
export * from "./_ort_matmul.ts";
export * from "./_pairs.ts";
export * from "./_search.ts";
export * from "./_similarity_scores.ts";
export * from "./_topk.ts";
