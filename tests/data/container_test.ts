import assert from "node:assert/strict";
import { join } from "node:path";
import { zipSync } from "fflate";
import { openImageSource } from "../../lib/data/_archive.ts";
import { type ContainerKind, openContainer } from "../../lib/data/_container.ts";
import { openDataset } from "../../lib/data/_open.ts";
import { gzip, irRecord, recordIO, tar, zip64 } from "./_archive_writers.ts";

/** Bytes that start with a JPEG signature, which a dataset reader looks at first. */
const bytes = (n: number, seed: number) =>
  Uint8Array.from(
    { length: n },
    (_, i) => (i < 3 ? [0xff, 0xd8, 0xff][i]! : (i * 11 + seed) & 255),
  );

/** One dataset, in code-point order of its paths (the order every kind lists it in). */
const files: [string, Uint8Array][] = [
  ["alice/1.jpg", bytes(700, 1)],
  ["alice/2.PNG", bytes(0, 2)],
  ["bob/3.jpeg", bytes(1500, 3)],
  ["carol/4.jpg", bytes(513, 4)],
];

/** The dataset written as every container kind: [path, kind]. */
async function writeEveryKind(dir: string): Promise<[string, ContainerKind][]> {
  for (const [p, data] of files) {
    await Deno.mkdir(join(dir, "folder", p, ".."), { recursive: true });
    await Deno.writeFile(join(dir, "folder", p), data);
  }
  const raw = tar(files);
  await Deno.writeFile(join(dir, "set.zip"), zipSync(Object.fromEntries(files)));
  await Deno.writeFile(join(dir, "set64.zip"), zip64(Object.fromEntries(files)));
  await Deno.writeFile(join(dir, "set.tar"), raw);
  await Deno.writeFile(join(dir, "set.tar.gz"), await gzip(raw));
  await Deno.writeFile(join(dir, "set.tgz"), await gzip(raw));
  await Deno.mkdir(join(dir, "rec"));
  const { rec, offsets } = recordIO(files.map(([, data], k) => irRecord(k, data)));
  await Deno.writeFile(join(dir, "rec", "set.rec"), rec);
  await Deno.writeTextFile(
    join(dir, "rec", "set.idx"),
    offsets.map((o, k) => `${k}\t${o}\n`).join(""),
  );
  await Deno.writeTextFile(
    join(dir, "rec", "list.txt"),
    files.map(([p], k) => `${k}\t${p}\n`).join(""),
  );
  return [
    [join(dir, "folder"), "folder"],
    [join(dir, "set.zip"), "zip"],
    [join(dir, "set64.zip"), "zip"],
    [join(dir, "set.tar"), "tar"],
    [join(dir, "set.tar.gz"), "tar.gz"],
    [join(dir, "set.tgz"), "tar.gz"],
    [join(dir, "rec", "set.rec"), "recordio"],
  ];
}

Deno.test("openContainer(path) gives the same entries and bytes for one dataset in every kind", async () => {
  const dir = await Deno.makeTempDir();
  const paths = files.map(([p]) => p);
  for (const [path, kind] of await writeEveryKind(dir)) {
    const container = await openContainer(path);
    assert.equal(container.kind, kind, path);
    assert.deepEqual(await container.list(), paths, path);
    for (const [p, data] of files) assert.deepEqual(await container.read(p), data, `${path} ${p}`);
    assert.equal(await container.read("alice/9.jpg"), undefined, path);
    const many = await container.readMany(["carol/4.jpg", "nobody/5.jpg", "alice/1.jpg"]);
    assert.deepEqual([...many.keys()].sort(), ["alice/1.jpg", "carol/4.jpg"], path);
    assert.deepEqual(many.get("carol/4.jpg"), files[3]![1], path);
    const streamed = [];
    for await (const r of container.stream({ filter: (p) => p !== "bob/3.jpeg" })) {
      streamed.push([r.path, r.bytes]);
    }
    assert.deepEqual(streamed, files.filter(([p]) => p !== "bob/3.jpeg"), path);
    await container.close();
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openDataset(path) gives the same keys and records for one dataset in every kind", async () => {
  const dir = await Deno.makeTempDir();
  const keys = files.map(([p]) => p);
  for (const [path] of await writeEveryKind(dir)) {
    const reader = await openDataset(path);
    assert.deepEqual((await reader.list()).map((k) => `${k.identity}/${k.imageName}`), keys, path);
    const records = [];
    for await (const r of reader.read({ skip: (k) => k.identity === "alice" })) {
      records.push([`${r.identity}/${r.imageName}`, r.bytes]);
    }
    assert.deepEqual(records, files.slice(2), path);
    await reader.close();
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openDataset and openImageSource give the same error for an unknown extension and a missing path", async () => {
  const dir = await Deno.makeTempDir();
  const unknown = join(dir, "set.7z");
  await Deno.writeFile(unknown, new Uint8Array([1, 2, 3]));
  const missing = join(dir, "nowhere.zip");
  const halfRecordIO = join(dir, "train.rec");
  await Deno.writeFile(halfRecordIO, new Uint8Array(8));
  const openers = [openContainer, openDataset, openImageSource];
  const messages = async (path: string, type: ErrorConstructor | typeof Deno.errors.NotFound) => {
    const out: string[] = [];
    for (const open of openers) {
      await assert.rejects(() => open(path), (e) => {
        assert.ok(e instanceof type, `${open.name}: ${e}`);
        out.push((e as Error).message);
        return true;
      });
    }
    assert.equal(new Set(out).size, 1, out.join("\n"));
    return out[0]!;
  };
  assert.equal(
    await messages(unknown, TypeError),
    `Cannot open ${unknown} as a dataset: expected a folder of identity sub-folders, or a .zip, .tar, .tar.gz, .tgz or .rec archive, current value is a file`,
  );
  assert.equal(
    await messages(missing, Deno.errors.NotFound),
    `Cannot open the dataset ${missing}: it does not exist (expected a folder of identity sub-folders, or a .zip, .tar, .tar.gz, .tgz or .rec archive)`,
  );
  assert.match(
    await messages(halfRecordIO, Deno.errors.NotFound),
    /train\.idx does not exist \(a RecordIO dataset is a \.rec file with its \.idx beside it\)/,
  );
  await Deno.remove(dir, { recursive: true });
});
