/// <reference lib="dom" />
/**
 * SVG output of figures: serialise a Plot figure made on a linkedom document, and rasterise SVG to
 * PNG with resvg (native, system fonts; DejaVu Sans is the fallback family).
 *
 * @module
 */
import { Resvg } from "@resvg/resvg-js";

/** Options of {@linkcode svgToPng}. */
export interface SvgToPngOptions {
  /** Pixel scale over the SVG's own size. @default 2 */
  scale?: number;
  /** Background colour painted under the figure. @default "white" */
  background?: string;
}

/**
 * Serialises a figure element (an `<svg>`, or a `<figure>` holding one or more) to standalone SVG
 * text with the `xmlns` that linkedom omits.
 *
 * @param figure The element returned by `Plot.plot` on a linkedom document.
 * @returns SVG markup.
 */
export function figureToSvg(figure: Element): string {
  const svg = figure.tagName.toLowerCase() === "svg" ? figure : figure.querySelector("svg");
  if (!svg) throw new TypeError("Cannot serialise the figure as SVG: it holds no <svg> element");
  if (!svg.getAttribute("xmlns")) svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return svg.outerHTML;
}

/**
 * Rasterises SVG markup to PNG bytes.
 *
 * @param svg SVG markup with an `xmlns`.
 * @param options Scale and background.
 * @returns PNG bytes.
 */
export function svgToPng(svg: string, options: SvgToPngOptions = {}): Uint8Array {
  const { scale = 2, background = "white" } = options;
  const resvg = new Resvg(svg, {
    background,
    fitTo: { mode: "zoom", value: scale },
    font: {
      loadSystemFonts: true,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return resvg.render().asPng();
}
