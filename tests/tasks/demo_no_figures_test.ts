import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { runDemo } from "../../lib/tasks/mod.ts";

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

Deno.test("runDemo({ figures: false }) writes the embeddings, scores, tables and JSON, and no figure", async () => {
  const out = await Deno.makeTempDir({ prefix: "demo_no_figures_" });
  try {
    const demo = await runDemo({ out, backend: "cpu", figures: false, reporter: memoryReporter() });
    assert.equal(demo.plantedOnTop, demo.top);
    const written = await filesUnder(out);
    assert.deepEqual(written.filter((f) => /\.(svg|png)$/.test(f) && !f.includes("/Dataset/")), []);
    for (const file of demo.files) {
      assert.ok(written.includes(file), `${file} is listed, not written`);
    }
    assert.ok(demo.files.some((f) => f.endsWith("All_Datasets_metrics.csv")));
    assert.ok(demo.files.some((f) => /_matches\.csv$/.test(f)));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
