import { deepStrictEqual as assertEquals, rejects } from "node:assert/strict";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { openDataset } from "../../lib/data/_open.ts";
import { datasetNameOf } from "../../lib/formats/mod.ts";

Deno.test("openDataset(folder) lists identity images in sorted order, ignoring other files", async () => {
  const dir = await Deno.makeTempDir();
  for (const id of ["b", "a", "empty"]) await Deno.mkdir(`${dir}/${id}`);
  for (const f of ["b/2.jpeg", "b/1.JPG", "a/x.png", "a/readme.txt"]) {
    await Deno.writeFile(`${dir}/${f}`, new Uint8Array([7]));
  }
  await Deno.mkdir(`${dir}/a/nested`);
  await Deno.writeFile(`${dir}/a/nested/deep.png`, new Uint8Array([1]));
  await Deno.writeFile(`${dir}/loose.png`, new Uint8Array([1]));
  const reporter = memoryReporter();
  const reader = await openDataset(dir, { reporter });
  assertEquals(datasetNameOf(dir), dir.split("/").pop());
  assertEquals((await reader.list()).map((k) => `${k.identity}/${k.imageName}`), [
    "a/x.png",
    "b/1.JPG",
    "b/2.jpeg",
  ]);
  assertEquals([...reporter.warnings().keys()], [
    `${dir}/empty: identity folder holds no .png/.jpg/.jpeg image`,
  ]);
  const seen: string[] = [];
  for await (const r of reader.read({ skip: (k) => k.imageName === "x.png" })) {
    seen.push(`${r.identity}/${r.imageName}:${r.bytes?.length}`);
  }
  assertEquals(seen, ["b/1.JPG:1", "b/2.jpeg:1"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openDataset(folder) reports an unreadable image as a record error", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/a`);
  await Deno.writeFile(`${dir}/a/1.png`, new Uint8Array([1]));
  const reader = await openDataset(dir);
  await reader.list();
  await Deno.remove(`${dir}/a/1.png`);
  const records = [];
  for await (const r of reader.read()) records.push(r);
  assertEquals(records.length, 1);
  assertEquals(typeof records[0]?.error, "string");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openDataset(path) says what was expected for a missing path", async () => {
  await rejects(
    openDataset("/nonexistent/dataset"),
    /does not exist \(expected a folder of identity sub-folders/,
  );
});
