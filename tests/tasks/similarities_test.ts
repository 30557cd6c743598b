import assert from "node:assert/strict";
import { join } from "node:path";
import { readScoreFile } from "../../lib/formats/_score_file.ts";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { runSimilarities } from "../../lib/tasks/mod.ts";
import { writeEmbeddingsFixture } from "./_embeddings_fixture.ts";

Deno.test("runSimilarities(options) writes both score files named after the input", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = join(dir, "Toy.json");
    await writeEmbeddingsFixture(input, { identities: 20, per: 4 });
    const reporter = memoryReporter();
    const r = await runSimilarities({ input, comparisons: 50, out: join(dir, "M"), reporter });
    assert.equal(r.matedPath, join(dir, "M", "SimilarityScores", "Toy_mated_similarities.txt"));
    assert.deepEqual(await readScoreFile(r.matedPath), r.mated);
    assert.deepEqual(await readScoreFile(r.nonMatedPath), r.nonMated);
    assert.equal(r.mated.length, 50);
    assert.ok(reporter.infos.includes("Seed: 42"));
    assert.ok(reporter.infos.includes("Total possible mated pairs: 120"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
