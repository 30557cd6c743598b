/// <reference lib="dom" />
/**
 * The best-match density figure of the identity-leakage search, as `compare_embeddings.py` drew it
 * with seaborn: a filled Gaussian KDE of the best-match cosine similarities (skyblue, alpha 0.7),
 * x fixed to [0, 1], light grid, top and right spines removed.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { kde } from "../metrics/_kde.ts";
import { kdeAreaY } from "./_kde_area.ts";

/** Options of {@linkcode bestMatchesDensityFigure}. */
export interface BestMatchesDensityFigureOptions {
  /** The document to draw on (linkedom's in Deno, `window.document` in a notebook). */
  document: Document;
  /** Width in pixels. @default 720 */
  width?: number;
  /** Height in pixels. @default 420 */
  height?: number;
  /** Fill colour. @default "skyblue" */
  color?: string;
}

/**
 * Draws the density of best-match similarities.
 *
 * @param scores Best-match similarity of each sample.
 * @param options Document, size and colour.
 * @returns The Plot SVG element.
 * @throws {RangeError} When fewer than two distinct finite scores leave no density to draw.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { bestMatchesDensityFigure } from "./_best_matches.ts";
 * const document = newDocument();
 * const svg = bestMatchesDensityFigure([0.31, 0.35, 0.4, 0.38, 0.52], { document });
 * if (!svg.outerHTML.includes("Cosine Similarity (Best Match)")) throw new Error("no x label");
 * ```
 */
export function bestMatchesDensityFigure(
  scores: ArrayLike<number>,
  options: BestMatchesDensityFigureOptions,
): Element {
  const { document, width = 720, height = 420, color = "skyblue" } = options;
  const curve = kde(Float64Array.from(scores));
  if (!curve) {
    throw new RangeError(
      `Cannot draw a best-match density: current count of distinct finite scores is below 2 (${scores.length} scores)`,
    );
  }
  return Plot.plot({
    document,
    width,
    height,
    marginLeft: 56,
    marginBottom: 44,
    x: {
      domain: [0, 1],
      label: "Cosine Similarity (Best Match)",
      labelAnchor: "center",
      grid: true,
    },
    y: { label: "Density", labelAnchor: "center", grid: true, nice: true },
    style: { fontSize: "12px" },
    marks: [
      kdeAreaY(curve, { color, fillOpacity: 0.7, strokeWidth: 1.5, clip: true }),
      Plot.ruleY([0]),
      Plot.axisX({ tickSize: 4 }),
      Plot.axisY({ tickSize: 4 }),
    ],
  }) as unknown as Element;
}
