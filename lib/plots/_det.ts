/// <reference lib="dom" />
/**
 * The DET figure of a verification report: FNMR against FMR on normal-deviate (probit) axes, one
 * curve per dataset (one dataset, or several overlaid), each with its EER in the legend
 * (`EER 17.70% at 0.744`) and its operating points at FMR = 10% .. 0.0001% marked as open dots
 * (only the decades its impostor count supports). The FMR axis starts at the decade that the
 * largest impostor count resolves (1/I), the FNMR axis likewise from the genuine count; rates of 0
 * run along the axis edge. The legend sits right of the frame, never over the curves.
 *
 * Observable Plot has no probit scale: the marks are placed at `probit(rate)` on linear scales and
 * the ticks are labelled with the rates in percent. Curves are thinned to points at least
 * 1/400 of the axis apart (the first and last point kept), so a million impostor scores stay a
 * small SVG.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { type DetCurve, probit } from "../metrics/_det_roc.ts";
import type { OperatingPointRow } from "../metrics/_operating_points.ts";

/** One dataset's curve and what its legend says. */
export interface CurveSeries {
  /** Dataset name. */
  dataset: string;
  /** False match rate per point (a DET curve's order: FMR falling). */
  fmr: ArrayLike<number>;
  /** False non-match rate per point. */
  fnmr: ArrayLike<number>;
  /** Number of genuine (mated) scores behind the curve. */
  genuineCount: number;
  /** Number of impostor (non-mated) scores behind the curve. */
  impostorCount: number;
  /** pyeer's EER and its threshold, printed in the legend. @default undefined (not printed) */
  eer?: { rate: number; threshold: number };
  /** Operating points to mark; unsupported rows are skipped. @default [] */
  operatingPoints?: readonly OperatingPointRow[];
}

/** Options of {@linkcode detFigure} and `rocFigure`. */
export interface CurveFigureOptions {
  /** The document to draw on (linkedom's in Deno, `window.document` in a notebook). */
  document: Document;
  /** Width in pixels, legend included. @default 900 */
  width?: number;
  /** Height in pixels; more when the legend needs it (about 43 px per dataset). @default 560 */
  height?: number;
  /** Title. @default the dataset and n for one curve, the number of datasets for several */
  title?: string;
  /** Font size of axis text in pixels. @default 14 */
  fontSize?: number;
}

/** seaborn's default palette (matplotlib's tab10), in dataset order; from the 11th dataset on, dashed. */
export const CURVE_COLORS: readonly string[] = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/**
 * The stroke of the k-th series: colour, and a dash pattern once the palette has been used up.
 *
 * @param k The series' index.
 * @returns Plot's stroke options.
 */
export function curveStroke(k: number): { stroke: string; strokeDasharray?: string } {
  const stroke = CURVE_COLORS[k % CURVE_COLORS.length]!;
  const cycle = Math.floor(k / CURVE_COLORS.length) % 3;
  return cycle === 0 ? { stroke } : { stroke, strokeDasharray: cycle === 1 ? "7,3" : "2,2" };
}

/**
 * The height a curve figure needs for its legend: every series' two lines and the note.
 *
 * @param seriesCount Number of series.
 * @param fontSize Font size in pixels.
 * @param height The height asked for.
 * @returns At least `height`.
 */
export function curveFigureHeight(seriesCount: number, fontSize: number, height: number): number {
  const rows = seriesCount * 2.4 + 4.5;
  return Math.max(height, Math.ceil(44 + 56 + 8 + (fontSize + 5) * rows));
}

/**
 * The series of one dataset from its DET curve, EER and operating points.
 *
 * @param dataset Dataset name.
 * @param curve The DET curve ({@linkcode detCurve}).
 * @param counts Genuine and impostor counts, EER and operating points.
 * @returns The series.
 *
 * @example
 * ```ts
 * import { detCurve } from "../metrics/_det_roc.ts";
 * import { curveSeries } from "./_det.ts";
 * const s = curveSeries("A", detCurve([0.9, 0.7], [0.1, 0.8]), { genuineCount: 2, impostorCount: 2 });
 * if (s.fmr.length !== s.fnmr.length || s.dataset !== "A") throw new Error("unexpected");
 * ```
 */
export function curveSeries(
  dataset: string,
  curve: DetCurve,
  counts: Omit<CurveSeries, "dataset" | "fmr" | "fnmr">,
): CurveSeries {
  return { dataset, fmr: curve.fmr, fnmr: curve.fnmr, ...counts };
}

/** A count with thousands separators, e.g. `10,000` (lib/cli's formatCount is the SI form). */
function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * A rate in percent with the digits it needs, or with `fixed` decimals.
 *
 * @param rate A fraction.
 * @param fixed Decimals. @default undefined (as many as needed, at most 6 significant)
 * @returns E.g. `10%`, `0.01%`, or `17.70%` with `fixed` 2.
 */
export function formatRate(rate: number, fixed?: number): string {
  if (fixed !== undefined) return `${(rate * 100).toFixed(fixed)}%`;
  return `${Number((rate * 100).toPrecision(6))}%`;
}

/**
 * The legend's lines for one series: the name with its EER when known, then the counts.
 *
 * @param s The series.
 * @returns One or two lines, e.g. `DCFace: EER 17.70% at 0.744`, `n = 10,000 mated, 10,000 non-mated`.
 */
export function legendLines(s: CurveSeries): string[] {
  const head = s.eer
    ? `${s.dataset}: EER ${formatRate(s.eer.rate, 2)} at ${s.eer.threshold.toFixed(3)}`
    : s.dataset;
  return [
    head,
    `n = ${thousands(s.genuineCount)} mated, ${thousands(s.impostorCount)} non-mated`,
  ];
}

/**
 * The default title of a curve figure: the dataset and n for one series, the count of datasets
 * for several.
 *
 * @param kind What is drawn, e.g. "DET curve".
 * @param series The series.
 * @returns The title.
 */
export function curveTitle(kind: string, series: readonly CurveSeries[]): string {
  if (series.length === 1) {
    const s = series[0]!;
    return `${s.dataset}: ${kind} (n = ${thousands(s.genuineCount)} mated, ${
      thousands(s.impostorCount)
    } non-mated)`;
  }
  return `${kind}s of ${series.length} datasets`;
}

/**
 * The lowest decade an axis shows: the largest power of ten at or below 1/count (the smallest
 * non-zero rate that count scores resolve), between 1e-6 and 1e-1.
 *
 * @param count Number of scores.
 * @returns The decade.
 */
export function lowestDecade(count: number): number {
  const k = Math.min(6, Math.max(1, Math.ceil(Math.log10(Math.max(count, 1)) - 1e-12)));
  return 10 ** -k;
}

/**
 * Indices of the points to draw: each at least `step` from the last kept in x or y; the first
 * and last always.
 *
 * @param x Positions on x.
 * @param y Positions on y.
 * @param step The least move, in the units of x and y.
 * @returns Indices, increasing.
 */
export function thinnedIndices(x: Float64Array, y: Float64Array, step: number): number[] {
  const n = x.length;
  if (n === 0) return [];
  const keep = [0];
  let lx = x[0]!, ly = y[0]!;
  for (let i = 1; i < n - 1; i++) {
    if (Math.abs(x[i]! - lx) >= step || Math.abs(y[i]! - ly) >= step) {
      keep.push(i);
      lx = x[i]!;
      ly = y[i]!;
    }
  }
  if (n > 1) keep.push(n - 1);
  return keep;
}

/** Where the legend goes: right of the frame, in data units of the plot's scales. */
export interface LegendFrame {
  /** x of the frame's right edge. */
  xRight: number;
  /** x units per pixel. */
  xPerPx: number;
  /** y of the frame's top edge. */
  yTop: number;
  /** y units per pixel (positive: y grows upward). */
  yPerPx: number;
  /** Font size of the dataset lines in pixels. */
  fontSize: number;
}

/**
 * Legend marks right of the frame: a line swatch and the lines of each series, then a note.
 *
 * @param series The series, in colour order.
 * @param frame Where the frame ends and the scales' units per pixel.
 * @param note Text under the entries (lines split at `\n`), if any.
 * @returns The marks.
 */
export function legendMarks(
  series: readonly CurveSeries[],
  frame: LegendFrame,
  note: string | undefined,
): Plot.Markish[] {
  const { xRight, xPerPx, yTop, yPerPx, fontSize } = frame;
  const x0 = xRight + 16 * xPerPx, x1 = x0 + 24 * xPerPx, xText = x1 + 8 * xPerPx;
  const marks: Plot.Markish[] = [];
  let row = 0;
  const rowY = (r: number) => yTop - (8 + (fontSize + 5) * r) * yPerPx;
  series.forEach((s, k) => {
    const y = rowY(row);
    marks.push(
      Plot.link([0], { x1: x0, x2: x1, y1: y, y2: y, ...curveStroke(k), strokeWidth: 2.5 }),
    );
    legendLines(s).forEach((line, j) => {
      marks.push(
        Plot.text([line], {
          x: xText,
          y: rowY(row + j),
          text: (d: string) => d,
          textAnchor: "start",
          fontSize: j === 0 ? fontSize : fontSize - 2,
          fill: j === 0 ? "black" : "#444",
        }),
      );
    });
    row += legendLines(s).length + 0.4;
  });
  if (note) {
    for (const line of note.split("\n")) {
      row += 1;
      marks.push(
        Plot.text([line], {
          x: x0,
          y: rowY(row),
          text: (d: string) => d,
          textAnchor: "start",
          fontSize: fontSize - 3,
          fill: "#444",
        }),
      );
    }
  }
  return marks;
}

/**
 * The note under the legend about the marked operating points.
 *
 * @param series The series.
 * @returns The note, or `undefined` when no series has a supported operating point.
 */
export function operatingPointNote(series: readonly CurveSeries[]): string | undefined {
  const marked = series.some((s) => (s.operatingPoints ?? []).some((p) => p.supported));
  return marked
    ? "○ FNMR at FMR = 10%, 1%, ... 0.0001%:\nonly the decades with at least\n3 expected false matches (rule of three)"
    : undefined;
}

/** The tick labels of a rate axis: decades and 20%, 50%, 80%, 95%, 99% within the domain. */
function rateTicks(lo: number, hi: number): number[] {
  const ticks = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.05, 0.1, 0.2, 0.5, 0.8, 0.95, 0.99];
  return ticks.filter((t) => t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9));
}

/**
 * The DET figure: FNMR against FMR on probit axes, one curve per series, EER in the legend,
 * supported operating points as open dots, the FMR = FNMR diagonal dashed.
 *
 * @param series One or more datasets' curves ({@linkcode curveSeries}).
 * @param options Document, size, title, font size.
 * @returns The Plot SVG element.
 * @throws {RangeError} When no series is given or a series' arrays differ in length.
 *
 * @example
 * ```ts
 * import { detCurve } from "../metrics/_det_roc.ts";
 * import { newDocument } from "./_document.ts";
 * import { curveSeries, detFigure } from "./_det.ts";
 * const gen = Array.from({ length: 300 }, (_, i) => 0.4 + 0.5 * Math.sin(i) ** 2);
 * const imp = Array.from({ length: 900 }, (_, i) => 0.45 * Math.cos(i * 1.7) ** 2);
 * const s = curveSeries("Demo", detCurve(gen, imp), { genuineCount: 300, impostorCount: 900 });
 * const svg = detFigure([s], { document: newDocument() }).outerHTML;
 * if (!svg.includes("Demo: DET curve (n = 300 mated, 900 non-mated)")) throw new Error("no title");
 * ```
 */
export function detFigure(series: readonly CurveSeries[], options: CurveFigureOptions): Element {
  checkSeries(series);
  const { document, width = 900, fontSize = 14 } = options;
  const height = curveFigureHeight(series.length, fontSize, options.height ?? 560);
  const title = options.title ?? curveTitle("DET curve", series);
  const xLo = lowestDecade(Math.max(...series.map((s) => s.impostorCount)));
  const yLo = lowestDecade(Math.max(...series.map((s) => s.genuineCount)));
  const xHi = 0.5;
  let worst = 0;
  for (const s of series) {
    for (let i = 0; i < s.fmr.length; i++) {
      if (s.fmr[i]! >= xLo) worst = Math.max(worst, s.fnmr[i]!);
    }
  }
  const yHi = worst > 0.5 ? 0.99 : 0.5;
  const xDomain: [number, number] = [probit(xLo), probit(xHi)];
  const yDomain: [number, number] = [probit(yLo), probit(yHi)];
  const marginLeft = 72, marginRight = 300, marginTop = 44, marginBottom = 56;
  const xPerPx = (xDomain[1] - xDomain[0]) / (width - marginLeft - marginRight);
  const yPerPx = (yDomain[1] - yDomain[0]) / (height - marginTop - marginBottom);
  const step = Math.min(xDomain[1] - xDomain[0], yDomain[1] - yDomain[0]) / 400;
  const clampX = (v: number) => Math.max(probit(v), xDomain[0] - 0.3);
  const clampY = (v: number) => Math.max(probit(v), yDomain[0] - 0.3);
  const xTicks = rateTicks(xLo, xHi), yTicks = rateTicks(yLo, yHi);
  const diagonal = [Math.max(xLo, yLo), Math.min(xHi, yHi)];
  const marks: Plot.Markish[] = [
    Plot.gridX(xTicks.map(probit), { stroke: "#ccc", strokeOpacity: 1 }),
    Plot.gridY(yTicks.map(probit), { stroke: "#ccc", strokeOpacity: 1 }),
    Plot.line(diagonal.map((r) => [probit(r), probit(r)]), {
      x: (d: number[]) => d[0],
      y: (d: number[]) => d[1],
      stroke: "#888",
      strokeDasharray: "4,4",
      clip: true,
    }),
  ];
  series.forEach((s, k) => {
    const stroke = curveStroke(k), color = stroke.stroke;
    const x = Float64Array.from(s.fmr, clampX), y = Float64Array.from(s.fnmr, clampY);
    const keep = thinnedIndices(x, y, step);
    marks.push(
      Plot.line(keep, {
        x: (i: number) => x[i],
        y: (i: number) => y[i],
        ...stroke,
        strokeWidth: 2,
        clip: true,
      }),
    );
    const points = (s.operatingPoints ?? []).filter((p) => p.supported && p.fmr >= xLo);
    marks.push(
      Plot.dot(points, {
        x: (p: OperatingPointRow) => clampX(p.fmr),
        y: (p: OperatingPointRow) => clampY(p.fnmr),
        r: 4.5,
        stroke: color,
        strokeWidth: 1.8,
        fill: "white",
        clip: true,
      }),
    );
  });
  marks.push(
    Plot.frame({ stroke: "#333" }),
    Plot.axisX(xTicks.map(probit), {
      tickFormat: (_: number, i: number) => formatRate(xTicks[i]!),
      fontSize,
      label: "False match rate (FMR), normal deviate scale",
      labelAnchor: "center",
      labelArrow: "none",
    }),
    Plot.axisY(yTicks.map(probit), {
      tickFormat: (_: number, i: number) => formatRate(yTicks[i]!),
      fontSize,
      label: "False non-match rate (FNMR)",
      labelAnchor: "center",
      labelArrow: "none",
    }),
    ...legendMarks(series, {
      xRight: xDomain[1],
      xPerPx,
      yTop: yDomain[1],
      yPerPx,
      fontSize,
    }, operatingPointNote(series)),
    titleMark(title, marginTop, fontSize),
  );
  return Plot.plot({
    document,
    width,
    height,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom,
    style: { fontSize: `${fontSize}px`, fontFamily: "DejaVu Sans, sans-serif" },
    x: { domain: xDomain, labelOffset: 42 },
    y: { domain: yDomain },
    marks,
  }) as unknown as Element;
}

/**
 * The bold title above the frame, left-aligned.
 *
 * @param title The text.
 * @param marginTop The plot's top margin in pixels.
 * @param fontSize The axis font size; the title is 2 px larger.
 * @returns The mark.
 */
export function titleMark(title: string, marginTop: number, fontSize: number): Plot.Markish {
  return Plot.text([title], {
    frameAnchor: "top-left",
    dy: -marginTop + 10,
    text: (d: string) => d,
    fontSize: fontSize + 2,
    fontWeight: "bold",
    lineAnchor: "top",
    textAnchor: "start",
  });
}

/**
 * Checks that there is a series and that each has matching, non-empty arrays.
 *
 * @param series The series.
 * @throws {RangeError} When not.
 */
export function checkSeries(series: readonly CurveSeries[]): void {
  if (series.length === 0) {
    throw new RangeError("Cannot draw verification curves: no dataset was given");
  }
  for (const s of series) {
    if (s.fmr.length !== s.fnmr.length || s.fmr.length === 0) {
      throw new RangeError(
        `Cannot draw the curve of ${s.dataset}: expected equal, non-empty FMR and FNMR arrays, current lengths are ${s.fmr.length} and ${s.fnmr.length}`,
      );
    }
  }
}
