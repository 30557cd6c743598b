import assert from "node:assert/strict";
import { join } from "node:path";
import { readScoreFile } from "../../lib/formats/_score_file.ts";
import { runSimilarities } from "../../scripts/similarities.ts";
import { writeEmbeddingsFixture } from "./_embeddings_fixture.ts";

const SCRIPT = new URL("../../scripts/similarities.ts", import.meta.url).pathname;

Deno.test("runSimilarities(input, options) writes both score files named after the input", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = join(dir, "Toy.json");
    await writeEmbeddingsFixture(input, { identities: 20, per: 4 });
    const lines: string[] = [];
    const r = await runSimilarities(input, {
      comparisons: 50,
      out: join(dir, "M"),
      log: (l) => lines.push(l),
    });
    assert.equal(r.matedPath, join(dir, "M", "SimilarityScores", "Toy_mated_similarities.txt"));
    assert.deepEqual(await readScoreFile(r.matedPath), r.mated);
    assert.deepEqual(await readScoreFile(r.nonMatedPath), r.nonMated);
    assert.equal(r.mated.length, 50);
    assert.ok(lines.includes("Seed: 42"));
    assert.ok(lines.includes("Total possible mated pairs: 120"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task similarities accepts --n_comparisons and explains a single identity", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = join(dir, "One.json");
    await writeEmbeddingsFixture(input, { identities: 1, per: 5 });
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", SCRIPT, ...args],
        stdout: "piped",
        stderr: "piped",
      })
        .output();
    const out = await run([input, "--n_comparisons", "5", "--out", join(dir, "M")]);
    assert.equal(out.code, 1);
    const err = new TextDecoder().decode(out.stderr);
    assert.match(err, /1 identity \("person_0"\), so no non-mated pair exists/);
    const usage = await run(["--nope"]);
    assert.equal(usage.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
