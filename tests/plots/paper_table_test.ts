import assert from "node:assert/strict";
import type { CiTable } from "../../lib/formats/_ci_tables.ts";
import { paperTableFigure } from "../../lib/plots/_paper_table.ts";
import { newDocument } from "../../lib/plots/_document.ts";
import { textsWith, topDotY, yOf } from "./_svg_geometry.ts";

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

Deno.test("paperTableFigure(table, {metric}) prints each value and interval in percent beside its row", () => {
  const svg = paperTableFigure(table([0.0602, 0.3], 0.0011), {
    document: newDocument(),
    metric: "EER",
  });
  const text = [...svg.querySelectorAll("text")].map((t) => t.textContent);
  assert.ok(text.includes("6.02 [5.91, 6.13]"), text.join("|"));
  assert.ok(text.includes("30.00 [29.89, 30.11]"));
  assert.ok(text.includes("EER in % of 2 datasets, with 95% bootstrap intervals"));
  assert.ok(text.some((t) => t?.startsWith("EER in % with 95% interval")));
  const fmr = { ...table([0.1, 0.2], 0.01) };
  fmr.metrics[0]!.name = "FMR1000";
  const named = paperTableFigure(fmr, { document: newDocument(), metric: "FMR1000" });
  const namedText = [...named.querySelectorAll("text")].map((t) => t.textContent);
  assert.ok(
    namedText.includes("FNMR@FMR=0.1% (FMR1000) in % of 2 datasets, with 95% bootstrap intervals"),
    namedText.join("|"),
  );
  const fdr = paperTableFigure({ ...table([3.6318, 4.28], 0.0136) }, {
    document: newDocument(),
    metric: "EER",
    percent: false,
  });
  const plain = [...fdr.querySelectorAll("text")].map((t) => t.textContent);
  assert.ok(plain.includes("3.6318 [3.6182, 3.6454]"), plain.join("|"));
});

Deno.test("paperTableFigure(table, {compare}) puts the key above the frame, over no data", () => {
  const svg = paperTableFigure(table([0.3, 0.1, 0.001], 0.01), {
    document: newDocument(),
    metric: "EER",
    compare: table([0.32, 0.12, 0.002], 0.03),
  });
  const key = [...textsWith(svg, "● paper"), ...textsWith(svg, "● kit")];
  assert.equal(key.length, 2);
  for (const k of key) {
    assert.ok(yOf(k) < topDotY(svg) - 10, `key at ${yOf(k)}, dots from ${topDotY(svg)}`);
  }
});
