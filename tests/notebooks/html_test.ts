/**
 * `deno task notebooks --html`: the exported page must draw every figure in headless Chromium.
 * nbconvert 6.5 sanitises `image/svg+xml` outputs down to their text, so a figure shown only as
 * SVG disappears from the page; the kit's `display()` also gives `text/html`, which survives.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNotebooks } from "../../lib/notebook/mod.ts";
import { oneCellNotebook, skipUnlessTools } from "./_fixtures.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const skipWithoutBrowser = skipUnlessTools(
  ["/usr/bin/jupyter-nbconvert", "/usr/bin/chromium", "/usr/bin/python3"],
  ["nbclient", "ipykernel"],
);

Deno.test({
  name:
    "runNotebooks(paths, {html}) passes a page whose figure draws and fails one whose figure is stripped",
  ignore: skipWithoutBrowser,
  fn: async () => {
    const dir = await Deno.makeTempDir({ dir: join(ROOT, "tests"), prefix: ".nb-html-" });
    try {
      await Deno.writeTextFile(
        join(dir, "drawn.ipynb"),
        oneCellNotebook([
          'import * as Plot from "@observablehq/plot";',
          'import { display } from "../../lib/notebook/mod.ts";',
          'import { newDocument } from "../../lib/plots/mod.ts";',
          "const doc = newDocument();",
          "display(Plot.plot({ document: doc, marks: [Plot.dot([1, 2, 3], { x: (d) => d, r: 20 })] }));",
        ].join("\n")),
      );
      const svgOnly = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">' +
        '<circle cx="100" cy="100" r="80" fill="black"/></svg>';
      await Deno.writeTextFile(
        join(dir, "stripped.ipynb"),
        oneCellNotebook(
          `({ [Symbol.for("Jupyter.display")]: () => ({ "image/svg+xml": ${
            JSON.stringify(svgOnly)
          } }) });`,
        ),
      );
      const out = join(dir, "out");
      assert.equal(await runNotebooks([join(dir, "drawn.ipynb")], { out, html: true }), true);
      const shot = await Deno.readFile(join(out, "screenshots", "drawn.png"));
      assert.deepEqual(Array.from(shot.subarray(1, 4)), [0x50, 0x4e, 0x47]);
      assert.equal(await runNotebooks([join(dir, "stripped.ipynb")], { out, html: true }), false);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
