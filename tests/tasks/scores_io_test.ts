import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/_reporter.ts";
import { embeddingSet, groupByIdentity } from "../../lib/embeddings/_embedding_set.ts";
import { sampleMatedPairs, sampleNonMatedPairs } from "../../lib/similarity/_pairs.ts";
import {
  matedPairsLines,
  nonMatedPairsLines,
  scoreEmbeddingsFile,
} from "../../lib/tasks/_scores_io.ts";

function groups(sizes: number[]) {
  const ids = sizes.flatMap((m, k) => Array.from({ length: m }, () => `id${k}`));
  return groupByIdentity(
    embeddingSet(ids, ids.map((_, i) => `${i}.png`), new Float32Array(ids.length), 1),
  );
}

Deno.test("matedPairsLines(pairs) words single-image identities and the pair count as the original", () => {
  const lines = matedPairsLines(sampleMatedPairs(groups([5, 1, 8, 2, 30]), 100, { seed: 3 }));
  assert.deepEqual(lines, [
    "Warning: 1 of 5 identities have a single image and give no mated pair",
    "Total possible mated pairs: 474",
  ]);
});

Deno.test("matedPairsLines(pairs) warns that every pair is used when n is not below the count", () => {
  const lines = matedPairsLines(sampleMatedPairs(groups([3, 4]), 9, { seed: 1 }));
  assert.deepEqual(lines, [
    "Total possible mated pairs: 9",
    "Warning: Only 9 mated pairs available, using all of them",
  ]);
});

Deno.test("nonMatedPairsLines(pairs) warns when the attempts ran out, and is silent otherwise", () => {
  const q = sampleNonMatedPairs(groups([1000, 1]), 100, { seed: 1 });
  assert.deepEqual(nonMatedPairsLines(q), [
    `Warning: Only generated ${q.first.length} non-mated comparisons out of 100 requested`,
  ]);
  assert.deepEqual(nonMatedPairsLines(sampleNonMatedPairs(groups([50, 50]), 10)), []);
});

Deno.test("scoreEmbeddingsFile(input, { reporter }) reports the original's status lines in order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = join(dir, "Few.jsonl");
    const ids = ["a", "a", "b", "b", "c", "d"];
    await Deno.writeTextFile(
      input,
      ids.map((identity, i) =>
        JSON.stringify({ identity, image_name: `${i}.png`, embedding: [1, i / 10] })
      ).join("\n") + "\n",
    );
    const reporter = memoryReporter();
    const s = await scoreEmbeddingsFile(input, { comparisons: 5, seed: 7, reporter });
    assert.equal(s.name, "Few");
    assert.deepEqual(reporter.infos, [
      "Loading embeddings...",
      "Seed: 7",
      "Loaded 4 identities",
      "Total samples: 6",
      "Warning: 2 of 4 identities have a single image and give no mated pair",
      "Total possible mated pairs: 2",
      "Warning: Only 2 mated pairs available, using all of them",
      "Generated 2 mated comparisons",
      "Generated 5 non-mated comparisons",
    ]);
    assert.equal(reporter.warnings().size, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
