/**
 * The identity-leakage runs of the kit, as functions the scripts, the demo and notebooks share:
 * best CASIA match of `n` random samples (scores, CSV, density figure) and the global top-K
 * closest pairs (JSON), sampled exactly as the original scripts (`random.seed(42)`,
 * `random.sample(range(N), n)`, or every row in order when `N < n`).
 *
 * @module
 */
import { dirname } from "node:path";
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import type { EmbeddingSet } from "../embeddings/_embedding_set.ts";
import { readEmbeddings } from "../embeddings/_read.ts";
import { checkEmbeddings } from "../embeddings/_check_embeddings.ts";
import {
  closestShardPathOf,
  datasetNameOf,
  metricsLayout,
  shardPathOf,
} from "../formats/_layout.ts";
import { closestShardText } from "../formats/_closest_shard.ts";
import { newDocument } from "../plots/_document.ts";
import { bestMatchesDensityFigure } from "../plots/_best_matches.ts";
import { figureFilePaths, writeFigureFiles } from "../plots/_render.ts";
import { bestMatchesCsv, bestMatchScoresText } from "../formats/_best_match_csv.ts";
import { closestJson, type ClosestPairColumns } from "../formats/_closest_json.ts";
import { PythonRandom } from "../random/mod.ts";
import {
  bestMatches,
  type BestMatchResult,
  type SearchOptions,
  topKPairs,
  type TopKResult,
} from "../similarity/_search.ts";
import { shardRange, type ShardSpec, shardText } from "./_shard.ts";
import { type JudgedLeakage, judgeLeakage } from "../metrics/_leakage_judged.ts";
import {
  judgedLeakageTable,
  leakageThreshold,
  type LeakageThresholdOptions,
  writeJudgedLeakage,
} from "./_leakage_judged.ts";
import { writeFileAtomic } from "../formats/_atomic.ts";
import type { ManifestInput } from "../formats/_manifest.ts";
import { beginRun, drawOf, embeddingsInput, fileInput } from "./_run_contract.ts";
import type { EmbeddingBlocks } from "../embeddings/_npy_blocks.ts";
import type { PrefilterStats } from "../similarity/_int8_search.ts";
import {
  type BlocksCheck,
  type KernelRequest,
  openGalleryBlocks,
  prefilterText,
  prepareSearch,
  warnOffNorm,
} from "./_search_kernel.ts";

/**
 * The sample rows of the original scripts: every row in order when there are fewer than `n`,
 * otherwise `random.seed(seed); random.sample(range(size), n)`.
 *
 * @param size Rows in the dataset.
 * @param n Requested samples.
 * @param seed Python seed.
 * @returns Row indices in search order.
 *
 * @example
 * ```ts
 * import { sampleRows } from "./_leakage.ts";
 * if (sampleRows(3, 10, 42).join() !== "0,1,2") throw new Error("all rows when fewer");
 * if (sampleRows(10, 10, 42).length !== 10) throw new Error("a permutation otherwise");
 * ```
 */
export function sampleRows(size: number, n: number, seed: number): Uint32Array {
  if (size < n) return Uint32Array.from({ length: size }, (_, i) => i);
  return new PythonRandom(seed).sample(size, n);
}

/** Inputs shared by {@linkcode runLeakage} and {@linkcode runClosest}. */
export interface LeakageRunOptions {
  /** Synthetic embeddings file (JSON lines or `.npy`); its name names the outputs. */
  input: string;
  /** Reference (CASIA) embeddings file. */
  casia: string;
  /** Already loaded synthetic embeddings (skips reading `input`). */
  inputSet?: EmbeddingSet;
  /** Already loaded reference embeddings (skips reading `casia`). */
  casiaSet?: EmbeddingSet;
  /** Python seed of the sample. @default 42 */
  seed?: number;
  /** Output root. @default "Metrics" */
  outDir?: string;
  /** Search tuning and progress (see {@linkcode SearchOptions}); `rows` is set by the run. */
  search?: Omit<SearchOptions, "rows">;
  /**
   * The search kernel (`--kernel`), unless `search.kernel` is given: `auto` takes the int8
   * prefilter on a VNNI CPU for a large scan, else fp32 (`chooseSearchKernels`). Every choice
   * gives the exact search. An `.npy` gallery (`casia` without `casiaSet`) is read from disk in
   * blocks. @default "auto"
   */
  kernel?: KernelRequest | undefined;
  /** Status lines (loading, sampling) and the original's warnings. @default consoleReporter() */
  reporter?: Reporter;
  /**
   * Search only this shard's range (`shardRange`) of the sampled query rows, in search order,
   * and write the shard's files (`shardPathOf`; `closestShardPathOf` for closest) instead of the
   * run's; `deno task merge leakage|closest` assembles them. @default undefined (every row)
   */
  shard?: ShardSpec | undefined;
}

/** The sampled rows a run searches: all of them, or a shard's range (logged). */
function rowsOfRun(rows: Uint32Array, shard: ShardSpec | undefined, reporter: Reporter) {
  if (shard === undefined) return { rows, start: 0 };
  const { start, end } = shardRange(rows.length, shard);
  reporter.info(`Shard ${shardText(shard)}: sampled rows ${start}..${end - 1} of ${rows.length}`);
  return { rows: rows.subarray(start, end), start };
}

/** Options of {@linkcode runLeakage}. */
export interface RunLeakageOptions extends LeakageRunOptions {
  /** Samples to search. @default 10000 */
  nComparisons?: number;
  /** Write the density figure (SVG, PNG and PDF). @default true */
  figure?: boolean;
  /**
   * The threshold of "leakage, judged": a given value, or calibrated on real impostor scores at
   * an FMR; by default on CASIA's non-mated score file under `outDir`
   * (`SimilarityScores/<casia name>_non_mated_similarities.txt`) at FMR 1e-3, and skipped (said
   * so) when that file is not there. Writes `Leakage/<name>_LeakageJudged_<n>.csv|md|tex` and
   * the figure `Figures/<name>_LeakageJudged_<n>`. Not in a shard run. @default {}
   */
  judge?: LeakageThresholdOptions;
  /** Bootstrap resamples of the judged share. @default 1000 */
  resamples?: number;
  /** Pixel scale of the figure's PNG over its SVG size. @default 2 */
  pngScale?: number;
}

/** What {@linkcode runLeakage} found and wrote. */
export interface LeakageResult {
  /** The sampled query rows, each one's best CASIA row and its cosine similarity (float32). */
  best: BestMatchResult;
  /** The best matches judged against the run's threshold, when there was one. */
  judged?: JudgedLeakage | undefined;
  /** Paths written: scores text, CSV, and the figure's SVG, PNG and PDF when drawn. */
  files: string[];
}

async function loadBoth(
  options: LeakageRunOptions,
  reporter: Reporter,
  consequence: string,
): Promise<[EmbeddingSet, EmbeddingSet | EmbeddingBlocks, Streamed | undefined]> {
  const log = (line: string) => reporter.info(line);
  const load = async (set: EmbeddingSet | undefined, path: string) => {
    if (set) return set;
    log(`Loading embeddings from ${path}...`);
    const t = performance.now();
    const loaded = await readEmbeddings(path, { reporter });
    log(
      `Loaded ${loaded.identities.length} embeddings in ${
        ((performance.now() - t) / 1000).toFixed(1)
      } s`,
    );
    return loaded;
  };
  const input = await load(options.inputSet, options.input);
  const streamed = options.casiaSet ? undefined : await openGalleryBlocks(options.casia, reporter);
  if (streamed) log(`Reading ${options.casia} in blocks (${streamed.blocks.rows} embeddings)`);
  const casia = streamed?.blocks ?? await load(options.casiaSet, options.casia);
  checkEmbeddings(input, { name: options.input, reporter, consequence });
  if (!streamed) {
    checkEmbeddings(casia as EmbeddingSet, { name: options.casia, reporter, consequence });
  }
  return [input, casia, streamed];
}

/** A gallery read from disk in blocks, checked as it is read. */
interface Streamed {
  blocks: EmbeddingBlocks;
  check: BlocksCheck;
}

/**
 * Runs `search` with the kernels of the run, then releases them, closes a streamed gallery and
 * words its norm check.
 */
async function withSearch<T>(
  options: LeakageRunOptions,
  streamed: Streamed | undefined,
  setup: { pairs: number; reporter: Reporter; consequence: string },
  search: (options: Omit<SearchOptions, "rows">) => Promise<T>,
): Promise<T> {
  const { reporter, consequence } = setup;
  try {
    const prepared = await prepareSearch({
      kernel: options.kernel,
      search: options.search,
      pairs: setup.pairs,
      reporter,
    });
    try {
      const result = await search(prepared.search);
      const facts = (result as { prefilter?: PrefilterStats }).prefilter;
      if (facts) reporter.info(prefilterText(facts));
      return result;
    } finally {
      await prepared.release();
    }
  } finally {
    if (streamed) {
      streamed.blocks.close();
      warnOffNorm(streamed.check, streamed.blocks, options.casia, reporter, consequence);
    }
  }
}

const COSINE_RANKING =
  "; leakage ranks by cosine similarity (both sides divided by their norms), so its matches do not depend on them";
const DOT_RANKING =
  "; closest ranks by the raw dot product, as find_closest.py did, so longer vectors rank higher";

async function writeText(path: string, text: string): Promise<string> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, text);
  return path;
}

/** The files of a leakage run, locked for the whole run: the scores text and the CSV. */
function leakageOutputs(
  input: string,
  outDir: string,
  nComparisons: number,
  options: { shard?: ShardSpec | undefined },
): string[] {
  const layout = metricsLayout(outDir);
  const name = datasetNameOf(input);
  const { shard } = options;
  const place = (path: string) => shard === undefined ? path : shardPathOf(path, shard);
  return [
    place(layout.bestMatchScores(name, nComparisons)),
    place(layout.bestMatchCsv(name, nComparisons)),
  ];
}

/** The two embeddings inputs of leakage and closest, with their digests (and manifests). */
function leakageInputs(options: LeakageRunOptions): Promise<ManifestInput[]> {
  return Promise.all([
    embeddingsInput("embeddings", options.input, options.inputSet),
    embeddingsInput("gallery", options.casia, options.casiaSet),
  ]);
}

/**
 * Best CASIA match of `nComparisons` random samples: writes
 * `SimilarityScores/<name>_BestMatches_<n>.txt`, `Best_Matches/<name>_BestMatches_<n>.csv` and
 * `Figures/<name>_BestMatches_<n>.svg|png|pdf` under `outDir` (`n` is the requested count, as the
 * original named its files). Scores are cosine similarities (both sides normalised, as
 * scikit-learn's `cosine_similarity`).
 *
 * @param options Inputs, sample size, seed, output root, search tuning.
 * @returns The matches and the written paths.
 * @throws {RangeError} When the two embedding sets have different dimensions.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { runLeakage } from "./_leakage.ts";
 * const outDir = await Deno.makeTempDir();
 * const set = embeddingSet(["a", "b", "c"], ["1.png", "2.png", "3.png"],
 *   new Float32Array([1, 0, 0.8, 0.6, 0, 1]), 2);
 * const { best, files } = await runLeakage({ input: "Demo.json", casia: "CASIA.json",
 *   inputSet: set, casiaSet: set, nComparisons: 2, outDir, figure: false });
 * if (best.scores.length !== 2 || !files[1]?.endsWith("Best_Matches/Demo_BestMatches_2.csv")) {
 *   throw new Error("unexpected");
 * }
 * await Deno.remove(outDir, { recursive: true });
 * ```
 */
export async function runLeakage(options: RunLeakageOptions): Promise<LeakageResult> {
  const {
    nComparisons = 10000,
    seed = 42,
    outDir = metricsLayout().root,
    figure = true,
    reporter = consoleReporter(),
  } = options;
  const log = (line: string) => reporter.info(line);
  await using run = await beginRun(leakageOutputs(options.input, outDir, nComparisons, options), {
    task: "leakage",
    flags: { input: options.input, casia: options.casia, nComparisons, seed, outDir, figure },
    seeds: { samples: seed },
    shard: options.shard === undefined ? null : { ...options.shard },
  }, () => leakageInputs(options));
  const [input, casia, streamed] = await loadBoth(options, reporter, COSINE_RANKING);
  const size = input.identities.length;
  if (size < nComparisons) {
    log(`Warning: Only ${size} embeddings available, using all of them`);
  }
  const { shard } = options;
  const { rows } = rowsOfRun(sampleRows(size, nComparisons, seed), shard, reporter);
  log(`Finding best matches for ${rows.length} samples against ${casia.identities.length}...`);
  const pairs = rows.length * casia.identities.length;
  const best = await withSearch(
    options,
    streamed,
    { pairs, reporter, consequence: COSINE_RANKING },
    (search) => bestMatches(input, casia, { ...search, rows, normalize: true }),
  );
  const name = datasetNameOf(options.input);
  const layout = metricsLayout(outDir);
  const place = (path: string) => shard === undefined ? path : shardPathOf(path, shard);
  const files = [
    await writeText(
      place(layout.bestMatchScores(name, nComparisons)),
      bestMatchScoresText(best.scores),
    ),
    await writeText(
      place(layout.bestMatchCsv(name, nComparisons)),
      bestMatchesCsv({
        sampleIndex: best.queries,
        sampleIdentity: Array.from(best.queries, (q) => input.identities[q]!),
        sampleImageName: Array.from(best.queries, (q) => input.imageNames[q]!),
        bestMatchIndex: best.gallery,
        bestMatchIdentity: Array.from(best.gallery, (g) => casia.identities[g]!),
        bestMatchImageName: Array.from(best.gallery, (g) => casia.imageNames[g]!),
        similarity: best.scores,
      }),
    ),
  ];
  if (figure && shard === undefined) {
    files.push(
      ...await writeBestMatchesFigure(best.scores, layout.bestMatchFigure(name, nComparisons), {
        reporter,
        dataset: name,
        pngScale: options.pngScale ?? 2,
      }),
    );
  }
  let judged: JudgedLeakage | undefined;
  const threshold = shard === undefined
    ? await leakageThreshold(options.judge ?? {}, {
      defaultImpostors: layout.nonMatedScores(datasetNameOf(options.casia)),
      reporter,
    })
    : undefined;
  if (threshold !== undefined) {
    judged = judgeLeakage(
      {
        similarity: best.scores,
        sampleIdentity: Array.from(best.queries, (q) => input.identities[q]!),
        bestMatchIdentity: Array.from(best.gallery, (g) => casia.identities[g]!),
      },
      threshold.threshold,
      { resamples: options.resamples ?? 1000, seed },
    );
    files.push(
      ...await writeJudgedLeakage(
        layout.leakageJudged(name, nComparisons),
        layout.leakageJudgedFigure(name, nComparisons),
        judgedLeakageTable([{ dataset: name, judged }], threshold),
        { figure },
      ),
    );
    log(
      `leakage, judged: ${judged.leakedSamples} of ${judged.samples} samples (${
        (100 * judged.share).toFixed(2)
      }%) reach it; ${judged.leakedIdentities} of ${judged.identities} synthetic identities, ${judged.realIdentitiesHit} real identities hit`,
    );
  }
  await run.finish({
    inputs: threshold?.impostorScores === undefined
      ? []
      : [await fileInput("impostor scores", threshold.impostorScores)],
    counts: { samples: rows.length, gallery: casia.identities.length },
    draws: [drawOf("sample rows", rows)],
    outputs: files.filter((f) => !/\.(svg|png|pdf)$/.test(f)),
  });
  return { best, judged, files };
}

/** Options of {@linkcode writeBestMatchesFigure}. */
export interface WriteBestMatchesFigureOptions {
  /** Told why, when the scores cannot make a density. @default consoleReporter() */
  reporter?: Reporter;
  /** Dataset named in the title. @default undefined */
  dataset?: string | undefined;
  /** Pixel scale of the PNG over the SVG's size. @default 2 */
  pngScale?: number;
}

/**
 * The density figure of best-match scores (`Figures/<name>_BestMatches_<n>.svg`, `.png` and `.pdf`), as
 * `runLeakage` draws it; `deno task merge leakage` draws it from the merged scores. No figure
 * for fewer than 2 scores, or when the density cannot be estimated (the reason is told).
 *
 * @param scores Best-match score of each sample, in search order.
 * @param stem The figure's path without extension (the layout's `bestMatchFigure`).
 * @param options The reporter.
 * @returns The SVG and PNG paths, or none.
 */
export async function writeBestMatchesFigure(
  scores: Float32Array,
  stem: string,
  options: WriteBestMatchesFigureOptions = {},
): Promise<string[]> {
  const { reporter = consoleReporter(), dataset, pngScale = 2 } = options;
  if (scores.length < 2) return [];
  const document = newDocument();
  try {
    const figure = bestMatchesDensityFigure(scores, {
      document,
      ...(dataset === undefined ? {} : { dataset }),
    });
    return figureFilePaths(await writeFigureFiles(stem, figure, { scale: pngScale }));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    reporter.info(`No density figure: ${error.message}`);
    return [];
  }
}

/** Options of {@linkcode runClosest}. */
export interface RunClosestOptions extends LeakageRunOptions {
  /** Samples to search. @default every row of the input */
  nComparisons?: number | undefined;
  /** Pairs to keep. @default 100 */
  top?: number;
}

/** What {@linkcode runClosest} found and wrote. */
export interface ClosestResult {
  /** The kept pairs as rows of both sets with their dot-product scores, best first. */
  pairs: TopKResult;
  /** The pairs as the JSON lists them (identities and image names of both sides), best first. */
  columns: ClosestPairColumns;
  /** The JSON written. */
  file: string;
}

/**
 * The `top` most similar (sample, CASIA) pairs over `nComparisons` samples, positive scores only,
 * scored as raw dot products of the stored (L2-normalised) embeddings as `find_closest.py` did;
 * writes `Closest/<name>_Top<K>Global_<N>.json` under `outDir`.
 *
 * @param options Inputs, sample size, K, seed, output root, search tuning.
 * @returns The pairs and the written path.
 * @throws {RangeError} When the two embedding sets have different dimensions.
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { runClosest } from "./_leakage.ts";
 * const outDir = await Deno.makeTempDir();
 * const set = embeddingSet(["a", "b"], ["1.png", "2.png"], new Float32Array([1, 0, 0.6, 0.8]), 2);
 * const { pairs, file } = await runClosest({ input: "Demo.json", casia: "CASIA.json",
 *   inputSet: set, casiaSet: set, top: 3, outDir });
 * if (pairs.scores.length !== 3 || !file.endsWith("Closest/Demo_Top3Global_2.json")) throw new Error();
 * await Deno.remove(outDir, { recursive: true });
 * ```
 */
export async function runClosest(options: RunClosestOptions): Promise<ClosestResult> {
  const { seed = 42, outDir = metricsLayout().root, top = 100, reporter = consoleReporter() } =
    options;
  const log = (line: string) => reporter.info(line);
  const [input, casia, streamed] = await loadBoth(options, reporter, DOT_RANKING);
  const size = input.identities.length;
  const nComparisons = options.nComparisons ?? size;
  if (size < nComparisons) {
    log(`Warning: Only ${size} embeddings available, using all of them`);
  }
  const { shard } = options;
  const { rows, start } = rowsOfRun(sampleRows(size, nComparisons, seed), shard, reporter);
  const closestPath = metricsLayout(outDir).closestJson(
    datasetNameOf(options.input),
    top,
    nComparisons,
  );
  await using run = await beginRun(
    [shard === undefined ? closestPath : closestShardPathOf(closestPath, shard)],
    {
      task: "closest",
      flags: { input: options.input, casia: options.casia, nComparisons, top, seed, outDir },
      seeds: { samples: seed },
      shard: shard === undefined ? null : { ...shard },
    },
    () => leakageInputs(options),
  );
  const finish = async (file: string, kept: number) => {
    await run.finish({
      counts: { samples: rows.length, gallery: casia.identities.length, pairs: kept },
      draws: [drawOf("sample rows", rows)],
      outputs: [file],
    });
    return file;
  };
  log(`Finding top ${top} highest positive similarities from ${rows.length} samples...`);
  const scanned = rows.length * casia.identities.length;
  const pairs = await withSearch(
    options,
    streamed,
    { pairs: scanned, reporter, consequence: DOT_RANKING },
    (search) =>
      topKPairs(input, casia, { ...search, rows, k: top, positiveOnly: true, normalize: false }),
  );
  if (pairs.scores.length < top && shard === undefined) {
    log(
      `Warning: Only found ${pairs.scores.length} positive similarities, less than requested ${top}`,
    );
  }
  const name = datasetNameOf(options.input);
  const columns: ClosestPairColumns = {
    similarity: pairs.scores,
    queryIdentity: Array.from(pairs.queries, (q) => input.identities[q]!),
    queryImageName: Array.from(pairs.queries, (q) => input.imageNames[q]!),
    casiaIdentity: Array.from(pairs.gallery, (g) => casia.identities[g]!),
    casiaImageName: Array.from(pairs.gallery, (g) => casia.imageNames[g]!),
  };
  const path = metricsLayout(outDir).closestJson(name, top, nComparisons);
  if (shard !== undefined) {
    const position = new Map<number, number>();
    rows.forEach((row, i) => position.set(row, start + i));
    const text = closestShardText({
      position: Uint32Array.from(pairs.queries, (q) => position.get(q)!),
      query: pairs.queries,
      gallery: pairs.gallery,
      score: pairs.scores,
      queryIdentity: [...columns.queryIdentity],
      queryImageName: [...columns.queryImageName],
      casiaIdentity: [...columns.casiaIdentity],
      casiaImageName: [...columns.casiaImageName],
    });
    const file = await writeText(closestShardPathOf(path, shard), text);
    return { pairs, columns, file: await finish(file, pairs.scores.length) };
  }
  const text = closestJson(columns, {
    inputFile: options.input,
    nSamplesCompared: nComparisons,
    topGlobalMatches: top,
  });
  const file = await finish(await writeText(path, text), pairs.scores.length);
  return { pairs, columns, file };
}
