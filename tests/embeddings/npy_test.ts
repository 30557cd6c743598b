import { deepStrictEqual as assertEquals, rejects, throws } from "node:assert/strict";
import { embeddingSet } from "../../lib/embeddings/_embedding_set.ts";
import { checkLabel, labelsPath, readNpy, writeNpy } from "../../lib/embeddings/_npy.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

function sample(rows: number, dim: number) {
  const v = new Float32Array(rows * dim);
  for (let i = 0; i < v.length; i++) v[i] = Math.cos(i) / 3;
  return embeddingSet(
    Array.from({ length: rows }, (_, i) => `id ${i % 3}`),
    Array.from({ length: rows }, (_, i) => `img,${i}.jpg`),
    v,
    dim,
  );
}

Deno.test("writeNpy(path, set) then readNpy(path) returns the same set", async () => {
  const dir = await Deno.makeTempDir();
  const set = sample(17, 512);
  await writeNpy(`${dir}/x.npy`, set);
  assertEquals(await readNpy(`${dir}/x.npy`), set);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readNpy(path) rejects a truncated matrix and a label count mismatch", async () => {
  const dir = await Deno.makeTempDir();
  await writeNpy(`${dir}/x.npy`, sample(4, 8));
  const bytes = await Deno.readFile(`${dir}/x.npy`);
  await Deno.writeFile(`${dir}/x.npy`, bytes.subarray(0, bytes.length - 4));
  await rejects(readNpy(`${dir}/x.npy`), /header says 4 x 8 float32/);
  await Deno.writeFile(`${dir}/x.npy`, bytes);
  const labels = await Deno.readTextFile(labelsPath(`${dir}/x.npy`));
  await Deno.writeTextFile(labelsPath(`${dir}/x.npy`), labels.split("\n").slice(0, 3).join("\n"));
  await rejects(readNpy(`${dir}/x.npy`), /4 rows but .* has 2 labels/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkLabel(label) refuses tabs and line breaks", () => {
  throws(() => checkLabel("a\tb"), RangeError);
  assertEquals(checkLabel("a,b c"), "a,b c");
});

Deno.test({
  name: "writeNpy(path, set) output opens with one line of numpy and pandas-free csv",
  ignore: skipUnlessPython("numpy"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const set = sample(5, 512);
    await writeNpy(`${dir}/x.npy`, set);
    const out = await runPython([
      "-c",
      `import numpy as np, csv; a = np.load("${dir}/x.npy"); ` +
      `l = list(csv.reader(open("${dir}/x.labels.tsv"), delimiter="\\t")); ` +
      `print(a.shape, a.dtype, float(a[4, 511]), l[0], l[5])`,
    ]);
    assertEquals(
      out.trim(),
      `(5, 512) float32 ${
        set.vectors[4 * 512 + 511]
      } ['identity', 'image_name'] ['id 1', 'img,4.jpg']`,
    );
    await Deno.remove(dir, { recursive: true });
  },
});
