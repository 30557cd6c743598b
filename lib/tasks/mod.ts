/**
 * The kit's tasks: one `runX(options)` per `deno task`, each doing all the file I/O of its task and
 * returning a typed result, with status lines, warnings and progress through one `reporter`
 * option (default: the console). Scripts parse flags, call a task and print; the demo composes
 * the tasks in memory, and notebooks call the same functions.
 *
 * | task | function |
 * | --- | --- |
 * | `embed` | {@linkcode runEmbed} |
 * | `similarities`, `mated` | {@linkcode runSimilarities}, {@linkcode runMated} |
 * | `metrics` | {@linkcode runMetrics} |
 * | `diversity` | {@linkcode runDiversity} |
 * | `leakage`, `closest` | {@linkcode runLeakage}, {@linkcode runClosest} |
 * | `merge` (of `--shard K/N` runs) | {@linkcode runMerge} |
 * | `paths` | {@linkcode runPaths} |
 * | `plot-similar` | {@linkcode runPlotSimilar} |
 * | `paper` | {@linkcode runPaper} |
 * | `report` | {@linkcode runReport} |
 * | `demo` | {@linkcode runDemo} |
 * | `slurm` | {@linkcode runSlurm} |
 * | `explore` | {@linkcode runExplore} |
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/mod.ts";
 * import { runPaths } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const { files } = await runPaths({ inputs: [dir], outDir: dir, reporter: memoryReporter() });
 * await Deno.remove(dir, { recursive: true });
 * if (files.length !== 0) throw new Error("an empty folder holds no closest-pairs file");
 * ```
 *
 * @module
 */
export * from "./_demo.ts";
export * from "./_diversity.ts";
export * from "./_explore.ts";
export {
  type DecodedImage,
  type DecodeOutcome,
  DecodePool,
  type DecodePoolOptions,
  decodeRecords,
  type DecodeRecordsOptions,
  defaultDecodeWorkers,
  liveDecodeWorkers,
} from "./_decode_pool.ts";
export * from "./_embed.ts";
export * from "./_embed_output.ts";
export * from "./_leakage.ts";
export * from "./_leakage_judged.ts";
export * from "./_merge.ts";
export * from "./_metrics.ts";
export * from "./_paper.ts";
export * from "./_paths.ts";
export * from "./_plot_similar.ts";
export * from "./_report.ts";
export * from "./_score_sets.ts";
export * from "./_run_contract.ts";
export * from "./_scores_io.ts";
export * from "./_shard.ts";
export * from "./_search_kernel.ts";
export * from "./_similarities.ts";
export * from "./_slurm.ts";
export * from "./_verification_report.ts";
