/**
 * Seeded randomness of the kit: CPython's `random` (MT19937 and `random.sample`, for samples
 * identical to the original package's), a xoshiro128** generator with exactly uniform integers
 * and floats, the multinomial resampler of the bootstrap, named independent streams derived
 * from one seed, and Mulberry32 for the demo model's weights. Every generator is written by hand: the draws must equal CPython's, or stay the
 * same across versions so that sampled pairs and confidence intervals do not move.
 *
 * @example
 * ```ts
 * import { createRng, drawCounts, PythonRandom, streamRng } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(new PythonRandom(42).sample(10, 3), new PythonRandom(42).sample(10, 3));
 * assert.equal(createRng(7).nextUint32(), createRng(7).nextUint32());
 * assert.notEqual(streamRng(1, "a").nextUint32(), streamRng(1, "b").nextUint32());
 * const counts = new Uint32Array(4);
 * drawCounts(createRng(1), counts);
 * assert.equal(counts.reduce((s, c) => s + c, 0), 4);
 * ```
 *
 * @module
 */
export * from "./_mulberry32.ts";
export * from "./_multinomial.ts";
export * from "./_python_random.ts";
export * from "./_streams.ts";
export * from "./_xoshiro.ts";
