/**
 * A small, fast, seeded pseudo-random generator for sampling and bootstrap resampling:
 * xoshiro128** 1.1 (Blackman and Vigna, 2018; 128-bit state, period 2^128 - 1, 32-bit outputs),
 * its state filled from the seed by SplitMix32 so that nearby seeds give unrelated streams.
 * Not cryptographic.
 *
 * @module
 */

/** A source of uniform random 32-bit integers. Any object with this method can be injected. */
export interface Rng {
  /** The next uniform integer in [0, 2^32). */
  nextUint32(): number;
  /**
   * Optional bulk form: fills `out` with the next `out.length` outputs, the same values that
   * `out.length` calls of `nextUint32` would give. Hot loops use it when present.
   */
  fillUint32?(out: Uint32Array): void;
}

/**
 * The xoshiro128** generator.
 *
 * @example
 * ```ts
 * import { Xoshiro128 } from "./_xoshiro.ts";
 * import assert from "node:assert/strict";
 * const rng = Xoshiro128.fromState([1, 2, 3, 4]); // the reference implementation's vector
 * assert.deepEqual([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()], [11520, 0, 5927040]);
 * ```
 */
export class Xoshiro128 implements Rng {
  private _s0: number;
  private _s1: number;
  private _s2: number;
  private _s3: number;

  /**
   * Seeds the generator.
   *
   * @param seed Any integer in [0, 2^53); 42 is the kit's default.
   * @throws {RangeError} When `seed` is not a non-negative safe integer.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(
        `Cannot seed the generator: seed must be a non-negative integer, current value is ${seed}`,
      );
    }
    // SplitMix32 over the low word, then the high word mixed in.
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x9e3779b9);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this._s0 = next();
    this._s1 = next();
    this._s2 = next();
    this._s3 = next();
    if ((this._s0 | this._s1 | this._s2 | this._s3) === 0) this._s0 = 1;
  }

  /**
   * A generator started from an explicit state (for checks against the reference vectors).
   *
   * @param state Four 32-bit words, not all zero.
   * @returns The generator.
   * @throws {RangeError} When the state is all zero or not four words.
   */
  static fromState(state: ArrayLike<number>): Xoshiro128 {
    if (state.length !== 4 || (state[0]! | state[1]! | state[2]! | state[3]!) === 0) {
      throw new RangeError(
        `Cannot start xoshiro128** from this state: it must be four words, not all zero`,
      );
    }
    const rng = new Xoshiro128(0);
    rng._s0 = state[0]! | 0;
    rng._s1 = state[1]! | 0;
    rng._s2 = state[2]! | 0;
    rng._s3 = state[3]! | 0;
    return rng;
  }

  /**
   * The next output.
   *
   * @returns A uniform integer in [0, 2^32).
   */
  nextUint32(): number {
    const s1 = this._s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this._s2 ^= this._s0;
    this._s3 ^= s1;
    this._s1 ^= this._s2;
    this._s0 ^= this._s3;
    this._s2 ^= t;
    this._s3 = (this._s3 << 11) | (this._s3 >>> 21);
    return result;
  }

  /**
   * Fills `out` with the next `out.length` outputs (the state kept in locals: several times
   * faster than calling {@linkcode Xoshiro128.nextUint32} per value).
   *
   * @param out The destination.
   */
  fillUint32(out: Uint32Array): void {
    let s0 = this._s0, s1 = this._s1, s2 = this._s2, s3 = this._s3;
    for (let i = 0; i < out.length; i++) {
      const x = Math.imul(s1, 5);
      out[i] = Math.imul((x << 7) | (x >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    this._s0 = s0;
    this._s1 = s1;
    this._s2 = s2;
    this._s3 = s3;
  }
}

/**
 * Creates the kit's seeded generator.
 *
 * @param seed A non-negative integer. @default 42
 * @returns A {@linkcode Xoshiro128}.
 * @throws {RangeError} When `seed` is not a non-negative safe integer.
 *
 * @example
 * ```ts
 * import { createRng } from "./_xoshiro.ts";
 * const a = createRng(7), b = createRng(7);
 * if (a.nextUint32() !== b.nextUint32()) throw new Error("not deterministic");
 * ```
 */
export function createRng(seed = 42): Xoshiro128 {
  return new Xoshiro128(seed);
}

/**
 * A uniform float in [0, 1) with 53 random bits (two 32-bit outputs).
 *
 * @param rng The generator.
 * @returns The float.
 *
 * @example
 * ```ts
 * import { createRng, uniformFloat } from "./_xoshiro.ts";
 * const u = uniformFloat(createRng(1));
 * if (!(u >= 0 && u < 1)) throw new Error("out of range");
 * ```
 */
export function uniformFloat(rng: Rng): number {
  const hi = rng.nextUint32() >>> 5; // 27 bits
  const lo = rng.nextUint32() >>> 6; // 26 bits
  return (hi * 67108864 + lo) / 9007199254740992;
}

/**
 * An exactly uniform integer in [0, n) by rejection (no modulo bias), for n up to 2^53.
 * For n ≤ 2^21 it uses one 32-bit output (Lemire's multiply-and-reject; the product is exact in
 * float64), above that 53-bit draws.
 *
 * @param rng The generator.
 * @param n The bound, a positive safe integer.
 * @returns An integer in [0, n).
 * @throws {RangeError} When `n` is not a positive safe integer.
 *
 * @example
 * ```ts
 * import { createRng, uniformInt } from "./_xoshiro.ts";
 * const rng = createRng(3);
 * for (let i = 0; i < 100; i++) if (uniformInt(rng, 6) > 5) throw new Error("out of range");
 * ```
 */
export function uniformInt(rng: Rng, n: number): number {
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new RangeError(
      `Cannot draw an integer below n: n must be a positive safe integer, current value is ${n}`,
    );
  }
  if (n <= 2097152) {
    const threshold = (4294967296 - n) % n;
    for (;;) {
      const m = rng.nextUint32() * n;
      const high = Math.floor(m / 4294967296);
      if (m - high * 4294967296 >= threshold) return high;
    }
  }
  const limit = 9007199254740992 - (9007199254740992 % n);
  for (;;) {
    const hi = rng.nextUint32() >>> 5;
    const lo = rng.nextUint32() >>> 6;
    const r = hi * 67108864 + lo;
    if (r < limit) return r % n;
  }
}
