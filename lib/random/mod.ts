/**
 * Seeded randomness of the kit: CPython's `random` (MT19937 and `random.sample`, for samples
 * identical to the original package's), a xoshiro128** generator for resampling, and named
 * independent streams derived from one seed.
 *
 * @example
 * ```ts
 * import { createRng, PythonRandom } from "./mod.ts";
 * const picks = new PythonRandom(42).sample(10, 3);
 * if (picks.length !== 3 || !(createRng(1).nextUint32() < 2 ** 32)) throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "./_python_random.ts";
export * from "./_streams.ts";
export * from "./_xoshiro.ts";
