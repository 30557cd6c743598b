import assert from "node:assert/strict";
import { createRng, drawCounts, type Rng } from "../../lib/random/mod.ts";

async function sha256(view: Uint32Array<ArrayBuffer>): Promise<string> {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("drawCounts(rng, out, options) sums to the total and is close to multinomial", () => {
  const rng = createRng(3);
  const out = new Uint32Array(10);
  let zeros = 0;
  for (let b = 0; b < 200; b++) {
    drawCounts(rng, out);
    assert.equal(out.reduce((s, c) => s + c, 0), 10);
    for (const c of out) if (c === 0) zeros++;
  }
  // P(count = 0) = (1 - 1/10)^10 = 0.3487; 2000 cells.
  assert.ok(Math.abs(zeros / 2000 - 0.3487) < 0.04, `zero share ${zeros / 2000}`);
  const mapped = new Uint32Array(2);
  drawCounts(rng, mapped, { total: 5, map: new Uint32Array([0, 0, 0, 0, 1]) });
  assert.equal(mapped[0]! + mapped[1]!, 5);
  assert.throws(() => drawCounts(rng, mapped, { total: 3, map: new Uint32Array(2) }), RangeError);
  assert.throws(() => drawCounts(rng, mapped, { total: 0 }), RangeError);
});

Deno.test("drawCounts(rng, out) draws the same counts with and without the bulk fillUint32", () => {
  const bulk = createRng(8), single = createRng(8);
  const plain: Rng = { nextUint32: () => single.nextUint32() };
  const a = new Uint32Array(20000), b = new Uint32Array(20000);
  for (let r = 0; r < 3; r++) {
    drawCounts(bulk, a);
    drawCounts(plain, b);
    assert.deepEqual(a, b);
  }
});

// Fingerprints of the draws as first released: a changed resampler moves every bootstrap interval
// of the kit (and the demo's CI tables), so the draws themselves are pinned.
Deno.test("drawCounts(rng, out, options) keeps its draws on both the 32-bit and the 53-bit path", async () => {
  const small = new Uint32Array(5000);
  const map = Uint32Array.from({ length: 20000 }, (_, i) => i % 5000);
  drawCounts(createRng(6), small, { total: 20000, map });
  assert.equal(
    await sha256(small),
    "2ab16ce0c38cd5b441754724a199631d876a9dded58c6c33522d62d63c2be76d",
  );
  const big = new Uint32Array(2_100_000); // above 2^21 items: 53-bit rejection
  drawCounts(createRng(5), big);
  assert.equal(
    await sha256(big),
    "abd87e91e5889ceeb8d6577e6501208c299945cc2fd290ed5d4505a731e8116f",
  );
});
