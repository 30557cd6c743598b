/**
 * Genuine and impostor scores sorted once and tallied by distinct value: the shared input of the
 * pyeer statistics and of the count-based bootstrap. Every pyeer rate is a function of these
 * counts, so a resample only needs new counts over the same distinct values.
 *
 * @module
 */

/** Scores that can be tallied: float64 or float32 columns, or plain arrays. */
export type Scores = Float64Array | Float32Array | ArrayLike<number>;

/** Distinct values of one score list with how often each occurs. */
export interface ValueCounts {
  /** Distinct values, ascending. */
  values: Float64Array;
  /** Occurrences of each value. */
  counts: Uint32Array;
  /** Number of scores (the sum of `counts`). */
  total: number;
  /**
   * Distinct-value index of each position of the sorted scores, or `null` when every score is
   * distinct (position = index).
   */
  rankOfPosition: Uint32Array | null;
}

/** Both lists tallied over the union of their distinct values. */
export interface ScoreTally {
  /** Distinct genuine values and their counts. */
  genuine: ValueCounts;
  /** Distinct impostor values and their counts. */
  impostor: ValueCounts;
  /** Distinct values of genuine ∪ impostor, ascending: pyeer's `thrs`. */
  thresholds: Float64Array;
  /** Per threshold: 1 if it is a genuine value, 2 if an impostor value, 3 if both. */
  membership: Uint8Array;
}

/**
 * Copies scores to a float64 column after checking that there is at least one and all are finite.
 *
 * @param scores The scores.
 * @param label What they are, for messages (e.g. "genuine scores").
 * @returns A new `Float64Array`.
 * @throws {RangeError} When there are no scores or one is NaN or infinite.
 *
 * @example
 * ```ts
 * import { finiteScores } from "./_score_tally.ts";
 * let failed = false;
 * try { finiteScores([0.5, NaN], "genuine scores"); } catch { failed = true; }
 * if (!failed) throw new Error("NaN accepted");
 * ```
 */
export function finiteScores(scores: Scores, label: string): Float64Array {
  const n = scores.length;
  if (n === 0) throw new RangeError(`Cannot use the ${label}: current length is 0`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(`Cannot use the ${label}: value at index ${i} is ${v}`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Tallies one list of scores by distinct value.
 *
 * @param scores Finite scores, at least one.
 * @param label What they are, for messages.
 * @returns Distinct values ascending with their counts.
 * @throws {RangeError} When there are no scores or one is not finite.
 *
 * @example
 * ```ts
 * import { valueCounts } from "./_score_tally.ts";
 * const t = valueCounts([0.3, 0.1, 0.3], "scores");
 * if (t.values.join() !== "0.1,0.3" || t.counts.join() !== "1,2") throw new Error("unexpected");
 * ```
 */
export function valueCounts(scores: Scores, label: string): ValueCounts {
  const sorted = finiteScores(scores, label).sort();
  const n = sorted.length;
  let distinct = 1;
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  const values = new Float64Array(distinct);
  const counts = new Uint32Array(distinct);
  const rankOfPosition = distinct === n ? null : new Uint32Array(n);
  let k = 0;
  values[0] = sorted[0]!;
  counts[0] = 1;
  for (let i = 1; i < n; i++) {
    if (sorted[i] !== sorted[i - 1]) values[++k] = sorted[i]!;
    counts[k]!++;
    if (rankOfPosition) rankOfPosition[i] = k;
  }
  // -0 and 0 are one threshold; keep the value numpy's unique would keep (the first sorted).
  return { values, counts, total: n, rankOfPosition };
}

/**
 * Tallies genuine and impostor scores over the union of their distinct values.
 *
 * @param genuine Mated (genuine) similarity scores.
 * @param impostor Non-mated (impostor) similarity scores.
 * @returns The tally.
 * @throws {RangeError} When a list is empty or holds a NaN or infinite value.
 *
 * @example
 * ```ts
 * import { scoreTally } from "./_score_tally.ts";
 * const t = scoreTally([0.9, 0.5], [0.5, 0.1]);
 * if (t.thresholds.join() !== "0.1,0.5,0.9" || t.membership.join() !== "2,3,1") throw new Error("unexpected");
 * ```
 */
export function scoreTally(genuine: Scores, impostor: Scores): ScoreTally {
  const g = valueCounts(genuine, "genuine scores");
  const im = valueCounts(impostor, "impostor scores");
  const gv = g.values, iv = im.values;
  const thresholds = new Float64Array(gv.length + iv.length);
  const membership = new Uint8Array(gv.length + iv.length);
  let a = 0, b = 0, k = 0;
  while (a < gv.length || b < iv.length) {
    if (b >= iv.length || (a < gv.length && gv[a]! < iv[b]!)) {
      thresholds[k] = gv[a++]!;
      membership[k++] = 1;
    } else if (a >= gv.length || iv[b]! < gv[a]!) {
      thresholds[k] = iv[b++]!;
      membership[k++] = 2;
    } else {
      thresholds[k] = gv[a++]!;
      b++;
      membership[k++] = 3;
    }
  }
  return {
    genuine: g,
    impostor: im,
    thresholds: thresholds.slice(0, k),
    membership: membership.slice(0, k),
  };
}
