/// <reference lib="dom" />
/**
 * "Leakage, judged" as a figure: per dataset, the share of samples whose best real match reaches
 * the calibrated threshold, in percent, as a dot with its 95% bootstrap interval as a bar; each row
 * prints the share with its interval and the identity counts in the right margin
 * (`1.23 [1.01, 1.45] · 8/1000 ids → 7 real`), datasets by descending share.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";

/** One dataset of the figure. */
export interface JudgedLeakagePoint {
  /** Dataset name. */
  dataset: string;
  /** Samples judged. */
  samples: number;
  /** Share of samples at or above the threshold, in [0, 1]. */
  share: number;
  /** Lower bound of its interval (NaN: none). */
  lower: number;
  /** Upper bound of its interval (NaN: none). */
  upper: number;
  /** Synthetic identities sampled. */
  identities: number;
  /** Synthetic identities with a sample at or above the threshold. */
  leakedIdentities: number;
  /** Distinct real identities those samples hit. */
  realIdentitiesHit: number;
}

/** Options of {@linkcode judgedLeakageFigure}. */
export interface JudgedLeakageFigureOptions {
  /** The document to draw on. */
  document: Document;
  /** Where the threshold came from, for the title, e.g. `threshold 0.4123 at FMR 1e-3 on ...`. */
  threshold: string;
  /** Width of the plot area in pixels (the margins grow with the labels). @default 460 */
  width?: number;
}

/** `share [lower, upper]` in percent, or the share alone. */
function shareText(p: JudgedLeakagePoint): string {
  const f = (x: number) => (100 * x).toFixed(2);
  const interval = Number.isFinite(p.lower) && Number.isFinite(p.upper)
    ? ` [${f(p.lower)}, ${f(p.upper)}]`
    : "";
  return `${
    f(p.share)
  }${interval} · ${p.leakedIdentities}/${p.identities} ids → ${p.realIdentitiesHit} real`;
}

/**
 * Draws the judged leakage of one or more datasets.
 *
 * @param points One per dataset.
 * @param options Document, threshold sentence, width.
 * @returns The Plot SVG element.
 * @throws {RangeError} When there are no points.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { judgedLeakageFigure } from "./_leakage_judged.ts";
 * const svg = judgedLeakageFigure([
 *   { dataset: "A", samples: 100, share: 0.02, lower: 0.01, upper: 0.04, identities: 50,
 *     leakedIdentities: 2, realIdentitiesHit: 2 },
 *   { dataset: "B", samples: 100, share: 0.1, lower: 0.05, upper: 0.16, identities: 50,
 *     leakedIdentities: 9, realIdentitiesHit: 7 },
 * ], { document: newDocument(), threshold: "threshold 0.5 (given)" });
 * const labels = [...svg.querySelectorAll("text")].map((t) => t.textContent);
 * if (labels.indexOf("B (n=100)") > labels.indexOf("A (n=100)")) throw new Error("B leaks more: first");
 * if (!labels.includes("10.00 [5.00, 16.00] · 9/50 ids → 7 real")) throw new Error(labels.join("|"));
 * ```
 */
export function judgedLeakageFigure(
  points: readonly JudgedLeakagePoint[],
  options: JudgedLeakageFigureOptions,
): Element {
  const { document, threshold, width = 460 } = options;
  if (points.length === 0) throw new RangeError("Cannot draw judged leakage: current count is 0");
  const label = (p: JudgedLeakagePoint) => `${p.dataset} (n=${p.samples})`;
  const rows = [...points].sort((a, b) => b.share - a.share).map((p) => ({
    ...p,
    label: label(p),
    v: 100 * p.share,
    lo: 100 * p.lower,
    hi: 100 * p.upper,
  }));
  const withInterval = rows.filter((r) => Number.isFinite(r.lo) && Number.isFinite(r.hi));
  // Two lines: what is counted, then where the threshold came from (long when calibrated).
  const title = `Samples whose best real match reaches the leakage threshold:\n${threshold}`;
  const titleWidth = 16 + 7.8 * Math.max(...title.split("\n").map((line) => line.length));
  // Margins sized to the longest label and row text (about 7 and 6.5 px per character).
  const marginLeft = Math.ceil(16 + 7 * Math.max(...rows.map((r) => r.label.length)));
  const marginRight = Math.ceil(20 + 6.5 * Math.max(...rows.map((r) => shareText(r).length)));
  return Plot.plot({
    document,
    width: Math.ceil(Math.max(width + marginLeft + marginRight, titleWidth)),
    height: 100 + 24 * rows.length,
    marginTop: 60,
    marginLeft,
    marginRight,
    style: { fontSize: "12px", fontFamily: "DejaVu Sans, sans-serif" },
    x: {
      label: "Samples leaking (%) with 95% bootstrap interval →",
      grid: true,
      nice: true,
      zero: true,
    },
    y: { domain: rows.map((r) => r.label), label: null },
    marks: [
      Plot.text([title], {
        frameAnchor: "top-left",
        textAnchor: "start",
        lineAnchor: "top",
        dx: 8 - marginLeft,
        dy: -52,
        fontSize: 13,
        fontWeight: "bold",
      }),
      Plot.ruleY(withInterval, {
        y: "label",
        x1: "lo",
        x2: "hi",
        stroke: "#1f5fa8",
        strokeWidth: 2,
      }),
      Plot.dot(rows, { y: "label", x: "v", fill: "#1f5fa8", r: 3 }),
      Plot.text(rows, {
        y: "label",
        frameAnchor: "right",
        textAnchor: "start",
        dx: 10,
        text: (r: JudgedLeakagePoint) => shareText(r),
        fill: "#1f5fa8",
        fontSize: 11,
        fontVariant: "tabular-nums",
      }),
    ],
  }) as unknown as Element;
}
