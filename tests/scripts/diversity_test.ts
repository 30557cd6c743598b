import assert from "node:assert/strict";
import { join } from "node:path";
import { embeddingLine } from "../../lib/embeddings/mod.ts";
import { metricsLayout, parseDiversityTable } from "../../lib/formats/mod.ts";
import { plantIdentities } from "../metrics/_planted_identities.ts";
import { runScript } from "./_run.ts";

Deno.test("deno task diversity INPUT --no-figures writes the table; a bad --threshold exits 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const p = plantIdentities({ originals: 8, images: 3, twins: [2], seed: 4, dim: 64 });
    const input = join(dir, "Planted.jsonl");
    await Deno.writeTextFile(
      input,
      p.identities.map((id, i) =>
        embeddingLine(id, p.imageNames[i]!, p.vectors.subarray(i * 64, (i + 1) * 64))
      ).join("\n"),
    );
    const run = await runScript("diversity.ts", [input, "--out", dir, "--no-figures"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Unique identities \(Vec2Face, class centres cos > 0\.4\): 8 of 9/);
    const table = metricsLayout(dir).diversityTable();
    const [row] = parseDiversityTable(await Deno.readTextFile(table), table);
    assert.deepEqual([row?.dataset, row?.identities, row?.uniqueVec2Face], ["Planted", 9, 8]);
    const bad = await runScript("diversity.ts", [input, "--threshold", "two"]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /--threshold must be a cosine similarity in \[-1, 1\], current value is two/,
    );
    const help = await runScript("diversity.ts", ["--help"]);
    assert.ok(help.stdout.startsWith("Usage: deno task diversity [INPUT...]"), help.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
