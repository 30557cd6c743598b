import assert from "node:assert/strict";
import { join } from "node:path";
import { writeEmbeddingsFixture } from "../tasks/_embeddings_fixture.ts";
import { runScript } from "./_run.ts";

Deno.test("deno task similarities accepts --n_comparisons and explains a single identity", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = join(dir, "One.json");
    await writeEmbeddingsFixture(input, { identities: 1, per: 5 });
    const run = (args: string[]) => runScript("similarities.ts", args);
    const out = await run([input, "--n_comparisons", "5", "--out", join(dir, "M")]);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /1 identity \("person_0"\), so no non-mated pair exists/);
    const usage = await run(["--nope"]);
    assert.equal(usage.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
