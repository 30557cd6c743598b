import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { memoryReporter } from "../../lib/cli/mod.ts";
import {
  display,
  displayable,
  JUPYTER_DISPLAY,
  mimeBundle,
  show,
  showAll,
} from "../../lib/notebook/_display.ts";
import { newDocument } from "../../lib/plots/_document.ts";

Deno.test("display(figure) gives image/svg+xml with the SVG namespace for a plain Plot figure", () => {
  const svg = Plot.plot({ document: newDocument(), marks: [Plot.dot([1, 2, 3], { x: (d) => d })] });
  const bundle = mimeBundle(display(svg));
  assert.deepEqual(Object.keys(bundle).sort(), ["image/svg+xml", "text/html", "text/plain"]);
  assert.equal(bundle["text/html"], bundle["image/svg+xml"]);
  const svgText = bundle["image/svg+xml"] ?? "";
  assert.match(svgText, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal(svgText.match(/<circle/g)?.length, 3);
});

Deno.test("display(figure) gives text/html for a Plot figure with a title or legend", () => {
  const fig = Plot.plot({
    document: newDocument(),
    title: "T",
    marks: [Plot.dot([1], { x: (d) => d })],
  });
  const bundle = mimeBundle(display(fig, { alt: "dots" }));
  const html = bundle["text/html"] ?? "";
  assert.match(html, /^<figure/);
  assert.match(html, /<svg[^>]*xmlns=/);
  assert.equal(bundle["text/plain"], "dots");
});

Deno.test("display(value) is keyed by Symbol.for('Jupyter.display') and passes displayables through", () => {
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  const d = displayable({ "text/markdown": "**x**" });
  assert.equal(display(d), d);
  assert.deepEqual(mimeBundle(display("hello")), { "text/plain": "hello" });
  assert.throws(() => display(42), TypeError);
  assert.throws(() => mimeBundle({}), TypeError);
});

Deno.test("show(...values) prints text/plain outside the kernel", async () => {
  const logged: unknown[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => logged.push(...args);
  try {
    await show("first", displayable({ "text/plain": "second", "text/html": "<b>2</b>" }));
  } finally {
    console.log = original;
  }
  assert.deepEqual(logged, ["first", "second"]);
});

Deno.test("showAll(values, {reporter}) gives each value's text/plain to the reporter outside the kernel", async () => {
  const reporter = memoryReporter();
  await showAll(["first", displayable({ "text/html": "<b>2</b>" })], { reporter });
  assert.deepEqual(reporter.infos, ["first", "text/html"]);
  await assert.rejects(() => showAll([42], { reporter }), TypeError);
});
