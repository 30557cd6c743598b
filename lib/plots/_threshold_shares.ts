/// <reference lib="dom" />
/**
 * Beyond the paper: for each dataset, the share of samples whose best real-face match reaches
 * common verification thresholds, i.e. how many synthetic samples a face verifier set at that
 * threshold would accept as someone in the real training data.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { BestMatchSummary } from "../metrics/_best_match_summary.ts";

/** Options of {@linkcode thresholdSharesFigure}. */
export interface ThresholdSharesFigureOptions {
  /** The document to draw on. */
  document: Document;
  /** Width in pixels. @default 760 */
  width?: number;
  /** Title text. @default what is drawn, with the count of datasets */
  title?: string;
}

/**
 * Draws one row per dataset with a dot per threshold at the percentage of best matches at or above
 * it, joined by a bar; datasets are sorted by the share at their highest threshold (then the next).
 * The key sits above the frame; the right margin prints each row's n and its shares in percent.
 *
 * @param summaries Dataset name to its best-match summary (all with the same thresholds).
 * @param options Document and width.
 * @returns The Plot SVG element.
 * @throws {RangeError} When there is no dataset, or the summaries' thresholds differ.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { summarizeBestMatches } from "../metrics/_best_match_summary.ts";
 * import { thresholdSharesFigure } from "./_threshold_shares.ts";
 * const document = newDocument();
 * const summaries = new Map([
 *   ["Low", summarizeBestMatches([0.1, 0.2, 0.35], { thresholds: [0.3, 0.5] })],
 *   ["High", summarizeBestMatches([0.6, 0.7, 0.2], { thresholds: [0.3, 0.5] })],
 * ]);
 * const svg = thresholdSharesFigure(summaries, { document });
 * const labels = [...svg.querySelectorAll("text")].map((t) => t.textContent);
 * if (labels.indexOf("High") > labels.indexOf("Low")) throw new Error("High first");
 * ```
 */
export function thresholdSharesFigure(
  summaries: ReadonlyMap<string, BestMatchSummary>,
  options: ThresholdSharesFigureOptions,
): Element {
  const { document, width = 760 } = options;
  const entries = [...summaries];
  const first = entries[0];
  if (first === undefined) {
    throw new RangeError("Cannot draw threshold shares: current count of datasets is 0");
  }
  const [firstName, { thresholds }] = first;
  for (const [name, s] of entries) {
    if (s.thresholds.join() !== thresholds.join()) {
      throw new RangeError(
        `Cannot draw threshold shares: ${name} has thresholds ${s.thresholds}, ${firstName} has ${thresholds}`,
      );
    }
  }
  // A summary has one share per threshold, and all have the same thresholds (checked above).
  const byDescendingThreshold = thresholds.map((t, k) => [t, k] as const).sort((a, b) =>
    b[0] - a[0]
  );
  const domain = entries.sort(([, a], [, b]) => {
    for (const [, k] of byDescendingThreshold) {
      if (a.shareAbove[k] !== b.shareAbove[k]) return b.shareAbove[k]! - a.shareAbove[k]!;
    }
    return 0;
  }).map(([name]) => name);
  const rows = entries.flatMap(([dataset, s]) =>
    thresholds.map((t, k) => ({ dataset, threshold: `≥ ${t}`, percent: 100 * s.shareAbove[k]! }))
  );
  const spans = entries.map(([dataset, s]) => ({
    dataset,
    low: 100 * Math.min(...s.shareAbove),
    high: 100 * Math.max(...s.shareAbove),
  }));
  const title = options.title ??
    `Samples whose best real match reaches each threshold, ${domain.length} datasets`;
  const counts = entries.map(([dataset, s]) => ({
    dataset,
    text: `n = ${s.n.toLocaleString("en-US")}: ${
      Array.from(s.shareAbove, (v) => (100 * v).toFixed(1)).join(" / ")
    } %`,
  }));
  return Plot.plot({
    document,
    width,
    height: 100 + 22 * domain.length,
    marginTop: 60,
    marginLeft: 120,
    marginRight: 190,
    style: { fontSize: "12px", fontFamily: "DejaVu Sans, sans-serif" },
    x: {
      label: "samples whose best real match reaches the threshold (%) →",
      grid: true,
      domain: [0, 100],
    },
    y: { domain, label: null },
    color: {
      type: "ordinal",
      domain: thresholds.map((t) => `≥ ${t}`),
      range: ["#3b0f70", "#1f9e89", "#e07b00", "#c0392b", "#777777"],
    },
    marks: [
      Plot.ruleY(spans, { y: "dataset", x1: "low", x2: "high", stroke: "#bbb", strokeWidth: 2 }),
      Plot.dot(rows, { y: "dataset", x: "percent", fill: "threshold", r: 4 }),
      Plot.text(counts, {
        y: "dataset",
        text: "text",
        frameAnchor: "right",
        textAnchor: "start",
        dx: 8,
        fontSize: 11,
      }),
      Plot.text([title], {
        frameAnchor: "top-left",
        textAnchor: "start",
        lineAnchor: "top",
        dx: -112,
        dy: -52,
        fontSize: 14,
        fontWeight: "bold",
      }),
      ...thresholds.map((t, k) =>
        Plot.text([`● cosine ≥ ${t}`], {
          frameAnchor: "top-left",
          textAnchor: "start",
          dy: -24,
          dx: 130 * k,
          fill: () => `≥ ${t}`,
          fontWeight: "bold",
        })
      ),
    ],
  }) as unknown as Element;
}
