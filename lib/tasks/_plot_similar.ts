/**
 * `deno task plot-similar`: the grid of the closest pairs listed in a
 * `query_path,casia_path,similarity_score` CSV, images read straight from folders or archives
 * (`.zip`, `.tar`, `.tar.gz`/`.tgz`, `.rec`), as the original `plot_similar.py` drew it.
 *
 * @module
 */
import { join } from "node:path";
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import { type ImageSource, openImageSource } from "../data/_archive.ts";
import { readClosestPaths } from "../formats/_closest_paths_csv.ts";
import { comparisonFigureName, datasetNameOf, metricsLayout } from "../formats/_layout.ts";
import { pythonFloatRepr } from "../formats/_python_float.ts";
import { pairGridSvg, type PairImage, type PairTile } from "../plots/_pair_grid.ts";
import { writeFigureFiles } from "../plots/_render.ts";

/** Options of {@linkcode runPlotSimilar}. */
export interface RunPlotSimilarOptions {
  /** The paths CSV (`deno task paths`). */
  csv: string;
  /** CASIA images: folder or archive. */
  casiaFile: string;
  /** Synthetic images: folder or archive; its dataset name names the figure. */
  otherFile: string;
  /** Pairs to show (the first rows). @default 5 */
  samples?: number;
  /** Output folder. @default "Metrics/Figures" */
  outputDir?: string;
  /** Receives one line per pair drawn, saying which images were not found. @default consoleReporter() */
  reporter?: Reporter;
}

/** What {@linkcode runPlotSimilar} drew and wrote. */
export interface PlotSimilarResult {
  /** The PNG written. */
  png: string;
  /** The SVG written. */
  svg: string;
  /** The pairs drawn, with the image bytes found. */
  tiles: PairTile[];
}

function pairImage(path: string, bytes: Uint8Array | undefined): PairImage {
  return bytes ? { path, bytes } : { path };
}

/**
 * Draws the first `samples` pairs of a paths CSV as a grid,
 * `<outputDir>/comparison_<other dataset name>_<n>_samples.png` (and the `.svg`).
 *
 * @param options CSV, image sources, sample count, output folder, reporter.
 * @returns The figure paths and the tiles drawn.
 * @throws {SyntaxError} When the CSV lacks a needed column or holds a bad score (naming file and
 *   line), or an archive is corrupt.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { runPlotSimilar } from "./_plot_similar.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/CASIA`);
 * await Deno.mkdir(`${dir}/Synth`);
 * await Deno.writeTextFile(`${dir}/pairs.csv`,
 *   'query_path,casia_path,similarity_score\n"s/1.png","c/2.jpg",0.5\n');
 * const reporter = memoryReporter();
 * const { png, tiles } = await runPlotSimilar({
 *   csv: `${dir}/pairs.csv`, casiaFile: `${dir}/CASIA`, otherFile: `${dir}/Synth`,
 *   outputDir: dir, reporter,
 * });
 * await Deno.remove(dir, { recursive: true });
 * if (!png.endsWith("comparison_Synth_1_samples.png") || tiles[0]?.casia.bytes) throw new Error();
 * if (!reporter.infos[0]?.endsWith("CASIA image not found; other image not found")) throw new Error();
 * ```
 */
export async function runPlotSimilar(options: RunPlotSimilarOptions): Promise<PlotSimilarResult> {
  const {
    samples = 5,
    outputDir = metricsLayout().dir("figures"),
    reporter = consoleReporter(),
  } = options;
  const pairs = await readClosestPaths(options.csv);
  const queryPaths = pairs.queryPath.slice(0, samples);
  const casiaPaths = pairs.casiaPath.slice(0, samples);
  const casia = await openImageSource(options.casiaFile);
  const other = await openImageSource(options.otherFile);
  const tiles: PairTile[] = [];
  try {
    const resolve = async (source: ImageSource, wanted: string[]) => {
      const found = await Promise.all(wanted.map((w) => source.resolve(w)));
      const bytes = await source.getMany(found.filter((f): f is string => f !== undefined));
      return found.map((f) => (f ? bytes.get(f) : undefined));
    };
    const casiaBytes = await resolve(casia, casiaPaths);
    const otherBytes = await resolve(other, queryPaths);
    queryPaths.forEach((queryPath, i) => {
      const casiaPath = casiaPaths[i]!;
      const score = pairs.similarity[i]!;
      reporter.info(
        `Pair ${i + 1}: ${queryPath} <-> ${casiaPath} (${pythonFloatRepr(score)})` +
          (casiaBytes[i] ? "" : "; CASIA image not found") +
          (otherBytes[i] ? "" : "; other image not found"),
      );
      tiles.push({
        casia: pairImage(casiaPath, casiaBytes[i]),
        other: pairImage(queryPath, otherBytes[i]),
        score,
      });
    });
  } finally {
    await casia.close();
    await other.close();
  }
  const stem = join(
    outputDir,
    comparisonFigureName(datasetNameOf(options.otherFile), tiles.length),
  );
  const files = await writeFigureFiles(stem, pairGridSvg(tiles), { scale: 1.5 });
  return { ...files, tiles };
}
