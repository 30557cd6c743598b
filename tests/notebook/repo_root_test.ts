import assert from "node:assert/strict";
import { join } from "node:path";
import { findRepoRoot } from "../../lib/notebook/_repo_root.ts";

Deno.test("findRepoRoot(start) climbs from a nested folder or file URL to the folder with deno.json and lib/", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "lib"));
    await Deno.mkdir(join(dir, "notebooks", "deep"), { recursive: true });
    await Deno.writeTextFile(join(dir, "deno.json"), "{}");
    await Deno.writeTextFile(join(dir, "notebooks", "deno.json"), "{}");
    assert.equal(findRepoRoot(join(dir, "notebooks", "deep")), dir);
    assert.equal(findRepoRoot(new URL(`file://${join(dir, "notebooks", "x.ts")}`)), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.throws(() => findRepoRoot("/"), Deno.errors.NotFound);
});
