import assert from "node:assert/strict";
import { join } from "node:path";
import { writeEmbeddingsJsonl } from "../notebook/_fixtures.ts";
import { loadScoreSets } from "../../lib/tasks/_score_sets.ts";
import { readEmbeddings } from "../../lib/embeddings/_read.ts";
import { similarityScores } from "../../lib/similarity/_similarity_scores.ts";

Deno.test("loadScoreSets(dir) prefers score files and samples the other datasets from their embeddings", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "SimilarityScores"));
    await Deno.mkdir(join(dir, "Embeddings"));
    await Deno.writeTextFile(
      join(dir, "SimilarityScores", "B_mated_similarities.txt"),
      "0.5\n0.25\n",
    );
    await Deno.writeTextFile(
      join(dir, "SimilarityScores", "B_non_mated_similarities.txt"),
      "0.125\n",
    );
    await Deno.writeTextFile(join(dir, "SimilarityScores", "C_mated_similarities.txt"), "0.75\n");
    await writeEmbeddingsJsonl(join(dir, "Embeddings", "B.jsonl"), 3, 2);
    await writeEmbeddingsJsonl(join(dir, "Embeddings", "A.jsonl"), 4, 3);
    const sets = await loadScoreSets(dir, { comparisons: 5, seed: 7 });
    assert.deepEqual([...sets.keys()], ["A", "B", "C"]);
    assert.deepEqual(
      Array.from(sets.get("B")!.mated),
      [0.5, 0.25],
      "score files win over embeddings",
    );
    assert.deepEqual(
      Array.from(sets.get("C")!.nonMated),
      [],
      "a mated file alone gives no non-mated",
    );
    const expected = similarityScores(await readEmbeddings(join(dir, "Embeddings", "A.jsonl")), {
      comparisons: 5,
      seed: 7,
    });
    assert.deepEqual(sets.get("A")!.mated, expected.mated);
    assert.deepEqual(sets.get("A")!.nonMated, expected.nonMated);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal((await loadScoreSets(join(dir, "absent"))).size, 0);
});
