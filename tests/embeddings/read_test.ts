import assert from "node:assert/strict";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { readEmbeddings } from "../../lib/embeddings/mod.ts";

Deno.test("readEmbeddings(path, { lenient, reporter }) warns once about the skipped lines", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(
    path,
    '{"identity": "a", "image_name": "1.png", "embedding": [1, 0]}\n{broken\nnot json\n',
  );
  const reporter = memoryReporter();
  const set = await readEmbeddings(path, { lenient: true, reporter });
  assert.deepEqual(set.identities, ["a"]);
  assert.deepEqual([...reporter.warnings()], [[`${path}: skipped 2 malformed lines`, 1]]);
  const quiet = memoryReporter();
  await Deno.writeTextFile(path, '{"identity": "a", "image_name": "1.png", "embedding": [1, 0]}\n');
  await readEmbeddings(path, { lenient: true, reporter: quiet });
  assert.equal(quiet.warnings().size, 0);
  await Deno.remove(path);
});

Deno.test("readEmbeddings(path) names the path of a missing file", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(readEmbeddings(`${dir}/none.npy`), (error: unknown) => {
    assert.ok(error instanceof Deno.errors.NotFound);
    assert.match(error.message, /none\.npy does not exist/);
    return true;
  });
  await Deno.remove(dir);
});
