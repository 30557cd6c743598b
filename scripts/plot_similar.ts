/**
 * `deno task plot-similar CSV --casia-file A --other-file B [--samples 5] [--match name]`: the grid
 * of the closest pairs listed in a `query_path,casia_path,similarity_score` CSV, images read
 * straight from folders or archives (`.zip`, `.tar`, `.tar.gz`/`.tgz`, `.rec`), as
 * `plot_similar.py` drew it. Paths must match exactly unless `--match name`.
 *
 * @module
 */
import {
  choiceFlag,
  consoleReporter,
  intFlag,
  parseFlags,
  pngScaleFlag,
  pngScaleFlagSpec,
  runMain,
  usage,
  UsageError,
} from "../lib/cli/mod.ts";
import { metricsLayout } from "../lib/formats/mod.ts";
import { runPlotSimilar } from "../lib/tasks/mod.ts";

const LAYOUT = metricsLayout();

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
  columns: {
    type: "string",
    description: "pairs per row of the grid before it wraps",
    default: "5",
  },
  match: {
    type: "string",
    description:
      "exact (a CSV path must name its image) or name (else search by file name, as plot_similar.py; tiles then name the file shown)",
    default: "exact",
  },
  missing: {
    type: "string",
    description: "error (a path that finds no image stops the run) or blank (a Not Found tile)",
    default: "error",
  },
  out: {
    type: "string",
    description: "output folder",
    default: LAYOUT.dir("figures"),
    aliases: ["output_dir", "output-dir"],
  },
  ...pngScaleFlagSpec(1.5),
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task plot-similar CSV --other-file B [--casia-file A] [flags]", FLAGS, {
  writes: [
    "OUT/comparison_<other name>_<n>_samples.png",
    "OUT/comparison_<other name>_<n>_samples.svg",
    "OUT/comparison_<other name>_<n>_samples.pdf",
  ],
});

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) return console.log(USAGE);
  const [csv, ...extra] = positionals;
  if (csv === undefined || extra.length > 0) {
    throw new UsageError("expected one CSV file (query_path,casia_path,similarity_score)");
  }
  if (!values["other-file"]) throw new UsageError("--other-file is required");
  const { png, svg, pdf } = await runPlotSimilar({
    csv,
    casiaFile: values["casia-file"] as string,
    otherFile: values["other-file"] as string,
    samples: intFlag(values, "samples", { min: 1 }),
    match: choiceFlag(values, "match", ["exact", "name"]),
    missing: choiceFlag(values, "missing", ["error", "blank"]),
    outputDir: values.out as string,
    columns: intFlag(values, "columns", { min: 1 }),
    pngScale: pngScaleFlag(values),
    reporter: consoleReporter({ info: (line) => console.error(line) }),
  });
  console.log(`Created comparison grid: ${png}, ${svg} and ${pdf}`);
}

if (import.meta.main) runMain(main, USAGE);
