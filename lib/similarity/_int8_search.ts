/**
 * The int8 prefilter of the exact search, and its proof. Each (query block, gallery block) is
 * quantised ({@linkcode ./_int8_quantize.ts}) and scored by `MatMulInteger` with `TopK` in the
 * graph ({@linkcode ./_int8_matmul.ts}); only each query row's `k` best int32 dot products come
 * back. For a query `x = s_x q_x + e_x` and a gallery row `y = s_y q_y + e_y`,
 *
 *     x.y = s_x s_y (q_x . q_y) + (s_x q_x) . e_y + e_x . y,
 *     |x.y - s_x s_y (q_x . q_y)| <= |s_x q_x| |e_y| + |e_x| |y|     (Cauchy-Schwarz),
 *
 * so every approximate score `a` comes with a bound `b` (plus `2^-22 |x| |y|`, which covers the
 * float32 rounding of the exact score and the float64 arithmetic of `a` and `b`): the exact score
 * lies in `[a - b, a + b]`. A gallery row the block's top-k left out has `a` at most the k-th
 * kept one, so its score is at most that `a` plus the block's largest bound (the cap).
 *
 * Best match: every kept candidate whose upper bound reaches the query's running best (or the
 * best lower bound among the block's candidates) is rescored exactly; when the cap reaches the
 * best as well, the block may hide a better row and the query falls back, for that block, to
 * the float32 scan: the fp32 kernel returns every pair within its own rounding bound of the best,
 * and those are rescored exactly. Global top-K: the same with the running K-th best (the heap's
 * threshold, or the pass's floor) in place of the best.
 *
 * "Exactly" is one arithmetic for every rescored pair: float32 products summed in float64 in
 * index order, rounded to float32 (the `js` kernel's arithmetic), so the result does not depend
 * on block shapes, and equals the `js` kernel's search bit for bit: same best match, same score,
 * same tie rule (lowest gallery row), same top-K order. ONNX Runtime's float32 GEMM rounds a
 * score differently with the block shape (a few ulps), so the `ort-cpu` search agrees with it to
 * within those ulps.
 *
 * @module
 */
import type { ScoreTopKKernel } from "./_gemm.ts";
import type { Int8TopKKernel } from "./_int8_matmul.ts";
import {
  type QuantizedNorms,
  quantizedNorms,
  quantizeGalleryBlock,
  quantizeQueryRows,
} from "./_int8_quantize.ts";
import type { TopKHeap } from "./_topk.ts";

/** What the prefilter did: the facts a task words (and the bench prints). */
export interface PrefilterStats {
  /** The prefilter's top-k per (query, gallery block). */
  k: number;
  /** Query x gallery-block visits. */
  visits: number;
  /** Pairs rescored exactly. */
  rescored: number;
  /** Visits that fell back to the float32 scan of their gallery block. */
  fallbackVisits: number;
  /** Query rows (positions in the search) with at least one fallback visit. */
  fallbackQueries: number;
  /**
   * Visits of a top-K pass with too few queries for quantising the gallery to pay (fewer than
   * one query block): scored by the float32 kernel, every pair within its rounding bound of the
   * running K-th best rescored exactly.
   */
  float32Visits: number;
}

/** One (query block, gallery block) in float32, as the search's block scan hands it over. */
export interface Int8Block {
  /** `rows x dim` query rows (normalised when the search normalises). */
  queries: Float32Array;
  /** `cols x dim` gallery rows (normalised when the search normalises). */
  gallery: Float32Array;
  /** Query rows in the block. */
  rows: number;
  /** Gallery rows in the block. */
  cols: number;
  /** Position (in the search's rows) of the block's first query. */
  queryStart: number;
  /** Gallery row of the block's first column. */
  galleryStart: number;
}

/** A query row of a block whose block top-k could not be certified. */
interface FallbackRequest {
  /** Row within the block. */
  i: number;
  /** Position in the search. */
  p: number;
  /** The exact score a column must reach to matter. */
  threshold: number;
}

/** Rounding up of bounds: relative, over the float64 products and sums that build them. */
const BOUND_UP = 1 + 2 ** -30;
/** Float32 rounding of an exact score and of the float64 sums: times `|x| |y|`. */
const EXACT_SLACK = 2 ** -22;

/**
 * The exact score of the search: float32 products summed in float64 in index order, rounded to
 * float32 (the `js` kernel's arithmetic).
 *
 * @param a First row's array.
 * @param ao Offset of its first value.
 * @param b Second row's array.
 * @param bo Offset of its first value.
 * @param dim Row width.
 * @returns `fround(sum a[ao + d] * b[bo + d])`.
 *
 * @example
 * ```ts
 * import { exactScore } from "./_int8_search.ts";
 * const x = new Float32Array([0.5, 0.25, 3]);
 * if (exactScore(x, 0, new Float32Array([1, 2]), 0, 2) !== 1) throw new Error("unexpected");
 * ```
 */
export function exactScore(
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  dim: number,
): number {
  let s = 0;
  for (let d = 0; d < dim; d++) s += a[ao + d]! * b[bo + d]!;
  return Math.fround(s);
}

/** The error bound of ONNX Runtime's or JavaScript's float32 block scores, times `|x| |y|`. */
function fp32Slack(dim: number): number {
  return (2 * dim + 8) * 2 ** -24;
}

/** Shared machinery: quantised buffers, the kernels, the counts. */
class Int8Scan {
  readonly stats: PrefilterStats;
  readonly #int8: Int8TopKKernel;
  readonly #fp32: ScoreTopKKernel;
  readonly #dim: number;
  /** Codes and norms of every query row of the pass, by position, quantised on first use. */
  readonly #queryCodes: Uint8Array;
  readonly #queryNorms: QuantizedNorms;
  readonly #quantized = new Set<number>();
  #galleryCodes = new Int8Array(0);
  #galleryNorms = quantizedNorms(0);
  #galleryStart = -1;
  /** Block scale, and the largest residual norm and norm of its finite rows. */
  galleryScale = 0;
  galleryMaxResidual = 0;
  galleryMaxNorm = 0;
  readonly #fallbackSeen = new Set<number>();
  #fallbackQueries = new Float32Array(0);

  constructor(
    int8: Int8TopKKernel,
    fp32: ScoreTopKKernel,
    dim: number,
    k: number,
    totalRows: number,
  ) {
    this.#queryCodes = new Uint8Array(totalRows * dim);
    this.#queryNorms = quantizedNorms(totalRows);
    this.#int8 = int8;
    this.#fp32 = fp32;
    this.#dim = dim;
    this.stats = {
      k,
      visits: 0,
      rescored: 0,
      fallbackVisits: 0,
      fallbackQueries: 0,
      float32Visits: 0,
    };
  }

  get queryNorms(): QuantizedNorms {
    return this.#queryNorms;
  }

  get galleryNorms(): QuantizedNorms {
    return this.#galleryNorms;
  }

  /** Quantises the block (the gallery once per gallery block) and runs the int8 top-k. */
  async prefilter(block: Int8Block, k: number) {
    const dim = this.#dim;
    const { rows, cols } = block;
    if (block.galleryStart !== this.#galleryStart) {
      if (this.#galleryCodes.length < cols * dim) {
        this.#galleryCodes = new Int8Array(cols * dim);
        this.#galleryNorms = quantizedNorms(cols);
      }
      this.galleryScale = quantizeGalleryBlock(
        block.gallery,
        cols,
        dim,
        this.#galleryCodes,
        this.#galleryNorms,
      );
      let maxE = 0, maxN = 0;
      for (let j = 0; j < cols; j++) {
        const e = this.#galleryNorms.residualNorm[j]!, n = this.#galleryNorms.norm[j]!;
        if (e > maxE) maxE = e; // NaN rows never score, so they need no cap
        if (n > maxN) maxN = n;
      }
      this.galleryMaxResidual = maxE;
      this.galleryMaxNorm = maxN;
      this.#galleryStart = block.galleryStart;
    }
    const first = block.queryStart;
    const codes = this.#queryCodes.subarray(first * dim, (first + rows) * dim);
    if (!this.#quantized.has(first)) {
      const n = this.#queryNorms;
      quantizeQueryRows(block.queries, rows, dim, codes, {
        scale: n.scale.subarray(first),
        codeNorm: n.codeNorm.subarray(first),
        residualNorm: n.residualNorm.subarray(first),
        norm: n.norm.subarray(first),
      });
      this.#quantized.add(first);
    }
    this.stats.visits += rows;
    return await this.#int8.run(codes, this.#galleryCodes, { rows, cols, dim, k });
  }

  /**
   * The norms the float32 fallback's bound needs, without quantising: the block's largest row
   * norm (once per gallery block) and each query's norm (once per position).
   */
  measure(block: Int8Block): void {
    const dim = this.#dim;
    const norm = (rows: Float32Array, r: number) => {
      let s = 0;
      for (let d = r * dim; d < (r + 1) * dim; d++) s += rows[d]! * rows[d]!;
      return Math.sqrt(s) * (1 + 2 ** -40);
    };
    if (block.galleryStart !== this.#galleryStart) {
      let maxN = 0;
      for (let j = 0; j < block.cols; j++) {
        const n = norm(block.gallery, j);
        if (n > maxN && n !== Infinity) maxN = n;
      }
      this.galleryMaxNorm = maxN;
      this.#galleryStart = block.galleryStart;
    }
    if (!this.#quantized.has(block.queryStart)) {
      for (let i = 0; i < block.rows; i++) {
        this.#queryNorms.norm[block.queryStart + i] = norm(block.queries, i);
      }
      this.#quantized.add(block.queryStart);
    }
    this.stats.visits += block.rows;
  }

  /** Bound of the approximate score of query position `i` and gallery column `j`. */
  bound(i: number, j: number): number {
    const q = this.#queryNorms, g = this.#galleryNorms;
    return (q.codeNorm[i]! * g.residualNorm[j]! + q.residualNorm[i]! * g.norm[j]!) * BOUND_UP +
      EXACT_SLACK * q.norm[i]! * g.norm[j]!;
  }

  /** Largest bound of query position `i` over the block's finite rows. */
  capBound(i: number): number {
    const q = this.#queryNorms;
    return (q.codeNorm[i]! * this.galleryMaxResidual + q.residualNorm[i]! * this.galleryMaxNorm) *
        BOUND_UP + EXACT_SLACK * q.norm[i]! * this.galleryMaxNorm;
  }

  /** Exact score of block query row `i` and block column `j`. */
  exact(block: Int8Block, i: number, j: number): number {
    this.stats.rescored++;
    return exactScore(block.queries, i * this.#dim, block.gallery, j * this.#dim, this.#dim);
  }

  /**
   * For each request (block row `i`, search position `p`, a finite or infinite `threshold`), the
   * columns whose exact score may be at least the threshold, found by the float32 scan of the
   * whole gallery block: every column whose fp32 score is within the fp32 rounding bound of the
   * threshold, in column order (every column for a threshold of -Infinity). The finite requests
   * share one kernel call. Each request counts as a fallback visit.
   */
  async fallbacks(
    block: Int8Block,
    requests: FallbackRequest[],
    counted: "fallback" | "float32" = "fallback",
  ): Promise<Int32Array[]> {
    const dim = this.#dim;
    const out: Int32Array[] = new Array(requests.length);
    const batch: number[] = [];
    const lows: number[] = [];
    let lowest = Infinity;
    requests.forEach(({ p, threshold }, r) => {
      if (counted === "float32") {
        this.stats.float32Visits++;
      } else {
        this.stats.fallbackVisits++;
        if (!this.#fallbackSeen.has(p)) {
          this.#fallbackSeen.add(p);
          this.stats.fallbackQueries++;
        }
      }
      const margin = 2 * fp32Slack(dim) * this.#queryNorms.norm[p]! * this.galleryMaxNorm;
      const low = threshold - margin;
      if (low > -Infinity) {
        batch.push(r);
        lows.push(low);
        if (low < lowest) lowest = low;
      } else {
        out[r] = Int32Array.from({ length: block.cols }, (_, j) => j);
      }
    });
    if (batch.length === 0) return out;
    if (this.#fallbackQueries.length < batch.length * dim) {
      this.#fallbackQueries = new Float32Array(batch.length * dim);
    }
    const gathered = this.#fallbackQueries;
    batch.forEach((r, b) => {
      const i = requests[r]!.i;
      gathered.set(block.queries.subarray(i * dim, (i + 1) * dim), b * dim);
    });
    const above = await this.#fp32.runAbove(
      gathered,
      block.gallery,
      { rows: batch.length, cols: block.cols, dim, k: 1 },
      lowest,
    );
    const columns: number[][] = batch.map(() => []);
    for (let t = 0; t < above.values.length; t++) {
      const b = above.rows[t]!;
      if (above.values[t]! > lows[b]!) columns[b]!.push(above.cols[t]!);
    }
    batch.forEach((r, b) => (out[r] = Int32Array.from(columns[b]!)));
    return out;
  }
}

/**
 * The best-match scan with the int8 prefilter: visits update each query's best gallery row and
 * exact score in place.
 */
export class Int8BestMatchScan {
  readonly #scan: Int8Scan;
  readonly #k: number;
  readonly #bestGallery: Uint32Array;
  readonly #bestScores: Float32Array;

  /**
   * Creates the scan of one best-match pass.
   *
   * @param kernels The int8 kernel and the float32 kernel of the fallback.
   * @param dim Row width.
   * @param k The prefilter's top-k per (query, gallery block).
   * @param best The search's columns, updated in place (`scores` start at -Infinity).
   */
  constructor(
    kernels: { int8: Int8TopKKernel; fp32: ScoreTopKKernel },
    dim: number,
    k: number,
    best: { gallery: Uint32Array; scores: Float32Array },
  ) {
    this.#scan = new Int8Scan(kernels.int8, kernels.fp32, dim, k, best.scores.length);
    this.#k = k;
    this.#bestGallery = best.gallery;
    this.#bestScores = best.scores;
  }

  /** What the prefilter did so far. */
  get stats(): PrefilterStats {
    return this.#scan.stats;
  }

  /**
   * Scores one block.
   *
   * @param block The block in float32.
   */
  async visit(block: Int8Block): Promise<void> {
    const scan = this.#scan;
    const { values, indices, k } = await scan.prefilter(block, this.#k);
    const scale = scan.galleryScale;
    const requests: FallbackRequest[] = [];
    for (let i = 0; i < block.rows; i++) {
      const p = block.queryStart + i;
      const sx = scan.queryNorms.scale[p]! * scale;
      let threshold = this.#bestScores[p]!;
      for (let t = 0; t < k; t++) {
        const j = indices[i * k + t]!;
        const lo = sx * values[i * k + t]! - scan.bound(p, j);
        if (lo > threshold) threshold = lo;
      }
      for (let t = 0; t < k; t++) {
        const j = indices[i * k + t]!;
        if (sx * values[i * k + t]! + scan.bound(p, j) >= threshold) this.#offer(block, i, p, j);
      }
      const cap = k < block.cols ? sx * values[i * k + k - 1]! + scan.capBound(p) : -Infinity;
      if (cap >= this.#bestScores[p]!) requests.push({ i, p, threshold: this.#bestScores[p]! });
    }
    if (requests.length === 0) return;
    const columns = await scan.fallbacks(block, requests);
    requests.forEach(({ i, p }, r) => {
      for (const j of columns[r]!) this.#offer(block, i, p, j);
    });
  }

  #offer(block: Int8Block, i: number, p: number, j: number): void {
    const f = this.#scan.exact(block, i, j);
    const g = block.galleryStart + j;
    const best = this.#bestScores[p]!;
    if (f > best || (f === best && g < this.#bestGallery[p]!)) {
      this.#bestScores[p] = f;
      this.#bestGallery[p] = g;
    }
  }
}

/**
 * The global top-K scan with the int8 prefilter: visits offer the exact pairs that can enter the
 * running top-K to the heap, in scan order (gallery block, query, then score descending and
 * column ascending), as the float32 search offers them.
 */
export class Int8TopKScan {
  readonly #scan: Int8Scan;
  readonly #k: number;
  readonly #heap: TopKHeap;
  readonly #floor: number;
  readonly #rows: Uint32Array;
  readonly #quantize: boolean;

  /**
   * Creates the scan of one top-K pass.
   *
   * @param kernels The int8 kernel and the float32 kernel of the fallback.
   * @param dim Row width.
   * @param k The prefilter's top-k per (query, gallery block).
   * @param heap The running top-K.
   * @param floor Pairs must score above it.
   * @param rows Query row of each search position (what the heap records).
   * @param quantize Whether to run the int8 prefilter; false scores every visit with the
   *   float32 kernel and rescores exactly (for passes of fewer queries than one query block,
   *   where quantising each gallery block would cost more than it saves).
   */
  constructor(
    kernels: { int8: Int8TopKKernel; fp32: ScoreTopKKernel },
    dim: number,
    k: number,
    heap: TopKHeap,
    floor: number,
    rows: Uint32Array,
    quantize = true,
  ) {
    this.#scan = new Int8Scan(kernels.int8, kernels.fp32, dim, k, rows.length);
    this.#quantize = quantize;
    this.#k = k;
    this.#heap = heap;
    this.#floor = floor;
    this.#rows = rows;
  }

  /** What the prefilter did so far. */
  get stats(): PrefilterStats {
    return this.#scan.stats;
  }

  /**
   * Scores one block.
   *
   * @param block The block in float32.
   */
  async visit(block: Int8Block): Promise<void> {
    const scan = this.#scan;
    const heap = this.#heap;
    const none = { values: new Int32Array(0), indices: new Int32Array(0), k: 0 };
    if (!this.#quantize) scan.measure(block);
    const { values, indices, k } = this.#quantize ? await scan.prefilter(block, this.#k) : none;
    const scale = scan.galleryScale;
    // Rows whose block top-k cannot be certified at the block's starting threshold (the heap's
    // threshold only rises, so the rest stay certified) take the fallback, all in one call.
    const start = Math.max(this.#floor, heap.threshold);
    const requests: FallbackRequest[] = [];
    const request = new Int32Array(block.rows).fill(-1);
    for (let i = 0; i < block.rows; i++) {
      const p = block.queryStart + i;
      const sx = scan.queryNorms.scale[p]! * scale;
      const cap = !this.#quantize
        ? Infinity
        : k < block.cols
        ? sx * values[i * k + k - 1]! + scan.capBound(p)
        : -Infinity;
      if (cap > start) {
        request[i] = requests.length;
        requests.push({ i, p, threshold: start });
      }
    }
    const counted = this.#quantize ? "fallback" : "float32";
    const fallback = requests.length > 0 ? await scan.fallbacks(block, requests, counted) : [];
    const found: { score: number; column: number }[] = [];
    for (let i = 0; i < block.rows; i++) {
      const p = block.queryStart + i;
      const sx = scan.queryNorms.scale[p]! * scale;
      const threshold = Math.max(this.#floor, heap.threshold);
      found.length = 0;
      const keep = (j: number) => {
        const score = scan.exact(block, i, j);
        if (score > threshold) found.push({ score, column: j });
      };
      if (request[i]! >= 0) {
        for (const j of fallback[request[i]!]!) keep(j);
      } else {
        for (let t = 0; t < k; t++) {
          const j = indices[i * k + t]!;
          if (sx * values[i * k + t]! + scan.bound(p, j) > threshold) keep(j);
        }
      }
      found.sort((a, b) => b.score - a.score || a.column - b.column);
      const query = this.#rows[p]!;
      for (const { score, column } of found) {
        if (!(score > this.#floor) || !(score > heap.threshold)) break;
        heap.offer(score, query, block.galleryStart + column);
      }
    }
  }
}
