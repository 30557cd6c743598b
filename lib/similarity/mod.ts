/**
 * Similarity: scikit-learn-style cosine scores of seeded mated and non-mated pair samples, score
 * files, and similarity search: exact best matches and global top-K pairs of query embeddings
 * against a large gallery, the kernels behind it, and CPython's `random.sample` for identical
 * sampling.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/embedding_set.ts";
 * import { bestMatches } from "./mod.ts";
 * const g = embeddingSet(["a", "b"], ["1.jpg", "2.jpg"], new Float32Array([1, 0, 0, 1]), 2);
 * const best = await bestMatches(g, g);
 * if (best.gallery.join() !== "0,1") throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "./cosine.ts";
export * from "./gemm.ts";
export * from "./leakage.ts";
export * from "./leakage_files.ts";
export * from "./ort_matmul.ts";
export * from "./pairs.ts";
export * from "./python_random.ts";
export * from "./score_file.ts";
export * from "./search.ts";
export * from "./similarity_scores.ts";
export * from "./topk.ts";
