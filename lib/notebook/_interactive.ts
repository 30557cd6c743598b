/**
 * Interactive figures for notebooks: one `text/html` output holding the static SVG of a kit figure
 * and a script that redraws it in the browser with Observable Plot, tips on hover. Front ends that
 * run an output's scripts (JupyterLab and VS Code on trusted notebooks, the HTML that nbconvert
 * exports when opened in a browser) show the interactive figure; everything else (nbconvert's
 * headless runs, the kit's notebook checks, a viewer without scripts) keeps the static SVG, which
 * also goes out as `image/svg+xml`. The scripts come from the kit's installed packages
 * (`lib/plots` `browserScriptFiles`), inlined into the first interactive output of a kernel so that
 * notebooks work offline; later outputs wait for them.
 *
 * @module
 */
import { browserScriptFiles } from "../plots/_browser_assets.ts";
import { figureToSvg } from "../plots/_render.ts";
import { display, type Displayable, displayable, mimeBundle } from "./_display.ts";

/** The browser figure to draw (a function of `lib/plots/_browser_figures.js`) and its data. */
export type InteractiveSpec =
  | {
    /** Mated against non-mated densities. */
    kind: "density";
    /** The scores. */
    data: { mated: ArrayLike<number>; nonMated: ArrayLike<number> };
    /** Title, and dashed rules at labelled thresholds (EER, FMR100, ...). */
    options?: { title?: string; rules?: { value: number; label: string }[] };
  }
  | {
    /** Histogram of best-match similarities. */
    kind: "bestMatches";
    /** The best-match scores. */
    data: { scores: ArrayLike<number> };
    /** Title and threshold. */
    options?: { title?: string; threshold?: number };
  }
  | {
    /** The closest pairs' scores per dataset. */
    kind: "closestStrip";
    /** One row per pair. */
    data: {
      pairs: { dataset: string; rank: number; similarity: number; query: string; casia: string }[];
    };
    /** Title and threshold. */
    options?: { title?: string; threshold?: number };
  };

/** Options of {@linkcode interactive}. */
export interface InteractiveOptions {
  /** Text where rich output is not rendered. @default "Figure" */
  alt?: string;
  /**
   * Inline d3, Plot and the kit's figure functions into this output. By default only the first
   * interactive output of the process carries them (about 500 KB); later ones reuse them.
   * @default {true for the first output of the process}
   */
  inlineScripts?: boolean;
}

let scriptsSent = false;
let counter = 0;

/** A script's text made safe inside `<script>`: no `</script` can close it early. */
function scriptText(code: string): string {
  return code.replaceAll("</script", "<\\/script");
}

/** JSON safe inside `<script type="application/json">`. */
function jsonText(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v),
  )
    .replaceAll("<", "\\u003c");
}

/**
 * An output with a static figure and its interactive redraw.
 *
 * @param figure The kit's static figure (an `<svg>` or a Plot `<figure>` from lib/plots).
 * @param spec Which browser figure redraws it, and with what data.
 * @param options Alternative text, whether to inline the scripts.
 * @returns The displayable value: `text/html` (SVG + scripts), `image/svg+xml`, `text/plain`.
 *
 * @example
 * ```ts
 * import { mimeBundle } from "./_display.ts";
 * import { interactive } from "./_interactive.ts";
 * import { newDocument } from "../plots/mod.ts";
 * const svg = newDocument().createElementNS("http://www.w3.org/2000/svg", "svg");
 * const out = mimeBundle(interactive(svg as unknown as Element, {
 *   kind: "bestMatches",
 *   data: { scores: [0.3, 0.4] },
 * }, { inlineScripts: false }));
 * if (!out["text/html"]?.includes('"kind":"bestMatches"') || !out["image/svg+xml"]) throw new Error();
 * ```
 */
export function interactive(
  figure: Element,
  spec: InteractiveSpec,
  options: InteractiveOptions = {},
): Displayable {
  const { alt = "Figure", inlineScripts = !scriptsSent } = options;
  // The static markup exactly as display() gives it; the plot's own <svg> (the last one, after
  // any legend swatches) as image/svg+xml.
  const shown = mimeBundle(display(figure, { alt }));
  const svg = shown["text/html"] ?? "";
  const svgs = figure.tagName.toLowerCase() === "svg"
    ? [figure]
    : [...figure.querySelectorAll("svg")];
  const staticSvg = shown["image/svg+xml"] ?? figureToSvg(svgs[svgs.length - 1] ?? figure);
  const id = `brf-figure-${Date.now().toString(36)}-${counter++}`;
  let libraries = "";
  if (inlineScripts) {
    const files = browserScriptFiles();
    libraries = [files.d3, files.plot, files.figures]
      .map((f) => `<script>${scriptText(Deno.readTextFileSync(f))}</script>`).join("\n");
    scriptsSent = true;
  }
  const redraw = `(function () {
  var root = document.getElementById(${JSON.stringify(id)});
  if (!root) return;
  var spec = JSON.parse(root.querySelector("script.brf-spec").textContent);
  var tries = 0;
  (function draw() {
    if (!(window.Plot && window.brfFigures)) {
      if (tries++ < 100) setTimeout(draw, 50);
      return;
    }
    try {
      var figure = window.brfFigures[spec.kind](window.Plot, spec.data, spec.options || {});
      root.querySelector(".brf-static").replaceWith(figure);
      root.setAttribute("data-interactive", "true");
    } catch (error) {
      root.setAttribute("data-interactive-error", String(error));
    }
  })();
})();`;
  const html = `<div id="${id}" class="brf-interactive">
<div class="brf-static">${svg}</div>
<script type="application/json" class="brf-spec">${jsonText(spec)}</script>
${libraries}
<script>${scriptText(redraw)}</script>
</div>`;
  return displayable({ "text/html": html, "image/svg+xml": staticSvg, "text/plain": alt });
}
