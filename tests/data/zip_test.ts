import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { memoryReporter, type Reporter } from "../../lib/cli/mod.ts";
import type { ImageRecord } from "../../lib/data/_dataset.ts";
import { openDataset } from "../../lib/data/_open.ts";
import { ZipReader } from "../../lib/data/_zip.ts";
import { zip64 } from "./_archive_writers.ts";
import { datasetNameOf } from "../../lib/formats/mod.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

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

/** Runs Python's zipfile on an archive: each entry's 4th byte, or the BadZipFile message. */
const ZIPFILE_READ = `
import json, sys, zipfile
out = {}
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        try:
            out[name] = z.read(name)[3]
        except zipfile.BadZipFile as e:
            out[name] = str(e)
print(json.dumps(out))`;

Deno.test({
  name: "openDataset(zip) refuses an entry that points at another entry's data as zipfile does",
  ignore: skipUnlessPython(),
  async fn() {
    const a = bytes(4000, 1);
    const good = zipSync({
      "Set/a/1.jpg": [a, { level: 0 }],
      "Set/b/2.jpg": [bytes(900, 2), { level: 0 }],
    });
    // A third central-directory record, "Set/c/3.jpg", pointing at the local header of 1.jpg.
    const view = new DataView(good.buffer);
    const eocd = good.length - 22;
    const cdOffset = view.getUint32(eocd + 16, true);
    const cdSize = view.getUint32(eocd + 12, true);
    const first = good.slice(
      cdOffset,
      cdOffset + 46 + view.getUint16(cdOffset + 28, true) +
        view.getUint16(cdOffset + 30, true) + view.getUint16(cdOffset + 32, true),
    );
    const copy = new Uint8Array(first);
    new TextEncoder().encodeInto("Set/c/3.jpg", copy.subarray(46));
    const out = new Uint8Array(good.length + copy.length);
    out.set(good.subarray(0, cdOffset + cdSize));
    out.set(copy, cdOffset + cdSize);
    out.set(good.subarray(eocd), cdOffset + cdSize + copy.length);
    const outView = new DataView(out.buffer);
    const newEocd = out.length - 22;
    outView.setUint16(newEocd + 8, 3, true);
    outView.setUint16(newEocd + 10, 3, true);
    outView.setUint32(newEocd + 12, cdSize + copy.length, true);
    const path = await tempFile(out);
    const python = JSON.parse(await runPython(["-c", ZIPFILE_READ, path]));
    assert.deepEqual(python, {
      "Set/a/1.jpg": a[3],
      "Set/b/2.jpg": bytes(900, 2)[3],
      "Set/c/3.jpg": "File name in directory 'Set/c/3.jpg' and header b'Set/a/1.jpg' differ.",
    });
    const records = await collect(path);
    assert.deepEqual(records.map((r) => [r.imageName, r.bytes?.[3] ?? r.error]), [
      ["1.jpg", a[3]],
      ["2.jpg", bytes(900, 2)[3]],
      [
        "3.jpg",
        `Cannot read entry 'Set/c/3.jpg' of ${path}: its local header names 'Set/a/1.jpg' ` +
        "(zipfile raises BadZipFile: File name in directory and header differ)",
      ],
    ]);
    await Deno.remove(path);
  },
});

Deno.test({
  name:
    "ZipReader refuses overlapped entries (same name, data running into the next header) as zipfile",
  ignore: skipUnlessPython(),
  async fn() {
    // Two records for one local header: zipfile gives the second the first one's offset as its
    // end, and reads the second for the name (the last record of a name wins), so reading
    // the name raises "Overlapped entries".
    const zip = zipSync({ "a/1.jpg": [bytes(3000, 4), { level: 0 }] });
    const view = new DataView(zip.buffer);
    const eocd = zip.length - 22;
    const cdOffset = view.getUint32(eocd + 16, true);
    const cdSize = view.getUint32(eocd + 12, true);
    const record = zip.slice(cdOffset, cdOffset + cdSize);
    const out = new Uint8Array(zip.length + record.length);
    out.set(zip.subarray(0, cdOffset + cdSize));
    out.set(record, cdOffset + cdSize);
    out.set(zip.subarray(eocd), cdOffset + 2 * cdSize);
    const v = new DataView(out.buffer);
    v.setUint16(out.length - 22 + 8, 2, true);
    v.setUint16(out.length - 22 + 10, 2, true);
    v.setUint32(out.length - 22 + 12, 2 * cdSize, true);
    const path = await tempFile(out);
    const python = await runPython([
      "-c",
      `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
try:
    z.read("a/1.jpg"); print("read")
except zipfile.BadZipFile as e:
    print(e)`,
      path,
    ]);
    assert.equal(python.trim(), "Overlapped entries: 'a/1.jpg' (possible zip bomb)");
    const reader = await ZipReader.open(path);
    assert.throws(() => reader.read("a/1.jpg"), (e) => {
      assert.ok(e instanceof SyntaxError);
      assert.match(
        e.message,
        new RegExp(`^Cannot read entry 'a/1.jpg' of ${path}: Overlapped entries`),
      );
      return true;
    });
    reader.close();
    await Deno.remove(path);
  },
});

Deno.test("openDataset(zip) reads a macOS zip (__MACOSX/, ._*, .DS_Store) and resolves duplicates to the last", async () => {
  const path = await tempFile(zipSync({
    "Set/": new Uint8Array(0),
    "Set/a/1.jpg": bytes(50, 1),
    "Set/a/.DS_Store": bytes(10, 2),
    "__MACOSX/Set/a/._1.jpg": new Uint8Array([0, 5, 22, 7]),
    "Set/b/2.jpg": bytes(60, 3),
  }));
  const reporter = memoryReporter();
  const reader = await openDataset(path, { reporter });
  assert.deepEqual((await reader.list()).map((k) => `${k.identity}/${k.imageName}`), [
    "a/1.jpg",
    "b/2.jpg",
  ]);
  assert.deepEqual(await reader.skipped(), []);
  await reader.close();
  assert.equal(reporter.warnings().size, 0);
  await Deno.remove(path);
});

Deno.test({
  name:
    "openDataset(zip) refuses a 1 GiB run of zeros named .jpg after its first bytes, in little memory",
  ignore: skipUnlessPython(),
  async fn() {
    const path = await Deno.makeTempFile({ suffix: ".zip" });
    await runPython([
      "-c",
      `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("Set/a/zeros.jpg", "w", force_zip64=True) as f:
        chunk = bytes(1 << 24)
        for _ in range(64):
            f.write(chunk)
    z.writestr("Set/a/1.jpg", b"\\xff\\xd8\\xff" + bytes(10))`,
      path,
    ]);
    const before = Deno.memoryUsage().rss;
    const records = await collect(path);
    const grown = Deno.memoryUsage().rss - before;
    assert.deepEqual(records.map((r) => [r.imageName, r.error ?? r.bytes?.length]), [
      [
        "zeros.jpg",
        "not an image: its first bytes are 00 00 00 00, no signature of an image format (PNG, JPEG, GIF, BMP, WebP, TIFF)",
      ],
      ["1.jpg", 13],
    ]);
    assert.ok(grown < 64 * 2 ** 20, `memory grew by ${grown} bytes`);
    await Deno.remove(path);
  },
});

Deno.test({
  name:
    "openDataset(zip) decodes entry names as zipfile: UTF-8 with flag bit 11, else code page 437",
  ignore: skipUnlessPython(),
  async fn() {
    const path = await Deno.makeTempFile({ suffix: ".zip" });
    await runPython([
      "-c",
      `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("Set/Jos\\u00e9/1.jpg", b"\\xff\\xd8\\xff\\x01")
    info = zipfile.ZipInfo("Set/x/2.jpg")
    z.writestr(info, b"\\xff\\xd8\\xff\\x02")
data = bytearray(open(sys.argv[1], "rb").read())
# A name without the UTF-8 flag holding byte 0x82 (cp437: "é"), in both headers.
data = data.replace(b"Set/x/2.jpg", b"Set/\\x82/2.jpg")
open(sys.argv[1], "wb").write(data)
print([i.filename for i in zipfile.ZipFile(sys.argv[1]).infolist()])`,
      path,
    ]);
    const python = JSON.parse(
      await runPython([
        "-c",
        `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps([[i.filename, z.read(i)[3]] for i in z.infolist()]))`,
        path,
      ]),
    );
    assert.deepEqual(python, [["Set/José/1.jpg", 1], ["Set/é/2.jpg", 2]]);
    const records = await collect(path);
    assert.deepEqual(
      records.map((r) => [`Set/${r.identity}/${r.imageName}`, r.bytes?.[3]]),
      python,
    );
    await Deno.remove(path);
  },
});

Deno.test({
  name: "openDataset(zip) gives one row for a name stored twice, the last one, as zipfile.read",
  ignore: skipUnlessPython(),
  async fn() {
    const path = await Deno.makeTempFile({ suffix: ".zip" });
    const python = await runPython([
      "-c",
      `
import sys, warnings, zipfile
warnings.simplefilter("ignore")
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("a/1.jpg", b"\\xff\\xd8\\xff\\x01")
    z.writestr("b/2.jpg", b"\\xff\\xd8\\xff\\x02")
    z.writestr("a/1.jpg", b"\\xff\\xd8\\xff\\x09")
z = zipfile.ZipFile(sys.argv[1])
print(len(z.namelist()), z.read("a/1.jpg")[3])`,
      path,
    ]);
    assert.equal(python.trim(), "3 9");
    const reader = await openDataset(path, { reporter: memoryReporter() });
    const records: ImageRecord[] = [];
    for await (const r of reader.read()) records.push(r);
    assert.deepEqual(records.map((r) => [`${r.identity}/${r.imageName}`, r.bytes?.[3]]), [
      ["a/1.jpg", 9],
      ["b/2.jpg", 2],
    ]);
    assert.deepEqual(await reader.skipped(), [{
      reason:
        "a second member with the same path (the last one is read, as Python's zipfile and tarfile do)",
      count: 1,
      example: "a/1.jpg",
    }]);
    await reader.close();
    await Deno.remove(path);
  },
});
