/**
 * The checks a search makes of the embeddings it is given, wherever they come from (a file, or a
 * set built in memory by a notebook): rows exist, every value is finite, and vectors are of unit
 * length (within a tolerance), since the tasks rank by scores that assume it.
 *
 * @module
 */
import type { Reporter } from "../cli/_reporter.ts";
import type { EmbeddingSet } from "./_embedding_set.ts";

/** Options of {@linkcode checkEmbeddings}. */
export interface CheckEmbeddingsOptions {
  /** The file (or name) of the set, for messages. */
  name: string;
  /** Receives the one warning about vectors that are not of unit length. @default no warning */
  reporter?: Reporter | undefined;
  /** Largest `|norm - 1|` taken as unit length. @default 1e-3 */
  tolerance?: number;
  /** What the norms do to the task's ranking, appended to the warning. @default "" */
  consequence?: string;
}

/** What {@linkcode checkEmbeddings} found. */
export interface EmbeddingsCheck {
  /** Rows whose norm strays from 1 by more than the tolerance. */
  offNorm: number;
  /** The first such row, or -1. */
  firstOffNorm: number;
  /** Its norm (NaN when none). */
  firstNorm: number;
}

/**
 * Checks a set before a search: it must hold rows and only finite values (scikit-learn refuses
 * NaN and infinities; a NaN row would otherwise score NaN against everything and be dropped or
 * ranked first), and one warning names the rows whose norm strays from 1 by more than
 * `tolerance`, with the first of them.
 *
 * @param set The embeddings.
 * @param options Name for messages, reporter, tolerance, and what the norms change.
 * @returns The count of rows off unit length and the first of them.
 * @throws {RangeError} When the set is empty or holds a value that is not finite (naming row,
 *   labels and column).
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { checkEmbeddings } from "./_check_embeddings.ts";
 * import { embeddingSet } from "./_embedding_set.ts";
 * import assert from "node:assert/strict";
 * const reporter = memoryReporter();
 * const set = embeddingSet(["a", "b"], ["1.png", "2.png"], new Float32Array([1, 0, 3, 4]), 2);
 * assert.equal(checkEmbeddings(set, { name: "E.jsonl", reporter }).offNorm, 1);
 * assert.deepEqual([...reporter.warnings().keys()], [
 *   "E.jsonl: 1 of 2 embeddings are not of unit length (|norm - 1| > 0.001; the first is row 1 (b/2.png), norm 5)",
 * ]);
 * const bad = embeddingSet(["a"], ["1.png"], new Float32Array([NaN, 1]), 2);
 * assert.throws(() => checkEmbeddings(bad, { name: "E.npy" }), {
 *   message: /^E\.npy: row 0 \(a\/1\.png\), column 0 holds NaN: embeddings must be finite/,
 * });
 * ```
 */
export function checkEmbeddings(
  set: EmbeddingSet,
  options: CheckEmbeddingsOptions,
): EmbeddingsCheck {
  const { name, reporter, tolerance = 1e-3, consequence = "" } = options;
  const { vectors, dim } = set;
  const rows = set.identities.length;
  if (rows === 0) {
    throw new RangeError(`Cannot search ${name}: it holds no embeddings`);
  }
  let offNorm = 0;
  let firstOffNorm = -1;
  let firstNorm = NaN;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    const start = r * dim;
    for (let i = start; i < start + dim; i++) {
      const v = vectors[i]!;
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `${name}: row ${r} (${set.identities[r]}/${set.imageNames[r]}), column ${
            i - start
          } holds ${v}: embeddings must be finite (a NaN or infinite value means the model or the file is broken)`,
        );
      }
      sum += v * v;
    }
    const norm = Math.sqrt(sum);
    if (Math.abs(norm - 1) > tolerance) {
      if (offNorm === 0) {
        firstOffNorm = r;
        firstNorm = norm;
      }
      offNorm++;
    }
  }
  if (offNorm > 0) {
    reporter?.warn(
      `${name}: ${offNorm} of ${rows} embeddings are not of unit length (|norm - 1| > ${tolerance}; the first is row ${firstOffNorm} (${
        set.identities[firstOffNorm]
      }/${set.imageNames[firstOffNorm]}), norm ${Number(firstNorm.toPrecision(6))})${consequence}`,
    );
  }
  return { offNorm, firstOffNorm, firstNorm };
}

/**
 * The rows of a row-major matrix that hold a value that is not finite (NaN, ±Infinity), e.g. the
 * embeddings a model with overflowing activations gives.
 *
 * @param vectors `n x dim` values.
 * @param dim Row length.
 * @returns The 0-based indices of those rows, ascending.
 *
 * @example
 * ```ts
 * import { nonFiniteRows } from "./_check_embeddings.ts";
 * const rows = nonFiniteRows(new Float32Array([1, 0, NaN, 0, 0, -Infinity]), 2);
 * if (rows.join() !== "1,2") throw new Error("unexpected");
 * ```
 */
export function nonFiniteRows(vectors: Float32Array, dim: number): number[] {
  const rows: number[] = [];
  for (let start = 0, r = 0; start < vectors.length; start += dim, r++) {
    for (let i = start; i < start + dim; i++) {
      if (!Number.isFinite(vectors[i]!)) {
        rows.push(r);
        break;
      }
    }
  }
  return rows;
}
