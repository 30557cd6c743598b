/// <reference lib="dom" />
/**
 * Output of figures: serialise a Plot figure made on a linkedom document, rasterise SVG to PNG
 * with resvg (native, system fonts; DejaVu Sans is the fallback family), convert SVG to vector PDF
 * with PDFKit and svg-to-pdfkit (text stays text, in DejaVu Sans found through fontconfig, embedded
 * as a subset), and the one writer of figure files ({@linkcode writeFigureFiles}: every `.svg`,
 * `.png` and `.pdf` the kit writes goes through it).
 *
 * @module
 */
import { dirname } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";

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

/** TrueType files of the PDF's text: the regular and the bold face. */
export interface PdfFonts {
  /** Path of the regular face (say DejaVuSans.ttf). */
  regular: string;
  /** Path of the bold face; the regular one when absent. @default regular */
  bold?: string;
}

/** Options of {@linkcode svgToPdf}. */
export interface SvgToPdfOptions {
  /**
   * Fonts embedded for the text. `null` uses PDFKit's built-in Helvetica (Latin-1 only: signs such
   * as ≥, → or ● are then lost).
   * @default DejaVu Sans as fontconfig's `fc-match` finds it, else Helvetica
   */
  fonts?: PdfFonts | null;
  /**
   * The PDF's creation date. Fixed by default, so that the same figure gives the same bytes (the
   * file ID is a digest of it); pass `new Date()` for the time of writing.
   * @default new Date(0)
   */
  creationDate?: Date;
}

let systemFonts: Promise<PdfFonts | null> | undefined;

async function fcMatch(pattern: string): Promise<string | null> {
  try {
    const { success, stdout } = await new Deno.Command("fc-match", {
      args: ["--format=%{file}", pattern],
      stdout: "piped",
      stderr: "null",
    }).output();
    const file = new TextDecoder().decode(stdout).trim();
    return success && /\.(ttf|otf)$/i.test(file) ? file : null;
  } catch {
    return null;
  }
}

/**
 * DejaVu Sans (regular and bold) as fontconfig resolves it, looked up once per process.
 *
 * @returns The two font files, or `null` when fontconfig is missing or finds no TrueType file.
 *
 * @example
 * ```ts
 * import { systemPdfFonts } from "./_render.ts";
 * const fonts = await systemPdfFonts();
 * if (fonts !== null && !fonts.regular.endsWith("tf")) throw new Error("not a font file");
 * ```
 */
export function systemPdfFonts(): Promise<PdfFonts | null> {
  systemFonts ??= (async () => {
    const regular = await fcMatch("DejaVu Sans");
    if (regular === null) return null;
    const bold = await fcMatch("DejaVu Sans:bold");
    return bold === null ? { regular } : { regular, bold };
  })();
  return systemFonts;
}

/** Width and height in CSS pixels of an SVG's root element (its attributes, else its viewBox). */
function svgSize(svg: string): [number, number] {
  const root = /<svg\b[^>]*>/i.exec(svg)?.[0] ?? "";
  const attr = (name: string) => {
    const m = new RegExp(`\\s${name}="([0-9.]+)(px)?"`).exec(root);
    return m ? Number(m[1]) : NaN;
  };
  let width = attr("width"), height = attr("height");
  const box = /\sviewBox="([^"]+)"/.exec(root)?.[1]?.trim().split(/[\s,]+/).map(Number);
  if (!(width > 0) && box) width = box[2] ?? NaN;
  if (!(height > 0) && box) height = box[3] ?? NaN;
  if (!(width > 0 && height > 0)) {
    throw new RangeError(
      `Cannot convert the figure to PDF: current root <svg> has no positive width and height (${
        root.slice(0, 120)
      })`,
    );
  }
  return [width, height];
}

/**
 * Converts SVG markup to a one-page vector PDF of the same size (1 CSS pixel = 0.75 pt, as a
 * browser prints), text kept as text in the given fonts, embedded images kept as images. The same
 * SVG gives the same bytes (fixed creation date).
 *
 * @param svg SVG markup whose root has a width and height (or a viewBox).
 * @param options Fonts and creation date.
 * @returns PDF bytes.
 * @throws {RangeError} When the root element has no size.
 *
 * @example
 * ```ts
 * import { svgToPdf } from "./_render.ts";
 * const pdf = await svgToPdf('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><text x="4" y="20">EER</text></svg>');
 * if (new TextDecoder().decode(pdf.subarray(0, 5)) !== "%PDF-") throw new Error("not a PDF");
 * ```
 */
export async function svgToPdf(svg: string, options: SvgToPdfOptions = {}): Promise<Uint8Array> {
  const fonts = options.fonts === undefined ? await systemPdfFonts() : options.fonts;
  const [width, height] = svgSize(svg);
  const size: [number, number] = [width * 0.75, height * 0.75];
  const info = {
    Creator: "synthetic-face-audit",
    CreationDate: options.creationDate ?? new Date(0),
  };
  const doc = new PDFDocument({ size, margin: 0, info });
  const chunks: Uint8Array[] = [];
  doc.on("data", (chunk: Uint8Array) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });
  if (fonts) {
    doc.registerFont("regular", fonts.regular);
    doc.registerFont("bold", fonts.bold ?? fonts.regular);
  }
  SVGtoPDF(doc, svg, 0, 0, {
    width: size[0],
    height: size[1],
    preserveAspectRatio: "xMinYMin meet",
    ...(fonts
      ? { fontCallback: (_family: string, bold: boolean) => (bold ? "bold" : "regular") }
      : {}),
  });
  doc.end();
  await ended;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Options of {@linkcode writeFigureFiles}. */
export interface WriteFigureOptions extends SvgToPngOptions, SvgToPdfOptions {
  /** Also write `<stem>.pdf`. @default true */
  pdf?: boolean;
}

/** Paths written by {@linkcode writeFigureFiles}. */
export interface FigureFiles {
  /** The SVG written, `<stem>.svg`. */
  svg: string;
  /** The PNG rasterised from it, `<stem>.png`. */
  png: string;
  /** The vector PDF converted from it, `<stem>.pdf`; absent with `pdf: false`. */
  pdf?: string;
}

/**
 * The paths of a {@linkcode FigureFiles} in the order written (SVG, PNG, PDF), for a task's list of
 * files.
 *
 * @param files What {@linkcode writeFigureFiles} returned.
 * @returns The paths.
 *
 * @example
 * ```ts
 * import { figureFilePaths } from "./_render.ts";
 * if (figureFilePaths({ svg: "a.svg", png: "a.png", pdf: "a.pdf" }).length !== 3) throw new Error("three");
 * ```
 */
export function figureFilePaths(files: FigureFiles): string[] {
  return files.pdf === undefined ? [files.svg, files.png] : [files.svg, files.png, files.pdf];
}

/**
 * Writes a figure as `<stem>.svg`, `<stem>.png` and `<stem>.pdf`, creating the folder.
 *
 * @param stem Path without extension.
 * @param figure A Plot figure element, or SVG markup.
 * @param options PNG scale and background, PDF fonts, whether to write the PDF.
 * @returns The paths written.
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
  options: WriteFigureOptions = {},
): Promise<FigureFiles> {
  const { pdf = true, ...rest } = options;
  const svg = typeof figure === "string" ? figure : figureToSvg(figure);
  await Deno.mkdir(dirname(stem), { recursive: true });
  const files: FigureFiles = { svg: `${stem}.svg`, png: `${stem}.png` };
  await Deno.writeTextFile(files.svg, svg);
  await Deno.writeFile(files.png, svgToPng(svg, rest));
  if (pdf) {
    files.pdf = `${stem}.pdf`;
    await Deno.writeFile(files.pdf, await svgToPdf(svg, rest));
  }
  return files;
}
