import assert from "node:assert/strict";
import { deriveSeed, normal, streamRng } from "../../lib/random/_streams.ts";

Deno.test("deriveSeed(seed, key) is a deterministic unsigned 32-bit number", () => {
  assert.equal(deriveSeed(42, "demo/image/3/5"), deriveSeed(42, "demo/image/3/5"));
  for (const key of ["", "a", "demo/identity/0"]) {
    const s = deriveSeed(7, key);
    assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32, `${s}`);
  }
});

Deno.test("deriveSeed(seed, key) separates nearby keys and seeds", () => {
  const seen = new Set<number>();
  let odd = 0;
  for (let seed = 0; seed < 20; seed++) {
    for (let i = 0; i < 50; i++) {
      const s = deriveSeed(seed, `demo/image/${i}/0`);
      seen.add(s);
      odd += s & 1;
    }
  }
  assert.equal(seen.size, 1000, "collisions among 1000 streams");
  assert.ok(odd > 430 && odd < 570, `low bit unbalanced: ${odd} of 1000 odd`);
});

Deno.test("deriveSeed(NaN, key) throws a TypeError", () => {
  assert.throws(() => deriveSeed(NaN, "x"), TypeError);
  assert.throws(() => streamRng(Infinity, "x"), TypeError);
});

Deno.test("streamRng(seed, key) repeats its stream and differs between keys", () => {
  const a = streamRng(3, "k"), b = streamRng(3, "k"), c = streamRng(3, "l");
  const xa = Array.from({ length: 8 }, () => a.nextUint32());
  const xb = Array.from({ length: 8 }, () => b.nextUint32());
  const xc = Array.from({ length: 8 }, () => c.nextUint32());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

Deno.test("normal(rng) has mean 0 and variance 1", () => {
  const rng = streamRng(11, "normal");
  const n = 20000;
  let sum = 0, sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = normal(rng);
    assert.ok(Number.isFinite(x));
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  assert.ok(Math.abs(mean) < 0.04, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
});
