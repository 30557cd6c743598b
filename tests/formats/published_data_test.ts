import assert from "node:assert/strict";
import { join } from "node:path";
import { findPublishedData, listPublishedData } from "../../lib/formats/_published_data.ts";
import { PAPER_DATA, skipUnlessPaperData } from "./_paper_data.ts";

Deno.test("listPublishedData(dir) lists each kind sorted and ignores files of other names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "Best_Matches"));
    await Deno.mkdir(join(dir, "CI"));
    for (const name of ["B_BestMatches_5.csv", "A_BestMatches_10.csv", "notes.txt"]) {
      await Deno.writeTextFile(join(dir, "Best_Matches", name), "");
    }
    await Deno.writeTextFile(join(dir, "CI", "eer_95.csv"), "");
    const data = await listPublishedData(dir);
    assert.deepEqual(data.bestMatches.map((p) => p.split("/").pop()), [
      "A_BestMatches_10.csv",
      "B_BestMatches_5.csv",
    ]);
    assert.deepEqual(data.closest, []);
    assert.equal(data.ciDir, join(dir, "CI"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  await assert.rejects(() => listPublishedData(join(dir, "gone")), Deno.errors.NotFound);
});

Deno.test("findPublishedData(root) prefers the environment variable and rejects a missing folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    Deno.env.set("BRF_TEST_DATA", dir);
    assert.equal(await findPublishedData("/nonexistent", { envVar: "BRF_TEST_DATA" }), dir);
    Deno.env.set("BRF_TEST_DATA", "none");
    assert.equal(
      await findPublishedData(join(dir, "..", "x"), { envVar: "BRF_TEST_DATA" }),
      undefined,
    );
    Deno.env.set("BRF_TEST_DATA", join(dir, "missing"));
    await assert.rejects(() => findPublishedData("/nonexistent", { envVar: "BRF_TEST_DATA" }));
  } finally {
    Deno.env.delete("BRF_TEST_DATA");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "findPublishedData(root) finds ../shared/paper-data beside the repository root",
  ignore: skipUnlessPaperData(),
  fn: async () => {
    const root = join(PAPER_DATA, "..", "..", "main-like-root");
    const found = await findPublishedData(root, { envVar: "BRF_TEST_UNSET" });
    assert.equal(found, join(PAPER_DATA));
  },
});
