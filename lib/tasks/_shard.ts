/**
 * Shards of a long task (`--shard K/N`): which part of the work shard `K` of `N` does, decided
 * from the same inputs an unsharded run reads, so that `deno task merge` can put the parts back
 * together into the files of an unsharded run, byte for byte.
 *
 * - `embed`: by identity, contiguous in the listing order (sorted by default), each shard's cut
 *   balanced by image count ({@linkcode shardListing}); the shard reads only its identities.
 * - `similarities`: by pair index ranges of the pairs an unsharded run draws
 *   ({@linkcode shardRange}).
 * - `leakage`, `closest`: by query rows, ranges of the sampled rows in search order
 *   ({@linkcode shardRange}).
 *
 * `--shard auto/N` takes `K` from the environment: `SLURM_ARRAY_TASK_ID` (a Slurm job array
 * submitted with `--array=0-<N-1>`, as `deno task slurm` does: Slurm hands out the ids the
 * `--array` range names, so an array starting at 1 would be refused here for its last element),
 * else `JOB_COMPLETION_INDEX` (a Kubernetes Indexed Job, whose indices are always `0..N-1`).
 *
 * @module
 */
import { type FlagSpec, type ParsedFlags, UsageError } from "../cli/_flags.ts";
import type { DatasetReader, ImageKey, ReadOptions } from "../data/_dataset.ts";
import type { ShardSpec } from "../formats/_layout.ts";

export type { ShardSpec } from "../formats/_layout.ts";

/** Environment variables that name the shard of `--shard auto/N`, in the order they are read. */
export const SHARD_INDEX_VARIABLES: readonly string[] = [
  "SLURM_ARRAY_TASK_ID",
  "JOB_COMPLETION_INDEX",
];

/** Options of {@linkcode parseShard}. */
export interface ParseShardOptions {
  /** Where `auto/N` reads the index. @default Deno.env.get */
  env?: (name: string) => string | undefined;
}

const SHARD_SYNTAX = "K/N with 0 <= K < N (K counts from 0), or auto/N";

/**
 * Parses a shard spec: `K/N` (0-based `K`, `0 <= K < N`) or `auto/N`, whose `K` is the first of
 * {@linkcode SHARD_INDEX_VARIABLES} that is set.
 *
 * @param text The flag's value, e.g. `2/4` or `auto/4`.
 * @param options The environment lookup.
 * @returns The shard.
 * @throws {RangeError} When the text is not such a spec, or `auto/N` finds no index variable or
 *   an index outside `0..N-1` (the message names the variable and its value).
 *
 * @example
 * ```ts
 * import { parseShard } from "./_shard.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
 * const env = (name: string) => name === "JOB_COMPLETION_INDEX" ? "3" : undefined;
 * assert.deepEqual(parseShard("auto/4", { env }), { index: 3, count: 4 });
 * assert.throws(() => parseShard("4/4"), RangeError);
 * ```
 */
export function parseShard(text: string, options: ParseShardOptions = {}): ShardSpec {
  const { env = (name: string) => Deno.env.get(name) } = options;
  const m = /^(auto|\d+)\/(\d+)$/.exec(text.trim());
  if (!m) {
    throw new RangeError(`Cannot read the shard --shard ${text}: expected ${SHARD_SYNTAX}`);
  }
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`Cannot read the shard --shard ${text}: N must be at least 1`);
  }
  if (m[1] !== "auto") {
    const index = Number(m[1]);
    if (index >= count) {
      throw new RangeError(`Cannot read the shard --shard ${text}: expected ${SHARD_SYNTAX}`);
    }
    return { index, count };
  }
  for (const name of SHARD_INDEX_VARIABLES) {
    const value = env(name);
    if (value === undefined || value === "") continue;
    const index = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
    if (!(index < count)) {
      throw new RangeError(
        `Cannot read the shard --shard ${text}: ${name} is ${value}, expected 0..${
          count - 1
        } (submit a Slurm array as --array=0-${count - 1})`,
      );
    }
    return { index, count };
  }
  throw new RangeError(
    `Cannot read the shard --shard ${text}: neither ${
      SHARD_INDEX_VARIABLES.join(" nor ")
    } is set; give the index as --shard K/${count}`,
  );
}

/** The `--shard` flag of `embed`, `similarities`, `leakage` and `closest`. */
export const SHARD_FLAG: FlagSpec = {
  type: "string",
  description: "run shard K of N (K from 0), or auto/N (K from SLURM_ARRAY_TASK_ID or " +
    "JOB_COMPLETION_INDEX), into .shards/; deno task merge joins them",
};

/**
 * Reads the `--shard` flag of a script.
 *
 * @param values Parsed flag values.
 * @param options The environment lookup of `auto/N`.
 * @returns The shard, or `undefined` when the flag is absent.
 * @throws {UsageError} With {@linkcode parseShard}'s message when the value is not a shard.
 *
 * @example
 * ```ts
 * import { shardFlag } from "./_shard.ts";
 * if (shardFlag({ shard: "1/3" })?.index !== 1 || shardFlag({}) !== undefined) throw new Error();
 * ```
 */
export function shardFlag(
  values: ParsedFlags["values"],
  options: ParseShardOptions = {},
): ShardSpec | undefined {
  const raw = values.shard;
  if (raw === undefined || raw === false) return undefined;
  try {
    return parseShard(String(raw), options);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The shard as `--shard` spells it: `K/N`.
 *
 * @param shard The shard.
 * @returns `K/N`.
 */
export function shardText(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`;
}

/** A half-open range `[start, end)` of positions. */
export interface ShardRange {
  /** First position. */
  start: number;
  /** One past the last position. */
  end: number;
}

/**
 * The positions of `total` items that a shard takes: `[floor(total K / N), floor(total (K+1) / N))`,
 * so that the shards of `N` cover `0..total-1` in order, their sizes differing by at most 1.
 *
 * @param total Items (pairs, query rows).
 * @param shard The shard.
 * @returns Its range.
 *
 * @example
 * ```ts
 * import { shardRange } from "./_shard.ts";
 * const sizes = [0, 1, 2].map((index) => shardRange(10, { index, count: 3 }));
 * if (sizes.map((r) => `${r.start}-${r.end}`).join() !== "0-3,3-6,6-10") throw new Error();
 * ```
 */
export function shardRange(total: number, shard: ShardSpec): ShardRange {
  const { index, count } = shard;
  return {
    start: Math.floor(total * index / count),
    end: Math.floor(total * (index + 1) / count),
  };
}

/**
 * The cut of a dataset listing that a shard of `embed` takes: whole identities, contiguous in the
 * listing's order, the `N - 1` cuts each put at the identity boundary nearest to `total j / N`
 * images (the earlier boundary on a tie), so the shards hold about as many images each while no
 * identity is split. A shard may be empty when there are fewer identities than shards.
 *
 * @param keys The listing of an unsharded run (identities contiguous, as every reader lists).
 * @param shard The shard.
 * @returns The range of `keys` the shard embeds.
 *
 * @example
 * ```ts
 * import { shardListing } from "./_shard.ts";
 * const keys = ["a", "a", "a", "b", "c", "c"].map((identity, i) => ({ identity, imageName: `${i}` }));
 * const cuts = [0, 1].map((index) => shardListing(keys, { index, count: 2 }));
 * if (cuts.map((r) => `${r.start}-${r.end}`).join() !== "0-3,3-6") throw new Error();
 * ```
 */
export function shardListing(keys: readonly ImageKey[], shard: ShardSpec): ShardRange {
  // Identity boundaries: positions where a new identity starts, plus the end.
  const bounds = [0];
  for (let i = 1; i < keys.length; i++) {
    if (keys[i]!.identity !== keys[i - 1]!.identity) bounds.push(i);
  }
  if (keys.length > 0) bounds.push(keys.length);
  const cut = (j: number): number => {
    if (j <= 0) return 0;
    if (j >= shard.count) return keys.length;
    const target = keys.length * j / shard.count;
    let best = 0;
    for (const b of bounds) {
      if (Math.abs(b - target) < Math.abs(best - target)) best = b;
    }
    return best;
  };
  return { start: cut(shard.index), end: cut(shard.index + 1) };
}

/**
 * A dataset reader that lists and reads only a shard's identities (see
 * {@linkcode shardListing}); images outside them are skipped without being read.
 *
 * @param reader The whole dataset.
 * @param shard The shard.
 * @returns The reader of the shard (a reader is a plain object: its other members, `close`
 *   among them, are `reader`'s).
 */
export function shardReader(reader: DatasetReader, shard: ShardSpec): DatasetReader {
  let cut: Promise<{ keys: ImageKey[]; members: Set<string> }> | undefined;
  const keyOf = (k: ImageKey) => `${k.identity}\u0000${k.imageName}`;
  const ofShard = () => {
    cut ??= reader.list().then((all) => {
      const { start, end } = shardListing(all, shard);
      const keys = all.slice(start, end);
      return { keys, members: new Set(keys.map(keyOf)) };
    });
    return cut;
  };
  return {
    ...reader, // source, close and what the listing left out are the whole dataset's
    list: async () => (await ofShard()).keys.slice(),
    async *read(options: ReadOptions = {}) {
      const { keys, members } = await ofShard();
      if (keys.length === 0) return;
      const { skip } = options;
      let left = keys.filter((k) => !skip?.(k)).length;
      if (left === 0) return;
      const outside = (k: ImageKey) => !members.has(keyOf(k)) || (skip?.(k) ?? false);
      for await (const record of reader.read({ skip: outside })) {
        yield record;
        if (--left === 0) return; // the shard's last image: the rest of the dataset is not read
      }
    },
  };
}
