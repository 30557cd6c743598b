/// <reference lib="dom" />
/**
 * Diversity figures: per dataset, the histogram of each identity's mean mated score (its
 * intra-class similarity: high means its images look alike) with the median marked and the unique
 * identities in the title; across datasets, one box per dataset of the same per-identity means,
 * each labelled with its unique identities. Titles and labels are SVG marks, so `figureToSvg`
 * gives one self-contained SVG.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";

/** What the figures show of one dataset. */
export interface DiversityFigureData {
  /** Dataset name. */
  dataset: string;
  /** Images. */
  images: number;
  /** Identities. */
  identities: number;
  /** Unique identities by Vec2Face's rule. */
  uniqueVec2Face: number;
  /** Identity groups (connected components). */
  identityGroups: number;
  /** The cosine bound of both counts. */
  threshold: number;
  /** Each identity's mean mated score; NaN (an identity with one image) is left out. */
  meanScores: ArrayLike<number>;
}

/** Options of the diversity figures. */
export interface DiversityFigureOptions {
  /** The document to draw on (linkedom's in Deno, `window.document` in a notebook). */
  document: Document;
  /** Width in pixels. @default 860 */
  width?: number;
  /** Height in pixels. @default 460 (the overview: 90 plus 44 per dataset) */
  height?: number;
  /** Font size of axis text in pixels. @default 14 */
  fontSize?: number;
}

const FILL = "#1f77b4";
const MEDIAN = "#d62728";

function count(n: number): string {
  return n.toLocaleString("en-US");
}

function finite(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) out.push(values[i]!);
  return out;
}

function median(sorted: number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) / 2;
  return (sorted[Math.floor(h)]! + sorted[Math.ceil(h)]!) / 2;
}

/** "Unique: 9,812 of 10,000 identities (98.12%, Vec2Face: centres cos > 0.4); 9,790 merged". */
function uniqueText(d: DiversityFigureData): string {
  const share = d.identities > 0 ? `${(100 * d.uniqueVec2Face / d.identities).toFixed(2)}%, ` : "";
  return `Unique: ${count(d.uniqueVec2Face)} of ${count(d.identities)} identities (${share}` +
    `Vec2Face: centres cos > ${d.threshold}); ${count(d.identityGroups)} merged transitively`;
}

function titleMarks(lines: string[], fontSize: number, marginLeft: number, marginTop: number) {
  return lines.map((line, i) =>
    Plot.text([line], {
      frameAnchor: "top-left",
      textAnchor: "start",
      lineAnchor: "top",
      dx: -marginLeft + 8,
      dy: -marginTop + 8 + i * (fontSize + 8),
      text: (d: string) => d,
      fontSize: i === 0 ? fontSize + 2 : fontSize,
      fontWeight: i === 0 ? "bold" : "normal",
    })
  );
}

/**
 * One dataset's figure: the histogram of per-identity mean mated scores (identities with two
 * images or more), the median as a red rule with its value, the dataset, images and identities in
 * the title and the unique identities below it.
 *
 * @param data The dataset's numbers and per-identity means.
 * @param options Document, size, font size.
 * @returns The Plot SVG element.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { diversityFigure } from "./_diversity.ts";
 * const svg = diversityFigure({
 *   dataset: "Demo", images: 30, identities: 3, uniqueVec2Face: 2, identityGroups: 2, threshold: 0.4,
 *   meanScores: [0.5, 0.7, NaN],
 * }, { document: newDocument() });
 * if (!svg.outerHTML.includes("Demo: intra-class similarity per identity")) throw new Error("no title");
 * ```
 */
export function diversityFigure(
  data: DiversityFigureData,
  options: DiversityFigureOptions,
): Element {
  const { document, width = 860, height = 460, fontSize = 14 } = options;
  const values = finite(data.meanScores).sort((a, b) => a - b);
  const mid = median(values);
  const marginTop = 3 * fontSize + 44, marginLeft = 64;
  const title = `${data.dataset}: intra-class similarity per identity (n = ${
    count(values.length)
  } identities with 2+ images; ${count(data.images)} images)`;
  const marks: Plot.Markish[] = [
    Plot.rectY(values, {
      ...Plot.binX({ y: "count" }, { x: (d: number) => d, thresholds: 40 }),
      fill: FILL,
      fillOpacity: 0.7,
    }),
    Plot.ruleY([0]),
    Plot.axisX({
      tickSize: 5,
      fontSize,
      label: "Mean mated cosine similarity of an identity",
      labelAnchor: "center",
      labelArrow: "none",
    }),
    Plot.axisY({
      tickSize: 5,
      fontSize,
      label: "Identities",
      labelAnchor: "center",
      labelArrow: "none",
    }),
    ...titleMarks([title, uniqueText(data)], fontSize, marginLeft, marginTop),
  ];
  if (Number.isFinite(mid)) {
    marks.push(
      Plot.text([`Median ${mid.toFixed(3)} (dashed red line)`], {
        frameAnchor: "top-left",
        textAnchor: "start",
        lineAnchor: "top",
        dx: -marginLeft + 8,
        dy: -marginTop + 8 + 2 * (fontSize + 8),
        fill: MEDIAN,
        text: (d: string) => d,
        fontSize,
      }),
    );
  }
  if (Number.isFinite(mid)) {
    marks.push(Plot.ruleX([mid], { stroke: MEDIAN, strokeWidth: 2, strokeDasharray: "6,3" }));
  }
  return Plot.plot({
    document,
    width,
    height,
    marginLeft,
    marginRight: 24,
    marginTop,
    marginBottom: 52,
    style: { fontSize: `${fontSize}px`, fontFamily: "DejaVu Sans, sans-serif" },
    x: {
      label: "Mean mated cosine similarity of an identity",
      labelOffset: 40,
      ...(values.length === 0 ? { domain: [0, 1] } : {}),
    },
    y: { label: "Identities", grid: true },
    marks,
  }) as unknown as Element;
}

/**
 * All datasets in one figure: per dataset (in the order given) a box of its per-identity mean
 * mated scores (quartiles, whiskers to 1.5 IQR, outliers as dots), labelled on the right with
 * its unique identities by Vec2Face's rule and in percent of its identities.
 *
 * @param rows One entry per dataset.
 * @param options Document, size, font size.
 * @returns The Plot SVG element.
 * @throws {RangeError} When `rows` is empty.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { diversityOverviewFigure } from "./_diversity.ts";
 * const row = { images: 30, identities: 3, uniqueVec2Face: 2, identityGroups: 2, threshold: 0.4, meanScores: [0.5, 0.7] };
 * const svg = diversityOverviewFigure([{ ...row, dataset: "A" }, { ...row, dataset: "B" }], { document: newDocument() });
 * if (!svg.outerHTML.includes("2 of 3 unique (66.67%)")) throw new Error("no label");
 * ```
 */
export function diversityOverviewFigure(
  rows: readonly DiversityFigureData[],
  options: DiversityFigureOptions,
): Element {
  if (rows.length === 0) {
    throw new RangeError("Cannot draw the diversity overview: no dataset given");
  }
  const { document, width = 860, fontSize = 14 } = options;
  const height = options.height ?? 90 + 44 * rows.length + 2 * fontSize;
  const points: { dataset: string; score: number }[] = [];
  for (const r of rows) {
    for (const score of finite(r.meanScores)) points.push({ dataset: r.dataset, score });
  }
  const labels = rows.map((r) => ({
    dataset: r.dataset,
    text: `${count(r.uniqueVec2Face)} of ${count(r.identities)} unique (${
      r.identities > 0 ? (100 * r.uniqueVec2Face / r.identities).toFixed(2) : "0.00"
    }%)`,
  }));
  const marginTop = 2 * fontSize + 36, marginLeft = 140, marginRight = 240;
  const threshold = rows[0]!.threshold;
  const title =
    `Intra-class similarity per identity and unique identities (${rows.length} datasets)`;
  const note =
    `Boxes: per-identity mean mated similarity. Right: unique (Vec2Face, centres cos > ${threshold})`;
  return Plot.plot({
    document,
    width,
    height,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom: 52,
    style: { fontSize: `${fontSize}px`, fontFamily: "DejaVu Sans, sans-serif" },
    x: { label: "Mean mated cosine similarity of an identity", labelOffset: 40, grid: true },
    y: { domain: rows.map((r) => r.dataset), label: null },
    marks: [
      Plot.boxX(points, { x: "score", y: "dataset", fill: FILL, fillOpacity: 0.5, stroke: "#333" }),
      Plot.axisX({
        tickSize: 5,
        fontSize,
        label: "Mean mated cosine similarity of an identity",
        labelAnchor: "center",
        labelArrow: "none",
      }),
      Plot.axisY({ tickSize: 0, fontSize, label: null }),
      Plot.text(labels, {
        y: "dataset",
        frameAnchor: "right",
        dx: 12,
        textAnchor: "start",
        text: "text",
        fontSize,
      }),
      ...titleMarks([title, note], fontSize, marginLeft, marginTop),
    ],
  }) as unknown as Element;
}
