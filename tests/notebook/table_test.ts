import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { mimeBundle } from "../../lib/notebook/_display.ts";
import { displayTable, formatCell } from "../../lib/notebook/_table.ts";

Deno.test("displayTable(columns) renders every cell as an HTML table row and aligned text", () => {
  const bundle = mimeBundle(displayTable({
    dataset: ["A", "B&C"],
    eer: new Float64Array([0.123456, NaN]),
    n: new Uint32Array([10000, 7]),
  }, { caption: "Metrics", digits: 3 }));
  const { document } = parseHTML(`<html><body>${bundle["text/html"]}</body></html>`);
  const rows = [...document.querySelectorAll("tbody tr")].map((tr) =>
    [...tr.querySelectorAll("td")].map((td) => td.textContent)
  );
  assert.deepEqual(rows, [["A", "0.123", "10000"], ["B&C", "", "7"]]);
  assert.equal(document.querySelector("caption")?.textContent, "Metrics");
  const lines = (bundle["text/plain"] ?? "").split("\n");
  assert.deepEqual(lines.map((l) => l.length), [7, 21, 21, 21]);
  assert.match(lines[2] ?? "", /^A {4}\s+0\.123\s+10000$/);
});

Deno.test("displayTable(columns) rejects columns of different lengths", () => {
  assert.throws(() => displayTable({ a: [1, 2], b: [1] }), /column "b" has 1 rows, "a" has 2/);
});

Deno.test("formatCell(value, digits) keeps integers and strings, rounds to significant digits", () => {
  assert.equal(formatCell(0.000123456, 2), "0.00012");
  assert.equal(formatCell(123456, 2), "123456");
  assert.equal(formatCell(12.3456, 3), "12.3");
  assert.equal(formatCell("x", 3), "x");
  assert.equal(formatCell(undefined, 3), "", "a missing cell is empty");
});
