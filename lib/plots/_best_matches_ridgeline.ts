/// <reference lib="dom" />
/**
 * The best-match densities of many datasets in one figure: one row per dataset (a ridgeline), each
 * the same seaborn-equal KDE as the single-dataset figure, on a shared cosine axis from 0 to 1,
 * rows sorted by median best match so the most leaking datasets sit on top.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { kde } from "../metrics/_kde.ts";
import { percentileSorted } from "../metrics/_percentile.ts";
import { kdeAreaY } from "./_kde_area.ts";

/** Options of {@linkcode bestMatchesRidgelineFigure}. */
export interface BestMatchesRidgelineFigureOptions {
  /** The document to draw on. */
  document: Document;
  /** A threshold drawn as a dashed vertical line. @default undefined */
  threshold?: number;
  /** Width in pixels. @default 720 */
  width?: number;
  /** Height of one row in pixels. @default 34 */
  rowHeight?: number;
  /** Fill colour. @default "skyblue" */
  color?: string;
  /** Name of the real-face gallery in the default title. @default "CASIA-WebFace" */
  gallery?: string;
  /** Title text. @default what is drawn, with the count of datasets */
  title?: string;
}

/** A count with thousands separators (`10,000`). */
function count(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Draws one density row per dataset. Each row is scaled to its own peak (densities of different
 * spreads stay readable); a dot marks the median, and the right margin prints each row's n and
 * median (datasets of different sizes, such as SDFD's 1,000 samples beside 10,000, say so).
 *
 * @param sets Dataset name to its best-match similarities.
 * @param options Document, threshold, size and colour.
 * @returns The Plot SVG element.
 * @throws {RangeError} When no dataset has two distinct finite scores.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { bestMatchesRidgelineFigure } from "./_best_matches_ridgeline.ts";
 * const document = newDocument();
 * const svg = bestMatchesRidgelineFigure(
 *   new Map([["Low", [0.2, 0.3, 0.25, 0.35]], ["High", [0.6, 0.7, 0.65, 0.5]]]),
 *   { document },
 * );
 * const labels = [...svg.querySelectorAll("text")].map((t) => t.textContent);
 * if (labels.indexOf("High") > labels.indexOf("Low")) throw new Error("High first");
 * ```
 */
export function bestMatchesRidgelineFigure(
  sets: ReadonlyMap<string, ArrayLike<number>>,
  options: BestMatchesRidgelineFigureOptions,
): Element {
  const {
    document,
    threshold,
    width = 760,
    rowHeight = 34,
    color = "skyblue",
    gallery = "CASIA-WebFace",
  } = options;
  const rows: {
    dataset: string;
    n: number;
    median: number;
    x: Float64Array;
    y: Float64Array;
  }[] = [];
  for (const [dataset, scores] of sets) {
    const values = Float64Array.from(scores).filter(Number.isFinite).sort();
    const curve = kde(values);
    if (!curve) continue;
    let peak = 0;
    for (const y of curve.y) peak = Math.max(peak, y);
    const y = curve.y.map((v) => v / peak);
    rows.push({ dataset, n: values.length, median: percentileSorted(values, 50), x: curve.x, y });
  }
  if (rows.length === 0) {
    throw new RangeError(
      "Cannot draw best-match densities: current sets hold no two distinct scores",
    );
  }
  rows.sort((a, b) => b.median - a.median);
  const n = rows.reduce((sum, r) => sum + r.x.length, 0);
  const x = new Float64Array(n), y = new Float64Array(n), fy = new Array<string>(n);
  let at = 0;
  for (const r of rows) {
    x.set(r.x, at);
    y.set(r.y, at);
    fy.fill(r.dataset, at, at + r.x.length);
    at += r.x.length;
  }
  const marks: Plot.Markish[] = [
    kdeAreaY({ x, y }, {
      fy,
      fill: color,
      fillOpacity: 0.7,
      stroke: "#2b6f97",
      strokeWidth: 1,
      clip: true,
    }),
    Plot.dot(rows, { x: "median", y: 0, fy: "dataset", fill: "#1f3b57", r: 2.5 }),
    Plot.text(rows, {
      fy: "dataset",
      frameAnchor: "right",
      textAnchor: "start",
      dx: 8,
      text: (r: (typeof rows)[number]) => `n = ${count(r.n)}, median ${r.median.toFixed(3)}`,
      fontSize: 11,
    }),
  ];
  if (threshold !== undefined) {
    marks.push(
      Plot.ruleX([threshold], { stroke: "#c0392b", strokeDasharray: "4,3" }),
      Plot.text([{ text: `threshold ${threshold}`, fy: rows[0]!.dataset }], {
        text: "text",
        fy: "fy",
        x: () => threshold,
        frameAnchor: "top",
        lineAnchor: "bottom",
        dy: -2,
        fill: "#c0392b",
        fontSize: 11,
      }),
    );
  }
  const title = options.title ??
    `Best ${gallery} match per sample, ${rows.length} datasets (dot: median)`;
  marks.push(
    Plot.text([{ title, fy: rows[0]!.dataset }], {
      text: "title",
      fy: "fy",
      frameAnchor: "top-left",
      textAnchor: "start",
      lineAnchor: "top",
      dx: -112,
      dy: -34,
      fontSize: 14,
      fontWeight: "bold",
    }),
  );
  return Plot.plot({
    document,
    width,
    height: 86 + rowHeight * rows.length,
    marginTop: 36,
    marginLeft: 120,
    marginRight: 170,
    marginBottom: 40,
    style: { fontSize: "12px", fontFamily: "DejaVu Sans, sans-serif" },
    x: { domain: [0, 1], label: "Cosine Similarity (Best Match) →", grid: true },
    y: { axis: null, domain: [0, 1] },
    fy: { domain: rows.map((r) => r.dataset), label: null, axis: "left" },
    facet: { marginLeft: 120 },
    marks,
  }) as unknown as Element;
}
