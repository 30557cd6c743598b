/**
 * The scripts a browser needs to draw the kit's interactive figures, from the kit's own installed
 * packages (no CDN: pages and notebook outputs work offline): d3 and Observable Plot as their UMD
 * bundles (globals `d3` and `Plot`), then `_browser_figures.js` (global `brfFigures`).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Files of the browser scripts, in load order. */
export interface BrowserScriptFiles {
  /** d3's UMD bundle (`d3/dist/d3.min.js`, the version Plot depends on). */
  d3: string;
  /** Observable Plot's UMD bundle (`@observablehq/plot/dist/plot.umd.min.js`). */
  plot: string;
  /** The kit's figure functions (`lib/plots/_browser_figures.js`). */
  figures: string;
}

/**
 * Where the browser scripts are on disk.
 *
 * @returns Their paths.
 *
 * @example
 * ```ts
 * import { browserScriptFiles } from "./_browser_assets.ts";
 * const { d3, plot, figures } = browserScriptFiles();
 * for (const f of [d3, plot, figures]) if (!Deno.statSync(f).isFile) throw new Error(f);
 * ```
 */
export function browserScriptFiles(): BrowserScriptFiles {
  const plot = fileURLToPath(
    new URL("../dist/plot.umd.min.js", import.meta.resolve("@observablehq/plot")),
  );
  return {
    d3: join(dirname(plot), "..", "..", "..", "d3", "dist", "d3.min.js"),
    plot,
    figures: fileURLToPath(new URL("./_browser_figures.js", import.meta.url)),
  };
}
