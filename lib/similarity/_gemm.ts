/**
 * The score-and-select kernel contract of the similarity search, and its portable implementation
 * in plain JavaScript: blocked float32 dot products (four gallery rows per pass over a query row)
 * followed by a per-row top-k selection. It is exact and dependency-free but runs at a few
 * GFLOP/s; {@linkcode ./ort_matmul.ts} is the fast path.
 *
 * @module
 */

/** Shape of one kernel call. */
export interface ScoreTopKShape {
  /** Query rows in the block. */
  rows: number;
  /** Gallery rows in the block. */
  cols: number;
  /** Embedding dimension. */
  dim: number;
  /** Results kept per query row. */
  k: number;
}

/** One block of results: for each query row, `k` scores (descending) and their gallery columns. */
export interface ScoreTopK {
  /** `rows x k` scores, row-major, each row sorted descending. */
  values: Float32Array;
  /** `rows x k` column indices into the gallery block, matching `values`. */
  indices: Int32Array;
  /** Results per row: the smaller of the requested `k` and the block width. */
  k: number;
}

/** Every score of a block above a threshold, as (row, column, value) columns in row-major order. */
export interface ScoresAbove {
  /** Query row of each score within the block, `0` to `shape.rows - 1`. */
  rows: Int32Array;
  /** Gallery column of each score within the block, `0` to `shape.cols - 1`. */
  cols: Int32Array;
  /** The scores, each strictly above the threshold, matching `rows` and `cols` index for index. */
  values: Float32Array;
}

/** Scores a block of queries against a block of gallery rows and keeps the best `k` per query. */
export interface ScoreTopKKernel {
  /** Short name for messages and benchmarks (`ort-cpu`, `js`). */
  readonly name: string;
  /** Scores `rows` queries against `cols` gallery rows, both row-major and `dim` wide. */
  run(queries: Float32Array, gallery: Float32Array, shape: ScoreTopKShape): Promise<ScoreTopK>;
  /**
   * Scores like {@linkcode ScoreTopKKernel.run} but returns every pair scoring strictly above
   * `threshold` (`shape.k` is ignored): cheap once a running top-K threshold is high.
   */
  runAbove(
    queries: Float32Array,
    gallery: Float32Array,
    shape: ScoreTopKShape,
    threshold: number,
  ): Promise<ScoresAbove>;
  /** Releases native resources. */
  release(): Promise<void>;
}

/**
 * Creates the plain-JavaScript {@linkcode ScoreTopKKernel}.
 *
 * @returns The kernel (no resources to release).
 *
 * @example
 * ```ts
 * import { createJsScoreTopK } from "./_gemm.ts";
 * const kernel = createJsScoreTopK();
 * const q = new Float32Array([1, 0, 0, 1]);
 * const g = new Float32Array([0.5, 0.5, 1, 0, 0, -1]);
 * const r = await kernel.run(q, g, { rows: 2, cols: 3, dim: 2, k: 2 });
 * if (r.indices[0] !== 1 || r.indices[1] !== 0 || r.indices[2] !== 0) throw new Error("wrong");
 * ```
 */
export function createJsScoreTopK(): ScoreTopKKernel {
  let scores = new Float32Array(0);
  return {
    name: "js",
    run(queries, gallery, shape) {
      const { rows, cols } = shape;
      const k = Math.min(shape.k, cols);
      if (scores.length < rows * cols) scores = new Float32Array(rows * cols);
      scoreBlock(queries, gallery, scores, shape);
      const values = new Float32Array(rows * k);
      const indices = new Int32Array(rows * k);
      for (let i = 0; i < rows; i++) {
        selectRow(scores.subarray(i * cols, (i + 1) * cols), k, values, indices, i * k);
      }
      return Promise.resolve({ values, indices, k });
    },
    runAbove(queries, gallery, shape, threshold) {
      const { rows, cols } = shape;
      if (scores.length < rows * cols) scores = new Float32Array(rows * cols);
      scoreBlock(queries, gallery, scores, shape);
      const r: number[] = [], c: number[] = [], v: number[] = [];
      for (let i = 0; i < rows * cols; i++) {
        const score = scores[i]!;
        if (score > threshold) {
          r.push(Math.floor(i / cols));
          c.push(i % cols);
          v.push(score);
        }
      }
      return Promise.resolve({
        rows: Int32Array.from(r),
        cols: Int32Array.from(c),
        values: Float32Array.from(v),
      });
    },
    release() {
      return Promise.resolve();
    },
  };
}

/** `out[i * cols + j] = dot(queries row i, gallery row j)`, summed in float64, stored as float32. */
function scoreBlock(
  queries: Float32Array,
  gallery: Float32Array,
  out: Float32Array,
  { rows, cols, dim }: ScoreTopKShape,
): void {
  for (let i = 0; i < rows; i++) {
    const q = i * dim;
    const o = i * cols;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const g0 = j * dim, g1 = g0 + dim, g2 = g1 + dim, g3 = g2 + dim;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let d = 0; d < dim; d++) {
        const x = queries[q + d]!;
        s0 += x * gallery[g0 + d]!;
        s1 += x * gallery[g1 + d]!;
        s2 += x * gallery[g2 + d]!;
        s3 += x * gallery[g3 + d]!;
      }
      out[o + j] = s0;
      out[o + j + 1] = s1;
      out[o + j + 2] = s2;
      out[o + j + 3] = s3;
    }
    for (; j < cols; j++) {
      const g = j * dim;
      let s = 0;
      for (let d = 0; d < dim; d++) s += queries[q + d]! * gallery[g + d]!;
      out[o + j] = s;
    }
  }
}

/** Writes the `k` largest of `row` (descending; ties by lower column) at `values[at..]`. */
function selectRow(
  row: Float32Array,
  k: number,
  values: Float32Array,
  indices: Int32Array,
  at: number,
): void {
  let n = 0;
  for (let j = 0; j < row.length; j++) {
    const s = row[j]!;
    if (n === k && !(s > values[at + k - 1]!)) continue;
    let p = n < k ? n++ : k - 1;
    while (p > 0 && s > values[at + p - 1]!) {
      values[at + p] = values[at + p - 1]!;
      indices[at + p] = indices[at + p - 1]!;
      p--;
    }
    values[at + p] = s;
    indices[at + p] = j;
  }
}
