import assert from "node:assert/strict";
import type { CiTable } from "../../lib/formats/_ci_tables.ts";
import { paperTableFigure } from "../../lib/plots/_paper_table.ts";
import { newDocument } from "../../lib/plots/_document.ts";

const table = (values: number[], spread: number): CiTable => ({
  datasets: values.map((_, i) => `D${i}`),
  metrics: [{
    name: "EER",
    value: Float64Array.from(values),
    lower: Float64Array.from(values, (v) => v - spread),
    upper: Float64Array.from(values, (v) => v + spread),
  }],
});
const num = (el: Element, name: string) => Number(el.getAttribute(name));

Deno.test("paperTableFigure(table, {metric}) sorts datasets by value and puts each dot inside its interval bar", () => {
  const svg = paperTableFigure(table([0.3, 0.1, 0.2, NaN], 0.02), {
    document: newDocument(),
    metric: "EER",
  });
  const ticks = [...svg.querySelectorAll("[aria-label='y-axis tick label'] text")].map((t) =>
    t.textContent
  );
  assert.deepEqual(ticks, ["D1", "D2", "D0"]);
  const dots = [...svg.querySelectorAll("[aria-label='dot'] circle")];
  const bars = [...svg.querySelectorAll("[aria-label='rule'] line")];
  assert.equal(dots.length, 3);
  assert.equal(bars.length, 3);
  const cx = dots.map((d) => num(d, "cx"));
  for (const [i, bar] of bars.entries()) {
    const x = cx[i] ?? NaN;
    assert.ok(num(bar, "x1") < x && x < num(bar, "x2"), `dot ${i} inside its bar`);
  }
  assert.deepEqual([...cx].sort((a, b) => a - b), [cx[1], cx[2], cx[0]]);
});

Deno.test("paperTableFigure(table, {compare}) draws both tables in two colours with a key", () => {
  const svg = paperTableFigure(table([0.3, 0.1], 0.01), {
    document: newDocument(),
    metric: "EER",
    compare: table([0.32, 0.12], 0.03),
    labels: ["paper", "ours"],
  });
  const fills = new Set(
    [...svg.querySelectorAll("[aria-label='dot']")].map((g) => g.getAttribute("fill")),
  );
  assert.equal(fills.size, 2);
  const text = svg.textContent ?? "";
  assert.ok(text.includes("● paper") && text.includes("● ours"));
  assert.throws(
    () => paperTableFigure(table([0.1], 0), { document: newDocument(), metric: "FDR" }),
    RangeError,
  );
});
