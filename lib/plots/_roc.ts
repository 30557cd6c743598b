/// <reference lib="dom" />
/**
 * The ROC figure of a verification report as insightface's and the FRCSyn challenge's
 * evaluations draw it: true match rate (1 − FNMR) against FMR on a log axis, from the decade the
 * largest impostor count resolves to 1, one curve per dataset with its EER in the legend and its
 * supported operating points as open dots. Points with FMR 0 have no place on a log axis and are
 * left out. Same series, legend and style as the DET figure (`_det.ts`).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { OperatingPointRow } from "../metrics/_operating_points.ts";
import {
  checkSeries,
  curveFigureHeight,
  type CurveFigureOptions,
  type CurveSeries,
  curveStroke,
  curveTitle,
  formatRate,
  legendMarks,
  lowestDecade,
  operatingPointNote,
  thinnedIndices,
  titleMark,
} from "./_det.ts";

/**
 * The ROC figure: TMR against FMR (log scale), one curve per series, EER in the legend, supported
 * operating points as open dots.
 *
 * @param series One or more datasets' curves (`curveSeries`; the DET arrays serve: TMR = 1 − FNMR).
 * @param options Document, size, title, font size.
 * @returns The Plot SVG element.
 * @throws {RangeError} When no series is given or a series' arrays differ in length.
 *
 * @example
 * ```ts
 * import { detCurve } from "../metrics/_det_roc.ts";
 * import { newDocument } from "./_document.ts";
 * import { curveSeries } from "./_det.ts";
 * import { rocFigure } from "./_roc.ts";
 * const gen = Array.from({ length: 300 }, (_, i) => 0.4 + 0.5 * Math.sin(i) ** 2);
 * const imp = Array.from({ length: 900 }, (_, i) => 0.45 * Math.cos(i * 1.7) ** 2);
 * const s = curveSeries("Demo", detCurve(gen, imp), { genuineCount: 300, impostorCount: 900 });
 * const svg = rocFigure([s], { document: newDocument() }).outerHTML;
 * if (!svg.includes("Demo: ROC curve (n = 300 mated, 900 non-mated)")) throw new Error("no title");
 * ```
 */
export function rocFigure(series: readonly CurveSeries[], options: CurveFigureOptions): Element {
  checkSeries(series);
  const { document, width = 900, fontSize = 14 } = options;
  const height = curveFigureHeight(series.length, fontSize, options.height ?? 560);
  const title = options.title ?? curveTitle("ROC curve", series);
  const xLo = lowestDecade(Math.max(...series.map((s) => s.impostorCount)));
  const logLo = Math.log10(xLo);
  let lowest = 1;
  for (const s of series) {
    for (let i = 0; i < s.fmr.length; i++) {
      if (s.fmr[i]! >= xLo) lowest = Math.min(lowest, 1 - s.fnmr[i]!);
    }
  }
  const yLo = Math.max(0, Math.floor(lowest * 10) / 10 - 0.05);
  const xDomain: [number, number] = [logLo, 0];
  const yDomain: [number, number] = [yLo, 1];
  const marginLeft = 72, marginRight = 300, marginTop = 44, marginBottom = 56;
  const xPerPx = (xDomain[1] - xDomain[0]) / (width - marginLeft - marginRight);
  const yPerPx = (yDomain[1] - yDomain[0]) / (height - marginTop - marginBottom);
  const step = (xDomain[1] - xDomain[0]) / 400;
  const xTicks: number[] = [];
  for (let k = Math.round(logLo); k <= 0; k++) xTicks.push(k);
  const marks: Plot.Markish[] = [
    Plot.gridX(xTicks, { stroke: "#ccc", strokeOpacity: 1 }),
    Plot.gridY({ stroke: "#ccc", strokeOpacity: 1 }),
  ];
  series.forEach((s, k) => {
    const stroke = curveStroke(k), color = stroke.stroke;
    const x: number[] = [], y: number[] = [];
    for (let i = 0; i < s.fmr.length; i++) {
      if (s.fmr[i]! > 0) {
        x.push(Math.max(Math.log10(s.fmr[i]!), logLo - 0.3));
        y.push(1 - s.fnmr[i]!);
      }
    }
    const xs = Float64Array.from(x), ys = Float64Array.from(y);
    const keep = thinnedIndices(xs, ys, step);
    marks.push(
      Plot.line(keep, {
        x: (i: number) => xs[i],
        y: (i: number) => ys[i],
        ...stroke,
        strokeWidth: 2,
        clip: true,
      }),
    );
    const points = (s.operatingPoints ?? []).filter((p) => p.supported && p.fmr >= xLo);
    marks.push(
      Plot.dot(points, {
        x: (p: OperatingPointRow) => Math.log10(p.fmr),
        y: (p: OperatingPointRow) => 1 - p.fnmr,
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
    Plot.axisX(xTicks, {
      tickFormat: (k: number) => formatRate(10 ** k),
      fontSize,
      label: "False match rate (FMR), log scale",
      labelAnchor: "center",
      labelArrow: "none",
    }),
    Plot.axisY({
      tickFormat: (v: number) => formatRate(v),
      fontSize,
      label: "True match rate (1 − FNMR)",
      labelAnchor: "center",
      labelArrow: "none",
    }),
    ...legendMarks(
      series,
      { xRight: xDomain[1], xPerPx, yTop: yDomain[1], yPerPx, fontSize },
      operatingPointNote(series),
    ),
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
