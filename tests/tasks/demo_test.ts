import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { readJsonLines } from "../../lib/embeddings/_jsonl.ts";
import { readNpy } from "../../lib/embeddings/_npy.ts";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { runDemo } from "../../lib/tasks/mod.ts";

Deno.test("runDemo() embeds the demo, measures it, and puts the planted copies on top", async () => {
  const out = await Deno.makeTempDir({ prefix: "demo_test_" });
  const reporter = memoryReporter();
  const demo = await runDemo({ out, backend: "cpu", reporter });
  ok(
    reporter.infos.some((l) => l.includes("RANDOM weights")),
    "the demo must say its model is random",
  );
  ok(
    reporter.infos.includes(
      `Planted leakage: ${demo.top} of the ${demo.top} closest (demo, gallery) pairs are planted near-copies.`,
    ),
  );
  ok(reporter.ticked > 0, "the embedding runs report progress");
  assertEquals(demo.plantedOnTop, demo.top);
  ok(demo.top > 0);
  const { set } = await readJsonLines(demo.embeddings);
  const npy = await readNpy(demo.embeddings.replace(/\.jsonl$/, ".npy"));
  assertEquals(npy.identities, set.identities);
  ok(set.identities.length >= 200);
  for (const file of demo.files) {
    const bytes = await Deno.readFile(file);
    ok(bytes.length > (file.endsWith(".csv") ? 30 : 100), `${file} is too small`);
    if (file.endsWith(".png")) assertEquals([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    if (file.endsWith(".svg")) ok(new TextDecoder().decode(bytes).includes("<svg"), file);
  }
  const table = (await Deno.readTextFile(`${out}/All_Datasets_metrics.csv`)).trim().split("\n");
  assertEquals(table.length, 2);
  ok(table[0]?.startsWith("Dataset,"));
  ok(table[1]?.startsWith("Demo,"));
  // Mated pairs of the drawn identities score above non-mated ones even with random weights.
  const mean = (p: string) =>
    Deno.readTextFile(p).then((t) => {
      const v = t.trim().split("\n").map(Number);
      return v.reduce((a, b) => a + b, 0) / v.length;
    });
  ok(
    await mean(`${out}/SimilarityScores/Demo_mated_similarities.txt`) >
      await mean(`${out}/SimilarityScores/Demo_non_mated_similarities.txt`),
  );
  await Deno.remove(out, { recursive: true });
});
