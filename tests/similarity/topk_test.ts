import assert from "node:assert/strict";
import { TopKHeap } from "../../lib/similarity/_topk.ts";
import { createRng, uniformInt } from "../../lib/random/mod.ts";

/** The top K of every offer by a stable sort: score descending, ties in offer order. */
function bruteTopK(offers: [number, number, number][], k: number): [number, number, number][] {
  return offers
    .map((o, i) => ({ o, i }))
    .sort((a, b) => b.o[0] - a.o[0] || a.i - b.i)
    .slice(0, k)
    .map(({ o }) => o);
}

function rows(heap: TopKHeap): [number, number, number][] {
  const { scores, queries, gallery } = heap.sorted();
  return Array.from(scores, (s, r) => [s, queries[r]!, gallery[r]!]);
}

Deno.test("TopKHeap(k).offer(score, q, g) keeps the first of equal pairs once the heap is full", () => {
  const heap = new TopKHeap(2);
  assert.equal(heap.offer(0.5, 0, 0), true);
  assert.equal(heap.offer(0.5, 1, 1), true);
  assert.equal(heap.offer(0.5, 2, 2), false, "an equal score does not evict a kept pair");
  assert.equal(heap.threshold, 0.5);
  assert.deepEqual(rows(heap), [[0.5, 0, 0], [0.5, 1, 1]]);
  assert.equal(heap.offer(0.75, 3, 3), true);
  assert.deepEqual(
    rows(heap),
    [[0.75, 3, 3], [0.5, 0, 0]],
    "the later of the equal pairs goes first",
  );
});

Deno.test("TopKHeap(k).sorted() equals a stable sort of every offer on scores full of ties", () => {
  const rng = createRng(17);
  for (let c = 0; c < 300; c++) {
    const k = 1 + uniformInt(rng, 12);
    const levels = 1 + uniformInt(rng, 6);
    const offers: [number, number, number][] = Array.from(
      { length: uniformInt(rng, 60) },
      (_, i) => [uniformInt(rng, levels) / 4, i, uniformInt(rng, 1000)],
    );
    const heap = new TopKHeap(k);
    for (const [s, q, g] of offers) heap.offer(s, q, g);
    assert.equal(heap.size, Math.min(k, offers.length));
    assert.deepEqual(rows(heap), bruteTopK(offers, k), `case ${c}: k ${k}`);
  }
});

Deno.test("TopKHeap(k) rejects a capacity that is not a positive integer", () => {
  for (const k of [0, -1, 1.5, NaN]) assert.throws(() => new TopKHeap(k), RangeError);
});
