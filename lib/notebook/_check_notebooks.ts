/**
 * Static checks of notebooks, which `deno check` and `deno lint` cannot read themselves: a notebook
 * must carry no outputs or execution counts, and its code cells, extracted to a sibling
 * `.<name>.nb.ts` module, must type-check and lint. Used by `deno task check-notebooks` and the
 * notebook tests.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { cellsWithOutputs, notebookToModule, parseNotebook } from "./_notebook_cells.ts";

/**
 * Lists the notebooks of a folder (`*.ipynb`, skipping hidden files), sorted.
 *
 * @param dir The folder. @default "notebooks"
 * @returns Their paths, `dir` joined with each name.
 *
 * @example
 * ```ts
 * import { listNotebooks } from "./_check_notebooks.ts";
 * const dir = await Deno.makeTempDir();
 * for (const name of ["b.ipynb", "a.ipynb", ".a.ipynb", "c.txt"]) await Deno.writeTextFile(`${dir}/${name}`, "{}");
 * const found = (await listNotebooks(dir)).map((p) => p.slice(dir.length + 1));
 * await Deno.remove(dir, { recursive: true });
 * if (found.join() !== "a.ipynb,b.ipynb") throw new Error(found.join());
 * ```
 */
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
 * shared); the messages name each `.<name>.nb.ts` and its line. The extracted modules are removed
 * afterwards.
 *
 * @param paths Notebook files.
 * @returns One message per problem.
 * @throws {SyntaxError} When a file is not a notebook.
 */
export async function checkNotebooks(paths: readonly string[]): Promise<string[]> {
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
