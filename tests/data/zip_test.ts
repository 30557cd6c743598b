import assert from "node:assert/strict";
import { zipSync } from "fflate";
import type { ImageRecord } from "../../lib/data/_dataset.ts";
import { openZipDataset, ZipFile } from "../../lib/data/_zip.ts";
import { zip64 } from "./_archive_writers.ts";

const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

async function tempFile(data: Uint8Array, suffix = ".zip"): Promise<string> {
  const path = await Deno.makeTempFile({ suffix });
  await Deno.writeFile(path, data);
  return path;
}

async function collect(path: string): Promise<ImageRecord[]> {
  const reader = await openZipDataset(path);
  const out: ImageRecord[] = [];
  for await (const r of reader.read()) out.push(r);
  await reader.close();
  return out;
}

Deno.test("openZipDataset(path) reads <identity>/<image> under one wrapping folder, deflated and stored", async () => {
  const a = bytes(5000, 1), b = bytes(300, 2);
  const path = await tempFile(zipSync({
    "DCFace/": new Uint8Array(0),
    "DCFace/8949/35.jpg": [a, { level: 6 }],
    "DCFace/8949/notes.txt": bytes(10, 3),
    "DCFace/12/1.PNG": [b, { level: 0 }],
    "DCFace/deeper/x/2.png": bytes(4, 4),
  }));
  const records = await collect(path);
  assert.deepEqual(records.map((r) => `${r.identity}/${r.imageName}`), ["8949/35.jpg", "12/1.PNG"]);
  assert.deepEqual(records[0].bytes, a);
  assert.deepEqual(records[1].bytes, b);
  const reader = await openZipDataset(path);
  assert.equal(reader.name, path.split("/").pop()!.replace(/\.zip$/, ""));
  await reader.close();
  await Deno.remove(path);
});

Deno.test("ZipFile.open(path) reads ZIP64 central directories and extra fields", async () => {
  const a = bytes(777, 5);
  const path = await tempFile(zip64({ "alice/1.jpg": a, "bob/2.png": bytes(3, 6) }));
  const zip = await ZipFile.open(path);
  assert.deepEqual(zip.entries().map((e) => [e.path, e.compressedSize]), [["alice/1.jpg", 777], [
    "bob/2.png",
    3,
  ]]);
  assert.deepEqual(await zip.read("alice/1.jpg"), a);
  assert.equal(await zip.read("nobody/3.jpg"), undefined);
  zip.close();
  assert.deepEqual((await collect(path)).map((r) => r.identity), ["alice", "bob"]);
  await Deno.remove(path);
});

Deno.test("openZipDataset(path) skips absolute and '..' entries with a warning", async () => {
  const path = await tempFile(zipSync({
    "../evil/1.jpg": bytes(3, 1),
    "/abs/2.jpg": bytes(3, 2),
    "ok/3.jpg": bytes(3, 3),
    "ok/../../4.jpg": bytes(3, 4),
  }));
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  try {
    assert.deepEqual((await collect(path)).map((r) => `${r.identity}/${r.imageName}`), [
      "ok/3.jpg",
    ]);
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 3);
  assert.match(warnings[0], /skipped entry '\.\.\/evil\/1\.jpg'/);
  await Deno.remove(path);
});

Deno.test("ZipFile reports a truncated or corrupt archive as a SyntaxError naming archive and entry", async () => {
  const data = zipSync({
    "a/1.jpg": [bytes(4000, 7), { level: 6 }],
    "a/2.jpg": [bytes(50, 8), { level: 0 }],
  });
  const truncated = await tempFile(data.subarray(0, data.length - 30));
  await assert.rejects(
    () => ZipFile.open(truncated),
    (e) => e instanceof SyntaxError && e.message.includes(truncated),
  );
  const corrupt = data.slice();
  const at = corrupt.indexOf(0x4b, 40); // inside the first entry's deflate stream
  corrupt.fill(0xff, 40, at > 0 ? Math.min(at, 200) : 200);
  const path = await tempFile(corrupt);
  const zip = await ZipFile.open(path);
  await assert.rejects(
    () => zip.read("a/1.jpg"),
    (e) => e instanceof SyntaxError && e.message.includes("'a/1.jpg'") && e.message.includes(path),
  );
  assert.equal((await zip.read("a/2.jpg"))?.length, 50);
  zip.close();
  const records = await collect(path);
  assert.match(records[0].error ?? "", /a\/1\.jpg/);
  await Deno.remove(truncated);
  await Deno.remove(path);
});
