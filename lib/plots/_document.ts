/// <reference lib="dom" />
/**
 * The document figures are drawn on outside a browser: an empty HTML page parsed by linkedom. Every
 * figure takes its `document` as an option (Plot's `src/context.js`), so scripts, tasks, tests and
 * notebooks make one here and a browser passes its own `window.document`.
 *
 * @module
 */
import { parseHTML } from "linkedom";

/**
 * Makes a new, empty document to draw figures on.
 *
 * @returns The `document` of an empty linkedom HTML page (`<html><body></body></html>`).
 *
 * @example
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { newDocument } from "./_document.ts";
 * const svg = Plot.plot({ document: newDocument(), marks: [Plot.dot([1, 2], { x: (d) => d })] });
 * if (svg.tagName.toLowerCase() !== "svg") throw new Error("not an SVG");
 * ```
 */
export function newDocument(): Document {
  return parseHTML("<!doctype html><html><body></body></html>").document;
}
