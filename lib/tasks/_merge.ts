/**
 * `deno task merge <embed|similarities|leakage|closest> [the task's flags] --shards N`: the files
 * of an unsharded run, byte for byte, from the `N` shards that `--shard K/N` runs wrote (see
 * `_shard.ts`), plus a manifest beside each merged file that lists the shards' files and the
 * digests of their manifests.
 *
 * Before anything is written every shard is checked, and the first one that fails is named:
 *
 * - **missing**: a file of the shard does not exist;
 * - **incomplete**: it has no manifest, its manifest has no end time or says the run did not
 *   finish, its files differ from the sizes and digests its manifest recorded when it ended, or
 *   (embed) its rows and failed images fall short of the images of its cut of the listing;
 * - **mismatched**: it was written as another shard, or its task, flags (all but `shard`,
 *   `overwrite` and `workers`), kit version, model, preprocessing, seeds or input files differ
 *   from shard 0's, or (embed) its listing is not its cut of the dataset as listed now.
 *
 * How each task's files are put back together:
 *
 * - `embed`: JSON lines concatenated in shard order; `.npy` rows concatenated under a header
 *   rewritten with the total row count, and the labels concatenated under one header line.
 * - `similarities`: both score files concatenated.
 * - `leakage`: the best-match scores concatenated, the best-match CSVs concatenated under one
 *   header (query order is shard order), and the density figure drawn from the merged scores.
 * - `closest`: the exact global top-K taken from the shards' top-K lists with the search's tie
 *   rule (equal scores keep the pair the unsharded scan meets first: gallery block, then the
 *   query's position in the search order, then the gallery row), written as the closest JSON.
 *
 * @module
 */
import { pathExists } from "../formats/_list_files.ts";
import { dirname } from "node:path";
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import { openDataset } from "../data/_open.ts";
import type { ImageKey } from "../data/_dataset.ts";
import { forEachLine } from "../embeddings/_lines.ts";
import { LABELS_HEADER, labelsPath, npyHeader, parseNpyHeader } from "../embeddings/_npy.ts";
import { formatPath } from "../embeddings/_writer.ts";
import { commitTemp, tempPathOf } from "../formats/_atomic.ts";
import { parseBestMatches } from "../formats/_best_match_csv.ts";
import { closestJson } from "../formats/_closest_json.ts";
import { readClosestShard } from "../formats/_closest_shard.ts";
import {
  closestShardPathOf,
  datasetNameOf,
  manifestPathOf,
  metricsLayout,
  shardPathOf,
  type ShardSpec,
} from "../formats/_layout.ts";
import type { ManifestDraw, ManifestInput, RunManifest } from "../formats/_manifest.ts";
import { TopKHeap } from "../similarity/_topk.ts";
import type { RunEmbedOptions } from "./_embed.ts";
import {
  type RunClosestOptions,
  type RunLeakageOptions,
  writeBestMatchesFigure,
} from "./_leakage.ts";
import { judgeBestMatchesCsv } from "./_leakage_judged.ts";
import {
  fileInput,
  listingInput,
  lockOutputs,
  manifestOf,
  startManifest,
} from "./_run_contract.ts";
import { shardListing, shardText } from "./_shard.ts";
import type { RunSimilaritiesOptions } from "./_similarities.ts";

/** The tasks whose shards `deno task merge` assembles. */
export const MERGE_TASKS = ["embed", "similarities", "leakage", "closest"] as const;

/** A task whose shards `deno task merge` assembles. */
export type MergeTask = (typeof MERGE_TASKS)[number];

/** What every merge takes: the shard count and the reporter. */
export interface MergeCommon {
  /** The `N` of the shards' `--shard K/N`. */
  shards: number;
  /** Status lines. @default consoleReporter() */
  reporter?: Reporter;
}

/** Merge of `deno task embed --shard K/N` runs: the options the shards were given. */
export interface MergeEmbedOptions extends MergeCommon {
  /** The task. */
  task: "embed";
  /** The shards' options (model, dataset, out, formats, order...), without `shard`. */
  options: RunEmbedOptions;
}

/** Merge of `deno task similarities --shard K/N` runs. */
export interface MergeSimilaritiesOptions extends MergeCommon {
  /** The task. */
  task: "similarities";
  /** The shards' options (input, comparisons, seed, out), without `shard`. */
  options: RunSimilaritiesOptions;
}

/** Merge of `deno task leakage --shard K/N` runs. */
export interface MergeLeakageOptions extends MergeCommon {
  /** The task. */
  task: "leakage";
  /** The shards' options (input, casia, nComparisons, seed, outDir, figure), without `shard`. */
  options: RunLeakageOptions;
}

/** Merge of `deno task closest --shard K/N` runs. */
export interface MergeClosestOptions extends MergeCommon {
  /** The task. */
  task: "closest";
  /** The shards' options (input, casia, nComparisons, top, seed, outDir), without `shard`. */
  options: RunClosestOptions;
}

/** Options of {@linkcode runMerge}: the task, its shards' options and the shard count. */
export type RunMergeOptions =
  | MergeEmbedOptions
  | MergeSimilaritiesOptions
  | MergeLeakageOptions
  | MergeClosestOptions;

/** What {@linkcode runMerge} wrote. */
export interface MergeResult {
  /** The task merged. */
  task: MergeTask;
  /** Shards merged. */
  shards: number;
  /** The files written: the unsharded run's files (and their figure, for leakage). */
  files: string[];
  /** The manifests written beside them. */
  manifests: string[];
}

/** One output of an unsharded run and where each shard put its part. */
interface Part {
  /** The unsharded run's file (its manifest goes beside it). */
  out: string;
  /** Files written with it (the labels beside a `.npy`). */
  companions: string[];
  /** The shard's file (with a manifest beside it), and the files written with it. */
  shard(shard: ShardSpec): { file: string; companions: string[] };
}

/** A shard's part, checked. */
interface ShardPart {
  shard: ShardSpec;
  file: string;
  companions: string[];
  manifest: RunManifest;
}

const IGNORED_FLAGS = new Set(["shard", "overwrite", "workers"]);

const show = (value: unknown) => value === undefined ? "(none)" : JSON.stringify(value);

function rerun(task: string, shard: ShardSpec): string {
  return `deno task ${task} with the same flags and --shard ${shardText(shard)}`;
}

/** The fields of a shard's manifest that must equal shard 0's, by name. */
function comparable(m: RunManifest): Map<string, unknown> {
  const fields = new Map<string, unknown>([
    ["task", m.task],
    ["kit", m.kit],
    ["model.sha256", m.model?.sha256],
    ["model.graphBuilder", m.model?.graphBuilder],
    ["model.dim", m.model?.dim],
    ["model.backend", m.model?.backend],
    ["preprocessing", m.preprocessing],
    ["seeds", m.seeds],
  ]);
  for (const key of Object.keys(m.flags).sort()) {
    if (!IGNORED_FLAGS.has(key)) fields.set(`flags.${key}`, m.flags[key]);
  }
  for (const input of m.inputs) {
    if (input.kind === "file") fields.set(`inputs.${input.role} sha256`, input.sha256);
  }
  return fields;
}

/** Checks every shard of every part; returns them in shard order, per part. */
async function checkShards(task: MergeTask, parts: Part[], count: number): Promise<ShardPart[][]> {
  const checked: ShardPart[][] = parts.map(() => []);
  for (let index = 0; index < count; index++) {
    const shard = { index, count };
    const name = `shard ${shardText(shard)}`;
    for (const [p, part] of parts.entries()) {
      const { file, companions } = part.shard(shard);
      for (const path of [file, ...companions]) {
        if (!await pathExists(path)) {
          throw new Deno.errors.NotFound(
            `Cannot merge ${task}: ${name} is missing: ${path} does not exist; run ${
              rerun(task, shard)
            }`,
          );
        }
      }
      const manifest = await manifestOf(file);
      const mpath = manifestPathOf(file);
      if (manifest === null) {
        throw new Error(
          `Cannot merge ${task}: ${name} is incomplete: ${file} has no manifest (${mpath}); re-run ${
            rerun(task, shard)
          }`,
        );
      }
      if (manifest.ended === null || !manifest.complete) {
        throw new Error(
          `Cannot merge ${task}: ${name} is incomplete: ${mpath} has no end time (the run was ` +
            `interrupted or is still running); re-run ${rerun(task, shard)} to resume it`,
        );
      }
      const recorded = manifest.shard;
      if (recorded?.index !== index || recorded.count !== count) {
        throw new Error(
          `Cannot merge ${task}: ${name} is mismatched: ${mpath} says it was written as ${
            recorded === null ? "a whole (unsharded) run" : `shard ${shardText(recorded)}`
          }; re-run ${rerun(task, shard)} --overwrite`,
        );
      }
      for (const path of [file, ...companions]) {
        const entry = manifest.outputs.find((o) => o.path === path);
        const size = (await Deno.stat(path)).size;
        if (entry !== undefined && entry.size !== size) {
          throw new Error(
            `Cannot merge ${task}: ${name} is incomplete: ${path} is ${size} bytes, its manifest ` +
              `${mpath} says ${entry.size}; re-run ${rerun(task, shard)} --overwrite`,
          );
        }
      }
      const first = checked[p]![0]?.manifest;
      if (first !== undefined) {
        const want = comparable(first);
        for (const [field, value] of comparable(manifest)) {
          if (show(value) !== show(want.get(field))) {
            throw new Error(
              `Cannot merge ${task}: ${name} is mismatched: ${field} is ${show(value)} there, ${
                show(want.get(field))
              } in shard 0/${count} (${mpath}); re-run ${rerun(task, shard)} --overwrite`,
            );
          }
        }
        for (const field of want.keys()) {
          if (!comparable(manifest).has(field)) {
            throw new Error(
              `Cannot merge ${task}: ${name} is mismatched: ${field} is (none) there, ${
                show(want.get(field))
              } in shard 0/${count} (${mpath}); re-run ${rerun(task, shard)} --overwrite`,
            );
          }
        }
      }
      checked[p]!.push({ shard, file, companions, manifest });
    }
  }
  return checked;
}

/** Appends the bytes `[start, end)` of `path` (to its end when `end` is undefined) to `out`. */
async function appendBytes(
  out: Deno.FsFile,
  path: string,
  start = 0,
  end?: number,
): Promise<void> {
  using file = await Deno.open(path, { read: true });
  await file.seek(start, Deno.SeekMode.Start);
  const buffer = new Uint8Array(4 << 20);
  let left = end === undefined ? Infinity : end - start;
  while (left > 0) {
    const n = await file.read(buffer.subarray(0, Math.min(buffer.length, left)));
    if (n === null) break;
    let written = 0;
    while (written < n) written += await out.write(buffer.subarray(written, n));
    left -= n;
  }
  if (left !== Infinity && left > 0) {
    throw new RangeError(`Cannot merge ${path}: it ended ${left} bytes before its header says`);
  }
}

/** Writes `path` through a temporary file: `fill` appends to it, then it is synced and renamed. */
async function writeThroughTemp(
  path: string,
  fill: (out: Deno.FsFile) => Promise<void>,
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = tempPathOf(path);
  try {
    {
      using out = await Deno.open(tmp, { write: true, create: true, truncate: true });
      await fill(out);
    }
    await commitTemp(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => undefined);
    throw error;
  }
}

const encoder = new TextEncoder();

async function writeAllText(out: Deno.FsFile, text: string): Promise<void> {
  const bytes = encoder.encode(text);
  let written = 0;
  while (written < bytes.length) written += await out.write(bytes.subarray(written));
}

async function readNpyInfo(path: string) {
  using file = await Deno.open(path, { read: true });
  const head = new Uint8Array(65536);
  let got = 0;
  while (got < head.length) {
    const n = await file.read(head.subarray(got));
    if (n === null) break;
    got += n;
  }
  const info = parseNpyHeader(head.subarray(0, got), path);
  if (info.descr !== "<f4" || info.fortranOrder) {
    throw new SyntaxError(
      `Cannot merge ${path}: it holds '${info.descr}'${
        info.fortranOrder ? " Fortran-order" : ""
      } values, not the '<f4' C-order rows deno task embed writes; re-run the shard`,
    );
  }
  return info;
}

/** The labels of a `.labels.tsv` file (header checked). */
async function readLabels(path: string): Promise<ImageKey[]> {
  const lines = (await Deno.readTextFile(path)).split("\n");
  if (lines[0] !== LABELS_HEADER) {
    throw new SyntaxError(`${path}:1: expected the header ${JSON.stringify(LABELS_HEADER)}`);
  }
  const keys: ImageKey[] = [];
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const tab = line.indexOf("\t");
    keys.push({ identity: line.slice(0, tab), imageName: line.slice(tab + 1) });
  }
  return keys;
}

/** Rows of an embeddings file: JSON lines that are not blank, or the `.npy` header's rows. */
async function embeddingRows(path: string): Promise<number> {
  if (/\.npy$/i.test(path)) return (await readNpyInfo(path)).rows;
  using file = await Deno.open(path, { read: true });
  let rows = 0;
  await forEachLine(file, (line) => {
    for (const byte of line) {
      if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
        rows++;
        return;
      }
    }
  });
  return rows;
}

/** The embed shards' parts, and the checks against the dataset's listing. */
function embedParts(options: RunEmbedOptions): Part[] {
  const formats = options.formats ?? ["jsonl"];
  const unsharded = options.out ?? metricsLayout().embeddings(datasetNameOf(options.dataset));
  return formats.map((format) => {
    const companionsOf = (path: string) => format === "npy" ? [labelsPath(path)] : [];
    const out = formatPath(unsharded, format);
    return {
      out,
      companions: companionsOf(out),
      shard: (shard) => {
        const file = formatPath(shardPathOf(unsharded, shard), format);
        return { file, companions: companionsOf(file) };
      },
    };
  });
}

async function checkEmbedListing(
  options: RunEmbedOptions,
  parts: ShardPart[][],
  keys: ImageKey[],
): Promise<void> {
  for (const shards of parts) {
    for (const { shard, file, manifest } of shards) {
      const { start, end } = shardListing(keys, shard);
      const cut = keys.slice(start, end);
      const listing = manifest.inputs.find((i) => i.role === "dataset" && i.kind === "listing");
      const digest = (await listingInput("dataset", options.dataset, cut)).sha256;
      if (listing !== undefined && listing.sha256 !== digest) {
        throw new Error(
          `Cannot merge embed: shard ${shardText(shard)} is mismatched: its listing (sha256 ${
            listing.sha256.slice(0, 12)
          }, ${listing.entries} images) is not its cut of ${options.dataset} as listed now ` +
            `(sha256 ${digest.slice(0, 12)}, ${cut.length} images); re-run ${
              rerun("embed", shard)
            } --overwrite`,
        );
      }
      const rows = await embeddingRows(file);
      const failures = manifest.counts.failures ?? 0;
      if (rows + failures < cut.length) {
        throw new Error(
          `Cannot merge embed: shard ${shardText(shard)} is incomplete: ${file} holds ${rows} ` +
            `rows and ${failures} images failed, of the ${cut.length} images of the shard; re-run ${
              rerun("embed", shard)
            } to resume it`,
        );
      }
    }
  }
}

async function mergeEmbedPart(part: Part, shards: ShardPart[]): Promise<void> {
  if (part.companions.length === 0) {
    await writeThroughTemp(part.out, async (out) => {
      for (const { file } of shards) await appendBytes(out, file);
    });
    return;
  }
  const infos = await Promise.all(shards.map(({ file }) => readNpyInfo(file)));
  const dim = infos[0]!.dim;
  let rows = 0;
  for (const [i, info] of infos.entries()) {
    const { file, companions } = shards[i]!;
    if (info.dim !== dim || info.descr !== "<f4" || info.fortranOrder) {
      throw new SyntaxError(
        `Cannot merge ${file}: expected little-endian float32 rows of ${dim} values in C order ` +
          `(the kit's own .npy), found ${info.descr} ${info.fortranOrder ? "Fortran" : "C"} ` +
          `order of ${info.dim}; re-run the shard with --overwrite`,
      );
    }
    const labels = (await readLabels(companions[0]!)).length;
    if (labels !== info.rows) {
      throw new SyntaxError(
        `Cannot merge ${file}: it holds ${info.rows} rows, ${companions[0]} ${labels} labels; ` +
          `re-run the shard to resume it`,
      );
    }
    rows += info.rows;
  }
  await writeThroughTemp(part.out, async (out) => {
    let written = 0;
    const header = npyHeader(rows, dim);
    while (written < header.length) written += await out.write(header.subarray(written));
    for (const [i, info] of infos.entries()) {
      const start = info.dataOffset;
      await appendBytes(out, shards[i]!.file, start, start + info.rows * dim * 4);
    }
  });
  await writeThroughTemp(part.companions[0]!, async (out) => {
    await writeAllText(out, `${LABELS_HEADER}\n`);
    for (const { companions } of shards) {
      const text = await Deno.readTextFile(companions[0]!);
      await writeAllText(out, text.slice(text.indexOf("\n") + 1));
    }
  });
}

/** Concatenates text files; with `header`, each shard's first line must be it and is kept once. */
async function mergeText(part: Part, shards: ShardPart[], header = false): Promise<string> {
  let merged = "";
  let head: string | undefined;
  for (const { file } of shards) {
    const text = await Deno.readTextFile(file);
    if (!header) {
      merged += text;
      continue;
    }
    const cut = text.indexOf("\n") + 1;
    const first = text.slice(0, cut);
    if (head === undefined) merged = head = first;
    else if (first !== head) {
      throw new SyntaxError(
        `Cannot merge ${file}: its header ${JSON.stringify(first.trim())} is not shard 0's ` +
          `${JSON.stringify(head.trim())}; re-run the shard with --overwrite`,
      );
    }
    merged += text.slice(cut);
  }
  await writeThroughTemp(part.out, (out) => writeAllText(out, merged));
  return merged;
}

/** The default gallery block of the search (`SearchOptions.galleryBlock`), which orders ties. */
const SEARCH_GALLERY_BLOCK = 32768;

async function mergeClosest(
  part: Part,
  shards: ShardPart[],
  options: RunClosestOptions,
  nComparisons: number,
  top: number,
  reporter: Reporter,
): Promise<void> {
  const galleryBlock = options.search?.galleryBlock ?? SEARCH_GALLERY_BLOCK;
  const lists = await Promise.all(shards.map(({ file }) => readClosestShard(file)));
  const all: { list: number; row: number }[] = [];
  lists.forEach((list, l) => {
    for (let row = 0; row < list.score.length; row++) all.push({ list: l, row });
  });
  // Offer in the order of the unsharded scan, so that the heap keeps the first of equal scores.
  const key = ({ list, row }: { list: number; row: number }) => {
    const l = lists[list]!;
    return [Math.floor(l.gallery[row]! / galleryBlock), l.position[row]!, l.gallery[row]!];
  };
  all.sort((a, b) => {
    const ka = key(a), kb = key(b);
    return ka[0]! - kb[0]! || ka[1]! - kb[1]! || ka[2]! - kb[2]!;
  });
  const heap = new TopKHeap(top);
  for (const [i, { list, row }] of all.entries()) heap.offer(lists[list]!.score[row]!, i, 0);
  const kept = heap.sorted();
  const pick = (i: number) => all[kept.queries[i]!]!;
  const column = (name: "queryIdentity" | "queryImageName" | "casiaIdentity" | "casiaImageName") =>
    Array.from(kept.queries, (_, i) => lists[pick(i).list]![name][pick(i).row]!);
  if (kept.scores.length < top) {
    reporter.info(
      `Warning: Only found ${kept.scores.length} positive similarities, less than requested ${top}`,
    );
  }
  const text = closestJson({
    similarity: kept.scores,
    queryIdentity: column("queryIdentity"),
    queryImageName: column("queryImageName"),
    casiaIdentity: column("casiaIdentity"),
    casiaImageName: column("casiaImageName"),
  }, { inputFile: options.input, nSamplesCompared: nComparisons, topGlobalMatches: top });
  await writeThroughTemp(part.out, (out) => writeAllText(out, text));
}

/** The draws of the merged run: shard 0's when every shard drew the same, else all, labelled. */
function mergedDraws(shards: ShardPart[]): ManifestDraw[] {
  const first = JSON.stringify(shards[0]!.manifest.draws);
  if (shards.every((s) => JSON.stringify(s.manifest.draws) === first)) {
    return shards[0]!.manifest.draws;
  }
  return shards.flatMap((s) =>
    s.manifest.draws.map((d) => ({ ...d, what: `shard ${shardText(s.shard)}: ${d.what}` }))
  );
}

/** Writes the merged manifest of one part. */
async function writeMergedManifest(
  part: Part,
  shards: ShardPart[],
  inputs: ManifestInput[],
  extraOutputs: string[],
): Promise<string> {
  const m0 = shards[0]!.manifest;
  const shardInputs: ManifestInput[] = [];
  for (const s of shards) {
    for (const path of [s.file, ...s.companions]) {
      shardInputs.push(await fileInput(`shard ${shardText(s.shard)}`, path));
    }
  }
  const counts: { [key: string]: number } = {};
  for (const s of shards) {
    for (const [key, value] of Object.entries(s.manifest.counts)) {
      counts[key] = (counts[key] ?? 0) + value;
    }
  }
  counts.shards = shards.length;
  const run = await startManifest([part.out], {
    task: m0.task,
    flags: { ...Object.fromEntries(Object.entries(m0.flags).filter(([k]) => k !== "shard")) },
    inputs: [...inputs, ...shardInputs],
    model: m0.model,
    preprocessing: m0.preprocessing,
    seeds: m0.seeds,
    shard: null,
  });
  await run.finish({
    counts,
    draws: mergedDraws(shards),
    outputs: [part.out, ...part.companions, ...extraOutputs],
  });
  return manifestPathOf(part.out);
}

/**
 * Merges the shards of a sharded run into the files an unsharded run writes, byte for byte, and
 * writes a manifest beside each (task, flags, model and seeds of the shards, the counts summed,
 * and the shards' files with their manifests' digests as inputs). Every shard is checked first
 * (see the module doc); nothing is written when one is missing, incomplete or mismatched. The
 * shards and the merged files are locked for the merge.
 *
 * @param options The task, its shards' options and the shard count.
 * @returns The files and manifests written.
 * @throws {Deno.errors.NotFound} When a shard's file is missing (the message names the shard,
 *   the file and the command that makes it).
 * @throws {Error} When a shard is incomplete or mismatched (the message names the shard and what
 *   differs).
 * @throws {Deno.errors.Busy} When a shard is still being written (the message names the holder).
 * @throws {RangeError} When `shards` is not a positive integer.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { runMerge } from "./_merge.ts";
 * const out = await Deno.makeTempDir();
 * const error = await runMerge({
 *   task: "similarities", shards: 2, options: { input: "Demo.jsonl", out },
 *   reporter: memoryReporter(),
 * }).catch((e) => e);
 * await Deno.remove(out, { recursive: true });
 * if (!(error instanceof Deno.errors.NotFound) || !error.message.includes("shard 0/2 is missing")) {
 *   throw error;
 * }
 * ```
 */
export async function runMerge(options: RunMergeOptions): Promise<MergeResult> {
  const { shards: count, reporter = consoleReporter() } = options;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`Cannot merge ${options.task} as ${count} shards: expected N >= 1`);
  }
  const { task } = options;
  let parts: Part[];
  let nComparisons = 0, top = 0;
  if (options.task === "embed") {
    parts = embedParts(options.options);
  } else if (options.task === "similarities") {
    const { input, out } = options.options;
    const layout = metricsLayout(out);
    const name = datasetNameOf(input);
    parts = [layout.matedScores(name), layout.nonMatedScores(name)].map((path) => ({
      out: path,
      companions: [],
      shard: (shard) => ({ file: shardPathOf(path, shard), companions: [] }),
    }));
  } else if (options.task === "leakage") {
    const { input, outDir = metricsLayout().root } = options.options;
    nComparisons = options.options.nComparisons ?? 10000;
    const layout = metricsLayout(outDir);
    const name = datasetNameOf(input);
    parts = [layout.bestMatchScores(name, nComparisons), layout.bestMatchCsv(name, nComparisons)]
      .map((path) => ({
        out: path,
        companions: [],
        shard: (shard) => ({ file: shardPathOf(path, shard), companions: [] }),
      }));
  } else {
    const { input, outDir = metricsLayout().root } = options.options;
    top = options.options.top ?? 100;
    nComparisons = options.options.nComparisons ?? await embeddingRows(input);
    const path = metricsLayout(outDir).closestJson(datasetNameOf(input), top, nComparisons);
    parts = [{
      out: path,
      companions: [],
      shard: (shard) => ({ file: closestShardPathOf(path, shard), companions: [] }),
    }];
  }
  const checked = await checkShards(task, parts, count);
  let keys: ImageKey[] | undefined;
  if (options.task === "embed") {
    const reader = await openDataset(options.options.dataset, {
      order: options.options.order ?? "sorted",
      recursive: options.options.recursive ?? false,
      reporter,
    });
    try {
      keys = await reader.list();
    } finally {
      await reader.close();
    }
    await checkEmbedListing(options.options, checked, keys);
  }
  const outputs = parts.flatMap((p) => [p.out, ...p.companions]);
  const shardFiles = checked.flat().flatMap((s) => [s.file, ...s.companions]);
  await using _locks = await lockOutputs([...outputs, ...shardFiles], "merge");
  reporter.info(
    `merge ${task}: ${count} shards complete and matching; writing ${outputs.join(", ")}`,
  );

  const files: string[] = [];
  const manifests: string[] = [];
  for (const [p, part] of parts.entries()) {
    const shards = checked[p]!;
    const m0 = shards[0]!.manifest;
    let inputs = m0.inputs;
    const extra: string[] = [];
    if (options.task === "embed") {
      await mergeEmbedPart(part, shards);
      const listing = await listingInput("dataset", options.options.dataset, keys!);
      inputs = [listing, ...m0.inputs.filter((i) => i.kind !== "listing")];
    } else if (options.task === "closest") {
      await mergeClosest(part, shards, options.options, nComparisons, top, reporter);
    } else if (options.task === "leakage" && p === 1) {
      const text = await mergeText(part, shards, true);
      if (options.options.figure ?? true) {
        const { similarity } = parseBestMatches(text, part.out);
        const stem = metricsLayout(options.options.outDir ?? metricsLayout().root)
          .bestMatchFigure(datasetNameOf(options.options.input), nComparisons);
        const figure = await writeBestMatchesFigure(Float32Array.from(similarity), stem, {
          reporter,
          dataset: datasetNameOf(options.options.input),
          ...(options.options.pngScale === undefined ? {} : { pngScale: options.options.pngScale }),
        });
        extra.push(...figure);
      }
      extra.push(
        ...await judgeBestMatchesCsv(text, part.out, {
          ...options.options,
          nComparisons,
          reporter,
        }),
      );
    } else {
      await mergeText(part, shards);
    }
    files.push(part.out, ...part.companions, ...extra);
    manifests.push(await writeMergedManifest(part, shards, inputs, extra));
  }
  for (const file of files) reporter.info(`merged: ${file}`);
  return { task, shards: count, files, manifests };
}
