import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { embeddingLine, embeddingSet, writeNpy } from "../../lib/embeddings/mod.ts";
import {
  metricsLayout,
  parseDiversityTable,
  parseIdentitiesCsv,
  readManifest,
} from "../../lib/formats/mod.ts";
import { centrePairsAbove } from "../../lib/metrics/mod.ts";
import { createJsScoreTopK } from "../../lib/similarity/mod.ts";
import { runDiversity } from "../../lib/tasks/mod.ts";
import { plantIdentities } from "../metrics/_planted_identities.ts";

async function writePlanted(out: string) {
  const layout = metricsLayout(out);
  await Deno.mkdir(layout.dir("embeddings"), { recursive: true });
  // "Twins": 20 identities, 3 of them copied (one twice); "Plain": 12 identities, none copied
  const twins = plantIdentities({ originals: 20, images: [3, 5], twins: [0, 0, 7], seed: 8 });
  const plain = plantIdentities({ originals: 12, images: 4, seed: 9 });
  const lines = twins.identities.map((identity, i) =>
    embeddingLine(identity, twins.imageNames[i]!, twins.vectors.subarray(i * 512, (i + 1) * 512))
  );
  await Deno.writeTextFile(layout.embeddings("Twins"), lines.join("\n") + "\n");
  await writeNpy(
    layout.embeddings("Plain", ".npy"),
    embeddingSet(plain.identities, plain.imageNames, plain.vectors, plain.dim),
  );
  return layout;
}

Deno.test("runDiversity({ out }) measures every embeddings file of out/Embeddings and writes the tables, manifest and figures", async () => {
  const out = await Deno.makeTempDir();
  try {
    const layout = await writePlanted(out);
    const reporter = memoryReporter();
    const r = await runDiversity({ out, reporter });
    assert.deepEqual(r.datasets.map((d) => d.dataset), ["Plain", "Twins"]);
    const rows = parseDiversityTable(await Deno.readTextFile(layout.diversityTable()));
    assert.deepEqual(rows, r.datasets.map((d) => d.summary));
    const [plain, twins] = rows;
    assert.deepEqual(
      [plain!.identities, plain!.uniqueVec2Face, plain!.identityGroups, plain!.images],
      [12, 12, 12, 48],
    );
    assert.deepEqual(
      [twins!.identities, twins!.uniqueVec2Face, twins!.identityGroups, twins!.largestGroup],
      [23, 20, 20, 3],
    );
    assert.equal(twins!.mergedIdentities, 5);
    const ids = parseIdentitiesCsv(await Deno.readTextFile(layout.identitiesCsv("Twins")));
    assert.equal(ids.identity.length, 23);
    assert.deepEqual(
      ids.identity.filter((_, i) => ids.unique[i] === 0),
      ["id020", "id021", "id022"],
    );
    assert.ok(ids.mean.every((m) => m > 0.8 && m < 1), "images sit at cosine ~0.9 of their centre");
    const manifest = await readManifest(`${layout.diversityTable()}.manifest.json`);
    assert.equal(manifest?.complete, true);
    assert.equal(manifest?.task, "diversity");
    assert.deepEqual(manifest?.inputs.map((i) => i.role), ["Plain embeddings", "Twins embeddings"]);
    for (const stem of [layout.diversityFigure("Twins"), layout.diversityFigure()]) {
      assert.ok((await Deno.stat(`${stem}.svg`)).size > 0, stem);
      assert.ok(r.files.includes(`${stem}.png`), stem);
    }
    const said = reporter.infos.join("\n");
    assert.match(
      said,
      /Unique identities \(Vec2Face, class centres cos > 0\.4\): 20 of 23 \(86\.96%\)/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("runDiversity({ inputs, threshold }) keeps the order given and refuses two inputs of one dataset", async () => {
  const out = await Deno.makeTempDir();
  try {
    const layout = await writePlanted(out);
    const twins = layout.embeddings("Twins"), plain = layout.embeddings("Plain", ".npy");
    const r = await runDiversity({
      inputs: [twins, plain],
      out,
      threshold: -1,
      figures: false,
      reporter: memoryReporter(),
    });
    assert.deepEqual(r.datasets.map((d) => d.dataset), ["Twins", "Plain"]);
    // at -1 every pair of centres is "above": one unique identity, one group, in each dataset
    assert.deepEqual(r.datasets.map((d) => [d.summary.uniqueVec2Face, d.summary.identityGroups]), [
      [1, 1],
      [1, 1],
    ]);
    assert.ok(!r.files.some((f) => f.endsWith(".svg")));
    await assert.rejects(
      runDiversity({ inputs: [plain, join(out, "Plain.jsonl")], out, reporter: memoryReporter() }),
      (e) => e instanceof RangeError && /both name the dataset "Plain"/.test(e.message),
    );
    await assert.rejects(
      runDiversity({ out: join(out, "absent"), reporter: memoryReporter() }),
      Deno.errors.NotFound,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("runDiversity's kernel pairs (float32 blocks, rescored in float64) equal centrePairsAbove's brute force", async () => {
  const out = await Deno.makeTempDir();
  try {
    const layout = await writePlanted(out);
    for (const threshold of [0.4, 0.02, 0]) {
      for (const kernel of [undefined, createJsScoreTopK()]) {
        const r = await runDiversity({
          inputs: [layout.embeddings("Twins")],
          out,
          threshold,
          figures: false,
          blockRows: 7,
          reporter: memoryReporter(),
          ...(kernel ? { kernel } : {}),
        });
        const d = r.datasets[0]!.diversity;
        const want = centrePairsAbove(d.centres, threshold);
        const name = `threshold ${threshold}, ${kernel?.name ?? "default"} kernel`;
        assert.deepEqual(d.pairs, want, name);
        assert.ok(threshold > 0.1 || want.first.length > 20, `${name}: many pairs near it`);
      }
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
