/// <reference lib="dom" />
/**
 * Pictures of an embedding space (notebook 01): the rows projected on two principal components,
 * one dot per image coloured by identity (the key in the right margin lists the identities while
 * they are few), and the histogram of the embeddings' norms. Titles and keys are SVG marks, so
 * `figureToSvg` gives one self-contained SVG.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";

/** What the embedding map shows. */
export interface EmbeddingMapData {
  /** Dataset name, for the title. */
  dataset: string;
  /** Each row's first coordinate (e.g. on PC1). */
  x: ArrayLike<number>;
  /** Each row's second coordinate (e.g. on PC2). */
  y: ArrayLike<number>;
  /** Each row's identity index into `names`. */
  labels: ArrayLike<number>;
  /** Identity names. */
  names: readonly string[];
  /** Share of the variance along each axis, printed in the axis labels. @default undefined */
  explained?: readonly [number, number];
  /** What the axes are. @default "PC" */
  method?: string;
}

/** Options of the embedding-space figures. */
export interface EmbeddingMapOptions {
  /** The document to draw on (linkedom's in Deno, `window.document` in a notebook). */
  document: Document;
  /** Width in pixels. @default 860 */
  width?: number;
  /** Height in pixels. @default 560 (the norms: 400) */
  height?: number;
  /** Font size in pixels. @default 14 */
  fontSize?: number;
  /** Most identities listed in the key; with more, the colours repeat and no key is drawn. @default 12 */
  keyLimit?: number;
}

/** Observable's ten categorical colours (Tableau 10). */
const COLORS = [
  "#4e79a7",
  "#f28e2c",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc949",
  "#af7aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ab",
];
const KEY_WIDTH = 200;

function count(n: number): string {
  return n.toLocaleString("en-US");
}

function titleMark(text: string, fontSize: number, marginLeft: number, marginTop: number) {
  return Plot.text([text], {
    frameAnchor: "top-left",
    textAnchor: "start",
    lineAnchor: "top",
    dx: -marginLeft + 8,
    dy: -marginTop + 8,
    text: (d: string) => d,
    fontSize: fontSize + 2,
    fontWeight: "bold",
  });
}

/**
 * The embedding map: one dot per row at (x, y), coloured by identity, titled with the dataset,
 * the images and identities; the axis labels carry the share of variance when given.
 *
 * @param data Coordinates, identities and names.
 * @param options Document, size, font size, key limit.
 * @returns The Plot SVG element.
 * @throws {RangeError} When the columns differ in length or a label is outside `names`.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { embeddingMapFigure } from "./_embedding_map.ts";
 * const svg = embeddingMapFigure({
 *   dataset: "Demo", x: [0, 1, 2], y: [1, 0, 1], labels: [0, 0, 1], names: ["a", "b"], explained: [0.5, 0.25],
 * }, { document: newDocument() });
 * if (!svg.outerHTML.includes("PC1 (50.0% of variance)")) throw new Error("no axis label");
 * ```
 */
export function embeddingMapFigure(data: EmbeddingMapData, options: EmbeddingMapOptions): Element {
  const { document, width = 860, height = 560, fontSize = 14, keyLimit = 12 } = options;
  const { x, y, labels, names, method = "PC" } = data;
  const n = x.length;
  if (y.length !== n || labels.length !== n) {
    throw new RangeError(
      `Cannot draw the embedding map: ${n} x, ${y.length} y and ${labels.length} labels differ`,
    );
  }
  const rows = Array.from({ length: n }, (_, i) => {
    const label = labels[i]!;
    if (!(Number.isInteger(label) && label >= 0 && label < names.length)) {
      throw new RangeError(
        `Cannot draw the embedding map: row ${i} has identity ${label}, outside the ${names.length} names`,
      );
    }
    return { x: x[i]!, y: y[i]!, color: COLORS[label % COLORS.length]! };
  });
  const withKey = names.length <= keyLimit;
  const marginLeft = 64, marginTop = 44, marginBottom = 52;
  const marginRight = withKey ? KEY_WIDTH : 24;
  const axis = (k: 0 | 1) => {
    const share = data.explained?.[k];
    return share === undefined
      ? `${method}${k + 1}`
      : `${method}${k + 1} (${(100 * share).toFixed(1)}% of variance)`;
  };
  const colours = names.length > COLORS.length ? "; colours repeat" : "";
  const title = `${data.dataset}: embeddings by identity (n = ${count(n)} images, ${
    count(names.length)
  } identities${colours})`;
  const marks: Plot.Markish[] = [
    Plot.dot(rows, { x: "x", y: "y", fill: "color", r: 3, fillOpacity: 0.8, stroke: "none" }),
    Plot.axisX({
      tickSize: 5,
      fontSize,
      label: axis(0),
      labelAnchor: "center",
      labelArrow: "none",
    }),
    Plot.axisY({
      tickSize: 5,
      fontSize,
      label: axis(1),
      labelAnchor: "center",
      labelArrow: "none",
    }),
    titleMark(title, fontSize, marginLeft, marginTop),
  ];
  if (withKey) {
    names.forEach((name, k) => {
      const dy = 10 + 22 * k;
      marks.push(
        Plot.dot([name], {
          frameAnchor: "top-right",
          dx: 18,
          dy,
          fill: COLORS[k % COLORS.length]!,
          r: 5,
        }),
        Plot.text([name], {
          frameAnchor: "top-right",
          dx: 30,
          dy,
          text: (d: string) => d,
          textAnchor: "start",
          fontSize,
        }),
      );
    });
  }
  return Plot.plot({
    document,
    width,
    height,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom,
    style: { fontSize: `${fontSize}px`, fontFamily: "DejaVu Sans, sans-serif" },
    x: { label: axis(0), labelOffset: 40, grid: true },
    y: { label: axis(1), grid: true },
    color: { type: "identity" },
    marks,
  }) as unknown as Element;
}

/**
 * The histogram of the embeddings' L2 norms, titled with the dataset, n and the range (ArcFace
 * embeddings as the kit writes them are normalised, so every norm should be 1 to about 1e-5).
 *
 * @param norms Each row's norm.
 * @param options Document, size, font size, and the dataset for the title.
 * @returns The Plot SVG element.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { embeddingNormsFigure } from "./_embedding_map.ts";
 * const svg = embeddingNormsFigure([1, 0.99999, 1.00001], { document: newDocument(), dataset: "Demo" });
 * if (!svg.outerHTML.includes("Demo: embedding norms (n = 3")) throw new Error("no title");
 * ```
 */
export function embeddingNormsFigure(
  norms: ArrayLike<number>,
  options: EmbeddingMapOptions & { dataset: string },
): Element {
  const { document, width = 860, height = 400, fontSize = 14 } = options;
  const values = Array.from(norms);
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = values.length > 0 ? `, from ${lo.toFixed(6)} to ${hi.toFixed(6)}` : "";
  const title = `${options.dataset}: embedding norms (n = ${count(values.length)}${range})`;
  const marginLeft = 64, marginTop = 44;
  const flat = !(hi > lo);
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
      label: "L2 norm",
      labelOffset: 40,
      ...(flat && values.length > 0 ? { domain: [lo - 1e-5, hi + 1e-5] } : {}),
    },
    y: { label: "Images", grid: true },
    marks: [
      flat
        ? Plot.ruleX(values.length > 0 ? [lo] : [], { stroke: "#4e79a7", strokeWidth: 6 })
        : Plot.rectY(values, {
          ...Plot.binX({ y: "count" }, { x: (d: number) => d, thresholds: 40 }),
          fill: "#4e79a7",
        }),
      Plot.ruleY([0]),
      Plot.axisX({
        tickSize: 5,
        fontSize,
        label: "L2 norm",
        labelAnchor: "center",
        labelArrow: "none",
        ticks: 6,
      }),
      Plot.axisY({
        tickSize: 5,
        fontSize,
        label: "Images",
        labelAnchor: "center",
        labelArrow: "none",
      }),
      titleMark(title, fontSize, marginLeft, marginTop),
    ],
  }) as unknown as Element;
}
