/// <reference lib="dom" />
/**
 * SVG output of figures: serialise a Plot figure made on a linkedom document, rasterise SVG to PNG
 * with resvg (native, system fonts; DejaVu Sans is the fallback family), and the one writer of
 * figure files ({@linkcode writeFigureFiles}: every `.svg` and `.png` the kit writes goes through it).
 *
 * @module
 */
import { dirname } from "node:path";
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

/** Paths written by {@linkcode writeFigureFiles}. */
export interface FigureFiles {
  /** The SVG written, `<stem>.svg`. */
  svg: string;
  /** The PNG rasterised from it, `<stem>.png`. */
  png: string;
}

/**
 * Writes a figure as `<stem>.svg` and `<stem>.png`, creating the folder.
 *
 * @param stem Path without extension.
 * @param figure A Plot figure element, or SVG markup.
 * @param options PNG scale and background.
 * @returns The two paths.
 *
 * @example
 * ```ts
 * import { writeFigureFiles } from "./_render.ts";
 * const dir = await Deno.makeTempDir();
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>';
 * const { png } = await writeFigureFiles(`${dir}/sub/fig`, svg);
 * if ((await Deno.readFile(png))[1] !== 0x50) throw new Error("not a PNG");
 * ```
 */
export async function writeFigureFiles(
  stem: string,
  figure: Element | string,
  options: SvgToPngOptions = {},
): Promise<FigureFiles> {
  const svg = typeof figure === "string" ? figure : figureToSvg(figure);
  await Deno.mkdir(dirname(stem), { recursive: true });
  const files = { svg: `${stem}.svg`, png: `${stem}.png` };
  await Deno.writeTextFile(files.svg, svg);
  await Deno.writeFile(files.png, svgToPng(svg, options));
  return files;
}
