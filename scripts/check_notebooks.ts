/**
 * `deno task check-notebooks [NOTEBOOK...]`: static checks of the notebooks, which `deno check` and
 * `deno lint` cannot read themselves. For each notebook (default `notebooks/*.ipynb`): fail if it
 * carries outputs or execution counts; extract its code cells to a sibling `.<name>.nb.ts`, run
 * `deno check` and `deno lint` on it, then delete it.
 *
 * @module
 */
import { parseFlags, runMain, usage } from "../lib/cli/mod.ts";
import { checkNotebooks, listNotebooks } from "../lib/notebook/mod.ts";

const FLAGS = {
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task check-notebooks [NOTEBOOK...]", FLAGS, {
  writes: ["nothing (it reads the notebooks and reports)"],
});

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const paths = positionals.length ? positionals : await listNotebooks();
  const problems = await checkNotebooks(paths);
  for (const p of problems) console.error(p);
  const verdict = problems.length ? "FAILED" : "cells type-check and lint, no outputs committed";
  console.log(`${paths.length} notebooks: ${verdict}`);
  if (problems.length) Deno.exit(1);
}

if (import.meta.main) runMain(main, USAGE);
