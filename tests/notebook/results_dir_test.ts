import assert from "node:assert/strict";
import { join } from "node:path";
import { findResultsDir } from "../../lib/notebook/_results_dir.ts";

Deno.test("findResultsDir(root) picks BRF_METRICS, else Metrics/ with results, else Metrics/demo/", async () => {
  const root = await Deno.makeTempDir();
  const opts = { envVar: "BRF_TEST_METRICS" };
  try {
    assert.equal(findResultsDir(root, opts), join(root, "Metrics"), "nothing yet: Metrics/");
    await Deno.mkdir(join(root, "Metrics", "demo", "Closest"), { recursive: true });
    assert.equal(findResultsDir(root, opts), join(root, "Metrics", "demo"));
    await Deno.mkdir(join(root, "Metrics", "SimilarityScores"));
    assert.equal(findResultsDir(root, opts), join(root, "Metrics"), "the kit's own results win");
    Deno.env.set("BRF_TEST_METRICS", "/elsewhere");
    assert.equal(findResultsDir(root, opts), "/elsewhere");
  } finally {
    Deno.env.delete("BRF_TEST_METRICS");
    await Deno.remove(root, { recursive: true });
  }
});
