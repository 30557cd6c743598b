import assert from "node:assert/strict";
import { newDocument } from "../../lib/plots/_document.ts";
import { embeddingMapFigure, embeddingNormsFigure } from "../../lib/plots/_embedding_map.ts";
import { figureToSvg } from "../../lib/plots/_render.ts";
import { assertSvgSnapshot } from "../_snapshot.ts";

const document = newDocument();
const n = 60;
const labels = Array.from({ length: n }, (_, i) => i % 3);
const x = labels.map((k, i) => k + 0.2 * Math.sin(i * 1.7));
const y = labels.map((k, i) => -k + 0.2 * Math.cos(i * 2.3));

Deno.test("embeddingMapFigure(data, options) draws one dot per row coloured by identity, with a key and the variance shares", async () => {
  const svg = figureToSvg(embeddingMapFigure({
    dataset: "DCFace",
    x,
    y,
    labels,
    names: ["anna", "ben", "carl"],
    explained: [0.321, 0.1],
  }, { document }));
  assert.ok(svg.includes("DCFace: embeddings by identity (n = 60 images, 3 identities)"));
  assert.ok(svg.includes("PC1 (32.1% of variance)") && svg.includes("PC2 (10.0% of variance)"));
  for (const name of ["anna", "ben", "carl"]) assert.ok(svg.includes(`>${name}<`), name);
  assert.equal(new Set(svg.match(/fill="#[0-9a-f]{6}"/g)).size >= 3, true);
  await assertSvgSnapshot("embedding_map", svg);
});

Deno.test("embeddingMapFigure(data) drops the key past keyLimit and refuses mismatched columns", () => {
  const names = Array.from({ length: 20 }, (_, k) => `id${k}`);
  const many = figureToSvg(embeddingMapFigure({
    dataset: "Big",
    x,
    y,
    labels: labels.map((_, i) => i % 20),
    names,
  }, { document }));
  assert.ok(many.includes("20 identities; colours repeat"));
  assert.ok(!many.includes(">id19<"));
  assert.ok(many.includes(">PC1<") || many.includes("PC1"));
  assert.throws(
    () => embeddingMapFigure({ dataset: "X", x, y: y.slice(1), labels, names }, { document }),
    RangeError,
  );
  assert.throws(
    () => embeddingMapFigure({ dataset: "X", x, y, labels, names: ["only"] }, { document }),
    (e) => e instanceof RangeError && /row 1 has identity 1, outside the 1 names/.test(e.message),
  );
});

Deno.test("embeddingNormsFigure(norms, options) titles the range, and draws equal norms as one bar", () => {
  const svg = figureToSvg(
    embeddingNormsFigure([0.99999, 1, 1.00001, 1], { document, dataset: "Demo" }),
  );
  assert.ok(svg.includes("Demo: embedding norms (n = 4, from 0.999990 to 1.000010)"));
  const flat = figureToSvg(embeddingNormsFigure([1, 1, 1], { document, dataset: "Unit" }));
  assert.ok(flat.includes("from 1.000000 to 1.000000"));
});
