/**
 * Runs that join the kit's parts: a dataset through preprocessing and the model into a resumable
 * embeddings file.
 *
 * @example
 * ```ts
 * import { embedDataset } from "./mod.ts";
 * if (typeof embedDataset !== "function") throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "../tasks/_embed_dataset.ts";
