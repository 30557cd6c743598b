import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { openZip, ZipReader } from "../../lib/data/_zip.ts";
import { zip64 } from "./_archive_writers.ts";

const encoder = new TextEncoder();

/** CRC-32 (IEEE), for the hand-built archives below. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A stored-only zip laid out like PyTorch's miniz writer: bit 3 set with zero CRC and sizes in
 * the local headers (a data descriptor follows each entry), 64-byte aligned data, ZIP64 extra
 * fields with saturated 32-bit fields in the central directory, and ZIP64 end records.
 */
function minizLikeZip(entries: Record<string, Uint8Array>): Uint8Array {
  const parts: number[] = [];
  /** Appends each value as a little-endian integer of `size` bytes. */
  const le = (size: 2 | 4 | 8, ...values: number[]) => {
    for (const value of values) {
      for (let k = 0; k < size; k++) parts.push(Math.floor(value / 2 ** (8 * k)) & 0xff);
    }
  };
  const bytes = (b: Uint8Array) => parts.push(...b);
  const records: { name: Uint8Array; crc: number; size: number; offset: number }[] = [];
  for (const [text, data] of Object.entries(entries)) {
    const name = encoder.encode(text);
    const offset = parts.length;
    const padding = (64 - ((offset + 30 + name.length + 4) % 64)) % 64;
    le(4, 0x04034b50);
    le(2, 45, 8, 0, 0, 0);
    le(4, 0, 0, 0);
    le(2, name.length, 4 + padding);
    bytes(name);
    le(2, 0x4246, padding);
    bytes(new Uint8Array(padding).fill(0x5a));
    assert.equal(parts.length % 64, 0);
    bytes(data);
    const crc = crc32(data);
    le(4, 0x08074b50, crc, data.length, data.length);
    records.push({ name, crc, size: data.length, offset });
  }
  const cdStart = parts.length;
  for (const r of records) {
    le(4, 0x02014b50);
    le(2, 45, 45, 8, 0, 0, 0);
    le(4, r.crc, 0xffffffff, 0xffffffff);
    le(2, r.name.length, 28, 0, 0, 0);
    le(4, 0, 0xffffffff);
    bytes(r.name);
    le(2, 1, 24);
    le(8, r.size, r.size, r.offset);
  }
  const cdSize = parts.length - cdStart;
  const zip64At = parts.length;
  le(4, 0x06064b50);
  le(8, 44);
  le(2, 45, 45);
  le(4, 0, 0);
  le(8, records.length, records.length, cdSize, cdStart);
  le(4, 0x07064b50, 0);
  le(8, zip64At);
  le(4, 1, 0x06054b50);
  le(2, 0, 0, 0xffff, 0xffff);
  le(4, 0xffffffff, 0xffffffff);
  le(2, 0);
  return new Uint8Array(parts);
}

Deno.test("ZipReader.read() returns stored entries as views and inflates deflated ones", () => {
  const text = encoder.encode("the quick brown fox ".repeat(50));
  const bytes = zipSync({
    "archive/stored.bin": [new Uint8Array([1, 2, 3, 4]), { level: 0 }],
    "archive/deflated.txt": [text, { level: 9 }],
  });
  const zip = new ZipReader(bytes, { source: "mixed.zip" });
  assert.deepEqual(zip.names(), ["archive/stored.bin", "archive/deflated.txt"]);
  const stored = zip.read("archive/stored.bin");
  assert.deepEqual([...stored], [1, 2, 3, 4]);
  assert.equal(stored.buffer, bytes.buffer, "a stored entry must be a view, not a copy");
  assert.equal(zip.entry("archive/deflated.txt")!.method, 8);
  assert.ok(zip.entry("archive/deflated.txt")!.compressedSize < text.length);
  assert.deepEqual(zip.read("archive/deflated.txt"), text);
});

Deno.test("ZipReader reads ZIP64 end records and extra fields, ignoring zeroed local sizes", () => {
  const a = new Uint8Array(100).map((_, i) => i);
  const b = encoder.encode("little\n");
  const zip = new ZipReader(minizLikeZip({ "m/data/0": a, "m/byteorder": b }));
  assert.deepEqual(zip.names(), ["m/data/0", "m/byteorder"]);
  assert.equal(zip.entry("m/data/0")!.uncompressedSize, 100);
  assert.equal(zip.dataOffset("m/data/0") % 64, 0);
  assert.deepEqual(zip.read("m/data/0"), a);
  assert.deepEqual(zip.read("m/byteorder"), b);
  assert.equal(zip.entry("m/byteorder")!.crc32, crc32(b));
});

Deno.test("new ZipReader() on a truncated archive throws a SyntaxError naming the file", () => {
  const bytes = zipSync({ "a.txt": encoder.encode("hello") });
  assert.throws(
    () => new ZipReader(bytes.subarray(0, bytes.length - 10), { source: "cut.zip" }),
    (e: Error) =>
      e instanceof SyntaxError && /cut\.zip/.test(e.message) && /truncated/.test(e.message),
  );
  assert.throws(() => new ZipReader(new Uint8Array(0)), SyntaxError);
});

Deno.test("ZipReader.read() on an entry whose data runs past the end names the entry", () => {
  const bytes = minizLikeZip({ "m/data/0": new Uint8Array(64), "m/data/1": new Uint8Array(8) });
  const view = new DataView(bytes.buffer);
  // the ZIP64 extra field of the first central record: its sizes are 8 and 16 bytes in
  const cd = bytes.findIndex((_, i) => view.getUint32(i, true) === 0x02014b50);
  const extra = cd + 46 + "m/data/0".length + 4;
  view.setBigUint64(extra, 1n << 40n, true);
  view.setBigUint64(extra + 8, 1n << 40n, true);
  const zip = new ZipReader(bytes, { source: "bad.pth" });
  assert.throws(
    () => zip.read("m/data/0"),
    (e: Error) =>
      e instanceof SyntaxError && e.message.includes("'m/data/0'") && e.message.includes("bad.pth"),
  );
  assert.equal(zip.read("m/data/1").length, 8);
});

Deno.test("ZipReader.read() on a corrupt deflate stream throws a SyntaxError naming the entry", () => {
  const bytes = zipSync({ "x.txt": [encoder.encode("abc".repeat(100)), { level: 9 }] });
  const zip = new ZipReader(bytes);
  const start = zip.dataOffset("x.txt");
  bytes.fill(0xff, start, start + zip.entry("x.txt")!.compressedSize);
  assert.throws(
    () => zip.read("x.txt"),
    (e: Error) => e instanceof SyntaxError && /'x\.txt'/.test(e.message),
  );
});

Deno.test("ZipReader.read() of a missing entry throws a RangeError", () => {
  const zip = new ZipReader(zipSync({ "a": new Uint8Array(1) }), { source: "z.zip" });
  assert.equal(zip.has("b"), false);
  assert.throws(() => zip.read("b"), RangeError);
});

Deno.test("openZip(path) reads the file and names it in errors", async () => {
  const path = await Deno.makeTempFile({ suffix: ".zip" });
  try {
    await Deno.writeFile(path, zipSync({ "k": new Uint8Array([9]) }));
    assert.equal((await openZip(path)).read("k")[0], 9);
    await Deno.writeFile(path, encoder.encode("not a zip at all"));
    await assert.rejects(
      () => openZip(path),
      (e: Error) => e instanceof SyntaxError && e.message.includes(path),
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("new ZipReader(bytes) and ZipReader.open(path) parse the same entries and data", async () => {
  const a = new Uint8Array(300).map((_, i) => i * 7);
  const b = encoder.encode("x".repeat(500));
  const archives = [
    minizLikeZip({ "m/data/0": a, "m/version": b }),
    zip64({ "m/data/0": a, "m/version": b }),
    zipSync({ "m/data/0": [a, { level: 0 }], "m/version": [b, { level: 9 }] }),
  ];
  for (const bytes of archives) {
    const path = await Deno.makeTempFile({ suffix: ".zip" });
    try {
      await Deno.writeFile(path, bytes);
      const memory = new ZipReader(bytes);
      const file = await ZipReader.open(path);
      try {
        assert.deepEqual(file.entries(), memory.entries());
        for (const name of memory.names()) {
          assert.deepEqual(file.read(name), memory.read(name));
        }
      } finally {
        file.close();
      }
      assert.deepEqual(memory.read("m/data/0"), a);
    } finally {
      await Deno.remove(path);
    }
  }
});
