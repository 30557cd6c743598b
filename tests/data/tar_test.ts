import assert from "node:assert/strict";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { openContainer } from "../../lib/data/_container.ts";
import type { ImageRecord } from "../../lib/data/_dataset.ts";
import { openDataset } from "../../lib/data/_open.ts";
import { listTar } from "../../lib/data/_tar.ts";
import { gzip, tar } from "./_archive_writers.ts";

const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 17 + seed) & 255);
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
    assert.equal(records[2]?.bytes?.length, 0);
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
  ignore: !(() => {
    try {
      return Deno.statSync("/usr/bin/tar").isFile;
    } catch {
      return false;
    }
  })(),
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
  ignore: !(() => {
    try {
      return Deno.statSync("/usr/bin/tar").isFile;
    } catch {
      return false;
    }
  })(),
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
