/**
 * Reading notebooks for static checks: their code cells as one TypeScript module (the kernel does
 * not type-check, so `deno check` and `deno lint` run on this), and whether they carry outputs.
 *
 * @module
 */

/** The parts of an nbformat 4 notebook the checks read. */
export interface NotebookJson {
  /** The cells in notebook order: type (`code`, `markdown`, ...), source, and outputs of code cells. */
  cells: {
    cell_type: string;
    source: string | string[];
    outputs?: unknown[];
    execution_count?: number | null;
  }[];
}

/**
 * Parses notebook JSON, checking the shape the checks rely on.
 *
 * @param text The `.ipynb` text.
 * @param source File name for errors.
 * @returns The notebook.
 * @throws {SyntaxError} When the text is not a notebook with a `cells` array.
 *
 * @example
 * ```ts
 * import { parseNotebook } from "./_notebook_cells.ts";
 * const nb = parseNotebook('{"cells":[{"cell_type":"code","source":["1"]}]}', "a.ipynb");
 * if (nb.cells.length !== 1) throw new Error("unexpected");
 * ```
 */
export function parseNotebook(text: string, source: string): NotebookJson {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`Cannot parse ${source} as a notebook: ${(error as Error).message}`);
  }
  const cells = (nb as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) {
    throw new SyntaxError(`Cannot read ${source} as a notebook: no cells array`);
  }
  return nb as NotebookJson;
}

const sourceOf = (cell: NotebookJson["cells"][number]): string =>
  Array.isArray(cell.source) ? cell.source.join("") : cell.source;

/**
 * The code cells of a notebook as one module, in order, each under a `// cell N` comment, with the
 * DOM types (linkedom's documents are typed with them) and a final `export {}` so top-level await
 * and top-level names behave as in the kernel.
 *
 * @param nb The notebook.
 * @returns TypeScript source.
 *
 * @example
 * ```ts
 * import { notebookToModule } from "./_notebook_cells.ts";
 * const ts = notebookToModule({ cells: [
 *   { cell_type: "markdown", source: "# x" },
 *   { cell_type: "code", source: ["const a = 1;\n", "a;"] },
 * ] });
 * if (!ts.includes("// cell 2\nconst a = 1;\na;") || !ts.endsWith("export {};\n")) throw new Error();
 * ```
 */
export function notebookToModule(nb: NotebookJson): string {
  const parts = ['/// <reference lib="dom" />'];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type === "code") parts.push(`// cell ${i + 1}\n${sourceOf(cell)}`);
  });
  parts.push("export {};\n");
  return parts.join("\n");
}

/**
 * Cells that carry outputs or execution counts (a committed notebook should carry neither).
 *
 * @param nb The notebook.
 * @returns 1-based numbers of the offending cells.
 *
 * @example
 * ```ts
 * import { cellsWithOutputs } from "./_notebook_cells.ts";
 * const nb = { cells: [{ cell_type: "code", source: "1", outputs: [{}], execution_count: 1 }] };
 * if (cellsWithOutputs(nb)[0] !== 1) throw new Error("unexpected");
 * ```
 */
export function cellsWithOutputs(nb: NotebookJson): number[] {
  const out: number[] = [];
  nb.cells.forEach((cell, i) => {
    if ((cell.outputs?.length ?? 0) > 0 || (cell.execution_count ?? null) !== null) out.push(i + 1);
  });
  return out;
}
