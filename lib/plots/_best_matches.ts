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
import { percentileSorted } from "../metrics/_percentile.ts";
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
  /** Dataset named in the default title. @default undefined */
  dataset?: string;
  /** Name of the real-face gallery in the default title. @default "CASIA-WebFace" */
  gallery?: string;
  /**
   * Title text. @default the dataset, the gallery and n, e.g. "DCFace: best CASIA-WebFace match of
   * each sample (n = 10,000, median 0.412)"
   */
  title?: string;
}

/**
 * Draws the density of best-match similarities, titled with the dataset, n and the median (also
 * drawn, as a dashed line).
 *
 * @param scores Best-match similarity of each sample.
 * @param options Document, size, colour, dataset and title.
 * @returns The Plot SVG element.
 * @throws {RangeError} When fewer than two distinct finite scores leave no density to draw.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { bestMatchesDensityFigure } from "./_best_matches.ts";
 * const document = newDocument();
 * const svg = bestMatchesDensityFigure([0.31, 0.35, 0.4, 0.38, 0.52], { document });
 * if (!svg.outerHTML.includes("(n = 5, median 0.380)")) throw new Error("no title");
 * ```
 */
export function bestMatchesDensityFigure(
  scores: ArrayLike<number>,
  options: BestMatchesDensityFigureOptions,
): Element {
  const {
    document,
    width = 720,
    height = 420,
    color = "skyblue",
    dataset,
    gallery = "CASIA-WebFace",
  } = options;
  const values = Float64Array.from(scores);
  const curve = kde(values);
  if (!curve) {
    throw new RangeError(
      `Cannot draw a best-match density: current count of distinct finite scores is below 2 (${scores.length} scores)`,
    );
  }
  const finite = values.filter(Number.isFinite).sort();
  const median = percentileSorted(finite, 50);
  const what = `best ${gallery} match of each sample`;
  const n = `(n = ${finite.length.toLocaleString("en-US")}, median ${median.toFixed(3)})`;
  const title = options.title ??
    (dataset ? `${dataset}: ${what} ${n}` : `${what[0]!.toUpperCase()}${what.slice(1)} ${n}`);
  return Plot.plot({
    document,
    width,
    height,
    marginLeft: 64,
    marginBottom: 52,
    marginTop: 40,
    style: { fontSize: "12px", fontFamily: "DejaVu Sans, sans-serif" },
    x: {
      domain: [0, 1],
      label: "Cosine Similarity (Best Match)",
      labelAnchor: "center",
      grid: true,
    },
    y: { label: "Density", labelAnchor: "center", grid: true, nice: true },
    marks: [
      kdeAreaY(curve, { color, fillOpacity: 0.7, strokeWidth: 1.5, clip: true }),
      Plot.ruleX([median], { stroke: "#1f3b57", strokeDasharray: "4,3" }),
      Plot.ruleY([0]),
      Plot.text([title], {
        frameAnchor: "top-left",
        textAnchor: "start",
        lineAnchor: "top",
        dx: -56,
        dy: -32,
        fontSize: 14,
        fontWeight: "bold",
      }),
      Plot.axisX({
        tickSize: 4,
        label: "Cosine Similarity (Best Match)",
        labelAnchor: "center",
        labelArrow: "none",
        labelOffset: 40,
      }),
      Plot.axisY({ tickSize: 4, label: "Density", labelAnchor: "center", labelArrow: "none" }),
    ],
  }) as unknown as Element;
}
