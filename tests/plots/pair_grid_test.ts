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
  assert.equal(width, 2 * 240);
});

Deno.test("pairGridSvg([]) throws a RangeError", () => {
  assert.throws(() => pairGridSvg([]), RangeError);
});
