/**
 * `deno task plot-similar`: the grid of the closest pairs listed in a
 * `query_path,casia_path,similarity_score` CSV, images read straight from folders or archives
 * (`.zip`, `.tar`, `.tar.gz`/`.tgz`, `.rec`), as the original `plot_similar.py` drew it.
 *
 * A tile shows only the image its label names. By default a path of the CSV must name an entry
 * exactly (or under one top-level folder that wraps the dataset, as archives often do); a path not
 * found is an error naming the CSV row, never another image. `plot_similar.py` fell back to a
 * search by file name, which in datasets that reuse names in every identity folder (`0.jpg`,
 * `1.jpg`, ... in DCFace) showed another identity's image under the wanted label; that search is
 * still there on request (`match: "name"`), and then each tile is labelled with the entry it
 * shows and the reporter says which rows were matched by name.
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
  /**
   * How a CSV path finds its image: `"exact"`, the entry of that path (or of that path under one
   * top-level folder); `"name"`, else the original's search by file name (the tile is then
   * labelled with the entry found). @default "exact"
   */
  match?: "exact" | "name";
  /**
   * A path that finds no image: `"error"`, refused naming the CSV row; `"blank"`, drawn as an
   * "Image Not Found" tile under the wanted path (and said by the reporter). @default "error"
   */
  missing?: "error" | "blank";
  /** Receives one line per pair drawn, saying which images were not found. @default consoleReporter() */
  reporter?: Reporter;
  /** Pairs per row of the grid before it wraps. @default 5 */
  columns?: number;
  /** Pixel scale of the PNG over the SVG's size (the grid is also written as SVG and PDF). @default 1.5 */
  pngScale?: number;
}

/** What {@linkcode runPlotSimilar} drew and wrote. */
export interface PlotSimilarResult {
  /** The PNG written. */
  png: string;
  /** The SVG written. */
  svg: string;
  /** The vector PDF written. */
  pdf?: string;
  /** The pairs drawn, with the image bytes found; each image's `path` is the entry it shows. */
  tiles: PairTile[];
  /** Rows (0-based) whose images were found by file name, not by path (`match: "name"` only). */
  matchedByName: number[];
}

/**
 * The entry a wanted path names exactly: the same path, or the same path under one top-level
 * folder (`CASIA-WebFace/0001/1.jpg` for `0001/1.jpg`).
 *
 * @param paths Entry paths of the source.
 * @param wanted The path from the CSV.
 * @returns The entry, `undefined` when none, or every candidate when more than one fits.
 */
function exactEntry(paths: readonly string[], wanted: string): string | string[] | undefined {
  const target = wanted.replaceAll("\\", "/").replace(/^\/+/, "");
  if (paths.includes(target)) return target;
  const depth = target.split("/").length + 1;
  const wrapped = paths.filter((p) => p.endsWith(`/${target}`) && p.split("/").length === depth);
  return wrapped.length <= 1 ? wrapped[0] : wrapped;
}

function pairImage(path: string, bytes: Uint8Array | undefined): PairImage {
  return bytes ? { path, bytes } : { path };
}

/**
 * Draws the first `samples` pairs of a paths CSV as a grid,
 * `<outputDir>/comparison_<other dataset name>_<n>_samples.png` (and the `.svg`).
 *
 * @param options CSV, image sources, sample count, how paths are matched and what a path that
 *   finds nothing gives, output folder, reporter.
 * @returns The figure paths, the tiles drawn and the rows matched by file name.
 * @throws {Deno.errors.NotFound} When a path of the CSV names no image of its source (naming the
 *   CSV row, the column and the source), or fits several wrapped entries.
 * @throws {SyntaxError} When the CSV lacks a needed column or holds a bad score (naming file and
 *   line), or an archive is corrupt.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { runPlotSimilar } from "./_plot_similar.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/CASIA/c`, { recursive: true });
 * await Deno.mkdir(`${dir}/Synth/s`, { recursive: true });
 * await Deno.writeFile(`${dir}/CASIA/c/2.jpg`, new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
 * await Deno.writeFile(`${dir}/Synth/s/1.png`, new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
 * await Deno.writeTextFile(`${dir}/pairs.csv`,
 *   'query_path,casia_path,similarity_score\n"s/1.png","c/2.jpg",0.5\n"s/9.png","c/2.jpg",0.4\n');
 * const reporter = memoryReporter();
 * const args = { csv: `${dir}/pairs.csv`, casiaFile: `${dir}/CASIA`, otherFile: `${dir}/Synth` };
 * const { png, tiles } = await runPlotSimilar({ ...args, samples: 1, outputDir: dir, reporter });
 * assert.ok(png.endsWith("comparison_Synth_1_samples.png") && tiles[0]?.casia.bytes);
 * await assert.rejects(runPlotSimilar({ ...args, outputDir: dir, reporter }), {
 *   message: `${dir}/pairs.csv row 2 (line 3): query_path s/9.png is not in ${dir}/Synth ` +
 *     "(looked for that exact path; --match name searches by file name, as plot_similar.py did)",
 * });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runPlotSimilar(options: RunPlotSimilarOptions): Promise<PlotSimilarResult> {
  const {
    samples = 5,
    outputDir = metricsLayout().dir("figures"),
    match = "exact",
    missing = "error",
    reporter = consoleReporter(),
  } = options;
  if (match !== "exact" && match !== "name") {
    throw new RangeError(
      `Cannot match images: match must be "exact" or "name", current value is ${match}`,
    );
  }
  if (missing !== "error" && missing !== "blank") {
    throw new RangeError(
      `Cannot draw missing images: missing must be "error" or "blank", current value is ${missing}`,
    );
  }
  const pairs = await readClosestPaths(options.csv);
  const queryPaths = pairs.queryPath.slice(0, samples);
  const casiaPaths = pairs.casiaPath.slice(0, samples);
  const casia = await openImageSource(options.casiaFile);
  const other = await openImageSource(options.otherFile);
  const tiles: PairTile[] = [];
  const byName = new Set<number>();
  try {
    const find = async (source: ImageSource, wanted: string[], column: string) => {
      const paths = await source.paths();
      const found: (string | undefined)[] = [];
      for (let i = 0; i < wanted.length; i++) {
        const want = wanted[i]!;
        const row = `${options.csv} row ${i + 1} (line ${i + 2})`;
        const exact = exactEntry(paths, want);
        if (Array.isArray(exact)) {
          throw new Deno.errors.NotFound(
            `${row}: ${column} ${want} fits ${exact.length} entries of ${source.source} (${
              exact.join(", ")
            }); give the path with its top-level folder`,
          );
        }
        let entry = exact;
        if (entry === undefined && match === "name") {
          entry = await source.resolve(want);
          if (entry !== undefined) byName.add(i);
        }
        if (entry === undefined && missing === "error") {
          throw new Deno.errors.NotFound(
            match === "exact"
              ? `${row}: ${column} ${want} is not in ${source.source} (looked for that exact path; --match name searches by file name, as plot_similar.py did)`
              : `${row}: ${column} ${want} is not in ${source.source}, by path or by file name`,
          );
        }
        found.push(entry);
      }
      const bytes = await source.getMany(found.filter((f): f is string => f !== undefined));
      return found.map((f, i) => ({
        path: f ?? wanted[i]!,
        bytes: f === undefined ? undefined : bytes.get(f),
        found: f !== undefined,
      }));
    };
    const casiaImages = await find(casia, casiaPaths, "casia_path");
    const otherImages = await find(other, queryPaths, "query_path");
    queryPaths.forEach((queryPath, i) => {
      const casiaPath = casiaPaths[i]!;
      const score = pairs.similarity[i]!;
      const c = casiaImages[i]!, o = otherImages[i]!;
      const shown = (want: string, image: { path: string }) =>
        byName.has(i) && !image.path.endsWith(want)
          ? ` (shows ${image.path}, matched by name)`
          : "";
      reporter.info(
        `Pair ${i + 1}: ${queryPath}${shown(queryPath, o)} <-> ${casiaPath}${
          shown(casiaPath, c)
        } (${pythonFloatRepr(score)})` + (c.found ? "" : "; CASIA image not found") +
          (o.found ? "" : "; other image not found"),
      );
      tiles.push({
        casia: pairImage(c.path, c.bytes),
        other: pairImage(o.path, o.bytes),
        score,
      });
    });
  } finally {
    await casia.close();
    await other.close();
  }
  if (byName.size > 0) {
    reporter.warn(
      `${byName.size} of ${tiles.length} pairs were matched by file name, not by path; each tile is labelled with the file it shows`,
    );
  }
  const dataset = datasetNameOf(options.otherFile);
  const stem = join(outputDir, comparisonFigureName(dataset, tiles.length));
  const grid = pairGridSvg(tiles, { dataset, columns: options.columns ?? 5 });
  const files = await writeFigureFiles(stem, grid, { scale: options.pngScale ?? 1.5 });
  return { ...files, tiles, matchedByName: [...byName].sort((a, b) => a - b) };
}
