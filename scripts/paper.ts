/**
 * `deno task paper --data PATH [--out DIR] [--thresholds LIST] [--compare DIR]`: every figure and
 * table of the notebooks that the paper's published `Data/` folder allows, headless, into
 * `Metrics/paper/` as SVG, PNG and CSV (best-match densities and summary, threshold shares, the
 * closest pairs, the verification table with 95% intervals; the list is in `runPaper`).
 *
 * @module
 */
import {
  consoleReporter,
  parseFlags,
  pngScaleFlag,
  pngScaleFlagSpec,
  runMain,
  usage,
  UsageError,
} from "../lib/cli/mod.ts";
import { CI_LAYOUT, parseDatasetOrder } from "../lib/formats/mod.ts";
import { LEAKAGE_THRESHOLD_FLAGS, leakageThresholdFlags, runPaper } from "../lib/tasks/mod.ts";

const FLAGS = {
  data: { type: "string", description: "the published Data/ folder (or set BRF_DATA)" },
  out: { type: "string", description: "output folder", default: "Metrics/paper" },
  thresholds: {
    type: "string",
    description: "comma-separated thresholds for the best-match shares",
    default: "0.3,0.4,0.5",
  },
  compare: { type: "string", description: "a folder of the kit's own CI tables to draw beside" },
  ...pngScaleFlagSpec(2),
  "table-order": {
    type: "string",
    description:
      "row order of paper_table.md|tex: name, a metric (EER, FDR:desc, ...) or the datasets, comma separated",
    default: "EER",
  },
  ...LEAKAGE_THRESHOLD_FLAGS,
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task paper --data PATH [--out DIR] [--thresholds LIST]", FLAGS, {
  writes: [
    "OUT/*.svg, *.png, *.pdf and *.csv: every figure and table the published data allows (listed as written)",
  ],
});

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
  await runPaper({
    data,
    out: String(values.out),
    thresholds,
    compare: values.compare as string | undefined,
    judge: leakageThresholdFlags(values),
    tableOrder: parseDatasetOrder(String(values["table-order"]), CI_LAYOUT.map((c) => c.name)),
    pngScale: pngScaleFlag(values),
    reporter: consoleReporter({ info: (line) => console.error(line) }),
  });
}

if (import.meta.main) runMain(main, USAGE);
