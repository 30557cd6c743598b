/**
 * Mulberry32 (Tommy Ettinger's 32-bit generator): small and fast, with a 2^32 period. The kit draws
 * the demo model's seeded random weights with it (`lib/model`), so its sequence for a seed must
 * never change: the demo's model file, embeddings and figures depend on it.
 *
 * @module
 */

/**
 * A Mulberry32 generator.
 *
 * @param seed Any number; its low 32 bits (`seed >>> 0`) start the state.
 * @returns A function giving the next value, uniform in [0, 1) on a 2^-32 grid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mulberry32 } from "./_mulberry32.ts";
 * const next = mulberry32(1);
 * const first = [next(), next()];
 * assert.deepEqual(first, [0.6270739405881613, 0.002735721180215478]);
 * assert.ok(first.every((x) => x >= 0 && x < 1));
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
