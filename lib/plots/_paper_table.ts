/// <reference lib="dom" />
/**
 * The paper's verification table as a figure: for one metric, each dataset's value as a point with
 * its 95% interval as a bar, datasets sorted by value; with the kit's own table, both side by side.
 * Error rates (EER, FMR100, FMR1000, ...) are drawn in percent, as the console prints them, and
 * each row prints its value and interval in the right margin (`6.02 [5.91, 6.14]`): at the scale
 * of all datasets together most intervals are narrower than the dot.
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
  /** Width in pixels. @default 760 */
  width?: number;
  /** Draw (and print) the values in percent. @default true for error rates (EER, FMR*, FNMR*) */
  percent?: boolean;
  /** Title text. @default the metric, its unit and the count of datasets */
  title?: string;
}

/**
 * The name a reader knows a metric by: pyeer's `FMR100` is the FNMR at FMR 1%, so it reads
 * `FNMR@FMR=1% (FMR100)`; other names stay.
 */
function metricLabel(metric: string): string {
  const m = /^FMR(\d+)$/.exec(metric);
  return m ? `FNMR@FMR=${100 / Number(m[1])}% (${metric})` : metric;
}

/** Whether a metric is an error rate, printed in percent. */
function isRate(metric: string): boolean {
  return /^(EER|FMR|FNMR)/i.test(metric);
}

/** A value as the figure prints it: 2 decimals in percent, else 4 (3 from 10 up). */
function formatValue(v: number, percent: boolean): string {
  if (!Number.isFinite(v)) return "–";
  return v.toFixed(percent ? 2 : Math.abs(v) >= 10 ? 3 : 4);
}

/** `value [lower, upper]`, or the value alone without an interval. */
function intervalText(r: IntervalRow, percent: boolean): string {
  const value = formatValue(r.value, percent);
  return Number.isFinite(r.lower) && Number.isFinite(r.upper)
    ? `${value} [${formatValue(r.lower, percent)}, ${formatValue(r.upper, percent)}]`
    : value;
}

/** One point of the figure. */
interface IntervalRow {
  dataset: string;
  value: number;
  lower: number;
  upper: number;
}

const COLORS = ["#1f5fa8", "#e07b00"] as const;

function rowsOf(table: CiTable, metric: string, scale: number): IntervalRow[] {
  const m = table.metrics.find((x) => x.name === metric);
  if (!m) return [];
  const rows: IntervalRow[] = [];
  table.datasets.forEach((dataset, d) => {
    const value = m.value[d];
    if (value !== undefined && Number.isFinite(value)) {
      rows.push({
        dataset,
        value: scale * value,
        lower: scale * (m.lower[d] ?? NaN),
        upper: scale * (m.upper[d] ?? NaN),
      });
    }
  });
  return rows;
}

/**
 * Draws one metric of a CI table: a dot at the value and a bar from the lower to the upper bound of
 * the 95% interval, one row per dataset, sorted by the value, and the value with its interval
 * printed at the right of each row. With `compare`, the second table's points and numbers sit just
 * below the first's in another colour, with a key above the frame (never over the data).
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
 * if (!labels.includes("10.00 [9.00, 11.00]")) throw new Error("the interval in percent");
 * ```
 */
export function paperTableFigure(table: CiTable, options: PaperTableFigureOptions): Element {
  const {
    document,
    metric,
    compare,
    labels = ["paper", "kit"],
    order = "ascending",
    width = 760,
    percent = isRate(metric),
  } = options;
  const scale = percent ? 100 : 1;
  const first = rowsOf(table, metric, scale);
  if (first.length === 0) {
    throw new RangeError(`Cannot draw ${metric}: current table has no finite value of it`);
  }
  const second = compare ? rowsOf(compare, metric, scale) : [];
  const sign = order === "ascending" ? 1 : -1;
  const domain = [...first].sort((a, b) => sign * (a.value - b.value)).map((r) => r.dataset);
  for (const r of second) if (!domain.includes(r.dataset)) domain.push(r.dataset);
  const both = second.length > 0;
  const unit = percent ? " in %" : "";
  const label = metricLabel(metric);
  const title = options.title ??
    `${label}${unit} of ${domain.length} datasets, with 95% bootstrap intervals`;
  const marks: Plot.Markish[] = [
    Plot.text([title], {
      frameAnchor: "top-left",
      textAnchor: "start",
      lineAnchor: "top",
      dx: -112,
      dy: both ? -48 : -32,
      fontSize: 14,
      fontWeight: "bold",
    }),
  ];
  [first, second].forEach((rows, k) => {
    if (rows.length === 0) return;
    const dy = both ? (k === 0 ? -5 : 5) : 0;
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
      Plot.text(rows, {
        y: "dataset",
        frameAnchor: "right",
        textAnchor: "start",
        dx: 10,
        dy,
        text: (r: IntervalRow) => intervalText(r, percent),
        fill: color,
        fontSize: both ? 10 : 11,
        fontVariant: "tabular-nums",
      }),
    );
  });
  if (both) {
    labels.forEach((label, k) => {
      marks.push(
        Plot.text([`● ${label}`], {
          frameAnchor: "top-left",
          textAnchor: "start",
          dx: 100 * k,
          dy: -22,
          fill: COLORS[k]!,
          fontWeight: "bold",
        }),
      );
    });
  }
  return Plot.plot({
    document,
    width,
    height: (both ? 96 : 80) + (both ? 30 : 24) * domain.length,
    marginTop: both ? 56 : 40,
    marginLeft: 120,
    marginRight: both ? 150 : 140,
    style: { fontSize: "12px", fontFamily: "DejaVu Sans, sans-serif" },
    x: { label: `${label}${unit} with 95% interval →`, grid: true, nice: true },
    y: { domain, label: null },
    marks,
  }) as unknown as Element;
}
