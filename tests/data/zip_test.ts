import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { memoryReporter, type Reporter } from "../../lib/cli/mod.ts";
import type { ImageRecord } from "../../lib/data/_dataset.ts";
import { openDataset } from "../../lib/data/_open.ts";
import { ZipReader } from "../../lib/data/_zip.ts";
import { zip64 } from "./_archive_writers.ts";
import { datasetNameOf } from "../../lib/formats/mod.ts";

/** Bytes that start with a JPEG signature, which a dataset reader looks at first. */
const bytes = (n: number, seed: number) =>
  Uint8Array.from(
    { length: n },
    (_, i) => (i < 3 ? [0xff, 0xd8, 0xff][i]! : (i * 31 + seed) & 255),
  );

async function tempFile(data: Uint8Array, suffix = ".zip"): Promise<string> {
  const path = await Deno.makeTempFile({ suffix });
  await Deno.writeFile(path, data);
  return path;
}

async function collect(path: string, reporter?: Reporter): Promise<ImageRecord[]> {
  const reader = await openDataset(path, reporter ? { reporter } : {});
  const out: ImageRecord[] = [];
  for await (const r of reader.read()) out.push(r);
  await reader.close();
  return out;
}

Deno.test("openDataset(zip) reads <identity>/<image> under one wrapping folder, deflated and stored", async () => {
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
  assert.deepEqual(records[0]?.bytes, a);
  assert.deepEqual(records[1]?.bytes, b);
  const reader = await openDataset(path);
  assert.equal(datasetNameOf(path), path.split("/").pop()!.replace(/\.zip$/, ""));
  await reader.close();
  await Deno.remove(path);
});

Deno.test("ZipReader.open(path) reads ZIP64 central directories and extra fields", async () => {
  const a = bytes(777, 5);
  const path = await tempFile(zip64({ "alice/1.jpg": a, "bob/2.png": bytes(3, 6) }));
  const zip = await ZipReader.open(path);
  assert.deepEqual(zip.entries().map((e) => [e.name, e.compressedSize]), [["alice/1.jpg", 777], [
    "bob/2.png",
    3,
  ]]);
  assert.deepEqual(zip.read("alice/1.jpg"), a);
  assert.throws(() => zip.read("nobody/3.jpg"), RangeError);
  zip.close();
  assert.deepEqual((await collect(path)).map((r) => r.identity), ["alice", "bob"]);
  await Deno.remove(path);
});

Deno.test("openDataset(zip) skips absolute and '..' entries with a warning", async () => {
  const path = await tempFile(zipSync({
    "../evil/1.jpg": bytes(3, 1),
    "/abs/2.jpg": bytes(3, 2),
    "ok/3.jpg": bytes(3, 3),
    "ok/../../4.jpg": bytes(3, 4),
  }));
  const reporter = memoryReporter();
  assert.deepEqual((await collect(path, reporter)).map((r) => `${r.identity}/${r.imageName}`), [
    "ok/3.jpg",
  ]);
  const warnings = [...reporter.warnings().keys()];
  assert.equal(warnings.length, 3);
  assert.equal(
    warnings[0],
    `${path}: skipped entry '../evil/1.jpg' (absolute path or '..' segment)`,
  );
  await Deno.remove(path);
});

Deno.test("ZipReader.open(path) reports a truncated or corrupt archive as a SyntaxError naming archive and entry", async () => {
  const data = zipSync({
    "a/1.jpg": [bytes(4000, 7), { level: 6 }],
    "a/2.jpg": [bytes(50, 8), { level: 0 }],
  });
  const truncated = await tempFile(data.subarray(0, data.length - 30));
  await assert.rejects(
    () => ZipReader.open(truncated),
    (e) => e instanceof SyntaxError && e.message.includes(truncated),
  );
  const corrupt = data.slice();
  const at = corrupt.indexOf(0x4b, 40); // inside the first entry's deflate stream
  corrupt.fill(0xff, 40, at > 0 ? Math.min(at, 200) : 200);
  const path = await tempFile(corrupt);
  const zip = await ZipReader.open(path);
  assert.throws(
    () => zip.read("a/1.jpg"),
    (e) => e instanceof SyntaxError && e.message.includes("'a/1.jpg'") && e.message.includes(path),
  );
  assert.equal(zip.read("a/2.jpg").length, 50);
  zip.close();
  const records = await collect(path);
  assert.match(records[0]?.error ?? "", /a\/1\.jpg/);
  await Deno.remove(truncated);
  await Deno.remove(path);
});
