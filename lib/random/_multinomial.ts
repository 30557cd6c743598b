/**
 * The multinomial resampler of the bootstrap: a resample of `total` items with replacement given
 * as counts per item (or per bin of items), from exactly uniform positions. Written by hand so that
 * the draws, and every confidence interval computed from them, stay identical across versions; the
 * uniform integers follow Lemire (2019), "Fast random integer generation in an interval".
 *
 * @module
 */
import type { Rng } from "./_xoshiro.ts";

/** Options of {@linkcode drawCounts}. */
export interface DrawCountsOptions {
  /** Number of draws. @default out.length */
  total?: number;
  /** Bin of each drawn position (`out[map[position]]++`); by default the position itself. */
  map?: Uint32Array | undefined;
}

/**
 * Draws a multinomial resample of `total` items with replacement: each draw is an exactly uniform
 * position in [0, total) (Lemire's multiply-and-reject on one 32-bit output up to 2^21 items,
 * 53-bit rejection above), and `out[map[position]]` counts it.
 *
 * @param rng The random source (its bulk `fillUint32` is used when present; the draws are the
 *   same either way).
 * @param out Counts per bin; overwritten.
 * @param options `total` (default `out.length`) and the position-to-bin `map`.
 * @throws {RangeError} When `total` is not a positive integer, or `map` has another length.
 *
 * @example
 * ```ts
 * import { createRng, drawCounts } from "./mod.ts";
 * const out = new Uint32Array(2);
 * drawCounts(createRng(1), out, { total: 4, map: new Uint32Array([0, 1, 1, 1]) });
 * if (out[0]! + out[1]! !== 4) throw new Error("counts must sum to the total");
 * ```
 */
export function drawCounts(rng: Rng, out: Uint32Array, options: DrawCountsOptions = {}): void {
  const { total: n = out.length, map } = options;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new RangeError(
      `Cannot draw resample counts: total must be a positive integer, current value is ${n}`,
    );
  }
  if (map !== undefined && map.length !== n) {
    throw new RangeError(
      `Cannot draw resample counts: map must hold ${n} bins, current length is ${map.length}`,
    );
  }
  out.fill(0);
  if (n > 2097152) {
    const limit = 9007199254740992 - (9007199254740992 % n);
    for (let r = 0; r < n;) {
      const x = (rng.nextUint32() >>> 5) * 67108864 + (rng.nextUint32() >>> 6);
      if (x >= limit) continue;
      const position = x % n;
      out[map === undefined ? position : map[position]!]!++;
      r++;
    }
    return;
  }
  const reject = (4294967296 - n) % n;
  const words = new Uint32Array(Math.min(n, 8192));
  const positions = new Uint32Array(words.length);
  for (let done = 0; done < n;) {
    const want = Math.min(words.length, n - done);
    const batch = want === words.length ? words : words.subarray(0, want);
    if (rng.fillUint32) rng.fillUint32(batch);
    else for (let j = 0; j < want; j++) batch[j] = rng.nextUint32();
    let accepted = 0;
    for (let j = 0; j < want; j++) {
      const m = batch[j]! * n;
      const high = Math.floor(m * 2.3283064365386963e-10);
      if (m - high * 4294967296 >= reject) positions[accepted++] = high;
    }
    if (map === undefined) { for (let j = 0; j < accepted; j++) out[positions[j]!]!++; }
    else for (let j = 0; j < accepted; j++) out[map[positions[j]!]!]!++;
    done += accepted;
  }
}
