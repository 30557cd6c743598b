import assert from "node:assert/strict";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { openContainer } from "../../lib/data/_container.ts";
import type { ImageRecord } from "../../lib/data/_dataset.ts";
import { openDataset } from "../../lib/data/_open.ts";
import { listTar, walkTar } from "../../lib/data/_tar.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

/** Whether /usr/bin/tar is GNU tar (it writes the sparse formats the tests read). */
function hasGnuTar(): boolean {
  try {
    const out = new Deno.Command("/usr/bin/tar", { args: ["--version"] }).outputSync();
    return out.success && new TextDecoder().decode(out.stdout).includes("GNU tar");
  } catch {
    return false;
  }
}
import { skipUnless } from "../_prereq.ts";
import { gzip, tar } from "./_archive_writers.ts";

const hasTar = (() => {
  try {
    return Deno.statSync("/usr/bin/tar").isFile;
  } catch {
    return false;
  }
})();

/** Bytes that start with a JPEG signature, which a dataset reader looks at first. */
const bytes = (n: number, seed: number) =>
  Uint8Array.from(
    { length: n },
    (_, i) => (i < 3 ? [0xff, 0xd8, 0xff][i]! : (i * 17 + seed) & 255),
  );
const longId = "identity-" + "f".repeat(120);

async function tempFile(data: Uint8Array, suffix: string): Promise<string> {
  const path = await Deno.makeTempFile({ suffix });
  await Deno.writeFile(path, data);
  return path;
}

async function collect(path: string): Promise<ImageRecord[]> {
  const reader = await openDataset(path);
  const out: ImageRecord[] = [];
  for await (const r of reader.read()) out.push(r);
  await reader.close();
  return out;
}

const files = [
  ["Set/001/a.jpg", bytes(1000, 1)],
  ["Set/001/readme.txt", bytes(20, 2)],
  [`Set/${longId}/r2_g0.png`, bytes(513, 3)],
  ["Set/002/b.JPEG", bytes(0, 4)],
] as const;

for (const suffix of [".tar", ".tar.gz", ".tgz"]) {
  Deno.test(`openDataset(${suffix}) streams images with long names under a wrapping folder`, async () => {
    const raw = tar(files);
    const path = await tempFile(suffix === ".tar" ? raw : await gzip(raw), suffix);
    const records = await collect(path);
    assert.deepEqual(
      records.map((r) => `${r.identity}/${r.imageName}`),
      ["001/a.jpg", `${longId}/r2_g0.png`, "002/b.JPEG"],
    );
    assert.deepEqual(records[0]?.bytes, files[0][1]);
    assert.deepEqual(records[1]?.bytes, files[2][1]);
    assert.equal(records[2]?.error, "not an image: the file is empty");
    const reader = await openDataset(path);
    assert.equal((await reader.list()).length, 3);
    const skipped = [];
    for await (const r of reader.read({ skip: (k) => k.identity === "001" })) {
      skipped.push(r.identity);
    }
    assert.deepEqual(skipped, [longId, "002"]);
    await Deno.remove(path);
  });
}

Deno.test("openContainer(tar).read(path) reads plain tar entries at their indexed offsets", async () => {
  const path = await tempFile(tar(files), ".tar");
  // Data offsets: a.jpg after its header; readme.txt after a.jpg's 2 data blocks and its header;
  // the long name after readme's block, the GNU long-name header with its block, and its header.
  assert.deepEqual((await listTar(path)).map((e) => [e.path, e.offset]), [
    ["Set/001/a.jpg", 512],
    ["Set/001/readme.txt", 512 + 1024 + 512],
    [`Set/${longId}/r2_g0.png`, 2048 + 512 + 1024 + 512],
    ["Set/002/b.JPEG", undefined],
  ]);
  const container = await openContainer(path);
  assert.deepEqual(await container.read(`Set/${longId}/r2_g0.png`), files[2][1]);
  assert.deepEqual(await container.read("Set/002/b.JPEG"), new Uint8Array(0));
  assert.equal(await container.read("Set/none.jpg"), undefined);
  await container.close();
  await Deno.remove(path);
});

Deno.test("listTar(path) skips absolute and '..' entries with a warning", async () => {
  const path = await tempFile(
    tar([["../up/1.jpg", bytes(3, 1)], ["/etc/2.jpg", bytes(3, 2)], ["ok/3.jpg", bytes(3, 3)]]),
    ".tar",
  );
  const reporter = memoryReporter();
  assert.deepEqual((await listTar(path, { reporter })).map((e) => e.path), ["ok/3.jpg"]);
  assert.deepEqual([...reporter.warnings().keys()], [
    `${path}: skipped entry '../up/1.jpg' (absolute path or '..' segment)`,
    `${path}: skipped entry '/etc/2.jpg' (absolute path or '..' segment)`,
  ]);
  await Deno.remove(path);
});

Deno.test("openDataset(tar) reports truncated and corrupt archives as SyntaxErrors naming archive and entry", async () => {
  const raw = tar(files);
  const cut = await tempFile(raw.subarray(0, 512 + 600), ".tar");
  await assert.rejects(
    () => collect(cut),
    (e) =>
      e instanceof SyntaxError && e.message.includes(cut) && e.message.includes("Set/001/a.jpg"),
  );
  const gz = await gzip(raw);
  const cutGz = await tempFile(gz.subarray(0, Math.floor(gz.length / 2)), ".tar.gz");
  await assert.rejects(
    () => collect(cutGz),
    (e) => e instanceof SyntaxError && e.message.includes(cutGz),
  );
  const bad = raw.slice();
  bad[1024 + 512 + 10]! ^= 0xff; // the second header (after a.jpg's two data blocks)
  const badPath = await tempFile(bad, ".tar");
  await assert.rejects(
    () => listTar(badPath),
    (e) => e instanceof SyntaxError && /corrupt tar header after 'Set\/001\/a.jpg'/.test(e.message),
  );
  for (const p of [cut, cutGz, badPath]) await Deno.remove(p);
});

Deno.test({
  name: "openDataset(tgz) reads what /usr/bin/tar writes (gzip)",
  ignore: skipUnless("tar", hasTar, "/usr/bin/tar is missing"),
  async fn() {
    const dir = await Deno.makeTempDir();
    await Deno.mkdir(`${dir}/Other/${longId}`, { recursive: true });
    await Deno.writeFile(`${dir}/Other/${longId}/1.png`, bytes(2000, 9));
    const path = `${dir}/Other.tgz`;
    const out = new Deno.Command("/usr/bin/tar", { args: ["-czf", path, "-C", dir, "Other"] })
      .outputSync();
    assert.ok(out.success);
    const records = await collect(path);
    assert.deepEqual(records.map((r) => [r.identity, r.imageName, r.bytes?.length]), [[
      longId,
      "1.png",
      2000,
    ]]);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("openDataset(tar) reads an archive that ends without its end-of-archive blocks", async () => {
  const raw = tar(files);
  const path = await tempFile(raw.subarray(0, raw.length - 1024), ".tar");
  assert.deepEqual((await collect(path)).map((r) => r.imageName), ["a.jpg", "r2_g0.png", "b.JPEG"]);
  await Deno.remove(path);
});

Deno.test({
  name: "openDataset(tar) reads the pax long names of /usr/bin/tar --format=pax",
  ignore: skipUnless("tar", hasTar, "/usr/bin/tar is missing"),
  async fn() {
    const dir = await Deno.makeTempDir();
    const id = "p".repeat(150);
    await Deno.mkdir(`${dir}/Pax/${id}`, { recursive: true });
    await Deno.writeFile(`${dir}/Pax/${id}/${"n".repeat(120)}.jpg`, bytes(700, 5));
    const path = `${dir}/Pax.tar`;
    const args = ["--format=pax", "-cf", path, "-C", dir, "Pax"];
    assert.ok(new Deno.Command("/usr/bin/tar", { args }).outputSync().success);
    const records = await collect(path);
    assert.deepEqual(records.map((r) => [r.identity, r.imageName]), [[
      id,
      `${"n".repeat(120)}.jpg`,
    ]]);
    assert.deepEqual(records[0]?.bytes, bytes(700, 5));
    const container = await openContainer(path);
    assert.deepEqual(await container.read(`Pax/${id}/${"n".repeat(120)}.jpg`), bytes(700, 5));
    await container.close();
    await Deno.remove(dir, { recursive: true });
  },
});

/** Python's `[m.name for m in tarfile.open(p)]` per path, or the name of the error it raises. */
async function pythonMembers(paths: string[]): Promise<(string[] | string)[]> {
  const code = `import json, sys, tarfile
out = []
for p in sys.argv[1:]:
    try:
        out.append([m.name for m in tarfile.open(p)])
    except Exception as e:
        out.append(type(e).__name__)
print(json.dumps(out))`;
  return JSON.parse(await runPython(["-c", code, ...paths]));
}

/** Non-zero bytes from a small LCG, as junk after an archive. */
function junk(n: number): Uint8Array {
  let x = 12345;
  return Uint8Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return 1 + (x % 255);
  });
}

const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};

Deno.test({
  name: "tar and tar.gz end at the first zero block as Python's tarfile does (list, stream, read)",
  ignore: skipUnlessPython("tarfile"),
  async fn() {
    const first = tar(files);
    const second = tar([["Set/003/c.jpg", bytes(40, 6)], ["Set/001/a.jpg", bytes(9, 7)]]);
    // The end blocks start the second 1 MiB read of a plain tar, so they are read ahead.
    const big = tar([["Set/004/big.png", bytes((1 << 20) - 512, 8)]]);
    const cases: [string, Uint8Array, string[]][] = [
      ["concatenated", join(first, second), files.map(([name]) => name)],
      ["junk after the end", join(first, junk(3000)), files.map(([name]) => name)],
      ["no end blocks", first.subarray(0, first.length - 1024), files.map(([name]) => name)],
      ["end at a read boundary", join(big, junk(5000), second), ["Set/004/big.png"]],
      ["empty, then junk", join(new Uint8Array(1024), second), []],
    ];
    const paths: string[] = [];
    for (const [, raw] of cases) {
      paths.push(await tempFile(raw, ".tar"), await tempFile(await gzip(raw), ".tar.gz"));
    }
    const python = await pythonMembers(paths);
    for (const [i, path] of paths.entries()) {
      const [what, , expected] = cases[Math.floor(i / 2)]!;
      const label = `${what} (${path.endsWith(".gz") ? "tar.gz" : "tar"})`;
      assert.deepEqual(python[i], expected, `python, ${label}`);
      assert.deepEqual((await listTar(path)).map((e) => e.path), expected, `listTar, ${label}`);
      const container = await openContainer(path);
      assert.deepEqual(await container.list(), expected, `list, ${label}`);
      const streamed = [];
      for await (const r of container.stream()) streamed.push(r.path);
      assert.deepEqual(streamed, expected, `stream, ${label}`);
      // Set/001/a.jpg of the first archive, never the one of the second; c.jpg is not there.
      if (expected.includes("Set/001/a.jpg")) {
        assert.deepEqual(await container.read("Set/001/a.jpg"), files[0][1], label);
      }
      assert.equal(await container.read("Set/003/c.jpg"), undefined, label);
      assert.equal((await container.readMany(["Set/003/c.jpg"])).size, 0, label);
      await container.close();
    }
    for (const p of paths) await Deno.remove(p);
  },
});

Deno.test({
  name:
    "a tar cut inside a member stays a SyntaxError naming archive and entry (tarfile: ReadError)",
  ignore: skipUnlessPython("tarfile"),
  async fn() {
    const raw = tar(files).subarray(0, 512 + 600);
    const paths = [await tempFile(raw, ".tar"), await tempFile(await gzip(raw), ".tar.gz")];
    assert.deepEqual(await pythonMembers(paths), ["ReadError", "ReadError"]);
    for (const path of paths) {
      await assert.rejects(
        () => listTar(path),
        (e) =>
          e instanceof SyntaxError && e.message.includes(path) &&
          e.message.includes("Set/001/a.jpg"),
      );
      await Deno.remove(path);
    }
  },
});

Deno.test("walkTar(path, { chunks }) reads the same entries and ends at the same block however the bytes are cut", async () => {
  const first = tar(files);
  const cases = [
    join(first, tar([["Set/003/c.jpg", bytes(40, 6)]])),
    join(first, junk(3000)),
    first.subarray(0, first.length - 1024),
    join(new Uint8Array(512), junk(700)),
    first.subarray(0, 512 + 600), // truncated inside a.jpg
    first.subarray(0, 1536 + 300), // truncated inside the second header
  ];
  const walk = async (raw: Uint8Array, size: number) => {
    async function* chunks() {
      for (let at = 0; at < raw.length; at += size) yield raw.slice(at, at + size);
    }
    const out: unknown[] = [];
    try {
      const walker = walkTar("cut.tar", { chunks: chunks(), visit: () => "read" });
      for await (const { entry, bytes } of walker) out.push([entry.path, entry.offset, bytes]);
    } catch (error) {
      out.push(error instanceof SyntaxError ? error.message : error);
    }
    return out;
  };
  for (const [i, raw] of cases.entries()) {
    const whole = await walk(raw, raw.length);
    assert.equal(whole.length, [4, 4, 4, 0, 1, 2][i], `case ${i}`);
    for (const size of [1, 100, 511, 512, 513, 4096]) {
      assert.deepEqual(await walk(raw, size), whole, `case ${i}, chunks of ${size}`);
    }
  }
});

Deno.test({
  name: "openDataset(tar) reads hard links, symbolic links and a path appended twice as tarfile",
  ignore: skipUnlessPython(),
  async fn() {
    const dir = await Deno.makeTempDir();
    const script = `
import io, json, sys, tarfile
path = sys.argv[1]
def add(t, name, data):
    info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
def link(t, name, target, kind):
    info = tarfile.TarInfo(name); info.type = kind; info.linkname = target; t.addfile(info)
jpeg = lambda n: b"\\xff\\xd8\\xff" + bytes([n]) * 20
with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as t:
    add(t, "Set/a/1.jpg", jpeg(1))
    add(t, "Set/b/2.jpg", jpeg(2))
    link(t, "Set/b/3.jpg", "Set/a/1.jpg", tarfile.LNKTYPE)
    link(t, "Set/b/4.jpg", "../a/1.jpg", tarfile.SYMTYPE)
    add(t, "Set/b/2.jpg", jpeg(9))
    link(t, "Set/c/5.jpg", "Set/none.jpg", tarfile.LNKTYPE)
with tarfile.open(path) as t:
    out = {}
    for m in t.getmembers():
        try:
            f = t.extractfile(t.getmember(m.name))
            out[m.name] = f.read()[3] if f else None
        except KeyError:
            out[m.name] = "missing"
print(json.dumps(out))`;
    const path = `${dir}/Set.tar`;
    const python = JSON.parse(await runPython(["-c", script, path]));
    assert.deepEqual(python, {
      "Set/a/1.jpg": 1,
      "Set/b/2.jpg": 9,
      "Set/b/3.jpg": 1,
      "Set/b/4.jpg": 1,
      "Set/c/5.jpg": "missing",
    });
    await Deno.writeFile(`${dir}/Set.tar.gz`, await gzip(await Deno.readFile(path)));
    for (const p of [path, `${dir}/Set.tar.gz`]) {
      const reader = await openDataset(p, { reporter: memoryReporter() });
      const records: ImageRecord[] = [];
      for await (const r of reader.read()) records.push(r);
      assert.deepEqual(
        records.map((r) => [`${r.identity}/${r.imageName}`, r.bytes?.[3]]),
        [["a/1.jpg", 1], ["b/3.jpg", 1], ["b/4.jpg", 1], ["b/2.jpg", 9]],
        p,
      );
      assert.equal((await reader.list()).length, 4);
      assert.deepEqual(await reader.skipped(), [
        {
          reason:
            "a second member with the same path (the last one is read, as Python's zipfile and tarfile do)",
          count: 1,
          example: "Set/b/2.jpg",
        },
        {
          reason: "a link to a member that is not in the archive",
          count: 1,
          example: "Set/c/5.jpg",
        },
      ]);
      await reader.close();
      const container = await openContainer(p);
      assert.equal((await container.read("Set/b/3.jpg"))?.[3], 1);
      assert.equal((await container.read("Set/b/2.jpg"))?.[3], 9);
      assert.equal((await container.readMany(["Set/b/4.jpg"])).get("Set/b/4.jpg")?.[3], 1);
      await container.close();
    }
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name:
    "openDataset(tar) reads GNU sparse members (old GNU and pax 0.1, 1.0) as tarfile's extractfile",
  ignore: skipUnlessPython() || skipUnless("tar", hasGnuTar(), "/usr/bin/tar is not GNU tar"),
  async fn() {
    const dir = await Deno.makeTempDir();
    await Deno.mkdir(`${dir}/S/a`, { recursive: true });
    await Deno.writeFile(`${dir}/S/a/1.jpg`, bytes(100, 1));
    const sparse = await Deno.open(`${dir}/S/a/2.jpg`, { write: true, create: true });
    await sparse.write(bytes(100, 2));
    await sparse.truncate(1 << 20);
    await sparse.seek((1 << 19) + 7, Deno.SeekMode.Start);
    await sparse.write(bytes(30, 3));
    await sparse.seek((1 << 20) - 10, Deno.SeekMode.Start);
    await sparse.write(bytes(10, 4));
    sparse.close();
    const script = `
import hashlib, json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    print(json.dumps([[m.name, m.issparse(), hashlib.sha256(t.extractfile(m).read()).hexdigest()]
                      for m in t.getmembers() if m.isfile()]))`;
    const sha = async (data: Uint8Array) =>
      Array.from(
        new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(data))),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("");
    const whole = await sha(await Deno.readFile(`${dir}/S/a/2.jpg`));
    for (const [format, version] of [["gnu", ""], ["posix", "0.1"], ["posix", "1.0"]]) {
      const path = `${dir}/${format}${version}.tar`;
      const args = [`--format=${format}`, "--sparse", "-cf", path, "-C", dir, "S"];
      if (version) args.splice(2, 0, `--sparse-version=${version}`);
      assert.ok(new Deno.Command("/usr/bin/tar", { args }).outputSync().success);
      const python: [string, boolean, string][] = JSON.parse(await runPython(["-c", script, path]));
      assert.deepEqual(python.map(([n, s]) => [n, s]), [["S/a/1.jpg", false], ["S/a/2.jpg", true]]);
      assert.equal(python[1]![2], whole, `${format} ${version}: tarfile reads the file back`);
      for (const archive of [path, `${path}.gz`]) {
        if (archive.endsWith(".gz")) {
          await Deno.writeFile(archive, await gzip(await Deno.readFile(path)));
        }
        const reader = await openDataset(archive, { reporter: memoryReporter() });
        const records: ImageRecord[] = [];
        for await (const r of reader.read()) records.push(r);
        const got = await Promise.all(
          records.map(async (r) => [`S/${r.identity}/${r.imageName}`, await sha(r.bytes!)]),
        );
        assert.deepEqual(got, python.map(([n, , h]) => [n, h]), `${archive}`);
        assert.deepEqual(await reader.skipped(), [], archive);
        await reader.close();
        const container = await openContainer(archive);
        assert.equal(await sha((await container.read("S/a/2.jpg"))!), whole, archive);
        await container.close();
      }
    }
    await Deno.remove(dir, { recursive: true });
  },
});
