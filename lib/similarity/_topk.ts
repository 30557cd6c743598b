/**
 * A bounded min-heap of `(score, query, gallery)` triples held in typed arrays: the running
 * global top-K of a similarity search. The smallest kept score sits at the root, so a candidate
 * is admitted only when it beats the current threshold.
 *
 * @module
 */

/** The kept pairs, best first. */
export interface TopKPairs {
  /** Scores, descending. */
  scores: Float32Array;
  /** Query row of each pair. */
  queries: Uint32Array;
  /** Gallery row of each pair. */
  gallery: Uint32Array;
}

/**
 * Keeps the `k` highest-scoring pairs seen so far. Ties at the threshold keep the pair offered
 * first (a candidate must be strictly greater than the current minimum to replace it), as a
 * `heapq` tracker with `similarity > heap[0][0]` does.
 *
 * @example
 * ```ts
 * import { TopKHeap } from "./_topk.ts";
 * const heap = new TopKHeap(2);
 * heap.offer(0.5, 0, 0);
 * heap.offer(0.9, 1, 3);
 * heap.offer(0.7, 2, 1);
 * const { scores, queries } = heap.sorted();
 * if (scores[0] !== Math.fround(0.9) || queries[1] !== 2) throw new Error("wrong order");
 * ```
 */
export class TopKHeap {
  /** Capacity. */
  readonly k: number;
  #size = 0;
  readonly #scores: Float32Array;
  readonly #queries: Uint32Array;
  readonly #gallery: Uint32Array;
  /** Offer order of each slot, to break score ties by first offer when sorting. */
  readonly #order: Float64Array;
  #offered = 0;

  /**
   * Creates an empty heap that keeps at most `k` pairs.
   *
   * @param k Capacity, a positive integer.
   * @throws {RangeError} When `k` is not a positive integer.
   */
  constructor(k: number) {
    if (!Number.isInteger(k) || k < 1) {
      throw new RangeError(`Cannot keep the top K pairs as K: current value is ${k}`);
    }
    this.k = k;
    this.#scores = new Float32Array(k);
    this.#queries = new Uint32Array(k);
    this.#gallery = new Uint32Array(k);
    this.#order = new Float64Array(k);
  }

  /** Number of pairs kept. */
  get size(): number {
    return this.#size;
  }

  /** The score a candidate must exceed to enter: -Infinity until the heap is full. */
  get threshold(): number {
    return this.#size < this.k ? -Infinity : this.#scores[0]!;
  }

  /**
   * Offers a pair; it is kept when the heap is not full or its score beats the threshold.
   *
   * @param score Similarity.
   * @param query Query row.
   * @param gallery Gallery row.
   * @returns Whether the pair was kept.
   */
  offer(score: number, query: number, gallery: number): boolean {
    const order = this.#offered++;
    if (this.#size < this.k) {
      let i = this.#size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.#less(score, order, this.#scores[parent]!, this.#order[parent]!)) break;
        this.#move(parent, i);
        i = parent;
      }
      this.#set(i, score, query, gallery, order);
      return true;
    }
    if (!(score > this.#scores[0]!)) return false;
    let i = 0;
    const n = this.#size;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (
        right < n &&
        this.#less(
          this.#scores[right]!,
          this.#order[right]!,
          this.#scores[left]!,
          this.#order[left]!,
        )
      ) child = right;
      if (!this.#less(this.#scores[child]!, this.#order[child]!, score, order)) break;
      this.#move(child, i);
      i = child;
    }
    this.#set(i, score, query, gallery, order);
    return true;
  }

  /**
   * The kept pairs sorted by score descending, ties in offer order.
   *
   * @returns Column arrays of length {@linkcode TopKHeap.size}.
   */
  sorted(): TopKPairs {
    const n = this.#size;
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => this.#scores[b]! - this.#scores[a]! || this.#order[a]! - this.#order[b]!);
    const out: TopKPairs = {
      scores: new Float32Array(n),
      queries: new Uint32Array(n),
      gallery: new Uint32Array(n),
    };
    for (let r = 0; r < n; r++) {
      const slot = idx[r]!;
      out.scores[r] = this.#scores[slot]!;
      out.queries[r] = this.#queries[slot]!;
      out.gallery[r] = this.#gallery[slot]!;
    }
    return out;
  }

  /** Heap order: lower score first; among equal scores the later offer is evicted first. */
  #less(sa: number, oa: number, sb: number, ob: number): boolean {
    return sa < sb || (sa === sb && oa > ob);
  }

  #move(from: number, to: number): void {
    this.#scores[to] = this.#scores[from]!;
    this.#queries[to] = this.#queries[from]!;
    this.#gallery[to] = this.#gallery[from]!;
    this.#order[to] = this.#order[from]!;
  }

  #set(i: number, score: number, query: number, gallery: number, order: number): void {
    this.#scores[i] = score;
    this.#queries[i] = query;
    this.#gallery[i] = gallery;
    this.#order[i] = order;
  }
}
