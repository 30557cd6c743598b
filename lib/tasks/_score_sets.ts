/**
 * The mated and non-mated scores a notebook shows, from whatever a results folder holds: the score
 * files of `deno task similarities` (`SimilarityScores/<name>_{mated,non_mated}_similarities.txt`),
 * else scores sampled from the embedding files of `deno task embed` (`Embeddings/*.jsonl|.npy`)
 * exactly as `deno task similarities` samples them.
 *
 * @module
 */
import { join } from "node:path";
import { readEmbeddings } from "../embeddings/_read.ts";
import {
  datasetNameOf,
  MATED_SUFFIX,
  metricsLayout,
  NON_MATED_SUFFIX,
  pairScoreFiles,
} from "../formats/_layout.ts";
import { listFileNames } from "../formats/_list_files.ts";
import { readScoreFile } from "../formats/_score_file.ts";
import { similarityScores } from "../similarity/_similarity_scores.ts";

/** One dataset's scores and where they came from. */
export interface ScoreSet {
  /** Mated (same-identity) similarity scores, from the score file or sampled from embeddings. */
  mated: Float64Array;
  /** Empty when only the mated file exists (as for the published Control10k). */
  nonMated: Float64Array;
  /** The file(s) read. */
  source: string;
}

/** Options of {@linkcode loadScoreSets}. */
export interface LoadScoreSetsOptions {
  /** Comparisons of each kind when sampling from embeddings. @default 10000 */
  comparisons?: number;
  /** Seed when sampling from embeddings. @default 42 */
  seed?: number;
}

/**
 * Loads the score sets of a results folder, by dataset name: score files first, paired by the
 * layout's one rule ({@linkcode pairScoreFiles}; a mated file alone gives empty non-mated scores);
 * a dataset with embeddings but no score files gets scores sampled from them (seeded, as the
 * similarities task).
 *
 * @param dir The results folder (e.g. `Metrics/` or `Metrics/demo/`), or a published `Data/`.
 * @param options Comparisons and seed for sampling.
 * @returns Dataset name to its scores, in name order.
 * @throws {SyntaxError} On a malformed score or embedding file (naming file and line).
 *
 * @example
 * ```ts
 * import { loadScoreSets } from "./_score_sets.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/SimilarityScores`);
 * await Deno.writeTextFile(`${dir}/SimilarityScores/A_mated_similarities.txt`, "0.5\n0.7\n");
 * await Deno.writeTextFile(`${dir}/SimilarityScores/A_non_mated_similarities.txt`, "0.1\n");
 * const sets = await loadScoreSets(dir);
 * await Deno.remove(dir, { recursive: true });
 * if (sets.get("A")?.mated.length !== 2 || sets.get("A")?.nonMated[0] !== 0.1) throw new Error();
 * ```
 */
export async function loadScoreSets(
  dir: string,
  options: LoadScoreSetsOptions = {},
): Promise<Map<string, ScoreSet>> {
  const { comparisons = 10000, seed = 42 } = options;
  const sets = new Map<string, ScoreSet>();
  const layout = metricsLayout(dir);
  const scoreDir = layout.dir("scores");
  const { pairs, unpaired } = pairScoreFiles(await listFileNames(scoreDir, /\.txt$/));
  for (const { dataset, mated, nonMated } of pairs) {
    const matedPath = join(scoreDir, mated);
    sets.set(dataset, {
      mated: await readScoreFile(matedPath),
      nonMated: await readScoreFile(join(scoreDir, nonMated)),
      source: `${matedPath} + ${nonMated}`,
    });
  }
  // A mated file alone still shows (the published Control10k has no non-mated scores).
  for (const { dataset, file } of unpaired) {
    if (!file.endsWith(MATED_SUFFIX) || file.endsWith(NON_MATED_SUFFIX)) continue;
    const matedPath = join(scoreDir, file);
    sets.set(dataset, {
      mated: await readScoreFile(matedPath),
      nonMated: new Float64Array(0),
      source: matedPath,
    });
  }
  const embeddingDir = layout.dir("embeddings");
  for (const name of await listFileNames(embeddingDir, /\.(jsonl|json|npy)$/i)) {
    const dataset = datasetNameOf(name);
    if (sets.has(dataset)) continue;
    const path = join(embeddingDir, name);
    const scores = similarityScores(await readEmbeddings(path), { comparisons, seed });
    sets.set(dataset, { mated: scores.mated, nonMated: scores.nonMated, source: path });
  }
  return new Map([...sets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
