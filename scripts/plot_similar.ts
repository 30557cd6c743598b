/**
 * `deno task plot-similar CSV --casia-file A --other-file B [--samples 5]`: the grid of the
 * closest pairs listed in a `query_path,casia_path,similarity_score` CSV, images read straight
 * from folders or archives (`.zip`, `.tar`, `.tar.gz`/`.tgz`, `.rec`), as `plot_similar.py` drew it.
 *
 * @module
 */
import { intFlag, parseFlags, runMain, usage, UsageError } from "../lib/cli/_flags.ts";
import { openImageSource } from "../lib/data/_archive.ts";
import { columnIndex, parseCsv } from "../lib/formats/_csv.ts";
import { pairGridSvg, type PairTile } from "../lib/plots/_pair_grid.ts";
import { writeFigureFiles } from "../lib/plots/_render.ts";

const FLAGS = {
  "casia-file": {
    type: "string",
    description: "CASIA images: folder, .zip, .tar, .tar.gz, .tgz or .rec",
    default: "CASIA.zip",
    aliases: ["casia_file"],
  },
  "other-file": {
    type: "string",
    description: "synthetic images: folder or archive (required)",
    aliases: ["other_file"],
  },
  samples: { type: "string", description: "pairs to show", default: "5" },
  "output-dir": {
    type: "string",
    description: "output folder",
    default: "Metrics/Figures",
    aliases: ["output_dir"],
  },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task plot-similar CSV --other-file B [--casia-file A] [flags]", FLAGS);

/** Options of {@linkcode runPlotSimilar}. */
export interface RunPlotSimilarOptions {
  /** The paths CSV (`deno task paths`). */
  csv: string;
  /** CASIA images. */
  casiaFile: string;
  /** Synthetic images. */
  otherFile: string;
  /** Pairs to show (the first rows). @default 5 */
  samples?: number;
  /** Output folder. @default "Metrics/Figures" */
  outputDir?: string;
  /** Messages. @default no output */
  log?: (message: string) => void;
}

/**
 * Draws the first `samples` pairs of a paths CSV as a PNG grid,
 * `<outputDir>/comparison_<other base name>_<n>_samples.png` (and the `.svg`).
 *
 * @param options CSV, image sources, sample count, output folder.
 * @returns The PNG path and the tiles drawn.
 * @throws {SyntaxError} When the CSV lacks a needed column or an archive is corrupt.
 */
export async function runPlotSimilar(
  options: RunPlotSimilarOptions,
): Promise<{ png: string; svg: string; tiles: PairTile[] }> {
  const { samples = 5, outputDir = "Metrics/Figures", log = () => {} } = options;
  const table = parseCsv(await Deno.readTextFile(options.csv));
  const [qi, ci, si] = ["query_path", "casia_path", "similarity_score"].map((c) =>
    columnIndex(table, c)
  );
  const rows = table.rows.slice(0, samples);
  const casia = await openImageSource(options.casiaFile);
  const other = await openImageSource(options.otherFile);
  const tiles: PairTile[] = [];
  try {
    const resolve = async (source: typeof casia, wanted: string[]) => {
      const found = await Promise.all(wanted.map((w) => source.resolve(w)));
      const bytes = await source.getMany(found.filter((f): f is string => f !== undefined));
      return found.map((f) => (f ? bytes.get(f) : undefined));
    };
    const casiaBytes = await resolve(casia, rows.map((r) => r[ci]));
    const otherBytes = await resolve(other, rows.map((r) => r[qi]));
    rows.forEach((r, i) => {
      log(
        `Pair ${i + 1}: ${r[qi]} <-> ${r[ci]} (${r[si]})` +
          (casiaBytes[i] ? "" : "; CASIA image not found") +
          (otherBytes[i] ? "" : "; other image not found"),
      );
      tiles.push({
        casia: { path: r[ci], bytes: casiaBytes[i] },
        other: { path: r[qi], bytes: otherBytes[i] },
        score: Number(r[si]),
      });
    });
  } finally {
    await casia.close();
    await other.close();
  }
  const base = (options.otherFile.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? "other")
    .replace(/\.(zip|tgz|rec|idx)$/i, "").replace(/\.tar(\.gz)?$/i, "");
  const stem = `${outputDir}/comparison_${base}_${tiles.length}_samples`;
  const files = await writeFigureFiles(stem, pairGridSvg(tiles), { scale: 1.5 });
  return { ...files, tiles };
}

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) return console.log(USAGE);
  if (positionals.length !== 1) {
    throw new UsageError("expected one CSV file (query_path,casia_path,similarity_score)");
  }
  if (!values["other-file"]) throw new UsageError("--other-file is required");
  const { png } = await runPlotSimilar({
    csv: positionals[0],
    casiaFile: values["casia-file"] as string,
    otherFile: values["other-file"] as string,
    samples: intFlag(values, "samples", { min: 1 }),
    outputDir: values["output-dir"] as string,
    log: (m) => console.error(m),
  });
  console.log(`Created comparison grid: ${png}`);
}

if (import.meta.main) runMain(main, USAGE);
