/**
 * Python's `random` module, bit for bit, for the parts the original package used to pick samples:
 * `random.seed(int)` (MT19937 seeded by `init_by_array`), `getrandbits`, `_randbelow` (rejection
 * sampling on `getrandbits(n.bit_length())`) and `random.sample(range(n), k)` with CPython's two
 * strategies (a shrinking pool for small populations, a rejection set otherwise). With the same
 * seed the kit draws exactly the rows the original scripts drew (`random.seed(42)`).
 *
 * Method: Matsumoto and Nishimura (1998), reference code `mt19937ar.c`; CPython `Lib/random.py`
 * and `Modules/_randommodule.c`.
 *
 * @module
 */

const N = 624;
const M = 397;

/**
 * A Mersenne Twister seeded and consumed as CPython's `random.Random`.
 *
 * @example
 * ```ts
 * import { PythonRandom } from "./_python_random.ts";
 * import assert from "node:assert/strict";
 * // Python: random.seed(42); random.sample(range(10), 3) == [1, 0, 4]
 * assert.deepEqual(Array.from(new PythonRandom(42).sample(10, 3)), [1, 0, 4]);
 * assert.equal(new PythonRandom(42).getrandbits(32), 2746317213); // random.getrandbits(32)
 * ```
 */
export class PythonRandom {
  readonly #mt = new Uint32Array(N);
  #index = N;

  /**
   * Seeds as `random.seed(seed)` for a non-negative integer.
   *
   * @param seed Integer seed (CPython uses its absolute value).
   * @throws {RangeError} When `seed` is not a safe integer.
   *
   * @example
   * ```ts
   * import { PythonRandom } from "./_python_random.ts";
   * const a = new PythonRandom(42).sample(10, 3).join();
   * if (a !== new PythonRandom(42).sample(10, 3).join()) throw new Error("not deterministic");
   * ```
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Cannot seed the generator: current value is ${seed}`);
    }
    const abs = Math.abs(seed);
    const key = abs < 2 ** 32 ? [abs] : [abs % 2 ** 32, Math.floor(abs / 2 ** 32)];
    this.#initByArray(key);
  }

  /**
   * The next 32-bit output (`genrand_uint32`).
   *
   * @returns An integer in [0, 2^32).
   */
  nextUint32(): number {
    if (this.#index >= N) this.#twist();
    let y = this.#mt[this.#index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * `random.getrandbits(k)` for `k` up to 53 (32-bit words filled low word first).
   *
   * @param k Number of bits, 0 to 53.
   * @returns An integer in [0, 2^k).
   * @throws {RangeError} When `k` is outside [0, 53].
   */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 53) {
      throw new RangeError(`Cannot draw k random bits as k: current value is ${k}`);
    }
    if (k === 0) return 0;
    if (k <= 32) return this.nextUint32() >>> (32 - k);
    const low = this.nextUint32();
    const high = this.nextUint32() >>> (64 - k);
    return high * 2 ** 32 + low;
  }

  /**
   * `random._randbelow(n)`: uniform integer in [0, n) by rejection.
   *
   * @param n Upper bound, a positive safe integer below 2^53.
   * @returns An integer in [0, n).
   */
  randbelow(n: number): number {
    const bits = bitLength(n);
    let r = this.getrandbits(bits);
    while (r >= n) r = this.getrandbits(bits);
    return r;
  }

  /**
   * `random.sample(range(n), k)`: `k` distinct integers of [0, n) in selection order.
   *
   * @param n Population size.
   * @param k Sample size, at most `n`.
   * @returns The sample.
   * @throws {RangeError} When `k` is not in [0, n] (Python's "Sample larger than population").
   *
   * @example
   * ```ts
   * import { PythonRandom } from "./_python_random.ts";
   * const s = new PythonRandom(1).sample(100, 100);
   * if (new Set(s).size !== 100 || Math.max(...s) !== 99) throw new Error("not a permutation");
   * ```
   */
  sample(n: number, k: number): Uint32Array {
    if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || k > n || n >= 2 ** 32) {
      throw new RangeError(
        `Cannot sample ${k} of range(${n}): sample larger than population or negative`,
      );
    }
    const result = new Uint32Array(k);
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = Uint32Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j]!;
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = j;
      }
    }
    return result;
  }

  #initGenrand(s: number): void {
    const mt = this.#mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.#index = N;
  }

  #initByArray(key: number[]): void {
    const mt = this.#mt;
    this.#initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  #twist(): void {
    const mt = this.#mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.#index = 0;
  }
}

/** `int.bit_length()` of a positive safe integer. */
function bitLength(n: number): number {
  return n < 2 ** 32 ? 32 - Math.clz32(n) : 32 + bitLength(Math.floor(n / 2 ** 32));
}
