import assert from "node:assert/strict";
import { createRng, uniformFloat, uniformInt, Xoshiro128 } from "../../lib/random/_xoshiro.ts";

Deno.test("Xoshiro128.fromState([1, 2, 3, 4]) gives the reference xoshiro128** outputs", () => {
  const rng = Xoshiro128.fromState([1, 2, 3, 4]);
  const got = Array.from({ length: 6 }, () => rng.nextUint32());
  assert.deepEqual(got, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
});

Deno.test("Xoshiro128.fillUint32(out) continues the same stream as nextUint32", () => {
  const a = createRng(42), b = createRng(42);
  const bulk = new Uint32Array(1000);
  a.fillUint32(bulk);
  for (let i = 0; i < 1000; i++) assert.equal(bulk[i], b.nextUint32());
  assert.equal(a.nextUint32(), b.nextUint32());
});

Deno.test("createRng(seed) is deterministic and different seeds give different streams", () => {
  assert.equal(createRng(7).nextUint32(), createRng(7).nextUint32());
  assert.notEqual(createRng(7).nextUint32(), createRng(8).nextUint32());
  assert.throws(() => createRng(-1), RangeError);
  assert.throws(() => createRng(1.5), RangeError);
});

Deno.test("uniformInt(rng, n) stays in range and is close to uniform (chi-square)", () => {
  const rng = createRng(1);
  for (const n of [6, 1000003, 2 ** 40]) {
    for (let i = 0; i < 1000; i++) {
      const v = uniformInt(rng, n);
      assert.ok(Number.isInteger(v) && v >= 0 && v < n);
    }
  }
  const bins = new Array(10).fill(0);
  for (let i = 0; i < 100000; i++) bins[uniformInt(rng, 10)]++;
  const chi = bins.reduce((s, c) => s + (c - 10000) ** 2 / 10000, 0);
  assert.ok(chi < 27.9, `chi-square ${chi} (9 df, p = 0.001)`);
  assert.throws(() => uniformInt(rng, 0), RangeError);
});

Deno.test("uniformFloat(rng) lies in [0, 1) with mean near 1/2", () => {
  const rng = createRng(2);
  let sum = 0;
  for (let i = 0; i < 20000; i++) {
    const u = uniformFloat(rng);
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01);
});
