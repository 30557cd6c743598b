/**
 * `deno task paths [FILES or folders]`: the `query_path,casia_path,similarity_score` CSV of
 * closest-pairs JSON files (what `get_paths.sh` made with jq), one `<name>_matches.csv` per file.
 *
 * @module
 */
import { parseFlags, runMain, usage } from "../lib/cli/mod.ts";
import { metricsLayout } from "../lib/formats/mod.ts";
import { runPaths } from "../lib/tasks/mod.ts";

const LAYOUT = metricsLayout();

const FLAGS = {
  out: { type: "string", description: "output folder", default: LAYOUT.dir("paths") },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task paths [FILES or folders of *.json] [flags]", FLAGS, {
  writes: ["OUT/<closest JSON name>_matches.csv, one per closest-pairs JSON"],
});

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) return console.log(USAGE);
  // Prints `Saved: <path>` per CSV through the default reporter.
  await runPaths({
    inputs: positionals.length > 0 ? positionals : undefined,
    outDir: values.out as string,
  });
}

if (import.meta.main) runMain(main, USAGE);
