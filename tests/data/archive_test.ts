import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { openImageSource, resolveImagePath } from "../../lib/data/_archive.ts";
import { gzip, irRecord, recordIO, tar } from "./_archive_writers.ts";

const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);
const files = [
  ["CASIA/0424848/image_191979.jpg", bytes(40, 1)],
  ["CASIA/0000045/image_2.jpg", bytes(41, 2)],
  ["CASIA/0000045/IMAGE_3.JPG", bytes(42, 3)],
] as const;

async function makeSources(dir: string): Promise<string[]> {
  for (const [p, data] of files) {
    await Deno.mkdir(`${dir}/folder/${p.slice(0, p.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeFile(`${dir}/folder/${p}`, data);
  }
  await Deno.writeFile(`${dir}/casia.zip`, zipSync(Object.fromEntries(files)));
  await Deno.writeFile(`${dir}/casia.tar`, tar(files));
  await Deno.writeFile(`${dir}/casia.tar.gz`, await gzip(tar(files)));
  return [`${dir}/folder`, `${dir}/casia.zip`, `${dir}/casia.tar`, `${dir}/casia.tar.gz`];
}

Deno.test("openImageSource(path) reads entries by path from folders, zip, tar and tar.gz alike", async () => {
  const dir = await Deno.makeTempDir();
  for (const path of await makeSources(dir)) {
    const source = await openImageSource(path);
    assert.deepEqual((await source.paths()).sort(), files.map(([p]) => p).sort(), path);
    assert.deepEqual(await source.get("CASIA/0000045/image_2.jpg"), files[1][1], path);
    assert.equal(await source.get("CASIA/0000045/image_9.jpg"), undefined, path);
    assert.equal(await source.get("../casia.zip"), undefined, path);
    // The published paths lack the wrapping folder; the file-name fallback ignores case.
    assert.equal(await source.resolve("0424848/image_191979.jpg"), files[0][0], path);
    assert.equal(await source.resolve("9999999/image_3.jpg"), files[2][0], path);
    assert.equal(await source.resolve("9999999/missing.jpg"), undefined, path);
    const many = await source.getMany([files[0][0], files[2][0], "nope/1.jpg"]);
    assert.deepEqual([...many.keys()].sort(), [files[0][0], files[2][0]].sort(), path);
    assert.deepEqual(many.get(files[2][0]), files[2][1]);
    await source.close();
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openImageSource(rec) serves <label>/<key>.jpg and resolves image_<key>.jpg by record key", async () => {
  const dir = await Deno.makeTempDir();
  const { rec, offsets } = recordIO([
    irRecord([3, 3], new Uint8Array(0)),
    irRecord(45, bytes(10, 1)),
    irRecord(424848, bytes(11, 2)),
  ]);
  await Deno.writeFile(`${dir}/train.rec`, rec);
  await Deno.writeTextFile(
    `${dir}/train.idx`,
    `1\t${offsets[1]}\n2\t${offsets[2]}\n0\t${offsets[0]}\n`,
  );
  const source = await openImageSource(`${dir}/train.rec`);
  assert.deepEqual(await source.paths(), ["45/1.jpg", "424848/2.jpg"]);
  assert.deepEqual(await source.get("424848/2.jpg"), bytes(11, 2));
  assert.equal(await source.get("45/2.jpg"), undefined);
  assert.equal(await source.resolve("0424848/image_2.jpg"), "424848/2.jpg");
  await source.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("resolveImagePath(paths, wanted) searches only the deepest folders, then by substring", () => {
  const paths = ["top.jpg", "a/b/c/1.jpg", "a/b/d/photo_77.png", "a/x/1.jpg"];
  assert.equal(resolveImagePath(paths, "q/1.jpg"), "a/b/c/1.jpg");
  assert.equal(resolveImagePath(paths, "q/77.png"), "a/b/d/photo_77.png");
  assert.equal(resolveImagePath(paths, "top.jpg"), "top.jpg");
  assert.equal(resolveImagePath(paths, "q/zzz.gif"), undefined);
});
