/**
 * `deno task check-notebooks [NOTEBOOK...]`: static checks of the notebooks, which `deno check` and
 * `deno lint` cannot read themselves. For each notebook (default `notebooks/*.ipynb`): fail if it
 * carries outputs or execution counts; extract its code cells to a sibling `.<name>.nb.ts`, run
 * `deno check` and `deno lint` on it, then delete it.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { parseFlags, runMain, usage } from "../lib/cli/_flags.ts";
import { cellsWithOutputs, notebookToModule, parseNotebook } from "../lib/notebook/mod.ts";

const FLAGS = {
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task check-notebooks [NOTEBOOK...]", FLAGS);

/** Lists `notebooks/*.ipynb` (skipping hidden files), sorted. */
export async function listNotebooks(dir = "notebooks"): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".ipynb") && !e.name.startsWith(".")) {
      out.push(join(dir, e.name));
    }
  }
  return out.sort();
}

async function deno(args: string[]): Promise<{ ok: boolean; text: string }> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { ok: success, text: decoder.decode(stdout) + decoder.decode(stderr) };
}

/**
 * Checks notebooks; returns the problems found (empty when all pass). All notebooks' cells are
 * checked and linted in one `deno check` and one `deno lint` call (the type-check of `lib/` is
 * shared); the messages name each `.<name>.nb.ts` and its line.
 *
 * @param paths Notebook files.
 * @returns One message per problem.
 */
export async function checkNotebooks(paths: string[]): Promise<string[]> {
  const problems: string[] = [];
  const modules: string[] = [];
  try {
    for (const path of paths) {
      const nb = parseNotebook(await Deno.readTextFile(path), path);
      const dirty = cellsWithOutputs(nb);
      if (dirty.length) {
        problems.push(`${path}: cells ${dirty.join(", ")} carry outputs; strip them`);
      }
      const module = join(dirname(path), `.${basename(path, ".ipynb")}.nb.ts`);
      await Deno.writeTextFile(module, notebookToModule(nb));
      modules.push(module);
    }
    if (modules.length) {
      for (const command of ["check", "lint"]) {
        const { ok, text } = await deno([command, ...modules]);
        if (!ok) problems.push(`deno ${command} failed on the notebooks' cells:\n${text.trim()}`);
      }
    }
  } finally {
    for (const module of modules) await Deno.remove(module).catch(() => {});
  }
  return problems;
}

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
