import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter, UsageError } from "../../lib/cli/mod.ts";
import { type ImageKey, openDataset } from "../../lib/data/mod.ts";
import { writeDemoDataset } from "../../lib/demo/mod.ts";
import { closestShardPathOf, shardPathOf } from "../../lib/formats/mod.ts";
import {
  parseShard,
  shardFlag,
  shardListing,
  shardRange,
  shardReader,
  type ShardSpec,
} from "../../lib/tasks/mod.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("parseShard(text) reads K/N with 0 <= K < N and refuses the rest, naming the value", () => {
  assert.deepEqual(parseShard("0/1"), { index: 0, count: 1 });
  assert.deepEqual(parseShard(" 3/4 "), { index: 3, count: 4 });
  for (const bad of ["4/4", "1/0", "-1/3", "1", "a/3", "1/3/5", "1.5/3", ""]) {
    assert.throws(
      () => parseShard(bad, { env: envOf({}) }),
      (e: unknown) =>
        e instanceof RangeError && e.message.startsWith(`Cannot read the shard --shard ${bad}:`),
      bad,
    );
  }
});

Deno.test("parseShard('auto/N') takes SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX", () => {
  const both = envOf({ SLURM_ARRAY_TASK_ID: "2", JOB_COMPLETION_INDEX: "1" });
  assert.deepEqual(parseShard("auto/4", { env: both }), { index: 2, count: 4 });
  const k8s = envOf({ JOB_COMPLETION_INDEX: "3" });
  assert.deepEqual(parseShard("auto/4", { env: k8s }), { index: 3, count: 4 });
  assert.throws(
    () => parseShard("auto/4", { env: envOf({ SLURM_ARRAY_TASK_ID: "4" }) }),
    {
      name: "RangeError",
      message:
        "Cannot read the shard --shard auto/4: SLURM_ARRAY_TASK_ID is 4, expected 0..3 (submit a Slurm array as --array=0-3)",
    },
  );
  assert.throws(() => parseShard("auto/4", { env: envOf({}) }), {
    name: "RangeError",
    message:
      "Cannot read the shard --shard auto/4: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set; give the index as --shard K/4",
  });
});

Deno.test("shardFlag(values) is undefined without --shard and a UsageError for a bad one", () => {
  assert.equal(shardFlag({}), undefined);
  assert.deepEqual(shardFlag({ shard: "1/2" }), { index: 1, count: 2 });
  assert.throws(() => shardFlag({ shard: "2/2" }), UsageError);
});

Deno.test("shardRange(total, shard) covers 0..total-1 in order, sizes within 1", () => {
  for (const total of [0, 1, 7, 10, 1000, 10001]) {
    for (const count of [1, 2, 3, 4, 7, 16]) {
      let next = 0;
      const sizes: number[] = [];
      for (let index = 0; index < count; index++) {
        const { start, end } = shardRange(total, { index, count });
        assert.equal(start, next, `${total} in ${count}: contiguous`);
        next = end;
        sizes.push(end - start);
      }
      assert.equal(next, total);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${total} in ${count}: balanced`);
    }
  }
});

function listing(perIdentity: number[]): ImageKey[] {
  return perIdentity.flatMap((n, i) =>
    Array.from({ length: n }, (_, j) => ({ identity: `id${i}`, imageName: `${j}.png` }))
  );
}

Deno.test("shardListing(keys, shard) cuts whole identities, contiguous, near total*j/N images", () => {
  const keys = listing([5, 1, 1, 9, 2, 2, 4, 3, 3, 10]);
  for (const count of [1, 2, 3, 4, 5, 12]) {
    let next = 0;
    for (let index = 0; index < count; index++) {
      const { start, end } = shardListing(keys, { index, count });
      assert.equal(start, next, "contiguous");
      assert.ok(end >= start);
      if (start > 0 && start < keys.length) {
        assert.notEqual(keys[start]!.identity, keys[start - 1]!.identity, "no identity is split");
      }
      next = end;
    }
    assert.equal(next, keys.length, `${count} shards cover the listing`);
  }
  // 40 images in 4 (boundaries at 5, 6, 7, 16, 18, 20, 24, 27, 30): the nearest to 10, 20, 30.
  const cuts = [0, 1, 2, 3].map((index) => shardListing(keys, { index, count: 4 }).end);
  assert.deepEqual(cuts, [7, 20, 30, 40]);
  // More shards than identities: some shards are empty, none splits an identity.
  const few = listing([3, 3]);
  const ranges = [0, 1, 2, 3].map((index) => shardListing(few, { index, count: 4 }));
  assert.deepEqual(ranges.map((r) => r.end - r.start).sort(), [0, 0, 3, 3]);
});

Deno.test("shardReader(reader, shard) lists and reads only the shard's identities, in order", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shard_reader_" });
  try {
    const dataset = join(dir, "Data");
    await writeDemoDataset(dataset, { identities: 5, images: 3, seed: 4 });
    const reporter = memoryReporter();
    const whole = await openDataset(dataset, { reporter });
    const all = await whole.list();
    const seen: string[] = [];
    for (let index = 0; index < 3; index++) {
      const shard: ShardSpec = { index, count: 3 };
      const reader = shardReader(await openDataset(dataset, { reporter }), shard);
      const keys = await reader.list();
      const { start, end } = shardListing(all, shard);
      assert.deepEqual(keys, all.slice(start, end));
      const read: string[] = [];
      for await (const record of reader.read({ skip: (k) => k.imageName.startsWith("1") })) {
        assert.ok(record.bytes !== undefined && record.bytes.length > 0);
        read.push(`${record.identity}/${record.imageName}`);
      }
      const want = keys.filter((k) => !k.imageName.startsWith("1"));
      assert.deepEqual(read, want.map((k) => `${k.identity}/${k.imageName}`));
      seen.push(...keys.map((k) => `${k.identity}/${k.imageName}`));
      await reader.close();
    }
    assert.deepEqual(seen, all.map((k) => `${k.identity}/${k.imageName}`));
    await whole.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shardPathOf(output, shard) puts the part in .shards/ with .shard-K-of-N before the extension", () => {
  const shard = { index: 2, count: 3 };
  assert.equal(
    shardPathOf("M/Embeddings/D.npy", shard),
    join("M/Embeddings/.shards/D.shard-2-of-3.npy"),
  );
  assert.equal(
    shardPathOf("M/SimilarityScores/D_mated_similarities.txt", shard),
    join("M/SimilarityScores/.shards/D_mated_similarities.shard-2-of-3.txt"),
  );
  assert.equal(shardPathOf("out", shard), join(".shards/out.shard-2-of-3"));
  assert.equal(
    closestShardPathOf("M/Closest/D_Top5Global_9.json", shard),
    join("M/Closest/.shards/D_Top5Global_9.shard-2-of-3.jsonl"),
  );
});
