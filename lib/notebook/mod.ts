/**
 * Notebook helpers that work inside and outside the Deno Jupyter kernel: values displayable through
 * `Symbol.for("Jupyter.display")` (figures, tables, image strips), `show()` for several outputs in
 * one cell, and the repository root for resolving `Metrics/` and data paths.
 *
 * @example
 * ```ts
 * import { displayTable, mimeBundle } from "./mod.ts";
 * const bundle = mimeBundle(displayTable({ dataset: ["A"], eer: [0.25] }));
 * if (!bundle["text/html"].startsWith("<table>")) throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "./display.ts";
export * from "./images.ts";
export * from "./kernelspec.ts";
export * from "./notebook_cells.ts";
export * from "./repo_root.ts";
export * from "./results_dir.ts";
export * from "./score_sets.ts";
export * from "./table.ts";
