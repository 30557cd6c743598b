/**
 * The search kernels of the leakage and closest runs, chosen for `--kernel auto|int8|fp32|js`,
 * and a gallery read from disk in blocks when it is an `.npy` file.
 *
 * `auto` takes the int8 prefilter only where it is faster: the CPU must have VNNI
 * (`avx512_vnni` or `avx_vnni` in `/proc/cpuinfo`; without it MLAS's uint8 x int8 kernels gain
 * little over float32 GEMM, as the issue measured on AVX2) and the scan must be large enough
 * (at least {@linkcode INT8_MIN_PAIRS} pairs) that quantising the gallery and the exact rescoring
 * are paid back. Whatever it takes, the result is the exact search (see `lib/similarity`'s int8
 * search); the reporter says which kernel ran and why.
 *
 * @module
 */
import type { Reporter } from "../cli/_reporter.ts";
import { checkEmbeddings } from "../embeddings/_check_embeddings.ts";
import { embeddingSet } from "../embeddings/_embedding_set.ts";
import { type EmbeddingBlocks, openNpyBlocks } from "../embeddings/_npy_blocks.ts";
import { createJsScoreTopK, type ScoreTopKKernel } from "../similarity/_gemm.ts";
import { createInt8TopK, type Int8TopKKernel } from "../similarity/_int8_matmul.ts";
import type { PrefilterStats } from "../similarity/_int8_search.ts";
import { createSearchKernel, type SearchOptions } from "../similarity/_search.ts";

/** What `--kernel` asks for. */
export type KernelRequest = "auto" | "int8" | "fp32" | "js";

/** The values of `--kernel`, `auto` first. */
export const KERNEL_REQUESTS: readonly KernelRequest[] = ["auto", "int8", "fp32", "js"];

/** Scans smaller than this many (query, gallery) pairs take the float32 kernel under `auto`. */
export const INT8_MIN_PAIRS = 2 ** 30;

/** The kernels a search runs with, and why. */
export interface SearchKernels {
  /** The float32 kernel (with `int8`: the kernel of its fallback). */
  kernel: ScoreTopKKernel;
  /** The int8 kernel of the prefilter, when taken. */
  int8?: Int8TopKKernel;
  /** The choice in words, e.g. `int8 (auto: the CPU has avx512_vnni; 4.9e9 pairs)`. */
  description: string;
  /** Releases both kernels. */
  release(): Promise<void>;
}

/** Options of {@linkcode chooseSearchKernels}. */
export interface ChooseSearchKernelsOptions {
  /** Pairs the search will score (queries x gallery rows), for `auto`. @default Infinity */
  pairs?: number;
  /** Told the choice as one line `search kernel: ...`. */
  reporter?: Reporter;
  /**
   * The CPU's feature flags (for tests); read from `/proc/cpuinfo` when absent (none where it
   * cannot be read).
   */
  cpuFlags?: readonly string[];
}

/**
 * The CPU feature flags of `/proc/cpuinfo` (its first `flags` line), or none where it cannot
 * be read (not Linux, no permission).
 *
 * @returns The flags.
 *
 * @example
 * ```ts
 * import { cpuFlags } from "./_search_kernel.ts";
 * const flags = await cpuFlags();
 * if (!Array.isArray(flags)) throw new Error("unexpected");
 * ```
 */
export async function cpuFlags(): Promise<string[]> {
  try {
    const text = await Deno.readTextFile("/proc/cpuinfo");
    const line = /^flags\s*:(.*)$/m.exec(text)?.[1] ?? "";
    return line.trim().split(/\s+/).filter((f) => f !== "");
  } catch {
    return [];
  }
}

/**
 * Creates the kernels for a request: `js` the JavaScript kernel, `fp32` ONNX Runtime's float32
 * GEMM (JavaScript when onnxruntime-node cannot load, with a warning), `int8` the int8
 * prefilter with the float32 kernel behind it, `auto` int8 on a VNNI CPU for a scan of at least
 * {@linkcode INT8_MIN_PAIRS} pairs, else fp32.
 *
 * @param request The `--kernel` value.
 * @param options Pairs to score, reporter, CPU flags.
 * @returns The kernels; release them after the search.
 * @throws {RangeError} On an unknown request, or `int8` when onnxruntime-node cannot load.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { chooseSearchKernels } from "./_search_kernel.ts";
 * const reporter = memoryReporter();
 * const small = await chooseSearchKernels("auto", { pairs: 100, cpuFlags: ["avx512_vnni"], reporter });
 * await small.release();
 * if (small.int8 || !reporter.infos[0]?.includes("too small")) throw new Error(reporter.infos[0]);
 * ```
 */
export async function chooseSearchKernels(
  request: KernelRequest,
  options: ChooseSearchKernelsOptions = {},
): Promise<SearchKernels> {
  const { pairs = Infinity, reporter } = options;
  let useInt8: boolean;
  let why: string;
  switch (request) {
    case "js": {
      const kernel = createJsScoreTopK();
      return done({ kernel, description: "js (requested)" });
    }
    case "fp32":
      useInt8 = false;
      why = "requested";
      break;
    case "int8":
      useInt8 = true;
      why = "requested";
      break;
    case "auto": {
      const flags = options.cpuFlags ?? await cpuFlags();
      const vnni = flags.find((f) => f === "avx512_vnni" || f === "avx_vnni");
      if (vnni === undefined) {
        useInt8 = false;
        why = "auto: no avx512_vnni or avx_vnni in the CPU flags, where int8 gains little";
      } else if (pairs < INT8_MIN_PAIRS) {
        useInt8 = false;
        why = `auto: ${pairs.toPrecision(2)} pairs, too small a scan for int8 to pay off`;
      } else {
        useInt8 = true;
        why = `auto: the CPU has ${vnni}; ${pairs.toPrecision(2)} pairs`;
      }
      break;
    }
    default:
      throw new RangeError(
        `Cannot choose a search kernel as "${request}": expected ${KERNEL_REQUESTS.join(", ")}`,
      );
  }
  const kernel = await createSearchKernel(reporter ? { reporter } : {});
  if (!useInt8) return done({ kernel, description: `fp32 ${kernel.name} (${why})` });
  let int8: Int8TopKKernel;
  try {
    int8 = await createInt8TopK();
  } catch (error) {
    await kernel.release();
    const reason = error instanceof Error ? error.message : String(error);
    if (request === "int8") {
      throw new RangeError(
        `Cannot use the int8 search kernel: onnxruntime-node did not load (${reason}); try --kernel fp32 or js`,
      );
    }
    reporter?.warn(`search: int8 kernel unavailable (${reason}); using ${kernel.name}`);
    return done({ kernel, description: `fp32 ${kernel.name} (int8 unavailable)` });
  }
  return done({ kernel, int8, description: `int8 with ${kernel.name} fallback (${why})` });

  function done(
    chosen: { kernel: ScoreTopKKernel; int8?: Int8TopKKernel; description: string },
  ): SearchKernels {
    reporter?.info(`search kernel: ${chosen.description}`);
    return {
      ...chosen,
      async release() {
        await chosen.kernel.release();
        await chosen.int8?.release();
      },
    };
  }
}

/** What {@linkcode checkedBlocks} found in the rows it read. */
export interface BlocksCheck {
  /** Rows read and checked so far. */
  checked: number;
  /** Rows among them whose norm strays from 1 by more than the tolerance. */
  offNorm: number;
  /** The first such row, or -1. */
  firstOffNorm: number;
  /** Its norm (NaN when none). */
  firstNorm: number;
}

/**
 * Wraps blocks so that every block is checked by `checkEmbeddings` the first time it is read
 * (every value finite; rows off unit length counted), without another pass over the file.
 *
 * @param blocks The gallery.
 * @param name The file, for messages.
 * @param tolerance Largest `|norm - 1|` taken as unit length.
 * @returns The checked blocks and the running counts.
 * @throws {RangeError} From `read`, when a row holds a value that is not finite (naming the
 *   file, row, its labels and column).
 *
 * @example
 * ```ts
 * import { embeddingSet } from "../embeddings/_embedding_set.ts";
 * import { embeddingBlocks } from "../embeddings/_npy_blocks.ts";
 * import { checkedBlocks } from "./_search_kernel.ts";
 * const set = embeddingSet(["a", "b"], ["1", "2"], new Float32Array([1, 0, 3, 4]), 2);
 * const { blocks, check } = checkedBlocks(embeddingBlocks(set), "g.npy");
 * await blocks.read(0, 2);
 * if (check.offNorm !== 1 || check.firstOffNorm !== 1) throw new Error("unexpected");
 * ```
 */
export function checkedBlocks(
  blocks: EmbeddingBlocks,
  name: string,
  tolerance = 1e-3,
): { blocks: EmbeddingBlocks; check: BlocksCheck } {
  const check: BlocksCheck = { checked: 0, offNorm: 0, firstOffNorm: -1, firstNorm: NaN };
  const { dim } = blocks;
  const wrapped: EmbeddingBlocks = {
    identities: blocks.identities,
    imageNames: blocks.imageNames,
    dim,
    rows: blocks.rows,
    async read(start, count) {
      const rows = await blocks.read(start, count);
      // Blocks are read in order, with the same bounds in every pass: check each one once.
      if (start >= check.checked) {
        const block = embeddingSet(
          blocks.identities.slice(start, start + count),
          blocks.imageNames.slice(start, start + count),
          rows,
          dim,
        );
        let found;
        try {
          found = checkEmbeddings(block, { name, tolerance });
        } catch (error) {
          // The message names the row within the block: name it within the file.
          if (!(error instanceof RangeError)) throw error;
          throw new RangeError(
            error.message.replace(/: row (\d+) /, (_, r) => `: row ${start + Number(r)} `),
          );
        }
        if (found.offNorm > 0 && check.offNorm === 0) {
          check.firstOffNorm = start + found.firstOffNorm;
          check.firstNorm = found.firstNorm;
        }
        check.offNorm += found.offNorm;
        check.checked = start + count;
      }
      return rows;
    },
    close: () => blocks.close(),
  };
  return { blocks: wrapped, check };
}

/**
 * Opens the gallery of a run: an `.npy` file in blocks from disk (checked as it is read), any
 * other file not at all (the caller reads it whole).
 *
 * @param path The gallery file.
 * @param reporter Told when the file's values are converted to float32 (float64, float16,
 *   big-endian, Fortran order). @default no report
 * @returns The checked blocks and their counts, or undefined for a file that is not `.npy`.
 */
export async function openGalleryBlocks(
  path: string,
  reporter?: Reporter,
): Promise<{ blocks: EmbeddingBlocks; check: BlocksCheck } | undefined> {
  if (!/\.npy$/i.test(path)) return undefined;
  const blocks = await openNpyBlocks(path, { onConversion: (line) => reporter?.info(line) });
  if (blocks.rows === 0) {
    blocks.close();
    checkEmbeddings(embeddingSet([], [], new Float32Array(0), blocks.dim), { name: path });
  }
  return checkedBlocks(blocks, path);
}

/** Options of {@linkcode prepareSearch}. */
export interface PrepareSearchOptions {
  /** `--kernel`. @default "auto" */
  kernel?: KernelRequest | undefined;
  /** The caller's search options; a `kernel` in them is used as it is (no choice is made). */
  search?: Omit<SearchOptions, "rows"> | undefined;
  /** Pairs the search will score, for `auto`. */
  pairs: number;
  /** Told the choice. */
  reporter: Reporter;
}

/**
 * The search options of a run: the caller's, with the kernels chosen for `kernel` unless the
 * caller passed a kernel.
 *
 * @param options Request, caller's options, pairs, reporter.
 * @returns The options and a `release` for the kernels created here.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { prepareSearch } from "./_search_kernel.ts";
 * const { search, release } = await prepareSearch({ kernel: "js", pairs: 4, reporter: memoryReporter() });
 * await release();
 * if (search.kernel?.name !== "js") throw new Error("unexpected");
 * ```
 */
export async function prepareSearch(
  options: PrepareSearchOptions,
): Promise<{ search: Omit<SearchOptions, "rows">; release: () => Promise<void> }> {
  const { kernel = "auto", search = {}, pairs, reporter } = options;
  if (search.kernel) return { search, release: () => Promise.resolve() };
  const chosen = await chooseSearchKernels(kernel, { pairs, reporter });
  const int8 = chosen.int8 ? { int8: chosen.int8 } : {};
  return { search: { ...search, kernel: chosen.kernel, ...int8 }, release: chosen.release };
}

/**
 * Warns, as `checkEmbeddings` does for a set in memory, about the rows of a streamed gallery
 * that are not of unit length (after the search has read them all).
 *
 * @param check The counts of {@linkcode checkedBlocks}.
 * @param blocks The gallery (for labels and the row count).
 * @param name The file.
 * @param reporter Told the warning.
 * @param consequence What the norms do to the task's ranking, appended to the warning.
 */
export function warnOffNorm(
  check: BlocksCheck,
  blocks: EmbeddingBlocks,
  name: string,
  reporter: Reporter,
  consequence = "",
): void {
  if (check.offNorm === 0) return;
  const r = check.firstOffNorm;
  reporter.warn(
    `${name}: ${check.offNorm} of ${blocks.rows} embeddings are not of unit length (|norm - 1| > 0.001; the first is row ${r} (${
      blocks.identities[r]
    }/${blocks.imageNames[r]}), norm ${Number(check.firstNorm.toPrecision(6))})${consequence}`,
  );
}

/**
 * The int8 prefilter's facts in words, for the run's report.
 *
 * @param stats What the prefilter did.
 * @returns One line.
 *
 * @example
 * ```ts
 * import { prefilterText } from "./_search_kernel.ts";
 * const line = prefilterText({ k: 16, visits: 200, rescored: 900, fallbackVisits: 2, fallbackQueries: 1, float32Visits: 0 });
 * if (!line.includes("2 (1.0%) of query-block visits")) throw new Error(line);
 * ```
 */
export function prefilterText(stats: PrefilterStats): string {
  const share = (part: number) => `${(100 * part / Math.max(1, stats.visits)).toFixed(1)}%`;
  const small = stats.float32Visits > 0
    ? `; ${stats.float32Visits} visits of small top-K passes scored in float32 and rescored`
    : "";
  return `search: int8 prefilter (top-${stats.k} per gallery block) rescored ${stats.rescored} pairs exactly; ` +
    `${stats.fallbackVisits} (${share(stats.fallbackVisits)}) of query-block visits fell back to ` +
    `the float32 scan of their block (${stats.fallbackQueries} queries)${small}`;
}
