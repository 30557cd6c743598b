import assert from "node:assert/strict";
import { encode } from "fast-png";
import { pairGridSvg } from "../../lib/plots/_pair_grid.ts";
import { svgToPng } from "../../lib/plots/_render.ts";

const png = encode({ width: 2, height: 3, data: new Uint8Array(18).fill(200), channels: 3 });

Deno.test("pairGridSvg(pairs) embeds found images, labels missing ones and shows each score", () => {
  const svg = pairGridSvg([
    {
      casia: { path: "0424848/image_191979.jpg", bytes: png },
      other: { path: "13424/54.jpg" },
      score: 0.961815357208252,
    },
    {
      casia: { path: "lonely.jpg" },
      other: { path: "a&b/<1>.png", bytes: new Uint8Array([1, 2, 3, 4]) },
      score: 0.5,
    },
  ]);
  assert.equal(svg.match(/data:image\/png;base64,/g)?.length, 1);
  assert.equal(svg.match(/>Not Found</g)?.length, 2);
  assert.equal(svg.match(/>Unsupported</g)?.length, 1);
  assert.ok(svg.includes(">0.9618<") && svg.includes(">0.5000<"));
  assert.ok(svg.includes("Identity: Unknown") && svg.includes("Image: lonely.jpg"));
  assert.ok(svg.includes("Identity: a&#38;b") && svg.includes("Image: &#60;1&#62;.png"));
  const bytes = svgToPng(svg, { scale: 1 });
  const width = new DataView(bytes.buffer, bytes.byteOffset).getUint32(16);
  assert.equal(width, 44 + 2 * 240);
});

Deno.test("pairGridSvg(pairs, {columns}) wraps the pairs into rows, each named CASIA above, synthetic below", () => {
  const pairs = Array.from({ length: 7 }, (_, i) => ({
    casia: { path: `c${i}/0.jpg`, bytes: png },
    other: { path: `s${i}/0.png`, bytes: png },
    score: 0.9 - i / 100,
  }));
  const svg = pairGridSvg(pairs, { columns: 3, dataset: "DCFace", size: 100 });
  const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
  assert.equal(w, 44 + 3 * 140, "three pairs per row");
  assert.equal(h, 40 + 3 * (44 + 200 + 84 + 16), "seven pairs in three rows");
  assert.equal(svg.match(/>CASIA-WebFace \(real\)</g)?.length, 3);
  assert.equal(svg.match(/>DCFace \(synthetic\)</g)?.length, 3);
  assert.ok(svg.includes(">DCFace: the 7 closest pairs with CASIA-WebFace<"));
  const ys = [...svg.matchAll(/<image x="[\d.]+" y="([\d.]+)"/g)].map((m) => Number(m[1]));
  const casiaRow = (k: number) => ys[2 * k]!, otherRow = (k: number) => ys[2 * k + 1]!;
  assert.ok(casiaRow(0) < otherRow(0), "CASIA above");
  assert.equal(casiaRow(3), casiaRow(0) + 344, "the fourth pair starts the second row");
  assert.throws(() => pairGridSvg(pairs, { columns: 0 }), RangeError);
});

Deno.test("pairGridSvg([]) throws a RangeError", () => {
  assert.throws(() => pairGridSvg([]), RangeError);
});
