/**
 * "Leakage, judged" for the leakage and paper tasks and notebook 04: the threshold (a given
 * value, or calibrated on real impostor scores at a target FMR: by default CASIA's non-mated
 * score file at FMR = 1e-3), each dataset's best matches judged against it
 * (`lib/metrics` `judgeLeakage`), and the table (CSV, Markdown, LaTeX) and figure that show it.
 *
 * @module
 */
import type { Reporter } from "../cli/_reporter.ts";
import { type FlagSpec, type ParsedFlags, UsageError } from "../cli/_flags.ts";
import { latexTable } from "../formats/_latex_table.ts";
import { markdownTable } from "../formats/_markdown_table.ts";
import { orderRows, type ReportTable, reportTableCsv } from "../formats/_report_table.ts";
import { readScoreFile } from "../formats/_score_file.ts";
import { parseBestMatches } from "../formats/_best_match_csv.ts";
import { datasetNameOf, metricsLayout } from "../formats/_layout.ts";
import { writeFileAtomic } from "../formats/_atomic.ts";
import {
  type CalibratedThreshold,
  calibrateThreshold,
  type JudgedLeakage,
  judgeLeakage,
} from "../metrics/_leakage_judged.ts";
import { newDocument } from "../plots/_document.ts";
import { judgedLeakageFigure } from "../plots/_leakage_judged.ts";
import { writeFigureFiles } from "../plots/_render.ts";
import { dirname } from "node:path";

/** Where the leakage threshold comes from (`--leakage-threshold`, `--impostor-scores`, `--leakage-fmr`). */
export interface LeakageThresholdOptions {
  /** A threshold given as a value; wins over the score files. @default undefined */
  threshold?: number | undefined;
  /** Real impostor (non-mated) score file to calibrate on. @default the task's default file */
  impostorScores?: string | undefined;
  /** The target FMR of the calibration. @default 1e-3 */
  fmr?: number | undefined;
}

/** The flags of {@linkcode LeakageThresholdOptions}, for scripts that judge leakage. */
export const LEAKAGE_THRESHOLD_FLAGS: Readonly<Record<string, FlagSpec>> = {
  "leakage-threshold": {
    type: "string",
    description: "judge leakage at this similarity (instead of calibrating on impostor scores)",
  },
  "impostor-scores": {
    type: "string",
    description: "real non-mated score file to calibrate the leakage threshold on",
  },
  "leakage-fmr": {
    type: "string",
    description: "FMR at which the leakage threshold is calibrated",
    default: "1e-3",
  },
};

/**
 * Reads the flags of {@linkcode LEAKAGE_THRESHOLD_FLAGS}.
 *
 * @param values Parsed flag values.
 * @returns The threshold options.
 * @throws {UsageError} When `--leakage-threshold` is not a number in [-1, 1] or `--leakage-fmr`
 *   not in (0, 1].
 *
 * @example
 * ```ts
 * import { leakageThresholdFlags } from "./_leakage_judged.ts";
 * const o = leakageThresholdFlags({ "leakage-threshold": "0.45", "leakage-fmr": "1e-4" });
 * if (o.threshold !== 0.45 || o.fmr !== 1e-4 || o.impostorScores !== undefined) throw new Error();
 * ```
 */
export function leakageThresholdFlags(values: ParsedFlags["values"]): LeakageThresholdOptions {
  const number = (name: string, ok: (x: number) => boolean, range: string) => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const x = Number(String(raw).trim());
    if (String(raw).trim() === "" || !ok(x)) {
      throw new UsageError(`--${name} must be a number ${range}: current value is ${raw}`);
    }
    return x;
  };
  const threshold = number("leakage-threshold", (x) => x >= -1 && x <= 1, "in [-1, 1]");
  const fmr = number("leakage-fmr", (x) => x > 0 && x <= 1, "in (0, 1]");
  const file = values["impostor-scores"];
  return {
    threshold,
    fmr,
    impostorScores: typeof file === "string" ? file : undefined,
  };
}

/** The threshold judged against, with where it came from. */
export interface LeakageThreshold {
  /** The threshold: a best match leaks when its similarity is ≥ it. */
  threshold: number;
  /** One sentence saying where it came from, for captions and logs. */
  source: string;
  /** The calibration, when calibrated on a score file. */
  calibration?: CalibratedThreshold;
  /** The score file calibrated on. */
  impostorScores?: string;
}

/** Whether a path exists as a file. */
async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** A rate as printed: `1e-3` for powers of ten, else the number. */
function rateText(fmr: number): string {
  const e = Math.log10(fmr);
  return Number.isInteger(e) ? `1e${e}` : String(fmr);
}

/**
 * The threshold of a run: the given value; else calibrated on `impostorScores` (an error when
 * that file is missing); else calibrated on `defaultImpostors` when that file exists; else none
 * (the reporter says why, and the run writes no judged leakage).
 *
 * @param options The value, score file and FMR.
 * @param defaults `defaultImpostors` (e.g. CASIA's non-mated score file) and the reporter.
 * @returns The threshold, or `undefined` when there is none to judge against.
 * @throws {Deno.errors.NotFound} When `impostorScores` is given but missing.
 * @throws {SyntaxError} On a malformed score file, naming file and line.
 * @throws {RangeError} When the threshold is not finite or the FMR is outside (0, 1].
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { leakageThreshold } from "./_leakage_judged.ts";
 * const t = await leakageThreshold({ threshold: 0.4 }, { reporter: memoryReporter() });
 * if (t?.threshold !== 0.4 || t.source !== "threshold 0.4000 (given)") throw new Error(t?.source);
 * ```
 */
export async function leakageThreshold(
  options: LeakageThresholdOptions,
  defaults: { defaultImpostors?: string | undefined; reporter: Reporter },
): Promise<LeakageThreshold | undefined> {
  const { threshold, impostorScores, fmr = 1e-3 } = options;
  const { defaultImpostors, reporter } = defaults;
  if (threshold !== undefined) {
    if (!Number.isFinite(threshold)) {
      throw new RangeError(
        `Cannot judge leakage at threshold ${threshold}: the threshold must be a finite number`,
      );
    }
    return { threshold, source: `threshold ${threshold.toFixed(4)} (given)` };
  }
  let file = impostorScores;
  if (file === undefined) {
    if (defaultImpostors === undefined || !(await isFile(defaultImpostors))) {
      reporter.info(
        `leakage, judged: skipped (no threshold: ${
          defaultImpostors === undefined ? "no" : `${defaultImpostors} is not there, and no`
        } --impostor-scores or --leakage-threshold given)`,
      );
      return undefined;
    }
    file = defaultImpostors;
  } else if (!(await isFile(file))) {
    throw new Deno.errors.NotFound(
      `Cannot calibrate the leakage threshold on ${file}: the file does not exist (give real non-mated scores, e.g. deno task similarities on CASIA's embeddings, or --leakage-threshold)`,
    );
  }
  const calibration = calibrateThreshold(await readScoreFile(file), fmr);
  if (!calibration.supported) {
    reporter.warn(
      `leakage, judged: ${file} holds ${calibration.impostors} impostor scores, fewer than the ${
        Math.ceil(3 / fmr)
      } that FMR ${rateText(fmr)} needs (3 expected false matches); the threshold rests on the ${
        calibration.falseMatches + 1
      } highest`,
    );
  }
  const source = `threshold ${calibration.threshold.toFixed(4)} at FMR ${rateText(fmr)} on ${
    calibration.impostors.toLocaleString("en-US")
  } real non-mated pairs (achieved FMR ${calibration.achievedFmr.toExponential(2)})`;
  reporter.info(`leakage, judged: ${source}, from ${file}`);
  return { threshold: calibration.threshold, source, calibration, impostorScores: file };
}

/** One dataset's judged leakage. */
export interface JudgedLeakageRow {
  /** Dataset name. */
  dataset: string;
  /** What `judgeLeakage` found. */
  judged: JudgedLeakage;
}

/**
 * The table of judged leakage: per dataset the samples, the share of samples whose best match
 * reaches the threshold (percent, with its bootstrap interval), the synthetic identities sampled
 * and leaking, and the distinct real identities hit; datasets by descending share.
 *
 * @param rows The datasets.
 * @param threshold The threshold and its source (named in the title).
 * @returns The report table.
 *
 * @example
 * ```ts
 * import { judgeLeakage } from "../metrics/_leakage_judged.ts";
 * import { formatEstimate } from "../formats/_report_table.ts";
 * import { judgedLeakageTable } from "./_leakage_judged.ts";
 * const judged = judgeLeakage({ similarity: [0.9, 0.1], sampleIdentity: ["a", "b"],
 *   bestMatchIdentity: ["X", "Y"] }, 0.5, { resamples: 0 });
 * const t = judgedLeakageTable([{ dataset: "D", judged }], { threshold: 0.5, source: "given" });
 * if (formatEstimate(t.columns[1]!, 0) !== "50.00") throw new Error("unexpected");
 * ```
 */
export function judgedLeakageTable(
  rows: readonly JudgedLeakageRow[],
  threshold: Pick<LeakageThreshold, "threshold" | "source">,
): ReportTable {
  const { rows: order, sentence } = orderRows(
    rows.map((r) => r.dataset),
    { by: "metric", metric: "leaked share", descending: true },
    (_, r) => rows[r]!.judged.share,
  );
  const sorted = order.map((r) => rows[r]!.judged);
  const count = (name: string, get: (j: JudgedLeakage) => number) => ({
    name,
    unit: "count" as const,
    value: Float64Array.from(sorted, get),
    lower: new Float64Array(sorted.length).fill(NaN),
    upper: new Float64Array(sorted.length).fill(NaN),
  });
  return {
    title: `Identity leakage judged at the ${threshold.source}`,
    order: `${sentence} A sample leaks when its best real match reaches the threshold.`,
    rowHeader: "Dataset",
    rows: order.map((r) => rows[r]!.dataset),
    columns: [
      count("Samples", (j) => j.samples),
      {
        name: "Leaked samples",
        unit: "percent",
        digits: 2,
        value: Float64Array.from(sorted, (j) => j.share),
        lower: Float64Array.from(sorted, (j) => j.lower),
        upper: Float64Array.from(sorted, (j) => j.upper),
      },
      count("Leaked samples (n)", (j) => j.leakedSamples),
      count("Synthetic identities", (j) => j.identities),
      count("Leaking identities", (j) => j.leakedIdentities),
      count("Real identities hit", (j) => j.realIdentitiesHit),
    ],
  };
}

/** Options of {@linkcode writeJudgedLeakage}. */
export interface WriteJudgedLeakageOptions {
  /** Draw the figure. @default true */
  figure?: boolean;
  /** Pixel scale of the figure's PNG. @default 2 */
  pngScale?: number;
  /** `\label` of the LaTeX table. @default "tab:leakage" */
  label?: string;
}

/**
 * Writes the judged leakage: `<stem>.csv`, `<stem>.md`, `<stem>.tex` and the figure
 * `<figureStem>.svg|png|pdf` (each dataset's leaked share with its interval).
 *
 * @param stem Path of the tables without extension.
 * @param figureStem Path of the figure without extension.
 * @param table The table of {@linkcode judgedLeakageTable}.
 * @param options Figure or not, PNG scale, LaTeX label.
 * @returns The paths written.
 */
export async function writeJudgedLeakage(
  stem: string,
  figureStem: string,
  table: ReportTable,
  options: WriteJudgedLeakageOptions = {},
): Promise<string[]> {
  const { figure = true, pngScale = 2, label = "tab:leakage" } = options;
  await Deno.mkdir(dirname(stem), { recursive: true });
  const files: string[] = [];
  for (
    const [ext, text] of [
      [".csv", reportTableCsv(table)],
      [".md", markdownTable(table)],
      [".tex", latexTable(table, { label })],
    ] as const
  ) {
    await writeFileAtomic(`${stem}${ext}`, text);
    files.push(`${stem}${ext}`);
  }
  if (figure) {
    const column = (name: string) => table.columns.find((c) => c.name === name)!.value;
    const share = table.columns.find((c) => c.name === "Leaked samples")!;
    const [samples, identities, leaked, hit] = [
      "Samples",
      "Synthetic identities",
      "Leaking identities",
      "Real identities hit",
    ].map(column) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const points = table.rows.map((dataset, r) => ({
      dataset,
      samples: samples[r]!,
      share: share.value[r]!,
      lower: share.lower[r]!,
      upper: share.upper[r]!,
      identities: identities[r]!,
      leakedIdentities: leaked[r]!,
      realIdentitiesHit: hit[r]!,
    }));
    const svg = judgedLeakageFigure(points, {
      document: newDocument(),
      threshold: table.title.replace(/^Identity leakage judged at the /, ""),
    });
    const written = await writeFigureFiles(figureStem, svg, { scale: pngScale });
    files.push(...Object.values(written).filter((p): p is string => typeof p === "string"));
  }
  return files;
}

/** Options of {@linkcode judgeBestMatchesCsv}: the leakage run's own. */
export interface JudgeBestMatchesCsvOptions {
  /** The run's synthetic embeddings file (names the outputs). */
  input: string;
  /** The run's CASIA embeddings file (names the default impostor score file). */
  casia: string;
  /** The run's output root. @default "Metrics" */
  outDir?: string | undefined;
  /** The best-match count of the run's file names. */
  nComparisons: number;
  /** The threshold (see `RunLeakageOptions.judge`). @default {} */
  judge?: LeakageThresholdOptions | undefined;
  /** Bootstrap resamples. @default 1000 */
  resamples?: number | undefined;
  /** Bootstrap seed. @default 42 */
  seed?: number | undefined;
  /** Draw the figure. @default true */
  figure?: boolean | undefined;
  /** Where the threshold came from, and why there is none. */
  reporter: Reporter;
}

/**
 * Judges a leakage run's best-match CSV as `runLeakage` does (same threshold rule, same files):
 * what `deno task merge leakage` does with the merged CSV of a sharded run.
 *
 * @param text The best-match CSV.
 * @param source Its path, for error messages.
 * @param options The run's options.
 * @returns The files written (none without a threshold).
 * @throws {SyntaxError} On a malformed CSV, naming file and line.
 */
export async function judgeBestMatchesCsv(
  text: string,
  source: string,
  options: JudgeBestMatchesCsvOptions,
): Promise<string[]> {
  const { reporter, nComparisons, resamples = 1000, seed = 42, figure = true } = options;
  const layout = metricsLayout(options.outDir ?? metricsLayout().root);
  const threshold = await leakageThreshold(options.judge ?? {}, {
    defaultImpostors: layout.nonMatedScores(datasetNameOf(options.casia)),
    reporter,
  });
  if (threshold === undefined) return [];
  const name = datasetNameOf(options.input);
  const judged = judgeLeakage(parseBestMatches(text, source), threshold.threshold, {
    resamples,
    seed,
  });
  return await writeJudgedLeakage(
    layout.leakageJudged(name, nComparisons),
    layout.leakageJudgedFigure(name, nComparisons),
    judgedLeakageTable([{ dataset: name, judged }], threshold),
    { figure },
  );
}
