import { deepStrictEqual as assertEquals, rejects as assertRejects } from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import type { ImageKey } from "../../lib/data/_dataset.ts";
import { readJsonLines } from "../../lib/embeddings/_jsonl.ts";
import { labelsPath, readNpy } from "../../lib/embeddings/_npy.ts";
import { openEmbeddingWriter } from "../../lib/embeddings/_writer.ts";

const DIM = 4;
const keys: ImageKey[] = Array.from(
  { length: 10 },
  (_, i) => ({ identity: `p${i % 3}`, imageName: `${i}.png` }),
);
const rows = (from: number, to: number) => {
  const v = new Float32Array((to - from) * DIM);
  for (let i = 0; i < v.length; i++) v[i] = (from * DIM + i) / 64;
  return v;
};

Deno.test("openEmbeddingWriter(out) resumes after a line cut by a kill, without duplicates", async () => {
  const dir = await Deno.makeTempDir();
  const out = `${dir}/E.jsonl`;
  let w = await openEmbeddingWriter(out, { dim: DIM, formats: ["jsonl", "npy"] });
  await w.append(keys.slice(0, 4), rows(0, 4));
  await w.append(keys.slice(4, 6), rows(4, 6));
  await w.close();
  // A kill in the middle of the next batch: half a line in the JSON, a longer matrix.
  await Deno.writeTextFile(out, '{"identity": "p0", "image_na', { append: true });
  w = await openEmbeddingWriter(out, { dim: DIM, formats: ["jsonl", "npy"] });
  assertEquals(w.resumedRows, 6);
  assertEquals(w.has(keys[5]!), true);
  assertEquals(w.has(keys[6]!), false);
  await w.append(keys.slice(6), rows(6, 10));
  await w.close();
  const { set } = await readJsonLines(out);
  assertEquals(set.imageNames, keys.map((k) => k.imageName));
  const npy = await readNpy(`${dir}/E.npy`);
  assertEquals(npy.imageNames, keys.map((k) => k.imageName));
  assertEquals(npy.vectors, rows(0, 10));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openEmbeddingWriter(out) completes each format after a kill between the two writes", async () => {
  const dir = await Deno.makeTempDir();
  const out = `${dir}/E.jsonl`;
  let w = await openEmbeddingWriter(out, { dim: DIM, formats: ["jsonl", "npy"] });
  await w.append(keys.slice(0, 5), rows(0, 5));
  await w.close();
  // Killed after the JSON write of the next batch but before the binary one.
  w = await openEmbeddingWriter(out, { dim: DIM, formats: ["jsonl"] });
  await w.append(keys.slice(5, 7), rows(5, 7));
  await w.close();
  w = await openEmbeddingWriter(out, { dim: DIM, formats: ["jsonl", "npy"] });
  assertEquals(w.resumedRows, 5);
  await w.append(keys.slice(5), rows(5, 10));
  await w.close();
  assertEquals((await readJsonLines(out)).set.identities.length, 10);
  assertEquals((await readNpy(`${dir}/E.npy`)).vectors, rows(0, 10));
  const labels = (await Deno.readTextFile(labelsPath(`${dir}/E.npy`))).trim().split("\n");
  assertEquals(labels.length, 11);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openEmbeddingWriter(out, { overwrite: true }) starts over", async () => {
  const dir = await Deno.makeTempDir();
  const out = `${dir}/E.npy`;
  let w = await openEmbeddingWriter(out, { dim: DIM, formats: ["npy"] });
  await w.append(keys.slice(0, 3), rows(0, 3));
  await w.close();
  w = await openEmbeddingWriter(out, { dim: DIM, formats: ["npy"], overwrite: true });
  assertEquals(w.resumedRows, 0);
  await w.append(keys.slice(3, 4), rows(3, 4));
  await w.close();
  assertEquals((await readNpy(out)).imageNames, ["3.png"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openEmbeddingWriter(out) gives each format only the rows it lacks", async () => {
  const dir = await Deno.makeTempDir();
  const out = `${dir}/E.jsonl`;
  const quiet = memoryReporter();
  let w = await openEmbeddingWriter(out, { dim: DIM, reporter: quiet });
  await w.append(keys, rows(0, 10));
  await w.close();
  const jsonl = await Deno.readFile(out);
  w = await openEmbeddingWriter(out, { dim: DIM, formats: ["jsonl", "npy"], reporter: quiet });
  assertEquals(w.resumedRows, 0);
  assertEquals(w.rowsByFormat, [10, 0]);
  assertEquals(w.has(keys[0]!), false, "an image not in every format is still to do");
  await w.append(keys.slice(0, 6), rows(0, 6));
  await w.close();
  assertEquals(await Deno.readFile(out), jsonl, "the complete JSON lines are not touched");
  w = await openEmbeddingWriter(out, { dim: DIM, formats: ["jsonl", "npy"], reporter: quiet });
  assertEquals(w.rowsByFormat, [10, 6]);
  await w.append(keys.slice(6), rows(6, 10));
  await w.close();
  assertEquals((await readNpy(`${dir}/E.npy`)).vectors, rows(0, 10));
  assertEquals(await Deno.readFile(out), jsonl);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openEmbeddingWriter(out) refuses damaged labels, naming the file and line", async () => {
  const dir = await Deno.makeTempDir();
  const out = `${dir}/E.npy`;
  const quiet = memoryReporter();
  const w = await openEmbeddingWriter(out, { dim: DIM, formats: ["npy"], reporter: quiet });
  await w.append(keys.slice(0, 4), rows(0, 4));
  await w.close();
  const lpath = labelsPath(out);
  const good = await Deno.readTextFile(lpath);
  const lines = good.split("\n");
  const open = () => openEmbeddingWriter(out, { dim: DIM, formats: ["npy"], reporter: quiet });
  // Every label twice, as two runs on one output wrote them.
  await Deno.writeTextFile(lpath, good + lines.slice(1).join("\n"));
  await assertRejects(open(), /E\.labels\.tsv: line 6 repeats p0\/0\.png of line 2/);
  await Deno.writeTextFile(
    lpath,
    [...lines.slice(0, 2), "no tab here", ...lines.slice(3)].join("\n"),
  );
  await assertRejects(open(), /E\.labels\.tsv: line 3 must be <identity><TAB><image_name>/);
  // Fewer labels than the header's rows: not a torn batch, the output was damaged.
  await Deno.writeTextFile(lpath, lines.slice(0, 3).join("\n") + "\n");
  await assertRejects(open(), /header says 4 rows but .*E\.labels\.tsv holds 2 labels/);
  await Deno.writeTextFile(lpath, "");
  await assertRejects(open(), /E\.labels\.tsv: line 1 must be the header/);
  await Deno.remove(lpath);
  await assertRejects(open(), /its partner .*E\.labels\.tsv is missing/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test({
  name:
    "openEmbeddingWriter(out) refuses an output that is a character device instead of reading it forever",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const out = join(dir, "E.jsonl");
      await Deno.symlink("/dev/zero", out);
      await assertRejects(
        openEmbeddingWriter(out),
        (e: Error) =>
          e instanceof TypeError &&
          e.message === `Cannot write embeddings to ${out}: it is not a regular file (a folder, ` +
              "device or FIFO); name a file with --out",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
