/**
 * Helpers of the kit's scripts: flags with the original's spellings as aliases, usage text, exit
 * codes, and a progress line with rate and ETA.
 *
 * @example
 * ```ts
 * import { formatDuration, parseFlags } from "./mod.ts";
 * const { values } = parseFlags(["--n_comparisons", "7"], {
 *   "n-comparisons": { type: "string", description: "pairs", aliases: ["n_comparisons"] },
 * });
 * if (values["n-comparisons"] !== "7" || formatDuration(61) !== "1m01s") throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "./_figure_flags.ts";
export * from "./_flags.ts";
export * from "./_progress.ts";
export * from "./_reporter.ts";
export * from "./_search_progress.ts";
