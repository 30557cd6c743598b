import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { writeDemoDataset } from "../../lib/demo/mod.ts";
import { runClosest, runEmbed, runLeakage, runSimilarities } from "../../lib/tasks/mod.ts";

/** Every file under `dir` (none when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory) out.push(...(await filesUnder(path)));
      else out.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

Deno.test("a run that fails before its results leaves no output file behind, empty or not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dataset = join(dir, "Data");
    await writeDemoDataset(dataset, { identities: 2, images: 2, seed: 5 });
    const out = join(dir, "out");
    await assert.rejects(
      runEmbed({
        model: join(dir, "missing.onnx"),
        dataset,
        out: join(out, "Data.jsonl"),
        formats: ["jsonl", "npy"],
        backend: "cpu",
        reporter: memoryReporter(),
      }),
      Deno.errors.NotFound,
    );
    const line = '{"identity": "a", "image_name": "0.jpg", "embedding": [1, 0]}\n';
    await Deno.writeTextFile(join(dir, "S.jsonl"), line + line.replace("0.jpg", "1.jpg"));
    const search = {
      input: join(dir, "S.jsonl"),
      casia: join(dir, "missing.npy"),
      outDir: out,
      reporter: memoryReporter(),
    };
    await assert.rejects(runLeakage(search));
    await assert.rejects(runClosest(search));
    await assert.rejects(
      runSimilarities({ input: join(dir, "missing.jsonl"), out, reporter: memoryReporter() }),
    );
    assert.deepEqual(await filesUnder(out), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
