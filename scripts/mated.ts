/**
 * `deno task mated INPUT [--n-comparisons N] [--seed S] [--out DIR]`: the mated versus non-mated
 * density figure of an embeddings file, titled with both counts, to
 * `DIR/Figures/<name>_MatedVsNonmated_<N>.svg` and `.png`.
 *
 * @module
 */
import {
  intFlag,
  parseFlags,
  pngScaleFlag,
  pngScaleFlagSpec,
  runMain,
  usage,
  UsageError,
} from "../lib/cli/mod.ts";
import { metricsLayout } from "../lib/formats/mod.ts";
import { runMated } from "../lib/tasks/mod.ts";

const LAYOUT = metricsLayout();

const FLAGS = {
  "n-comparisons": {
    type: "string",
    description: "pairs of each kind",
    default: "10000",
    aliases: ["n_comparisons"],
  },
  seed: { type: "string", description: "random seed", default: "42" },
  out: { type: "string", description: "output folder", default: LAYOUT.root },
  ...pngScaleFlagSpec(2),
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task mated INPUT [--n-comparisons N] [--seed S] [--out DIR]", FLAGS, {
  writes: [`${metricsLayout("OUT").dir("figures")}/<name>_MatedVsNonmated_<N>.svg, .png and .pdf`],
});

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [input, ...extra] = positionals;
  if (input === undefined || extra.length > 0) {
    throw new UsageError("expected one INPUT embeddings file");
  }
  await runMated({
    input,
    comparisons: intFlag(values, "n-comparisons", { min: 1 }),
    seed: intFlag(values, "seed"),
    out: values.out as string,
    pngScale: pngScaleFlag(values),
  });
}

if (import.meta.main) runMain(main, USAGE);
