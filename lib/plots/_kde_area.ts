/**
 * The kit's density mark: a KDE curve drawn as seaborn's `kdeplot(fill=True)` draws it, a filled
 * area under the curve and the curve itself as a line on top, both from the same `x` and `y`
 * columns. A composite in the manner of Observable Plot's `bollingerY` (`src/marks/bollinger.js`):
 * one function returning `Plot.marks(areaY, lineY)`, with `color` setting both the fill and the
 * stroke, and the other options (`clip`, `fy`) passed to both.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";

/** A column of numbers: a `Float64Array` (as the kit's `kde` returns) or an array. */
export type NumberColumn = ArrayLike<number> & Iterable<number>;

/** The columns of one density curve, or of several drawn together (say, one per facet). */
export interface KdeColumns {
  /** Evaluation points, ascending within each curve. */
  x: NumberColumn;
  /** Density at each point, one per `x`. */
  y: NumberColumn;
}

/** Options of {@linkcode kdeAreaY}; `clip` and `fy` go to both the area and the line. */
export interface KdeAreaYOptions {
  /**
   * Clips both marks to the plot's frame (`true` or `"frame"`; `false` does not clip).
   * @default the plot's `clip` option (no clipping when unset)
   */
  clip?: boolean | "frame";
  /** Facet value of each point, one per `x` (e.g. the dataset name), for one curve per `fy` facet. */
  fy?: Iterable<string | number>;
  /** Colour of both the area and the line. @default "currentColor" */
  color?: string;
  /** Fill of the area; `"none"` draws only the line. @default color */
  fill?: string;
  /** Opacity of the area's fill. @default 0.5 */
  fillOpacity?: number;
  /** Stroke of the line; `"none"` draws only the area. @default color */
  stroke?: string;
  /** Width of the line in pixels. @default 1.5 */
  strokeWidth?: number;
}

function isNone(color: string): boolean {
  return color.toLowerCase() === "none";
}

/**
 * Draws density curves as a filled area under a line (seaborn's filled `kdeplot`), from columns.
 *
 * @param curve The `x` and `y` columns (a `KdeCurve` as it is); other channels, such as `fy` for
 *   one curve per facet, are columns of the same length in `options`.
 * @param options Colours, fill opacity, line width, and options for both marks.
 * @returns The area and the line as one compound mark.
 * @throws {RangeError} When `x` and `y` differ in length.
 *
 * @example
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { kde } from "../metrics/mod.ts";
 * import { newDocument } from "./_document.ts";
 * import { kdeAreaY } from "./_kde_area.ts";
 * const curve = kde([0.2, 0.3, 0.35, 0.5])!;
 * const svg = Plot.plot({
 *   document: newDocument(),
 *   marks: [kdeAreaY(curve, { color: "skyblue", fillOpacity: 0.7 })],
 * });
 * const drawn = svg.querySelectorAll('[aria-label="area"] path, [aria-label="line"] path');
 * if (drawn.length !== 2) throw new Error("an area and a line");
 * ```
 */
export function kdeAreaY(curve: KdeColumns, options: KdeAreaYOptions = {}): Plot.CompoundMark {
  const {
    color = "currentColor",
    fill = color,
    fillOpacity = 0.5,
    stroke = color,
    strokeWidth = 1.5,
    ...rest
  } = options;
  const { x, y } = curve;
  if (x.length !== y.length) {
    throw new RangeError(
      `Cannot draw a density curve: current x has ${x.length} values and y has ${y.length}`,
    );
  }
  const data = { length: x.length };
  return Plot.marks(
    isNone(fill) ? null : Plot.areaY(data, { x, y, fill, fillOpacity, ...rest }),
    isNone(stroke) ? null : Plot.lineY(data, { x, y, stroke, strokeWidth, ...rest }),
  );
}
