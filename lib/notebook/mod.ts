/**
 * Notebook helpers that work inside and outside the Deno Jupyter kernel: values displayable through
 * `Symbol.for("Jupyter.display")` (figures, tables, image strips), `show()` for several outputs in
 * one cell, the repository root and results folder for resolving `Metrics/` and data paths; and the
 * notebooks' own tooling: static checks of their cells and headless execution on the kernel.
 *
 * @example
 * ```ts
 * import { displayTable, mimeBundle } from "./mod.ts";
 * const bundle = mimeBundle(displayTable({ dataset: ["A"], eer: [0.25] }));
 * if (!bundle["text/html"]?.startsWith("<table>")) throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "./_check_notebooks.ts";
export * from "./_display.ts";
export * from "./_images.ts";
export * from "./_interactive.ts";
export * from "./_kernelspec.ts";
export * from "./_notebook_cells.ts";
export * from "./_repo_root.ts";
export * from "./_results_dir.ts";
export * from "./_run_notebooks.ts";
export * from "./_table.ts";
