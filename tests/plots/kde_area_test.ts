import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { kde } from "../../lib/metrics/_kde.ts";
import { newDocument } from "../../lib/plots/_document.ts";
import { kdeAreaY } from "../../lib/plots/_kde_area.ts";

const curve = kde([0.2, 0.3, 0.35, 0.5, 0.42])!;

function draw(mark: Plot.Markish, options: Plot.PlotOptions = {}): Element {
  return Plot.plot({ ...options, document: newDocument(), marks: [mark] }) as unknown as Element;
}

Deno.test("kdeAreaY(curve, {color}) fills the area and strokes the line in one colour", () => {
  const svg = draw(kdeAreaY(curve, { color: "#1f77b4", fillOpacity: 0.7 }));
  const area = svg.querySelector('[aria-label="area"]')?.outerHTML ?? "";
  const line = svg.querySelector('[aria-label="line"]')?.outerHTML ?? "";
  assert.match(area, /fill="#1f77b4"/);
  assert.match(area, /fill-opacity="0.7"/);
  assert.match(line, /stroke="#1f77b4"/);
  assert.match(line, /stroke-width="1.5"/);
});

Deno.test("kdeAreaY(curve, options) draws the same path as areaY and lineY on the same columns", () => {
  const objects = Array.from(curve.x, (x, i) => ({ x, y: curve.y[i] }));
  const composite = draw(kdeAreaY(curve, { fill: "red", stroke: "blue", clip: true }));
  const separate = draw(
    Plot.marks(
      Plot.areaY(objects, { x: "x", y: "y", fill: "red", fillOpacity: 0.5, clip: true }),
      Plot.lineY(objects, { x: "x", y: "y", stroke: "blue", strokeWidth: 1.5, clip: true }),
    ),
    { x: { label: null }, y: { label: null } },
  );
  const paths = (svg: Element) =>
    [...svg.querySelectorAll('[aria-label="area"] path, [aria-label="line"] path')].map((p) =>
      p.getAttribute("d")
    );
  assert.deepEqual(paths(composite), paths(separate));
  assert.equal(paths(composite).length, 2);
});

Deno.test('kdeAreaY(curve, {fill: "none"}) draws only the line, {stroke: "none"} only the area', () => {
  const lineOnly = draw(kdeAreaY(curve, { fill: "none" }));
  assert.equal(lineOnly.querySelector('[aria-label="area"]'), null);
  assert.notEqual(lineOnly.querySelector('[aria-label="line"]'), null);
  const areaOnly = draw(kdeAreaY(curve, { stroke: "none" }));
  assert.notEqual(areaOnly.querySelector('[aria-label="area"]'), null);
  assert.equal(areaOnly.querySelector('[aria-label="line"]'), null);
});

Deno.test("kdeAreaY(columns, {fy}) draws one curve per facet from concatenated columns", () => {
  const x = new Float64Array([...curve.x, ...curve.x]);
  const y = new Float64Array([...curve.y, ...curve.y]);
  const fy = [...Array(curve.x.length).fill("A"), ...Array(curve.x.length).fill("B")];
  const svg = draw(kdeAreaY({ x, y }, { fy }));
  assert.equal(svg.querySelectorAll('[aria-label="area"] path').length, 2);
  assert.equal(svg.querySelectorAll('[aria-label="line"] path').length, 2);
});

Deno.test("kdeAreaY(columns) throws a RangeError when x and y differ in length", () => {
  assert.throws(
    () => kdeAreaY({ x: [0, 1, 2], y: [0, 1] }),
    (e: unknown) => e instanceof RangeError && /x has 3 values and y has 2/.test(e.message),
  );
});
