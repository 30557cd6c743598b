/// <reference lib="dom" />
/**
 * The paper's verification table as a figure: for one metric, each dataset's value as a point with
 * its 95% interval as a bar, datasets sorted by value; with the kit's own table, both side by side.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import type { CiTable } from "../formats/_ci_tables.ts";

/** Options of {@linkcode paperTableFigure}. */
export interface PaperTableFigureOptions {
  /** The document to draw on (linkedom's in scripts, the notebook's own in a browser). */
  document: Document;
  /** Metric name of the table, e.g. `EER`, `FMR100`, `FDR`, `Genuine Mean`. */
  metric: string;
  /** A second table (the kit's own numbers) drawn beside the first. @default undefined */
  compare?: CiTable | undefined;
  /** Names of the two tables in the key. @default ["paper", "kit"] */
  labels?: readonly [string, string];
  /** Sort datasets by the first table's value. @default "ascending" */
  order?: "ascending" | "descending";
  /** Width in pixels. @default 640 */
  width?: number;
}

/** One point of the figure. */
interface IntervalRow {
  dataset: string;
  value: number;
  lower: number;
  upper: number;
}

const COLORS = ["#1f5fa8", "#e07b00"] as const;

function rowsOf(table: CiTable, metric: string): IntervalRow[] {
  const m = table.metrics.find((x) => x.name === metric);
  if (!m) return [];
  const rows: IntervalRow[] = [];
  table.datasets.forEach((dataset, d) => {
    const value = m.value[d];
    if (value !== undefined && Number.isFinite(value)) {
      rows.push({ dataset, value, lower: m.lower[d] ?? NaN, upper: m.upper[d] ?? NaN });
    }
  });
  return rows;
}

/**
 * Draws one metric of a CI table: a dot at the value and a bar from the lower to the upper bound of
 * the 95% interval, one row per dataset, sorted by the value. With `compare`, the second table's
 * points sit just below the first's in another colour, with a key in the corner.
 *
 * @param table The paper's table (see `readCiTables`).
 * @param options Document, metric, optional comparison, order and width.
 * @returns The Plot SVG element.
 * @throws {RangeError} When the table has no finite value of the metric.
 *
 * @example
 * ```ts
 * import { newDocument } from "./_document.ts";
 * import { paperTableFigure } from "./_paper_table.ts";
 * const document = newDocument();
 * const table = {
 *   datasets: ["A", "B"],
 *   metrics: [{ name: "EER", value: new Float64Array([0.2, 0.1]),
 *     lower: new Float64Array([0.19, 0.09]), upper: new Float64Array([0.21, 0.11]) }],
 * };
 * const svg = paperTableFigure(table, { document, metric: "EER" });
 * const labels = [...svg.querySelectorAll("text")].map((t) => t.textContent);
 * if (labels.indexOf("B") > labels.indexOf("A")) throw new Error("B (lower EER) comes first");
 * ```
 */
export function paperTableFigure(table: CiTable, options: PaperTableFigureOptions): Element {
  const {
    document,
    metric,
    compare,
    labels = ["paper", "kit"],
    order = "ascending",
    width = 640,
  } = options;
  const first = rowsOf(table, metric);
  if (first.length === 0) {
    throw new RangeError(`Cannot draw ${metric}: current table has no finite value of it`);
  }
  const second = compare ? rowsOf(compare, metric) : [];
  const sign = order === "ascending" ? 1 : -1;
  const domain = [...first].sort((a, b) => sign * (a.value - b.value)).map((r) => r.dataset);
  for (const r of second) if (!domain.includes(r.dataset)) domain.push(r.dataset);
  const both = second.length > 0;
  const marks: Plot.Markish[] = [];
  [first, second].forEach((rows, k) => {
    if (rows.length === 0) return;
    const dy = both ? (k === 0 ? -4 : 4) : 0;
    const color = COLORS[k]!;
    marks.push(
      Plot.ruleY(rows, {
        y: "dataset",
        x1: "lower",
        x2: "upper",
        stroke: color,
        strokeWidth: 2,
        dy,
      }),
      Plot.tickX(rows, {
        y: "dataset",
        x: "lower",
        stroke: color,
        insetTop: 6 + dy,
        insetBottom: 6 - dy,
      }),
      Plot.tickX(rows, {
        y: "dataset",
        x: "upper",
        stroke: color,
        insetTop: 6 + dy,
        insetBottom: 6 - dy,
      }),
      Plot.dot(rows, { y: "dataset", x: "value", fill: color, r: 3, dy }),
    );
  });
  if (both) {
    labels.forEach((label, k) => {
      marks.push(
        Plot.text([`● ${label}`], {
          frameAnchor: "top-right",
          dy: 12 * k,
          dx: -4,
          fill: COLORS[k]!,
          fontWeight: "bold",
        }),
      );
    });
  }
  return Plot.plot({
    document,
    width,
    height: 50 + 24 * domain.length,
    marginLeft: 120,
    marginRight: 24,
    x: { label: `${metric} with 95% interval →`, grid: true, nice: true },
    y: { domain, label: null },
    marks,
  }) as unknown as Element;
}
