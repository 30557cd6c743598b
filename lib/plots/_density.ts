/// <reference lib="dom" />
/**
 * The mated versus non-mated density figures of the paper, drawn as the original scripts drew them
 * with seaborn: filled Gaussian KDEs of the genuine (blue) and impostor (orange) scores at alpha
 * 0.5; the metrics figure adds the EER (red, solid), FMR100 (green, dashed) and FMR1000 (blue,
 * dotted) thresholds on x from −0.5 to 1. The legend and title are SVG marks, so `figureToSvg`
 * gives one self-contained SVG.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { kde, type KdeCurve } from "../metrics/_kde.ts";
import { kdeAreaY, type KdeColumns } from "./_kde_area.ts";

/** The two density curves of a figure and the counts behind them. */
export interface DensityData {
  /** KDE of the mated scores, or `null` when seaborn would draw none. */
  mated: KdeCurve | null;
  /** KDE of the non-mated scores, or `null`. */
  nonMated: KdeCurve | null;
  /** Number of mated scores. */
  matedCount: number;
  /** Number of non-mated scores. */
  nonMatedCount: number;
}

/** Thresholds drawn on the metrics figure, and the error rates the legend prints beside them. */
export interface ThresholdLines {
  /** pyeer `eer_th`. */
  eer: number;
  /** pyeer `fmr100_th`. */
  fmr100: number;
  /** pyeer `fmr1000_th`. */
  fmr1000: number;
  /** pyeer `eer` (a fraction), printed as `EER 17.70% at 0.744`. @default undefined (threshold only) */
  eerRate?: number;
  /** pyeer `fmr100` (FNMR at FMR 1%, a fraction). @default undefined */
  fnmrAtFmr100?: number;
  /** pyeer `fmr1000` (FNMR at FMR 0.1%, a fraction). @default undefined */
  fnmrAtFmr1000?: number;
}

/** Options of the density figures. */
export interface DensityFigureOptions {
  /** The document to draw on (linkedom's in Deno, `window.document` in a notebook). */
  document: Document;
  /** Width in pixels. @default 900 */
  width?: number;
  /** Height in pixels. @default 460 */
  height?: number;
  /**
   * Title text. @default the dataset (when given) and both counts, e.g. "DCFace: mated vs
   * non-mated cosine similarity (n = 10,000 mated, 10,000 non-mated)"
   */
  title?: string;
  /** Dataset named in the default title. @default undefined */
  dataset?: string;
  /** Font size of axis text in pixels. @default 14 */
  fontSize?: number;
}

/** seaborn's first two default colours. */
const MATED_COLOR = "#1f77b4";
const NON_MATED_COLOR = "#ff7f0e";
const LEGEND_WIDTH = 300;

/** A count with thousands separators, as the figures print n (`10,000`). */
function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** The default title: dataset and both counts. */
function defaultTitle(data: DensityData, dataset: string | undefined): string {
  const what = "mated vs non-mated cosine similarity";
  const n = `(n = ${count(data.matedCount)} mated, ${count(data.nonMatedCount)} non-mated)`;
  return dataset ? `${dataset}: ${what} ${n}` : `${what[0]!.toUpperCase()}${what.slice(1)} ${n}`;
}

/** A legend label: the rate in percent (2 decimals) and the threshold (3 decimals), when known. */
function thresholdLabel(name: string, threshold: number, rate: number | undefined): string {
  const at = `at ${threshold.toFixed(3)}`;
  return rate === undefined || !Number.isFinite(rate)
    ? `${name} threshold ${at}`
    : `${name} ${(100 * rate).toFixed(2)}% ${at}`;
}

/**
 * KDE curves of mated and non-mated scores with seaborn's defaults, ready for the figures.
 *
 * @param mated Mated similarity scores.
 * @param nonMated Non-mated similarity scores.
 * @returns The curves and counts.
 *
 * @example
 * ```ts
 * import { densityData } from "./_density.ts";
 * const d = densityData([0.5, 0.6, 0.7], [0.0, 0.1]);
 * if (d.matedCount !== 3 || d.mated?.x.length !== 200) throw new Error("unexpected");
 * ```
 */
export function densityData(
  mated: ArrayLike<number>,
  nonMated: ArrayLike<number>,
): DensityData {
  return {
    mated: kde(mated),
    nonMated: kde(nonMated),
    matedCount: mated.length,
    nonMatedCount: nonMated.length,
  };
}

interface LegendEntry {
  label: string;
  color: string;
  kind: "fill" | "line";
  dash?: string | undefined;
}

/** A threshold line: its value, colour, optional dash pattern and legend label. */
interface ThresholdLine {
  value: number;
  color: string;
  dash?: string | undefined;
  label: string;
}

/** Plot's `strokeDasharray` option for a dash pattern; none for a solid line. */
function dashOption(dash: string | undefined): { strokeDasharray?: string } {
  return dash === undefined ? {} : { strokeDasharray: dash };
}

interface Layout {
  width: number;
  height: number;
  fontSize: number;
  xDomain: [number, number];
  yDomain: [number, number];
  marginLeft: number;
  marginRight: number;
  marginTop: number;
  marginBottom: number;
}

/** The columns of a curve; none (nothing drawn) where seaborn draws no curve. */
function columns(curve: KdeCurve | null): KdeColumns {
  return curve ?? { x: [], y: [] };
}

/** Legend marks in the right margin, placed in data units so that they stay inside the SVG. */
function legendMarks(entries: LegendEntry[], layout: Layout): Plot.Markish[] {
  const { xDomain, yDomain, width, marginLeft, marginRight, marginTop, height, marginBottom } =
    layout;
  const xPerPx = (xDomain[1] - xDomain[0]) / (width - marginLeft - marginRight);
  const yPerPx = (yDomain[1] - yDomain[0]) / (height - marginTop - marginBottom);
  const x0 = xDomain[1] + 16 * xPerPx, x1 = x0 + 26 * xPerPx, xText = x1 + 8 * xPerPx;
  const rowY = (i: number) => yDomain[1] - (10 + 24 * i) * yPerPx;
  const half = 6 * yPerPx;
  const marks: Plot.Markish[] = [];
  entries.forEach((e, i) => {
    const y = rowY(i);
    if (e.kind === "fill") {
      marks.push(
        Plot.rect([0], {
          x1: x0,
          x2: x1,
          y1: y - half,
          y2: y + half,
          fill: e.color,
          fillOpacity: 0.5,
          stroke: e.color,
        }),
      );
    } else {
      marks.push(
        Plot.link([0], {
          x1: x0,
          x2: x1,
          y1: y,
          y2: y,
          stroke: e.color,
          strokeWidth: 2,
          ...dashOption(e.dash),
        }),
      );
    }
    marks.push(
      Plot.text([e.label], {
        x: xText,
        y,
        text: (d: string) => d,
        textAnchor: "start",
        fontSize: layout.fontSize - 1,
      }),
    );
  });
  return marks;
}

function densityPlot(
  data: DensityData,
  lines: ThresholdLine[],
  xDomain: [number, number] | null,
  options: DensityFigureOptions,
  title: string | undefined,
): Element {
  const { document, width = 900, height = 460, fontSize = 14 } = options;
  const mated = columns(data.mated), nonMated = columns(data.nonMated);
  let yMax = 0, xMin = Infinity, xMax = -Infinity;
  for (const { x, y } of [mated, nonMated]) {
    for (let i = 0; i < x.length; i++) {
      const px = x[i]!, py = y[i]!;
      if (py > yMax) yMax = py;
      if (px < xMin) xMin = px;
      if (px > xMax) xMax = px;
    }
  }
  for (const l of lines) {
    xMin = Math.min(xMin, l.value);
    xMax = Math.max(xMax, l.value);
  }
  const layout: Layout = {
    width,
    height,
    fontSize,
    xDomain: xDomain ?? (Number.isFinite(xMin) && xMax > xMin ? [xMin, xMax] : [-1, 1]),
    yDomain: [0, yMax > 0 ? yMax * 1.05 : 1],
    marginLeft: 64,
    marginRight: LEGEND_WIDTH + 16,
    marginTop: title ? 44 : 20,
    marginBottom: 52,
  };
  const entries: LegendEntry[] = [
    { label: "Mated (Genuine)", color: MATED_COLOR, kind: "fill" },
    { label: "Non-mated (Impostor)", color: NON_MATED_COLOR, kind: "fill" },
    ...lines.map((l) => ({ label: l.label, color: l.color, kind: "line" as const, dash: l.dash })),
  ];
  const marks: Plot.Markish[] = [
    kdeAreaY(mated, { color: MATED_COLOR, fillOpacity: 0.5, strokeWidth: 1.5, clip: true }),
    kdeAreaY(nonMated, { color: NON_MATED_COLOR, fillOpacity: 0.5, strokeWidth: 1.5, clip: true }),
    ...lines.map((l) =>
      Plot.ruleX([l.value], {
        stroke: l.color,
        strokeWidth: 2,
        ...dashOption(l.dash),
        clip: true,
      })
    ),
    Plot.ruleY([0]),
    Plot.axisX({
      tickSize: 5,
      fontSize,
      label: "Cosine Similarity",
      labelAnchor: "center",
      labelArrow: "none",
    }),
    Plot.axisY({
      tickSize: 5,
      fontSize,
      label: "Density",
      labelAnchor: "center",
      labelArrow: "none",
    }),
    ...legendMarks(entries, layout),
  ];
  if (title) {
    marks.push(
      Plot.text([title], {
        frameAnchor: "top-left",
        textAnchor: "start",
        dx: -layout.marginLeft + 8,
        dy: -layout.marginTop + 8,
        text: (d: string) => d,
        fontSize: fontSize + 2,
        fontWeight: "bold",
        lineAnchor: "top",
      }),
    );
  }
  return Plot.plot({
    document,
    width,
    height,
    marginLeft: layout.marginLeft,
    marginRight: layout.marginRight,
    marginTop: layout.marginTop,
    marginBottom: layout.marginBottom,
    style: { fontSize: `${fontSize}px`, fontFamily: "DejaVu Sans, sans-serif" },
    x: { domain: layout.xDomain, label: "Cosine Similarity", labelOffset: 40 },
    y: { domain: layout.yDomain, label: "Density" },
    marks,
  }) as unknown as Element;
}

/**
 * The mated versus non-mated density figure of `analyze_embeddings.py`, titled with the dataset and
 * both counts.
 *
 * @param data Curves and counts ({@linkcode densityData}).
 * @param options Document, size, font size and an optional title.
 * @returns The Plot SVG element.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { densityData, matedVsNonMatedFigure } from "./_density.ts";
 * const document = newDocument();
 * const svg = matedVsNonMatedFigure(densityData([0.5, 0.6, 0.8], [0, 0.1, 0.15]), { document });
 * if (!svg.outerHTML.includes("(n = 3 mated, 3 non-mated)")) throw new Error("no title");
 * ```
 */
export function matedVsNonMatedFigure(data: DensityData, options: DensityFigureOptions): Element {
  const title = options.title ?? defaultTitle(data, options.dataset);
  return densityPlot(data, [], null, options, title);
}

/**
 * The density figure of `analyze_embeddings_with_metrics.py`: both densities with the EER
 * (red, solid), FMR100 (green, dashed) and FMR1000 (blue, dotted) thresholds, x from −0.5 to 1;
 * the legend prints each rate and threshold (`EER 17.70% at 0.744`, `FNMR@FMR=1% 23.10% at 0.512`)
 * and the title the dataset and both counts.
 *
 * @param data Curves, counts, the three thresholds and their rates.
 * @param options Document, size, font size, dataset and title.
 * @returns The Plot SVG element.
 * @throws {RangeError} When a threshold is not finite.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { densityData, metricsDensityFigure } from "./_density.ts";
 * const document = newDocument();
 * const data = { ...densityData([0.5, 0.6, 0.8], [0, 0.1, 0.15]), thresholds: { eer: 0.3, fmr100: 0.35, fmr1000: 0.4, eerRate: 0.177 } };
 * const svg = metricsDensityFigure(data, { document, dataset: "Demo" }).outerHTML;
 * if (!svg.includes("EER 17.70% at 0.300") || !svg.includes("Demo: mated")) throw new Error("no legend");
 * ```
 */
export function metricsDensityFigure(
  data: DensityData & { thresholds: ThresholdLines },
  options: DensityFigureOptions,
): Element {
  const { eer, fmr100, fmr1000, eerRate, fnmrAtFmr100, fnmrAtFmr1000 } = data.thresholds;
  for (const [name, v] of [["eer", eer], ["fmr100", fmr100], ["fmr1000", fmr1000]] as const) {
    if (!Number.isFinite(v)) {
      throw new RangeError(`Cannot draw the ${name} threshold: current value is ${v}`);
    }
  }
  return densityPlot(
    data,
    [
      { value: eer, color: "red", label: thresholdLabel("EER", eer, eerRate) },
      {
        value: fmr100,
        color: "green",
        dash: "7,4",
        label: thresholdLabel("FNMR@FMR=1%", fmr100, fnmrAtFmr100),
      },
      {
        value: fmr1000,
        color: "blue",
        dash: "2,3",
        label: thresholdLabel("FNMR@FMR=0.1%", fmr1000, fnmrAtFmr1000),
      },
    ],
    [-0.5, 1],
    options,
    options.title ?? defaultTitle(data, options.dataset),
  );
}
