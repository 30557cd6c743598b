import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { runMated, runSimilarities } from "../../lib/tasks/mod.ts";
import { writeEmbeddingsFixture } from "./_embeddings_fixture.ts";

Deno.test("runMated(options) writes the titled SVG, PNG and PDF figure", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = join(dir, "Toy.jsonl");
    await writeEmbeddingsFixture(input, { identities: 15, per: 3, seed: 2 });
    const r = await runMated({ input, comparisons: 40, out: dir, reporter: memoryReporter() });
    assert.equal(r.svgPath, join(dir, "Figures", "Toy_MatedVsNonmated_40.svg"));
    const svg = await Deno.readTextFile(r.svgPath);
    assert.ok(
      svg.includes("Toy: mated vs non-mated cosine similarity (n = 40 mated, 40 non-mated)"),
    );
    const png = await Deno.readFile(r.pngPath);
    assert.deepEqual(Array.from(png.subarray(1, 4)), [0x50, 0x4e, 0x47]);
    assert.equal(r.pdfPath, join(dir, "Figures", "Toy_MatedVsNonmated_40.pdf"));
    const pdf = await Deno.readFile(r.pdfPath);
    assert.equal(new TextDecoder().decode(pdf.subarray(0, 5)), "%PDF-");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runMated(options) warns when fewer mated pairs exist than requested", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = join(dir, "Few.json");
    await writeEmbeddingsFixture(input, { identities: 4, per: 2 });
    const reporter = memoryReporter();
    const r = await runMated({ input, comparisons: 10, out: dir, reporter });
    assert.equal(r.mated.length, 4);
    assert.ok(reporter.infos.includes("Warning: Only 4 mated pairs available, using all of them"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runMated({ scores }) draws the figure of runSimilarities' scores without scoring again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = join(dir, "Toy.jsonl");
    await writeEmbeddingsFixture(input, { identities: 15, per: 3, seed: 2 });
    const scoring = { input, comparisons: 40, seed: 7, reporter: memoryReporter() };
    const alone = await runMated({ ...scoring, out: join(dir, "a") });
    const sims = await runSimilarities({ ...scoring, out: join(dir, "b") });
    await Deno.remove(input);
    const reporter = memoryReporter();
    const reused = await runMated({ ...scoring, out: join(dir, "b"), scores: sims, reporter });
    assert.deepEqual(reporter.infos, [
      `Plot saved to: ${reused.svgPath}, ${reused.pngPath} and ${reused.pdfPath}`,
    ]);
    // Plot numbers its clip paths with a process-wide counter: compare the SVG without them.
    const svg = async (path: string) =>
      (await Deno.readTextFile(path)).replace(/plot-clip-\d+/g, "");
    assert.equal(await svg(reused.svgPath), await svg(alone.svgPath));
    assert.deepEqual(await Deno.readFile(reused.pngPath), await Deno.readFile(alone.pngPath));
    assert.deepEqual(reused.mated, alone.mated);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
