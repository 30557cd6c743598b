/**
 * `deno task demo [--out DIR] [--backend B]`: the whole kit on built-in data, in under a minute
 * (see `runDemo`): a seeded random IResNet, a drawn demo dataset and a CASIA stand-in with planted
 * near-copies, embedded and analysed. Everything goes under `Metrics/demo/`.
 *
 * @module
 */
import {
  choiceFlag,
  consoleReporter,
  parseFlags,
  runMain,
  usage,
  UsageError,
} from "../lib/cli/mod.ts";
import { BACKEND_REQUESTS } from "../lib/model/mod.ts";
import { runDemo } from "../lib/tasks/mod.ts";

const FLAGS = {
  out: { type: "string", description: "output folder", default: "Metrics/demo" },
  backend: { type: "string", description: "auto | cuda | webgpu | cpu | wasm", default: "auto" },
  "no-figures": {
    type: "boolean",
    description: "skip the figures (mated density, metrics, best matches, comparison grid)",
    aliases: ["no_figures"],
  },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task demo [--out DIR]", FLAGS, {
  writes: [
    "OUT/: the demo dataset, model, embeddings, score files, tables and figures (every file is listed at the end of the run)",
  ],
});

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  await runDemo({
    out: String(values.out),
    backend: choiceFlag(values, "backend", BACKEND_REQUESTS),
    reporter: consoleReporter({ info: (line) => console.error(line) }),
    figures: !values["no-figures"],
  });
}

if (import.meta.main) runMain(main, USAGE);
