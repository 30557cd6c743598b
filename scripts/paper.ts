/**
 * `deno task paper --data PATH`: every figure and table of the notebooks that the paper's published
 * `Data/` folder allows, headless, into `Metrics/paper/` as SVG, PNG and CSV:
 *
 * - `best_matches_all.*`: best-match densities of every dataset in one figure;
 * - `best_matches/<name>.*`: the best-match density of each dataset;
 * - `best_match_summary.csv`, `threshold_shares.*`: count, mean, median, extremes and the share of
 *   samples at or above each threshold;
 * - `closest_pairs.csv`, `closest_pairs.*`: the globally closest pairs and where they fall;
 * - `paper_table.csv`, `paper_table_<metric>.*`: the verification table with 95% intervals.
 *
 * @module
 */
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { parseFlags, runMain, usage, UsageError } from "../lib/cli/_flags.ts";
import {
  type BestMatchSummary,
  type CiTable,
  formatCsv,
  listPublishedData,
  readBestMatches,
  readCiTables,
  readClosest,
  summarizeBestMatches,
} from "../lib/paper/mod.ts";
import { bestMatchesDensityFigure } from "../lib/plots/_best_matches.ts";
import { bestMatchesRidgelineFigure } from "../lib/plots/_best_matches_ridgeline.ts";
import { closestPairsStripFigure } from "../lib/plots/_closest_pairs_strip.ts";
import { paperTableFigure } from "../lib/plots/_paper_table.ts";
import { writeFigureFiles } from "../lib/plots/_render.ts";
import { thresholdSharesFigure } from "../lib/plots/_threshold_shares.ts";

const FLAGS = {
  data: { type: "string", description: "the published Data/ folder (or set BRF_DATA)" },
  out: { type: "string", description: "output folder", default: "Metrics/paper" },
  thresholds: {
    type: "string",
    description: "comma-separated thresholds for the best-match shares",
    default: "0.3,0.4,0.5",
  },
  compare: { type: "string", description: "a folder of the kit's own CI tables to draw beside" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task paper --data PATH [--out DIR] [--thresholds LIST]", FLAGS);

/** Options of {@linkcode runPaper}. */
export interface RunPaperOptions {
  /** Output folder. @default "Metrics/paper" */
  out?: string;
  /** Thresholds of the best-match shares. @default [0.3, 0.4, 0.5] */
  thresholds?: number[];
  /** Folder of the kit's own CI tables, drawn beside the paper's. @default undefined */
  compare?: string;
  /** Progress messages. @default console.error */
  log?: (line: string) => void;
}

/** The files {@linkcode runPaper} wrote, relative to its output folder. */
export type PaperOutputs = string[];

/**
 * Writes every figure and table of the published data.
 *
 * @param data The published `Data/` folder.
 * @param options Output folder, thresholds, comparison tables, logger.
 * @returns The files written, relative to the output folder.
 * @throws {RangeError} When the folder holds none of `Best_Matches/`, `Closest/` or `CI/`.
 */
export async function runPaper(data: string, options: RunPaperOptions = {}): Promise<PaperOutputs> {
  const { out = "Metrics/paper", thresholds = [0.3, 0.4, 0.5], compare } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const files = await listPublishedData(data);
  if (!files.bestMatches.length && !files.closest.length && !files.ciDir) {
    throw new RangeError(
      `Cannot draw the paper's figures from ${data}: it holds no Best_Matches/, Closest/ or CI/`,
    );
  }
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const written: string[] = [];
  await Deno.mkdir(out, { recursive: true });
  const writeFigure = async (name: string, figure: Element) => {
    await writeFigureFiles(join(out, name), figure);
    written.push(`${name}.svg`, `${name}.png`);
  };
  const writeText = async (name: string, text: string) => {
    await Deno.writeTextFile(join(out, name), text);
    written.push(name);
  };

  const summaries = new Map<string, BestMatchSummary>();
  if (files.bestMatches.length) {
    const sets = new Map<string, Float64Array>();
    await Deno.mkdir(join(out, "best_matches"), { recursive: true });
    for (const path of files.bestMatches) {
      const m = await readBestMatches(path);
      sets.set(m.name, m.similarity);
      summaries.set(m.name, summarizeBestMatches(m.similarity, { thresholds }));
      await writeFigure(
        join("best_matches", m.name),
        bestMatchesDensityFigure(m.similarity, { document }),
      );
    }
    await writeFigure("best_matches_all", bestMatchesRidgelineFigure(sets, { document }));
    await writeFigure("threshold_shares", thresholdSharesFigure(summaries, { document }));
    const header = [
      "Dataset",
      "n",
      "mean",
      "median",
      "min",
      "max",
      ...thresholds.map((t) => `share_ge_${t}`),
    ];
    const rows = [...summaries].map(([name, s]) => [
      name,
      s.n,
      s.mean,
      s.median,
      s.min,
      s.max,
      ...s.shareAbove,
    ]);
    await writeText("best_match_summary.csv", formatCsv(header, rows));
    log(`best matches: ${sets.size} datasets`);
  }

  if (files.closest.length) {
    const sets = await Promise.all(files.closest.map(readClosest));
    const rows = sets.flatMap((c) =>
      Array.from(
        c.rank,
        (rank, i) => [c.name, rank, c.similarity[i], c.queryPath[i], c.casiaPath[i]],
      )
    );
    await writeText(
      "closest_pairs.csv",
      formatCsv(["Dataset", "rank", "similarity_score", "query_path", "casia_path"], rows),
    );
    await writeFigure(
      "closest_pairs",
      closestPairsStripFigure(sets, {
        document,
        bestMatches: summaries.size ? summaries : undefined,
      }),
    );
    log(`closest pairs: ${sets.length} datasets`);
  }

  if (files.ciDir) {
    const table = await readCiTables(files.ciDir);
    const kit: CiTable | undefined = compare ? await readCiTables(compare) : undefined;
    const header = ["Dataset"];
    for (const m of table.metrics) {
      const key = m.name.replaceAll(" ", "_");
      header.push(key, `${key}_CI_Lower`, `${key}_CI_Upper`);
    }
    const rows = table.datasets.map((dataset, d) => [
      dataset,
      ...table.metrics.flatMap((m) => [m.value[d], m.lower[d], m.upper[d]]),
    ]);
    await writeText("paper_table.csv", formatCsv(header, rows));
    for (const m of table.metrics) {
      const order = m.name === "FDR" || m.name === "Genuine Mean" ? "descending" : "ascending";
      await writeFigure(
        `paper_table_${m.name.replaceAll(" ", "_")}`,
        paperTableFigure(table, { document, metric: m.name, compare: kit, order }),
      );
    }
    log(`paper table: ${table.datasets.length} datasets, ${table.metrics.length} metrics`);
  }
  log(`wrote ${written.length} files under ${out}/`);
  return written;
}

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const data = (values.data as string | undefined) ?? Deno.env.get("BRF_DATA");
  if (!data) {
    throw new UsageError("--data is required (the published Data/ folder), or set BRF_DATA");
  }
  const thresholds = String(values.thresholds).split(",").map((s) => Number(s.trim()));
  if (thresholds.some((t) => !Number.isFinite(t) || t < -1 || t > 1)) {
    throw new UsageError(
      `--thresholds must be numbers in [-1, 1]: current value is ${values.thresholds}`,
    );
  }
  await runPaper(data, {
    out: String(values.out),
    thresholds,
    compare: values.compare as string | undefined,
  });
}

if (import.meta.main) runMain(main, USAGE);
