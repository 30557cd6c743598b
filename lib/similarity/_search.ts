/**
 * Exact nearest-neighbour search of query embeddings against a large gallery (CASIA-WebFace,
 * about 490,000 x 512): the best gallery match of every query, and the global top-K
 * (query, gallery) pairs. The gallery stays one `Float32Array`; queries are scored in blocks
 * (`queryBlock x galleryBlock` scores at a time, never an `n x N` matrix) by a
 * {@linkcode ScoreTopKKernel}: ONNX Runtime's native GEMM when available, plain JavaScript
 * otherwise (the fallback is reported, with its reason, as a warning). With an int8 kernel
 * (`int8` option), every block goes through the int8 prefilter of {@linkcode ./_int8_search.ts}
 * first, which rescores exactly what its error bound cannot rule out, and falls back to the
 * float32 kernel where it cannot certify a block. The gallery may be an {@linkcode EmbeddingSet}
 * or {@linkcode EmbeddingBlocks} read block by block (an `.npy` file on disk).
 *
 * @module
 */
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import type { EmbeddingSet } from "../embeddings/_embedding_set.ts";
import type { EmbeddingBlocks } from "../embeddings/_npy_blocks.ts";
import { normalizeRows } from "../embeddings/_normalize.ts";
import { createJsScoreTopK, type ScoreTopKKernel, type ScoreTopKShape } from "./_gemm.ts";
import type { Int8TopKKernel } from "./_int8_matmul.ts";
import {
  Int8BestMatchScan,
  type Int8Block,
  Int8TopKScan,
  type PrefilterStats,
} from "./_int8_search.ts";
import { createOrtScoreTopK } from "./_ort_matmul.ts";
import { TopKHeap, type TopKPairs } from "./_topk.ts";

/** Progress of a search, reported after each block. */
export interface SearchProgress {
  /** Query x gallery pairs scored so far. */
  pairs: number;
  /**
   * Pairs to score in all, as known now: {@linkcode topKPairs} learns its exact count when its
   * second pass starts (see there); the last report has `pairs === totalPairs`.
   */
  totalPairs: number;
  /** Milliseconds since the search started. */
  elapsedMs: number;
  /** Estimated milliseconds left (linear in pairs). */
  etaMs: number;
}

/** Options shared by {@linkcode bestMatches} and {@linkcode topKPairs}. */
export interface SearchOptions {
  /** Query rows to search, in this order. @default every row of `queries` */
  rows?: ArrayLike<number>;
  /**
   * Divide both sides by their L2 norms (cosine similarity, as scikit-learn's
   * `cosine_similarity`); false scores raw dot products (as `np.dot` on stored embeddings).
   * Queries are normalised in a block copy, and so is each gallery block (one block buffer);
   * the gallery itself is never modified.
   * @default true
   */
  normalize?: boolean;
  /**
   * The float32 kernel (with `int8`: the kernel of the fallback); {@linkcode createSearchKernel}
   * when absent (then released at the end).
   */
  kernel?: ScoreTopKKernel;
  /**
   * The int8 kernel of the prefilter ({@linkcode createInt8TopK}); the search then scores every
   * block through it and rescores exactly (see {@linkcode ./_int8_search.ts}). Not released here.
   */
  int8?: Int8TopKKernel;
  /**
   * The int8 prefilter's top-k per (query, gallery block): on clustered identities, queries of
   * other identities fell back in 8% of visits with k = 16 and 0.6% with k = 32. @default 32
   */
  prefilterK?: number;
  /**
   * Told why, when the kernel is created here and falls back to JavaScript.
   * @default consoleReporter()
   */
  reporter?: Reporter;
  /** Queries per kernel call. @default 2048 */
  queryBlock?: number;
  /** Gallery rows per kernel call. @default 32768 */
  galleryBlock?: number;
  /** Called after each kernel call. */
  onProgress?: (progress: SearchProgress) => void;
}

/** Best gallery match of each searched query: the result of {@linkcode bestMatches}. */
export interface BestMatchResult {
  /** Query rows, in search order. */
  queries: Uint32Array;
  /** Gallery row of the best match of each query (the first one among equal scores). */
  gallery: Uint32Array;
  /** Score of that match. */
  scores: Float32Array;
  /** Name of the kernel that ran (`int8/<fp32 kernel>` with the int8 prefilter). */
  kernel: string;
  /** What the int8 prefilter did, when it ran. */
  prefilter?: PrefilterStats;
}

/** Options of {@linkcode topKPairs}. */
export interface TopKOptions extends SearchOptions {
  /** Pairs to keep. @default 100 */
  k?: number;
  /** Keep only pairs with a score above 0, as the original `find_closest.py`. @default true */
  positiveOnly?: boolean;
}

/** Result of {@linkcode topKPairs}: columns sorted by score, best first. */
export interface TopKResult extends TopKPairs {
  /** Name of the kernel that ran (`int8/<fp32 kernel>` with the int8 prefilter). */
  kernel: string;
  /** What the int8 prefilter did over both passes, when it ran. */
  prefilter?: PrefilterStats;
}

/** A gallery in memory, or read block by block. */
export type Gallery = EmbeddingSet | EmbeddingBlocks;

/** Options of {@linkcode createSearchKernel}. */
export interface CreateSearchKernelOptions {
  /**
   * Warned, with the reason, when ONNX Runtime is unavailable and the JavaScript kernel is used.
   * @default consoleReporter()
   */
  reporter?: Reporter;
  /**
   * Creates the ONNX Runtime kernel (injectable, to test the fallback).
   * @default createOrtScoreTopK
   */
  createNative?: () => Promise<ScoreTopKKernel>;
}

/**
 * The fastest kernel this machine offers: ONNX Runtime's CPU backend, or the JavaScript kernel
 * when onnxruntime-node cannot load, which is reported as the warning
 * `search: ONNX Runtime unavailable (<reason>); using the JavaScript kernel`.
 *
 * @param options The reporter told about a fallback; the native kernel's factory.
 * @returns A kernel; release it after use.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { createSearchKernel } from "./_search.ts";
 * const reporter = memoryReporter();
 * const createNative = () => Promise.reject(new Error("no native runtime here"));
 * const kernel = await createSearchKernel({ reporter, createNative });
 * await kernel.release();
 * if (kernel.name !== "js") throw new Error(`expected the JavaScript fallback, got ${kernel.name}`);
 * const [warning] = reporter.warnings().keys();
 * if (!warning?.includes("no native runtime here")) throw new Error(`no reason: ${warning}`);
 * ```
 */
export async function createSearchKernel(
  options: CreateSearchKernelOptions = {},
): Promise<ScoreTopKKernel> {
  const { createNative = () => createOrtScoreTopK() } = options;
  try {
    return await createNative();
  } catch (error) {
    const { reporter = consoleReporter() } = options;
    const reason = error instanceof Error ? error.message : String(error);
    reporter.warn(`search: ONNX Runtime unavailable (${reason}); using the JavaScript kernel`);
    return createJsScoreTopK();
  }
}

/** The caller's kernel, or one created for this search (and told the caller's reporter). */
function kernelOf(options: SearchOptions): Promise<ScoreTopKKernel> | ScoreTopKKernel {
  if (options.kernel) return options.kernel;
  return createSearchKernel(options.reporter ? { reporter: options.reporter } : {});
}

/**
 * Finds, for each query row, the gallery row with the highest similarity.
 *
 * @param queries The query embeddings.
 * @param gallery The reference embeddings, same dimension (in memory, or in blocks).
 * @param options Rows to search, normalisation, kernel (or the reporter told about a fallback),
 * block sizes, progress.
 * @returns Columns: query row, best gallery row, score.
 * @throws {RangeError} When dimensions differ, the gallery is empty or a row is out of range.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { bestMatches } from "./_search.ts";
 * const g = embeddingSet(["a", "b"], ["1.jpg", "2.jpg"], new Float32Array([1, 0, 0, 1]), 2);
 * const q = embeddingSet(["x"], ["x.png"], new Float32Array([0.1, 0.9]), 2);
 * const best = await bestMatches(q, g);
 * if (best.gallery[0] !== 1) throw new Error("wrong match");
 * ```
 */
export async function bestMatches(
  queries: EmbeddingSet,
  gallery: Gallery,
  options: SearchOptions = {},
): Promise<BestMatchResult> {
  const rows = checkedRows(queries, gallery, options.rows);
  checkBlocks(options);
  const kernel = await kernelOf(options);
  try {
    const progress = new ProgressReporter(options.onProgress);
    progress.total = rows.length * gallery.identities.length;
    const stats = new StatsSum(options);
    const best = await bestOfRows(queries, gallery, rows, options, kernel, progress, stats);
    return { queries: rows, ...best, ...stats.result(kernel) };
  } finally {
    if (!options.kernel) await kernel.release();
  }
}

/**
 * Finds the `k` (query, gallery) pairs with the highest similarity over all searched queries.
 *
 * Exact, in two passes when there are more queries than `k`. Pass 1 is the best-match scan: it
 * gives each query its best score. The `k` best of those scores belong to `k` distinct pairs, so
 * the `k`-th of them, T, bounds the `k`-th best pair score from below, and only queries whose
 * best score reaches T can own a pair that does. Pass 2 rescans just those queries (usually
 * about `k` of them) against the whole gallery, keeping the pairs above T (less a float32
 * rounding margin) in the running top-K. With `k` or fewer queries, one pass keeps the running
 * top-K directly. Either way the pairs, and the order of equal scores, are those of a single scan
 * over every query (gallery blocks outside, query blocks inside, each block row by row): an
 * earlier pair of that scan wins a tie.
 *
 * Progress: `totalPairs` first counts pass 1 and `k` queries of pass 2; when pass 2 starts it
 * becomes the exact count (the pairs of pass 1 plus the rescanned queries against the gallery),
 * and the last report has `pairs === totalPairs`.
 *
 * @param queries The query embeddings.
 * @param gallery The reference embeddings, same dimension (in memory, or in blocks).
 * @param options `k`, positive-only filter, rows, normalisation, kernel (or the reporter told
 * about a fallback), block sizes, progress.
 * @returns Pair columns sorted by score (ties in search order); fewer than `k` when there are
 * fewer (positive) pairs.
 * @throws {RangeError} When dimensions differ, the gallery is empty, a row is out of range or
 * `k` is not a positive integer.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { topKPairs } from "./_search.ts";
 * const g = embeddingSet(["a", "b"], ["1.jpg", "2.jpg"], new Float32Array([1, 0, 0, 1]), 2);
 * const q = embeddingSet(["x", "y"], ["x.png", "y.png"], new Float32Array([0, 1, 0.6, 0.8]), 2);
 * const top = await topKPairs(q, g, { k: 2 });
 * if (top.queries[0] !== 0 || top.gallery[0] !== 1 || top.queries[1] !== 1) throw new Error("wrong");
 * ```
 */
export async function topKPairs(
  queries: EmbeddingSet,
  gallery: Gallery,
  options: TopKOptions = {},
): Promise<TopKResult> {
  const { k = 100, positiveOnly = true } = options;
  new TopKHeap(k); // checks k
  const rows = checkedRows(queries, gallery, options.rows);
  checkBlocks(options);
  const floor = positiveOnly ? 0 : -Infinity;
  const n = gallery.identities.length;
  const progress = new ProgressReporter(options.onProgress);
  const kernel = await kernelOf(options);
  const stats = new StatsSum(options);
  const topK = (rows: Uint32Array, floor: number) =>
    topKOfRows(queries, gallery, rows, options, kernel, k, floor, progress, stats);
  try {
    if (rows.length <= k) {
      progress.total = rows.length * n;
      return { ...(await topK(rows, floor)).sorted(), ...stats.result(kernel) };
    }
    // Pass 1: each query's best score.
    progress.total = (rows.length + k) * n;
    const { scores: best } = await bestOfRows(
      queries,
      gallery,
      rows,
      options,
      kernel,
      progress,
      stats,
    );
    const { candidates, above } = pass2Candidates(rows, best, k, floor);
    // Pass 2: the queries that can own a top-K pair, in search order.
    progress.total = (rows.length + candidates.length) * n;
    if (candidates.length === 0) progress.report();
    let heap = await topK(candidates, above);
    if (heap.size < Math.min(k, countAbove(best, floor))) {
      // Pass 2 scored some pair below its pass-1 value by more than the margin: rescan all.
      progress.total += rows.length * n;
      heap = await topK(rows, floor);
    }
    return { ...heap.sorted(), ...stats.result(kernel) };
  } finally {
    if (!options.kernel) await kernel.release();
  }
}

/**
 * Relative float32 margin between the pass-1 and pass-2 scores of one pair: the same products
 * summed by GEMM calls of other shapes may round differently (a few ulps of a dot product).
 */
const MARGIN = 2 ** -16;

/**
 * The positions in search order of the queries pass 2 rescans, as query rows, and the score its
 * pairs must exceed: T (the `k`-th best of the `best` scores) less the margin, but at least
 * `floor`. A query is rescanned when its best score exceeds that score less the margin again.
 */
function pass2Candidates(
  rows: Uint32Array,
  best: Float32Array,
  k: number,
  floor: number,
): { candidates: Uint32Array; above: number } {
  const sorted = best.slice().sort(); // ascending; NaN never occurs (-Infinity for NaN rows)
  const t = sorted[sorted.length - k]!; // k < best.length here
  const margin = MARGIN * Math.max(1, Math.abs(t));
  const above = Math.max(floor, t - margin);
  const cut = above - margin;
  let count = 0;
  for (let i = 0; i < best.length; i++) if (best[i]! > cut) count++;
  const candidates = new Uint32Array(count);
  for (let i = 0, c = 0; i < best.length; i++) if (best[i]! > cut) candidates[c++] = rows[i]!;
  return { candidates, above };
}

/** The int8 prefilter's counts summed over the passes of one search. */
class StatsSum {
  readonly #int8: Int8TopKKernel | undefined;
  #sum: PrefilterStats | undefined;

  constructor(options: SearchOptions) {
    this.#int8 = options.int8;
  }

  add(stats: PrefilterStats): void {
    if (!this.#sum) {
      this.#sum = { ...stats };
      return;
    }
    this.#sum.visits += stats.visits;
    this.#sum.rescored += stats.rescored;
    this.#sum.fallbackVisits += stats.fallbackVisits;
    this.#sum.fallbackQueries += stats.fallbackQueries;
    this.#sum.float32Visits += stats.float32Visits;
  }

  result(kernel: ScoreTopKKernel): { kernel: string; prefilter?: PrefilterStats } {
    if (!this.#int8) return { kernel: kernel.name };
    const prefilter = this.#sum ??
      { k: 0, visits: 0, rescored: 0, fallbackVisits: 0, fallbackQueries: 0, float32Visits: 0 };
    return { kernel: `int8/${kernel.name}`, prefilter };
  }
}

function countAbove(values: Float32Array, floor: number): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > floor) count++;
  return count;
}

/** Best gallery row and score of each query of `rows`, in order. */
async function bestOfRows(
  queries: EmbeddingSet,
  gallery: Gallery,
  rows: Uint32Array,
  options: SearchOptions,
  kernel: ScoreTopKKernel,
  progress: ProgressReporter,
  stats: StatsSum,
): Promise<{ gallery: Uint32Array; scores: Float32Array }> {
  const bestGallery = new Uint32Array(rows.length);
  const bestScores = new Float32Array(rows.length).fill(-Infinity);
  if (options.int8) {
    const scan = new Int8BestMatchScan(
      { int8: options.int8, fp32: kernel },
      gallery.dim,
      prefilterKOf(options),
      { gallery: bestGallery, scores: bestScores },
    );
    await scanBlocks(queries, gallery, rows, options, progress, int8Visit(scan));
    stats.add(scan.stats);
    return { gallery: bestGallery, scores: bestScores };
  }
  await scanBlocks(queries, gallery, rows, options, progress, async (block) => {
    const { values, indices, k } = await kernel.run(block.queries, block.gallery, block.shape);
    const { queryStart, galleryStart } = block;
    for (let i = 0; i < block.shape.rows; i++) {
      const v = values[i * k]!;
      if (v > bestScores[queryStart + i]!) {
        bestScores[queryStart + i] = v;
        bestGallery[queryStart + i] = galleryStart + indices[i * k]!;
      }
    }
  });
  return { gallery: bestGallery, scores: bestScores };
}

/**
 * The running top-`k` of the pairs of `rows` scoring above `floor`, offered in scan order (so
 * that the heap keeps the earlier of equal scores).
 */
async function topKOfRows(
  queries: EmbeddingSet,
  gallery: Gallery,
  rows: Uint32Array,
  options: SearchOptions,
  kernel: ScoreTopKKernel,
  k: number,
  floor: number,
  progress: ProgressReporter,
  stats: StatsSum,
): Promise<TopKHeap> {
  const heap = new TopKHeap(k);
  if (rows.length === 0) return heap;
  if (options.int8) {
    // A pass of fewer queries than one query block (pass 2 rescans about k of them) would
    // spend more on quantising the gallery than the int8 scores save.
    const { queryBlock = 2048 } = options;
    const scan = new Int8TopKScan(
      { int8: options.int8, fp32: kernel },
      gallery.dim,
      prefilterKOf(options),
      heap,
      floor,
      rows,
      rows.length >= queryBlock,
    );
    await scanBlocks(queries, gallery, rows, options, progress, int8Visit(scan));
    stats.add(scan.stats);
    return heap;
  }
  await scanBlocks(queries, gallery, rows, options, progress, async (block) => {
    const { queryStart, galleryStart } = block;
    if (heap.size === k) {
      // Full heap: only pairs above its threshold can enter, and they are few.
      const above = await kernel.runAbove(
        block.queries,
        block.gallery,
        block.shape,
        Math.max(heap.threshold, floor),
      );
      for (let t = 0; t < above.values.length; t++) {
        const v = above.values[t]!;
        if (v > heap.threshold) {
          heap.offer(v, rows[queryStart + above.rows[t]!]!, galleryStart + above.cols[t]!);
        }
      }
      return;
    }
    const { values, indices, k: kk } = await kernel.run(block.queries, block.gallery, {
      ...block.shape,
      k,
    });
    for (let i = 0; i < block.shape.rows; i++) {
      const query = rows[queryStart + i]!;
      for (let t = 0; t < kk; t++) {
        const v = values[i * kk + t]!;
        if (!(v > floor) || !(v > heap.threshold)) break;
        heap.offer(v, query, galleryStart + indices[i * kk + t]!);
      }
    }
  });
  return heap;
}

/** Turns pair counts into {@linkcode SearchProgress} reports. */
class ProgressReporter {
  /** Pairs to score in all, as known now. */
  total = 0;
  #pairs = 0;
  readonly #started = performance.now();
  readonly #onProgress: ((progress: SearchProgress) => void) | undefined;

  constructor(onProgress?: (progress: SearchProgress) => void) {
    this.#onProgress = onProgress;
  }

  /** Counts `pairs` more scored pairs and reports. */
  add(pairs: number): void {
    this.#pairs += pairs;
    this.report();
  }

  /** Reports the current counts. */
  report(): void {
    if (!this.#onProgress) return;
    const elapsedMs = performance.now() - this.#started;
    const pairs = this.#pairs;
    const totalPairs = this.total;
    const etaMs = pairs > 0 ? elapsedMs * (totalPairs - pairs) / pairs : 0;
    this.#onProgress({ pairs, totalPairs, elapsedMs, etaMs });
  }
}

/** One (query block, gallery block) of a scan, ready for the kernel. */
interface Block {
  /** Query rows, gathered (and normalised when asked). */
  queries: Float32Array;
  /** Gallery rows (a view, or a normalised copy). */
  gallery: Float32Array;
  shape: ScoreTopKShape;
  /** Position in `rows` of the block's first query. */
  queryStart: number;
  /** Gallery row of the block's first column. */
  galleryStart: number;
}

function prefilterKOf(options: SearchOptions): number {
  return options.prefilterK ?? 32;
}

function checkedRows(
  queries: EmbeddingSet,
  gallery: Gallery,
  rows: ArrayLike<number> | undefined,
): Uint32Array {
  if (queries.dim !== gallery.dim) {
    throw new RangeError(
      `Cannot search the gallery with these queries: query dimension ${queries.dim} differs from gallery dimension ${gallery.dim}`,
    );
  }
  if (gallery.identities.length === 0) {
    throw new RangeError("Cannot search the gallery: current size is 0");
  }
  const n = queries.identities.length;
  if (rows === undefined) return Uint32Array.from({ length: n }, (_, i) => i);
  const out = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r === undefined || !Number.isInteger(r) || r < 0 || r >= n) {
      throw new RangeError(`Cannot search query row ${i}: current value is ${r}, not in [0, ${n})`);
    }
    out[i] = r;
  }
  return out;
}

/**
 * Copies gallery `rows` into `out`, divided by their L2 norms ({@linkcode normalizeRows},
 * float64 norm); returns false, copying nothing, when every row is already unit length in
 * float32 (so the stored rows are searched as they are).
 */
function normalizedBlock(rows: Float32Array, dim: number, out: Float32Array): boolean {
  if (isUnitLength(rows, dim)) return false;
  normalizeRows(rows, dim, { out: out.subarray(0, rows.length), norm: "float64" });
  return true;
}

/**
 * Whether dividing each row by its norm would leave it as it is in float32: true when every
 * row's `1 / norm` rounds to 1 (rows with a zero or NaN sum of squares count as unit length,
 * since normalising leaves their scores as they are). Stops at the first row that is not.
 */
function isUnitLength(rows: Float32Array, dim: number): boolean {
  for (let start = 0; start < rows.length; start += dim) {
    let s = 0;
    for (let d = start; d < start + dim; d++) s += rows[d]! * rows[d]!;
    if (s > 0 && Math.fround(1 / Math.sqrt(s)) !== 1) return false;
  }
  return true;
}

/** Copies query rows into `block` (normalised when asked). */
function gatherQueries(
  set: EmbeddingSet,
  rows: Uint32Array,
  start: number,
  count: number,
  block: Float32Array,
  normalize: boolean,
): void {
  const { vectors, dim } = set;
  for (let i = 0; i < count; i++) {
    const src = rows[start + i]! * dim;
    const dst = i * dim;
    block.set(vectors.subarray(src, src + dim), dst);
  }
  if (normalize) normalizeRows(block.subarray(0, count * dim), dim, { norm: "float64" });
}

function checkBlocks(options: SearchOptions): void {
  const { queryBlock = 2048, galleryBlock = 32768, prefilterK = 32 } = options;
  for (
    const [name, value] of [
      ["queryBlock", queryBlock],
      ["galleryBlock", galleryBlock],
      ["prefilterK", prefilterK],
    ]
  ) {
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new RangeError(`Cannot search with ${name}: current value is ${value}`);
    }
  }
}

/** A visitor of {@linkcode scanBlocks} that hands each block to an int8 scan. */
function int8Visit(
  scan: { visit(block: Int8Block): Promise<void> },
): (block: Block) => Promise<void> {
  return (block) =>
    scan.visit({
      queries: block.queries,
      gallery: block.gallery,
      rows: block.shape.rows,
      cols: block.shape.cols,
      queryStart: block.queryStart,
      galleryStart: block.galleryStart,
    });
}

/**
 * Runs `visit` on every (gallery block, query block): gallery blocks outside, so that each is
 * normalised once; progress is reported after each visit.
 */
async function scanBlocks(
  queries: EmbeddingSet,
  gallery: Gallery,
  rows: Uint32Array,
  options: SearchOptions,
  progress: ProgressReporter,
  visit: (block: Block) => Promise<void>,
): Promise<void> {
  const { normalize = true, queryBlock = 2048, galleryBlock = 32768 } = options;
  const { dim } = gallery;
  const n = gallery.identities.length;
  const queryBuffer = new Float32Array(Math.min(queryBlock, rows.length) * dim);
  const galleryBuffer = normalize ? new Float32Array(Math.min(galleryBlock, n) * dim) : undefined;
  for (let g0 = 0; g0 < n; g0 += galleryBlock) {
    const cols = Math.min(galleryBlock, n - g0);
    const stored = "read" in gallery
      ? await gallery.read(g0, cols)
      : gallery.vectors.subarray(g0 * dim, (g0 + cols) * dim);
    const block = galleryBuffer && normalizedBlock(stored, dim, galleryBuffer)
      ? galleryBuffer
      : stored;
    for (let q0 = 0; q0 < rows.length; q0 += queryBlock) {
      const blockRows = Math.min(queryBlock, rows.length - q0);
      gatherQueries(queries, rows, q0, blockRows, queryBuffer, normalize);
      await visit({
        queries: queryBuffer,
        gallery: block,
        shape: { rows: blockRows, cols, dim, k: 1 },
        queryStart: q0,
        galleryStart: g0,
      });
      progress.add(blockRows * cols);
    }
  }
}
