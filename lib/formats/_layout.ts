/**
 * The `Metrics/` tree: the one place that knows where each output of the kit lives, as the
 * original package laid it out (and as the published `Data/` folder of the paper is laid out):
 *
 * ```
 * <root>/Embeddings/<name>.jsonl | <name>.npy + <name>.labels.tsv
 * <root>/SimilarityScores/<name>_mated_similarities.txt, <name>_non_mated_similarities.txt,
 *                         <name>_BestMatches_<n>.txt
 * <root>/Best_Matches/<name>_BestMatches_<n>.csv
 * <root>/Closest/<name>_Top<k>Global_<n>.json
 * <root>/Extracted_paths/<name>_Top<k>Global_<n>_matches.csv
 * <root>/Figures/<name>_MatedVsNonmated_<n>, <name>_BestMatches_<n>, comparison_<name>_<s>_samples
 * <root>/Figures_with_metrics/<name>_MatedVsNonmated, <name>_DET, <name>_ROC, All_Datasets_DET, All_Datasets_ROC
 * <root>/All_Datasets_operating_points.csv|md|tex, <root>/All_Datasets_verification.csv|md|tex
 * <root>/All_Datasets_metrics.csv, <root>/CI/<table>.csv
 * <root>/Leakage/<name>_LeakageJudged_<n>.csv|md|tex, <root>/Figures/<name>_LeakageJudged_<n>
 * <root>/Diversity/All_Datasets_diversity.csv, <root>/Diversity/<name>_identities.csv
 * <root>/Figures/<name>_Diversity, All_Datasets_Diversity
 * ```
 *
 * Figure paths are stems: the figure writer adds `.svg` and `.png`. Also here: the dataset name of
 * any path the kit reads or writes ({@linkcode datasetNameOf}), and the one rule that pairs mated
 * and non-mated score files ({@linkcode pairScoreFiles}).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/** Folder and file names of the tree, relative to its root. */
export const LAYOUT_NAMES = {
  embeddings: "Embeddings",
  scores: "SimilarityScores",
  bestMatches: "Best_Matches",
  closest: "Closest",
  paths: "Extracted_paths",
  figures: "Figures",
  metricFigures: "Figures_with_metrics",
  ci: "CI",
  leakage: "Leakage",
  diversity: "Diversity",
  metricsTable: "All_Datasets_metrics.csv",
} as const;

/** The default root of the tree, relative to the project folder. */
export const DEFAULT_METRICS_ROOT = "Metrics";

/** Suffix of a mated score file: `<name>_mated_similarities.txt`. */
export const MATED_SUFFIX = "_mated_similarities.txt";
/** Suffix of a non-mated score file: `<name>_non_mated_similarities.txt`. */
export const NON_MATED_SUFFIX = "_non_mated_similarities.txt";

/** File names of best-match CSVs: `<name>_BestMatches_<n>.csv`. */
export const BEST_MATCH_CSV_PATTERN: RegExp = /_BestMatches_\d+\.csv$/;
/** File names of closest-pair JSONs: `<name>_Top<k>Global_<n>.json`. */
export const CLOSEST_JSON_PATTERN: RegExp = /_Top\d+Global_\d+\.json$/;

/** Every output path of the tree under one root. */
export interface MetricsLayout {
  /** The root folder. */
  root: string;
  /** A folder of the tree, e.g. `dir("scores")` is `<root>/SimilarityScores`. */
  dir(name: keyof Omit<typeof LAYOUT_NAMES, "metricsTable">): string;
  /** `Embeddings/<name><ext>`; `ext` is `.jsonl` (the original's format) or `.npy`. */
  embeddings(name: string, ext?: ".jsonl" | ".npy" | ".json"): string;
  /** `SimilarityScores/<name>_mated_similarities.txt`. */
  matedScores(name: string): string;
  /** `SimilarityScores/<name>_non_mated_similarities.txt`. */
  nonMatedScores(name: string): string;
  /** `SimilarityScores/<name>_BestMatches_<n>.txt`. */
  bestMatchScores(name: string, n: number): string;
  /** `Best_Matches/<name>_BestMatches_<n>.csv`. */
  bestMatchCsv(name: string, n: number): string;
  /** Figure stem `Figures/<name>_BestMatches_<n>`. */
  bestMatchFigure(name: string, n: number): string;
  /** Figure stem `Figures/<name>_MatedVsNonmated_<n>` (the mated task's figure). */
  matedFigure(name: string, n: number): string;
  /** Figure stem `Figures_with_metrics/<name>_MatedVsNonmated` (the metrics task's figure). */
  metricsFigure(name: string): string;
  /** `Closest/<name>_Top<top>Global_<n>.json`. */
  closestJson(name: string, top: number, n: number): string;
  /** `Extracted_paths/<stem of the closest JSON>_matches.csv`. */
  closestPathsCsv(closestJsonPath: string): string;
  /** Figure stem `Figures/comparison_<name>_<samples>_samples`. */
  comparisonFigure(name: string, samples: number): string;
  /** `All_Datasets_metrics.csv`. */
  metricsTable(): string;
  /** `CI/<table>.csv`, e.g. `ciTable("eer_95")`. */
  ciTable(table: string): string;
  /**
   * Figure stem `Figures_with_metrics/<name>_DET` or `_ROC` (the metrics task's verification
   * curves); without a name, `All_Datasets_DET` / `_ROC`, every dataset overlaid.
   */
  verificationFigure(kind: "DET" | "ROC", name?: string): string;
  /** Stem `All_Datasets_operating_points` of the operating-point table (`.csv`, `.md`, `.tex`). */
  operatingPointsTable(): string;
  /** Stem `All_Datasets_verification` of the verification table as papers print it (`.csv`, `.md`, `.tex`). */
  verificationTable(): string;
  /** Stem `Leakage/<name>_LeakageJudged_<n>` of the judged-leakage tables (`.csv`, `.md`, `.tex`). */
  leakageJudged(name: string, n: number): string;
  /** Figure stem `Figures/<name>_LeakageJudged_<n>`. */
  leakageJudgedFigure(name: string, n: number): string;
  /** `Diversity/All_Datasets_diversity.csv`: one row per dataset (the diversity task). */
  diversityTable(): string;
  /** `Diversity/<name>_identities.csv`: one row per identity of a dataset. */
  identitiesCsv(name: string): string;
  /** Figure stem `Figures/<name>_Diversity`; `diversityFigure()` is the overview `All_Datasets_Diversity`. */
  diversityFigure(name?: string): string;
}

/**
 * The output paths of the tree under `root`.
 *
 * @param root The root folder. @default "Metrics"
 * @returns The paths.
 *
 * @example
 * ```ts
 * import { metricsLayout } from "./_layout.ts";
 * const tree = metricsLayout("Metrics/demo");
 * if (tree.matedScores("Demo") !== "Metrics/demo/SimilarityScores/Demo_mated_similarities.txt") {
 *   throw new Error(tree.matedScores("Demo"));
 * }
 * if (tree.closestJson("Demo", 25, 320) !== "Metrics/demo/Closest/Demo_Top25Global_320.json") {
 *   throw new Error("unexpected closest path");
 * }
 * ```
 */
export function metricsLayout(root: string = DEFAULT_METRICS_ROOT): MetricsLayout {
  const dir = (name: keyof Omit<typeof LAYOUT_NAMES, "metricsTable">) =>
    join(root, LAYOUT_NAMES[name]);
  return {
    root,
    dir,
    embeddings: (name, ext = ".jsonl") => join(dir("embeddings"), `${name}${ext}`),
    matedScores: (name) => join(dir("scores"), `${name}${MATED_SUFFIX}`),
    nonMatedScores: (name) => join(dir("scores"), `${name}${NON_MATED_SUFFIX}`),
    bestMatchScores: (name, n) => join(dir("scores"), `${bestMatchStem(name, n)}.txt`),
    bestMatchCsv: (name, n) => join(dir("bestMatches"), `${bestMatchStem(name, n)}.csv`),
    bestMatchFigure: (name, n) => join(dir("figures"), bestMatchStem(name, n)),
    matedFigure: (name, n) => join(dir("figures"), `${name}_MatedVsNonmated_${n}`),
    metricsFigure: (name) => join(dir("metricFigures"), `${name}_MatedVsNonmated`),
    closestJson: (name, top, n) => join(dir("closest"), `${name}_Top${top}Global_${n}.json`),
    closestPathsCsv: (closestJsonPath) => join(dir("paths"), closestPathsName(closestJsonPath)),
    comparisonFigure: (name, samples) => join(dir("figures"), comparisonFigureName(name, samples)),
    metricsTable: () => join(root, LAYOUT_NAMES.metricsTable),
    ciTable: (table) => join(dir("ci"), `${table}.csv`),
    verificationFigure: (kind, name = "All_Datasets") =>
      join(dir("metricFigures"), `${name}_${kind}`),
    operatingPointsTable: () => join(root, "All_Datasets_operating_points"),
    verificationTable: () => join(root, "All_Datasets_verification"),
    leakageJudged: (name, n) => join(dir("leakage"), `${name}_LeakageJudged_${n}`),
    leakageJudgedFigure: (name, n) => join(dir("figures"), `${name}_LeakageJudged_${n}`),
    diversityTable: () => join(dir("diversity"), "All_Datasets_diversity.csv"),
    identitiesCsv: (name) => join(dir("diversity"), `${name}_identities.csv`),
    diversityFigure: (name) => join(dir("figures"), `${name ?? "All_Datasets"}_Diversity`),
  };
}

/** Suffix of the run manifest beside an output: `<output>.manifest.json`. */
export const MANIFEST_SUFFIX = ".manifest.json";

/**
 * The run manifest of an output file: `<output>.manifest.json`, beside it.
 *
 * @param output The output's path.
 * @returns The manifest's path.
 *
 * @example
 * ```ts
 * import { manifestPathOf } from "./_layout.ts";
 * const path = manifestPathOf("Metrics/Embeddings/Demo.jsonl");
 * if (path !== "Metrics/Embeddings/Demo.jsonl.manifest.json") throw new Error(path);
 * ```
 */
export function manifestPathOf(output: string): string {
  return `${output}${MANIFEST_SUFFIX}`;
}

function bestMatchStem(name: string, n: number): string {
  return `${name}_BestMatches_${n}`;
}

/**
 * The file name of the closest-paths CSV made from a closest-pairs JSON:
 * `<stem of the JSON>_matches.csv`.
 *
 * @param closestJsonPath Path of the closest-pairs JSON.
 * @returns The file name (no folder).
 *
 * @example
 * ```ts
 * import { closestPathsName } from "./_layout.ts";
 * const name = closestPathsName("Metrics/Closest/Demo_Top25Global_320.json");
 * if (name !== "Demo_Top25Global_320_matches.csv") throw new Error(name);
 * ```
 */
export function closestPathsName(closestJsonPath: string): string {
  return `${basename(closestJsonPath).replace(/\.json$/, "")}_matches.csv`;
}

/**
 * The figure stem of a comparison grid: `comparison_<name>_<samples>_samples`.
 *
 * @param name Dataset name.
 * @param samples Pairs shown.
 * @returns The file name stem (no folder, no extension).
 */
export function comparisonFigureName(name: string, samples: number): string {
  return `comparison_${name}_${samples}_samples`;
}

/** The folder, beside the outputs of a Slurm run, that holds its job scripts and logs. */
export const SLURM_DIR = ".slurm";

/**
 * Where `deno task slurm` writes the job scripts and Slurm logs of one run: `<folder>/.slurm/<run>`,
 * beside the run's outputs (`folder` is the folder of embed's output file, or the output root of
 * similarities, leakage and closest), out of the way of the tasks that list those folders.
 *
 * @param folder The folder the run's outputs go to.
 * @param run The run's name, `<task>_<dataset name>`.
 * @returns The folder's path.
 *
 * @example
 * ```ts
 * import { slurmDirOf } from "./_layout.ts";
 * const dir = slurmDirOf("Metrics/Embeddings", "embed_Demo");
 * if (dir !== "Metrics/Embeddings/.slurm/embed_Demo") throw new Error(dir);
 * ```
 */
export function slurmDirOf(folder: string, run: string): string {
  return join(folder, SLURM_DIR, run);
}

/** Suffixes that end a dataset name in the kit's file names, longest first. */
const NAME_SUFFIXES: readonly RegExp[] = [
  /_BestMatches_\d+\.(?:csv|txt)$/,
  /_Top\d+Global_\d+(?:_matches)?\.(?:json|csv)$/,
  /_non_mated_similarities\.txt$/,
  /_mated_similarities\.txt$/,
  /_MatedVsNonmated(?:_\d+)?\.(?:svg|png|pdf)$/,
  /_(?:DET|ROC)\.(?:svg|png|pdf)$/,
  /_operating_points\.(?:csv|md|tex)$/,
  /_LeakageJudged_\d+\.(?:csv|md|tex|svg|png|pdf)$/,
  /_identities\.csv$/,
  /_Diversity\.(?:svg|png|pdf)$/,
  /\.labels\.tsv$/,
  /\.(?:tar\.gz|tgz|tar|zip|rec|idx|jsonl|json|npy|csv|txt)$/i,
];

/**
 * The dataset name of a path the kit reads or writes: an embeddings file
 * (`Embeddings/DCFace.jsonl`, `.npy`, `.labels.tsv`), a score file, a best-match CSV, a
 * closest-pairs JSON or its paths CSV, a figure, or a dataset folder or archive (`.zip`, `.tar`,
 * `.tar.gz`, `.tgz`, `.rec`/`.idx`). The last path segment is taken (trailing separators dropped)
 * and the first matching suffix of the kit's file names is removed; an unknown extension is kept,
 * since dataset names may hold dots.
 *
 * @param path A path, `/` or `\` separated.
 * @returns The dataset name.
 *
 * @example
 * ```ts
 * import { datasetNameOf } from "./_layout.ts";
 * const names = [
 *   "Metrics/Embeddings/DCFace.jsonl", "x/Syn-Multi-PIE_BestMatches_10000.csv",
 *   "SDFD_Top100Global_1000.json", "Dataset/IDiff-Face.tar.gz", "Dataset/GANDiffFace/",
 *   "SimilarityScores/HSFace10k_non_mated_similarities.txt", "E/CASIA.labels.tsv",
 * ].map(datasetNameOf);
 * const want = "DCFace,Syn-Multi-PIE,SDFD,IDiff-Face,GANDiffFace,HSFace10k,CASIA";
 * if (names.join() !== want) throw new Error(names.join());
 * ```
 */
export function datasetNameOf(path: string): string {
  const base = path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? path;
  for (const suffix of NAME_SUFFIXES) {
    const stripped = base.replace(suffix, "");
    if (stripped !== base && stripped.length > 0) return stripped;
  }
  return base;
}

/** A dataset with both score files. */
export interface ScoreFilePair {
  /** Dataset name. */
  dataset: string;
  /** File name of the mated scores. */
  mated: string;
  /** File name of the non-mated scores. */
  nonMated: string;
}

/** A score file whose partner is missing. */
export interface UnpairedScoreFile {
  /** Dataset name. */
  dataset: string;
  /** The file that is there. */
  file: string;
  /** The file name that would complete the pair. */
  missing: string;
}

/** What {@linkcode pairScoreFiles} found. */
export interface ScoreFilePairing {
  /** Datasets with both files, sorted by dataset name (code-unit order). */
  pairs: ScoreFilePair[];
  /** Files without a partner, sorted by dataset name. */
  unpaired: UnpairedScoreFile[];
}

/**
 * The one rule that pairs score files: `<name>_mated_similarities.txt` goes with
 * `<name>_non_mated_similarities.txt` in the same folder. A dataset is measured only with both;
 * a file without its partner is reported, never paired with another dataset's file. Other files
 * (best-match scores `<name>_BestMatches_<n>.txt`, notes) are ignored.
 *
 * @param fileNames File names in one folder (no folders).
 * @returns The pairs and the unpaired files.
 *
 * @example
 * ```ts
 * import { pairScoreFiles } from "./_layout.ts";
 * const { pairs, unpaired } = pairScoreFiles([
 *   "B_non_mated_similarities.txt", "A_mated_similarities.txt", "B_mated_similarities.txt",
 *   "B_BestMatches_10.txt",
 * ]);
 * if (pairs.map((p) => p.dataset).join() !== "B") throw new Error("unexpected pairs");
 * if (unpaired[0]?.missing !== "A_non_mated_similarities.txt") throw new Error("unexpected");
 * ```
 */
export function pairScoreFiles(fileNames: Iterable<string>): ScoreFilePairing {
  const mated = new Set<string>();
  const nonMated = new Set<string>();
  for (const name of fileNames) {
    if (name.endsWith(NON_MATED_SUFFIX)) nonMated.add(name.slice(0, -NON_MATED_SUFFIX.length));
    else if (name.endsWith(MATED_SUFFIX)) mated.add(name.slice(0, -MATED_SUFFIX.length));
  }
  const byName = (a: { dataset: string }, b: { dataset: string }) =>
    a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : 0;
  const pairs: ScoreFilePair[] = [];
  const unpaired: UnpairedScoreFile[] = [];
  for (const dataset of new Set([...mated, ...nonMated])) {
    const m = `${dataset}${MATED_SUFFIX}`;
    const nm = `${dataset}${NON_MATED_SUFFIX}`;
    if (mated.has(dataset) && nonMated.has(dataset)) {
      pairs.push({ dataset, mated: m, nonMated: nm });
    } else if (mated.has(dataset)) unpaired.push({ dataset, file: m, missing: nm });
    else unpaired.push({ dataset, file: nm, missing: m });
  }
  return { pairs: pairs.sort(byName), unpaired: unpaired.sort(byName) };
}

/** One shard of a sharded run: `index` (0-based) of `count`, as `--shard K/N` names it. */
export interface ShardSpec {
  /** The shard, `0 <= index < count`. */
  index: number;
  /** Shards in all. */
  count: number;
}

/** The folder, beside a sharded output, that holds its shards' files. */
export const SHARDS_DIR = ".shards";

/**
 * Where a shard writes the part of an output: the output's folder, then {@linkcode SHARDS_DIR},
 * then the output's name with `.shard-K-of-N` before its last extension (after the whole name
 * when it has none). The shards of one output sit together, out of the way of the tasks that
 * list the output folders, and each keeps its format's extension (so `X.shard-0-of-4.npy` gets
 * `X.shard-0-of-4.labels.tsv` and `X.shard-0-of-4.npy.manifest.json` beside it).
 *
 * @param output The path an unsharded run writes.
 * @param shard The shard.
 * @returns The shard's path.
 *
 * @example
 * ```ts
 * import { shardPathOf } from "./_layout.ts";
 * const path = shardPathOf("M/Embeddings/Demo.jsonl", { index: 1, count: 4 });
 * if (path !== "M/Embeddings/.shards/Demo.shard-1-of-4.jsonl") throw new Error(path);
 * ```
 */
export function shardPathOf(output: string, shard: ShardSpec): string {
  const base = basename(output);
  const dot = base.lastIndexOf(".");
  const tag = `.shard-${shard.index}-of-${shard.count}`;
  const name = dot > 0 ? `${base.slice(0, dot)}${tag}${base.slice(dot)}` : `${base}${tag}`;
  return join(dirname(output), SHARDS_DIR, name);
}

/**
 * Where a shard of `closest` writes its list of pairs (the format of `_closest_shard.ts`, JSON
 * lines): {@linkcode shardPathOf} of the closest JSON, with the extension `.jsonl`.
 *
 * @param closestJsonPath The closest JSON an unsharded run writes.
 * @param shard The shard.
 * @returns The shard's list.
 *
 * @example
 * ```ts
 * import { closestShardPathOf } from "./_layout.ts";
 * const path = closestShardPathOf("M/Closest/D_Top5Global_9.json", { index: 0, count: 2 });
 * if (path !== "M/Closest/.shards/D_Top5Global_9.shard-0-of-2.jsonl") throw new Error(path);
 * ```
 */
export function closestShardPathOf(closestJsonPath: string, shard: ShardSpec): string {
  return shardPathOf(closestJsonPath.replace(/\.json$/, ".jsonl"), shard);
}
