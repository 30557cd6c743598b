/// <reference lib="dom" />
/**
 * Beyond the paper: where each dataset's globally closest (synthetic, real) pairs fall on the
 * cosine scale, beside the bulk of its best matches. One row per dataset: a tick per closest pair,
 * and optionally the median and maximum of the sampled best matches.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { BestMatchSummary } from "../metrics/_best_match_summary.ts";
import type { ClosestPairs } from "../formats/_closest_json.ts";

/** Options of {@linkcode closestPairsStripFigure}. */
export interface ClosestPairsStripFigureOptions {
  /** The document to draw on. */
  document: Document;
  /** Best-match summaries by dataset name, drawn as the median (diamond). @default undefined */
  bestMatches?: ReadonlyMap<string, BestMatchSummary>;
  /** A verification threshold drawn as a vertical line. @default undefined */
  threshold?: number;
  /** Width in pixels. @default 760 */
  width?: number;
  /** Title text. @default what is drawn, with the count of datasets */
  title?: string;
}

/**
 * Draws the closest pairs of several datasets as ticks on one cosine axis, datasets sorted by their
 * closest pair (most similar first). The key sits above the frame; the right margin prints each
 * row's count of pairs and its closest pair's similarity.
 *
 * @param sets The closest pairs of each dataset (see `readClosest`).
 * @param options Document, best-match summaries, threshold and width.
 * @returns The Plot SVG element.
 * @throws {RangeError} When no dataset has a pair.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { closestPairsStripFigure } from "./_closest_pairs_strip.ts";
 * const document = newDocument();
 * const set = (name: string, top: number) => ({
 *   name, metadata: { inputFile: "", nSamplesCompared: 1, topGlobalMatches: 2, totalPairsConsidered: 2 },
 *   rank: new Uint32Array([1, 2]), similarity: new Float64Array([top, top - 0.1]),
 *   queryIdentity: [], queryImageName: [], queryPath: [], casiaIdentity: [], casiaImageName: [],
 *   casiaPath: [],
 * });
 * const svg = closestPairsStripFigure([set("A", 0.6), set("B", 0.9)], { document, threshold: 0.5 });
 * const labels = [...svg.querySelectorAll("text")].map((t) => t.textContent);
 * if (labels.indexOf("B") > labels.indexOf("A")) throw new Error("B first");
 * ```
 */
export function closestPairsStripFigure(
  sets: readonly ClosestPairs[],
  options: ClosestPairsStripFigureOptions,
): Element {
  const { document, bestMatches, threshold, width = 760 } = options;
  const present = sets.filter((s) => s.similarity.length > 0);
  if (present.length === 0) {
    throw new RangeError("Cannot draw closest pairs: current sets hold no pair");
  }
  const top = (s: ClosestPairs) => s.similarity[0]!; // every present set has a first pair
  const domain = [...present].sort((a, b) => top(b) - top(a)).map((s) => s.name);
  const ticks = present.flatMap((s) =>
    Array.from(s.similarity, (similarity, i) => ({ dataset: s.name, similarity, rank: i + 1 }))
  );
  const medians = bestMatches
    ? present.flatMap((s) => {
      const summary = bestMatches.get(s.name);
      return summary ? [{ dataset: s.name, median: summary.median }] : [];
    })
    : [];
  const marks: Plot.Markish[] = [
    Plot.tickX(ticks, { y: "dataset", x: "similarity", stroke: "#c0392b", strokeOpacity: 0.45 }),
    Plot.dot(present.map((s) => ({ dataset: s.name, top: top(s) })), {
      y: "dataset",
      x: "top",
      fill: "#c0392b",
      r: 3,
    }),
  ];
  if (medians.length > 0) {
    marks.push(
      Plot.dot(medians, { y: "dataset", x: "median", symbol: "diamond", fill: "#1f5fa8", r: 4 }),
      Plot.text(["◆ median best match of the samples"], {
        frameAnchor: "top-left",
        textAnchor: "start",
        dx: 150,
        dy: -14,
        fill: "#1f5fa8",
      }),
    );
  }
  if (threshold !== undefined) {
    marks.push(
      Plot.ruleX([threshold], { stroke: "#555", strokeDasharray: "4,3" }),
      Plot.text([`┆ threshold ${threshold}`], {
        frameAnchor: "top-right",
        textAnchor: "end",
        dy: -14,
        fill: "#555",
      }),
    );
  }
  const title = options.title ??
    `The globally closest (synthetic, real) pairs of ${domain.length} datasets`;
  marks.push(
    Plot.text(["● closest pair   | each of the top pairs"], {
      frameAnchor: "top-left",
      textAnchor: "start",
      dx: -112,
      dy: -14,
      fill: "#c0392b",
    }),
    Plot.text(present, {
      y: "name",
      frameAnchor: "right",
      textAnchor: "start",
      dx: 8,
      text: (s: ClosestPairs) => `${s.similarity.length} pairs, top ${top(s).toFixed(3)}`,
      fontSize: 11,
    }),
    Plot.text([title], {
      frameAnchor: "top-left",
      textAnchor: "start",
      lineAnchor: "top",
      dx: -112,
      dy: -50,
      fontSize: 14,
      fontWeight: "bold",
    }),
  );
  return Plot.plot({
    document,
    width,
    height: 104 + 22 * domain.length,
    marginTop: 58,
    marginLeft: 120,
    marginRight: 160,
    style: { fontSize: "12px", fontFamily: "DejaVu Sans, sans-serif" },
    x: { label: "cosine similarity of the closest (synthetic, real) pairs →", grid: true },
    y: { domain, label: null },
    marks,
  }) as unknown as Element;
}
