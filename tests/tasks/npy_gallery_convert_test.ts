import assert from "node:assert/strict";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { embeddingSet, writeNpy } from "../../lib/embeddings/mod.ts";
import { runLeakage } from "../../lib/tasks/mod.ts";

/** `vectors` as numpy's `np.save` writes a float64 C-order matrix. */
function float64Npy(vectors: Float64Array, rows: number, dim: number): Uint8Array {
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const out = new Uint8Array(total + vectors.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, total - 10, true);
  out.set(new TextEncoder().encode(dict.padEnd(total - 11, " ") + "\n"), 10);
  out.set(new Uint8Array(vectors.buffer), total);
  return out;
}

Deno.test("runLeakage with a float64 .npy gallery says it converts it and finds what the float32 gallery finds", async () => {
  const dir = await Deno.makeTempDir();
  const rows = 40, dim = 8;
  const g = new Float64Array(rows * dim).map((_, i) => Math.sin(i * 1.7));
  for (let r = 0; r < rows; r++) {
    const n = Math.hypot(...g.subarray(r * dim, (r + 1) * dim));
    for (let i = r * dim; i < (r + 1) * dim; i++) g[i] = g[i]! / n;
  }
  const identities = Array.from({ length: rows }, (_, i) => `c${i}`);
  const names = identities.map(() => "0.jpg");
  await writeNpy(`${dir}/G32.npy`, embeddingSet(identities, names, Float32Array.from(g), dim));
  await Deno.writeFile(`${dir}/G64.npy`, float64Npy(g, rows, dim));
  await Deno.copyFile(`${dir}/G32.labels.tsv`, `${dir}/G64.labels.tsv`);
  const lines = Array.from({ length: 10 }, (_, q) => {
    const v = Array.from(g.subarray(q * 3 * dim, (q * 3 + 1) * dim), (x) => x + 0.01);
    return JSON.stringify({ identity: `s${q}`, image_name: "0.jpg", embedding: v });
  });
  await Deno.writeTextFile(`${dir}/S.jsonl`, lines.join("\n") + "\n");
  const run = async (gallery: string) => {
    const reporter = memoryReporter();
    const { best } = await runLeakage({
      input: `${dir}/S.jsonl`,
      casia: gallery,
      nComparisons: 10,
      outDir: `${dir}/out-${gallery.slice(-7, -4)}`,
      figure: false,
      reporter,
    });
    return { best, reporter };
  };
  const f32 = await run(`${dir}/G32.npy`);
  const f64 = await run(`${dir}/G64.npy`);
  assert.ok(f64.reporter.infos.includes(`${dir}/G64.npy: float64 values rounded to float32`));
  assert.ok(!f32.reporter.infos.some((l) => l.includes("rounded to float32")));
  assert.deepEqual(Array.from(f64.best.gallery), Array.from(f32.best.gallery));
  assert.deepEqual(Array.from(f64.best.scores), Array.from(f32.best.scores));
  assert.deepEqual(Array.from(f32.best.gallery), Array.from(f32.best.queries, (q) => q * 3));
  await Deno.remove(dir, { recursive: true });
});
