/**
 * `deno task diversity [INPUT...] [--threshold T] [--out DIR] [--no-figures]`: for each
 * embeddings file (JSON lines or `.npy`; by default every one in `DIR/Embeddings`), the unique
 * identities as Vec2Face counts them (class centres, an identity counted unless an earlier one's
 * centre scores above the cosine threshold with its own) and as transitively merged groups, and
 * each identity's intra-class spread (its mated scores). Writes
 * `DIR/Diversity/All_Datasets_diversity.csv`, `DIR/Diversity/<name>_identities.csv` and the
 * figures `DIR/Figures/<name>_Diversity` and `DIR/Figures/All_Datasets_Diversity`.
 *
 * @module
 */
import { parseFlags, runMain, usage, UsageError } from "../lib/cli/mod.ts";
import { metricsLayout } from "../lib/formats/mod.ts";
import { runDiversity } from "../lib/tasks/mod.ts";

const LAYOUT = metricsLayout();

const FLAGS = {
  threshold: {
    type: "string",
    description: "cosine similarity of class centres above which two identities count as one",
    default: "0.4",
  },
  out: { type: "string", description: "output folder", default: LAYOUT.root },
  "no-figures": { type: "boolean", description: "skip the figures" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const OUT = metricsLayout("OUT");
const USAGE = usage(
  "deno task diversity [INPUT...] [--threshold T] [--out DIR] [--no-figures]",
  FLAGS,
  {
    writes: [
      OUT.diversityTable(),
      OUT.identitiesCsv("<name>"),
      `${
        OUT.diversityFigure("<name>")
      } and ${OUT.diversityFigure()} .svg, .png (unless --no-figures)`,
    ],
  },
);

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const threshold = Number(values.threshold);
  if (!(threshold >= -1 && threshold <= 1)) {
    throw new UsageError(
      `--threshold must be a cosine similarity in [-1, 1], current value is ${values.threshold}`,
    );
  }
  await runDiversity({
    inputs: positionals,
    out: values.out as string,
    threshold,
    figures: !values["no-figures"],
  });
}

if (import.meta.main) runMain(main, USAGE);
