/**
 * Named random streams for the demo data: each identity and each image gets its own generator,
 * seeded from the dataset seed and a name, so that any image can be drawn alone, in any order,
 * and adding images never changes the others. The generator is the kit's xoshiro128**
 * (`lib/random/_xoshiro.ts`).
 *
 * @module
 */
import { createRng, type Rng, uniformFloat } from "./_xoshiro.ts";

/**
 * Derives the seed of a named stream from a base seed: FNV-1a over the key's UTF-16 code units,
 * started from the seed's low 32 bits, then MurmurHash3's 32-bit finaliser to spread the bits.
 *
 * @param seed The base seed; only its low 32 bits are used.
 * @param key The stream's name, e.g. `"demo/image/3/5"`.
 * @returns An unsigned 32-bit seed.
 * @throws {TypeError} When `seed` is not a finite number.
 *
 * @example
 * ```ts
 * import { deriveSeed } from "./_streams.ts";
 * if (deriveSeed(42, "a") !== deriveSeed(42, "a")) throw new Error("not deterministic");
 * if (deriveSeed(42, "a") === deriveSeed(42, "b")) throw new Error("streams collide");
 * ```
 */
export function deriveSeed(seed: number, key: string): number {
  if (!Number.isFinite(seed)) {
    throw new TypeError(`Cannot derive a seed from a finite number: current value is ${seed}`);
  }
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The generator of a named stream: `createRng(deriveSeed(seed, key))`.
 *
 * @param seed The base seed.
 * @param key The stream's name.
 * @returns A fresh generator.
 * @throws {TypeError} When `seed` is not a finite number.
 *
 * @example
 * ```ts
 * import { streamRng } from "./_streams.ts";
 * if (streamRng(1, "x").nextUint32() !== streamRng(1, "x").nextUint32()) throw new Error("differs");
 * ```
 */
export function streamRng(seed: number, key: string): Rng {
  return createRng(deriveSeed(seed, key));
}

/**
 * A standard normal draw by the Box-Muller transform (one of the pair, the other discarded).
 *
 * @param rng The generator.
 * @returns A number from N(0, 1).
 *
 * @example
 * ```ts
 * import { normal, streamRng } from "./_streams.ts";
 * const rng = streamRng(7, "normal");
 * let sum = 0;
 * for (let i = 0; i < 2000; i++) sum += normal(rng);
 * if (Math.abs(sum / 2000) > 0.1) throw new Error("mean too far from 0");
 * ```
 */
export function normal(rng: Rng): number {
  const u = 1 - uniformFloat(rng);
  const v = uniformFloat(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
