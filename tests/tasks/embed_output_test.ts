import assert from "node:assert/strict";
import { join } from "node:path";
import { embeddingsOutputPath } from "../../lib/tasks/mod.ts";

Deno.test("embeddingsOutputPath(out, dataset) writes inside a folder given as --out, never beside it", async () => {
  const dir = await Deno.makeTempDir();
  // An existing folder, and a path ending in a separator (created later by the writer).
  assert.equal(await embeddingsOutputPath(dir, "Dataset/DCFace.zip"), join(dir, "DCFace.jsonl"));
  assert.equal(
    await embeddingsOutputPath(`${dir}/new/`, "Dataset/DCFace"),
    join(dir, "new", "DCFace.jsonl"),
  );
  // A file path is the output file itself, whether it exists or not.
  assert.equal(await embeddingsOutputPath(`${dir}/E.npy`, "Dataset/DCFace"), `${dir}/E.npy`);
  await Deno.writeTextFile(`${dir}/E.jsonl`, "");
  assert.equal(await embeddingsOutputPath(`${dir}/E.jsonl`, "x"), `${dir}/E.jsonl`);
  // No --out: the layout's Embeddings/<dataset name>.jsonl.
  assert.match(
    await embeddingsOutputPath(undefined, "Dataset/DCFace.tar.gz"),
    /Embeddings[/]DCFace\.jsonl$/,
  );
  await Deno.remove(dir, { recursive: true });
});
