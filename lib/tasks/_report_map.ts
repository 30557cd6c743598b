/**
 * The map of `deno task report` and the README: each figure and table of "Beyond Real Faces"
 * (arXiv 2510.17372), and those the kit adds beyond it, with the task, the files (from the
 * layout) and the notebook that reproduce it.
 *
 * @module
 */
import { metricsLayout } from "../formats/_layout.ts";

/** One figure or table of the paper and what reproduces it. */
export interface PaperMapRow {
  /** The paper's figure or table, in words. */
  item: string;
  /** The `deno task` command that writes it. */
  task: string;
  /** The files written, under the results folder (`Metrics/`), or under `paper`'s `--out`. */
  files: string;
  /** The notebook that steps through it. */
  notebook: string;
}

/**
 * Each figure and table of "Beyond Real Faces" (arXiv 2510.17372) and its replication package, the
 * `deno task` that writes it, the files (paths under the results folder) and the notebook. The
 * rows with `paper` are drawn from the paper's published `Data/` folder; the others from the kit's
 * own runs.
 */
export const PAPER_MAP: readonly PaperMapRow[] = paperMap();

function paperMap(): PaperMapRow[] {
  const tree = metricsLayout("");
  const code = (...paths: string[]) =>
    paths.map((p) => `\`${p.replaceAll("\\", "/")}\``).join(", ");
  const n = (path: string) => path.replace(/_0(?=\.|$)/, "_<n>");
  const ci = ["eer_95", "fmr_95", "fdr_95", "mean_95"].map((t) => tree.ciTable(t));
  const closest = tree.closestJson("<name>", 0, 0).replace("_Top0Global_0", "_Top<k>Global_<n>");
  const paper = "`deno task paper --data Data`";
  return [
    {
      item: "Mated vs non-mated similarity distributions, per dataset (figure)",
      task: "`deno task mated`, `deno task metrics`",
      files: `${code(`${n(tree.matedFigure("<name>", 0))}.svg`)}; with EER and FMR thresholds: ${
        code(`${tree.metricsFigure("<name>")}.svg`)
      }`,
      notebook: "`02_mated_vs_non_mated.ipynb`",
    },
    {
      item:
        "Verification table: EER, FMR100, FMR1000, FDR, genuine and impostor means, 95% intervals",
      task: "`deno task metrics`",
      files: code(tree.metricsTable(), ...ci),
      notebook: "`03_verification_metrics.ipynb`",
    },
    {
      item: "Verification table of the published data, as figures with intervals",
      task: paper,
      files: code("paper/paper_table.csv", "paper/paper_table_<metric>.svg"),
      notebook: "`06_paper_table.ipynb`",
    },
    {
      item: "Best-match similarity to CASIA-WebFace, per dataset (figure)",
      task: "`deno task leakage`",
      files: code(n(tree.bestMatchCsv("<name>", 0)), `${n(tree.bestMatchFigure("<name>", 0))}.svg`),
      notebook: "`04_identity_leakage.ipynb`",
    },
    {
      item: "Best-match distributions of all datasets, and shares above thresholds (figures)",
      task: paper,
      files: code(
        "paper/best_matches_all.svg",
        "paper/threshold_shares.svg",
        "paper/best_match_summary.csv",
      ),
      notebook: "`04_identity_leakage.ipynb`",
    },
    {
      item: "Globally closest synthetic / CASIA-WebFace pairs (table and figure)",
      task: `\`deno task closest\`; ${paper}`,
      files: `${code(closest)}; ${code("paper/closest_pairs.csv", "paper/closest_pairs.svg")}`,
      notebook: "`05_closest_pairs.ipynb`",
    },
    {
      item: "Closest pairs as image grids, CASIA-WebFace beside the synthetic face (figure)",
      task: "`deno task paths`, `deno task plot-similar`",
      files: code(
        tree.closestPathsCsv("<stem>.json"),
        `${tree.comparisonFigure("<name>", 0).replace("_0_samples", "_<s>_samples")}.svg`,
      ),
      notebook: "`05_closest_pairs.ipynb`",
    },
    {
      item:
        "Beyond the paper: DET (probit axes) and ROC (log FMR) curves, per dataset and overlaid",
      task: "`deno task metrics`",
      files: code(
        ...(["DET", "ROC"] as const).map((k) => `${tree.verificationFigure(k, "<name>")}.svg`),
        `${tree.verificationFigure("DET")}.svg`,
        `${tree.verificationFigure("ROC")}.svg`,
      ),
      notebook: "`03_verification_metrics.ipynb`",
    },
    {
      item: "Beyond the paper: FNMR at FMR = 10% .. 0.0001% with thresholds and 95% intervals",
      task: "`deno task metrics`",
      files: code(...[".csv", ".md", ".tex"].map((e) => `${tree.operatingPointsTable()}${e}`)),
      notebook: "`03_verification_metrics.ipynb`",
    },
    {
      item:
        "Beyond the paper: leakage judged at a threshold calibrated on real impostor scores, per sample and per identity",
      task: "`deno task leakage`",
      files: code(
        `${n(tree.leakageJudged("<name>", 0))}.csv`,
        `${n(tree.leakageJudgedFigure("<name>", 0))}.svg`,
      ),
      notebook: "`04_identity_leakage.ipynb`",
    },
    {
      item:
        "Beyond the paper: diversity (unique identities as Vec2Face counts them, intra-class spread)",
      task: "`deno task diversity`",
      files: code(
        tree.diversityTable(),
        tree.identitiesCsv("<name>"),
        `${tree.diversityFigure("<name>")}.svg`,
      ),
      notebook: "`01_embeddings.ipynb`",
    },
    {
      item: "All of the above for one audit, in one offline HTML page",
      task: "`deno task report`",
      files: code("report.html"),
      notebook: "(all)",
    },
  ];
}

/**
 * {@linkcode PAPER_MAP} as a Markdown table (the README carries it).
 *
 * @returns The table, one line per row, ending in a newline.
 *
 * @example
 * ```ts
 * import { paperMapMarkdown } from "./_report.ts";
 * const table = paperMapMarkdown();
 * if (!table.startsWith("| paper's figure or table | task | files | notebook |\n")) {
 *   throw new Error(table);
 * }
 * ```
 */
export function paperMapMarkdown(): string {
  const lines = [
    "| paper's figure or table | task | files | notebook |",
    "| --- | --- | --- | --- |",
    ...PAPER_MAP.map((r) => `| ${r.item} | ${r.task} | ${r.files} | ${r.notebook} |`),
  ];
  return `${lines.join("\n")}\n`;
}
