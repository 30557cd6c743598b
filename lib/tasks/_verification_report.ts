/**
 * The verification report of `deno task metrics`, from the score files it already read: per
 * dataset the operating points FNMR@FMR = 10% .. 0.0001% with thresholds and bootstrap 95%
 * intervals (only the decades the impostor count supports), written as one table in CSV,
 * Markdown and LaTeX (`All_Datasets_operating_points.*`, through the report-table writers of
 * `lib/formats`), and the DET and ROC figures of each dataset and of all datasets overlaid
 * (`Figures_with_metrics/<name>_DET`, `_ROC`, `All_Datasets_DET`, `All_Datasets_ROC`).
 *
 * @module
 */
import type { Reporter } from "../cli/_reporter.ts";
import { writeFileAtomic } from "../formats/_atomic.ts";
import { latexTable } from "../formats/_latex_table.ts";
import type { MetricsLayout } from "../formats/_layout.ts";
import { markdownTable } from "../formats/_markdown_table.ts";
import { type ReportColumn, type ReportTable, reportTableCsv } from "../formats/_report_table.ts";
import { detCurve } from "../metrics/_det_roc.ts";
import type { EerStats } from "../metrics/_eer_stats.ts";
import {
  FMR_DECADES,
  type OperatingPoints,
  operatingPoints,
} from "../metrics/_operating_points.ts";
import type { Scores } from "../metrics/_score_tally.ts";
import { type CurveSeries, curveSeries, detFigure } from "../plots/_det.ts";
import { newDocument } from "../plots/_document.ts";
import { writeFigureFiles } from "../plots/_render.ts";
import { rocFigure } from "../plots/_roc.ts";

/** One dataset's scores and pyeer statistics. */
export interface VerificationInput {
  /** Dataset name. */
  dataset: string;
  /** Mated scores. */
  genuine: Scores;
  /** Non-mated scores. */
  impostor: Scores;
  /** pyeer's statistics of the same scores (the EER printed in the legends). */
  stats: Pick<EerStats, "eer" | "eer_th">;
}

/** A dataset's operating points. */
export interface NamedOperatingPoints {
  /** Dataset name. */
  dataset: string;
  /** The table of {@linkcode operatingPoints}. */
  points: OperatingPoints;
}

/** Options of {@linkcode writeVerificationReport}. */
export interface VerificationReportOptions {
  /** Bootstrap resamples of the FNMR intervals; 0: none. @default 1000 */
  resamples?: number;
  /** Bootstrap seed (each dataset starts from it). @default 42 */
  seed?: number;
  /** Draw the DET and ROC figures. @default true */
  figures?: boolean;
  /** Pixel scale of the figures' PNG. @default 2 */
  pngScale?: number;
  /** Where the lines go. */
  reporter: Reporter;
}

/** What {@linkcode writeVerificationReport} computed and wrote. */
export interface VerificationReport {
  /** Operating points per dataset, in input order. */
  operatingPoints: NamedOperatingPoints[];
  /** Files written: the three tables, then the figures. */
  files: string[];
}

/**
 * The operating-point table as the report-table writers take it: per decade the FNMR (percent,
 * with its interval) and its threshold; a decade a dataset's impostor count does not support is
 * `n/a`, and a decade no dataset supports is left out (the title names it).
 *
 * @param named Operating points per dataset, in print order.
 * @returns The table.
 *
 * @example
 * ```ts
 * import { operatingPoints } from "../metrics/_operating_points.ts";
 * import { operatingPointsReportTable } from "./_verification_report.ts";
 * const imp = Array.from({ length: 100 }, (_, i) => i / 200);
 * const points = operatingPoints([0.9, 0.4], imp, { targets: [0.1, 0.01], resamples: 0 });
 * const t = operatingPointsReportTable([{ dataset: "A", points }]);
 * // 100 impostor scores support FMR 10% (10 expected false matches), not 1% (1).
 * if (t.columns.map((c) => c.name).join() !== "FNMR@FMR=10%,Threshold@FMR=10%") {
 *   throw new Error(t.columns.map((c) => c.name).join());
 * }
 * if (t.columns[0]?.value[0] !== 0.5 || !t.title.includes("not estimated: FMR 1%")) throw new Error(t.title);
 * ```
 */
export function operatingPointsReportTable(named: readonly NamedOperatingPoints[]): ReportTable {
  const targets = named[0]?.points.rows.map((r) => r.target) ?? [...FMR_DECADES];
  const n = named.length;
  const columns: ReportColumn[] = [];
  const dropped: string[] = [];
  targets.forEach((target, t) => {
    if (n > 0 && !named.some(({ points }) => points.rows[t]?.supported)) {
      dropped.push(named[0]?.points.rows[t]?.name.split("=")[1] ?? String(target));
      return;
    }
    const fnmr: ReportColumn = {
      name: `FNMR@FMR=${named[0]?.points.rows[t]?.name.split("=")[1] ?? target}`,
      unit: "percent",
      value: new Float64Array(n),
      lower: new Float64Array(n),
      upper: new Float64Array(n),
    };
    const threshold: ReportColumn = {
      name: fnmr.name.replace("FNMR@", "Threshold@"),
      unit: "number",
      digits: 4,
      value: new Float64Array(n),
      lower: new Float64Array(n).fill(NaN),
      upper: new Float64Array(n).fill(NaN),
    };
    named.forEach(({ points }, r) => {
      const row = points.rows[t];
      fnmr.value[r] = row?.fnmr ?? NaN;
      fnmr.lower[r] = row?.interval?.lower ?? NaN;
      fnmr.upper[r] = row?.interval?.upper ?? NaN;
      threshold.value[r] = row?.threshold ?? NaN;
    });
    columns.push(fnmr, threshold);
  });
  const first = named[0]?.points;
  const ci = first && first.resamples > 0
    ? `, ${first.level}% bootstrap intervals (${first.resamples} resamples)`
    : "";
  const least = first?.minFalseMatches ?? 3;
  const left = dropped.length > 0
    ? `; not estimated: FMR ${dropped.join(", ")} (no dataset has enough impostor scores)`
    : "";
  return {
    title:
      `FNMR at fixed FMR with the threshold of each operating point${ci}; n/a where the impostor count gives fewer than ${least} expected false matches${left}`,
    order: "Datasets in name order.",
    rows: named.map((d) => d.dataset),
    columns,
  };
}

/** The report lines of one dataset's operating points. */
function operatingPointLines(dataset: string, points: OperatingPoints): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  return points.rows.map((row) => {
    if (!row.supported) {
      return `${row.name} (${row.pyeerName}): not estimated (${points.impostorCount} impostor scores give ${
        (row.target * points.impostorCount).toPrecision(2)
      } expected false matches, fewer than ${points.minFalseMatches})`;
    }
    const iv = row.interval ? ` [${pct(row.interval.lower)}, ${pct(row.interval.upper)}]` : "";
    const th = row.threshold === null ? "above every score" : row.threshold.toFixed(4);
    return `${row.name} (${row.pyeerName}): ${pct(row.fnmr)}${iv} at threshold ${th}`;
  }).map((line) => `${dataset} ${line}`);
}

/**
 * Computes every dataset's operating points, writes the operating-point table (CSV, Markdown,
 * LaTeX) and, with `figures`, the DET and ROC figures per dataset and overlaid.
 *
 * @param inputs Datasets' scores and statistics, in print order.
 * @param layout The output tree.
 * @param options Resamples, seed, figures, PNG scale, reporter.
 * @returns The operating points and the files written.
 * @throws {RangeError} When a dataset's scores are empty or not finite.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { metricsLayout } from "../formats/_layout.ts";
 * import { writeVerificationReport } from "./_verification_report.ts";
 * const out = await Deno.makeTempDir();
 * const imp = Array.from({ length: 50 }, (_, i) => i / 100);
 * const r = await writeVerificationReport(
 *   [{ dataset: "A", genuine: [0.9, 0.3], impostor: imp, stats: { eer: 0.3, eer_th: 0.4 } }],
 *   metricsLayout(out),
 *   { resamples: 0, figures: false, reporter: memoryReporter() },
 * );
 * await Deno.remove(out, { recursive: true });
 * if (r.files.length !== 3 || r.operatingPoints[0]?.points.rows[0]?.supported !== true) throw new Error("unexpected");
 * ```
 */
export async function writeVerificationReport(
  inputs: readonly VerificationInput[],
  layout: MetricsLayout,
  options: VerificationReportOptions,
): Promise<VerificationReport> {
  const { resamples = 1000, seed = 42, figures = true, pngScale = 2, reporter } = options;
  const named: NamedOperatingPoints[] = [];
  const series: CurveSeries[] = [];
  const files: string[] = [];
  for (const input of inputs) {
    const points = operatingPoints(input.genuine, input.impostor, { resamples, seed });
    named.push({ dataset: input.dataset, points });
    for (const line of operatingPointLines(input.dataset, points)) reporter.info(line);
    if (figures) {
      series.push(
        curveSeries(input.dataset, detCurve(input.genuine, input.impostor), {
          genuineCount: points.genuineCount,
          impostorCount: points.impostorCount,
          eer: { rate: input.stats.eer, threshold: input.stats.eer_th },
          operatingPoints: points.rows,
        }),
      );
    }
  }
  const table = operatingPointsReportTable(named);
  const stem = layout.operatingPointsTable();
  for (
    const [ext, text] of [
      [".csv", reportTableCsv(table)],
      [".md", markdownTable(table)],
      [".tex", latexTable(table, { label: "tab:operating-points" })],
    ] as const
  ) {
    await writeFileAtomic(`${stem}${ext}`, text);
    files.push(`${stem}${ext}`);
  }
  reporter.info(`Operating-point table saved to: ${files.join(", ")}`);
  if (figures && series.length > 0) {
    const document = newDocument();
    const draw = async (path: string, figure: Element) => {
      const written = await writeFigureFiles(path, figure, { scale: pngScale });
      files.push(...Object.values(written).filter((p): p is string => typeof p === "string"));
    };
    for (const s of series) {
      await draw(layout.verificationFigure("DET", s.dataset), detFigure([s], { document }));
      await draw(layout.verificationFigure("ROC", s.dataset), rocFigure([s], { document }));
    }
    if (series.length > 1) {
      await draw(layout.verificationFigure("DET"), detFigure(series, { document }));
      await draw(layout.verificationFigure("ROC"), rocFigure(series, { document }));
    }
    reporter.info(`DET and ROC figures saved to: ${files.slice(3).join(", ")}`);
  }
  return { operatingPoints: named, files };
}
