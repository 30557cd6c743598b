import assert from "node:assert/strict";
import { readJsonLines } from "../../lib/embeddings/mod.ts";

async function lines(...rows: string[]): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(path, rows.join("\n") + "\n");
  return path;
}

const GOOD = '{"identity": "a", "image_name": "0.jpg", "embedding": [0.6, 0.8]}';

Deno.test("readJsonLines(path) refuses 1e39 as float32 overflow, never Infinity", async () => {
  const path = await lines(
    GOOD,
    '{"identity": "a", "image_name": "1.jpg", "embedding": [1e39, 0]}',
  );
  await assert.rejects(readJsonLines(path), {
    name: "EmbeddingFileError",
    message:
      `${path}:2: embedding value 0 is 1e+39, beyond float32's range (±3.4028234663852886e+38): refused as float32 overflow`,
  });
  await Deno.remove(path);
});

Deno.test("readJsonLines(path) refuses the NaN and Infinity words Python's json writes", async () => {
  for (const word of ["NaN", "Infinity", "-Infinity"]) {
    const path = await lines(
      GOOD,
      GOOD,
      `{"identity": "b", "image_name": "0.jpg", "embedding": [0.1, ${word}]}`,
    );
    await assert.rejects(readJsonLines(path), {
      message:
        `${path}:3: holds ${word}, which Python's json writes for a non-finite float: embeddings must be finite (the model or the file is broken)`,
    });
    await Deno.remove(path);
  }
});

Deno.test("readJsonLines(path) keeps the largest float32 and values that round into range", async () => {
  const path = await lines(
    '{"identity": "a", "image_name": "0.jpg", "embedding": [3.4028234663852886e38, 3.4028235e38]}',
  );
  const { set } = await readJsonLines(path);
  assert.deepEqual(Array.from(set.vectors), [3.4028234663852886e38, 3.4028234663852886e38]);
  await Deno.remove(path);
});
