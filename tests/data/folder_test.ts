import { deepStrictEqual as assertEquals, rejects } from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import type { ImageRecord } from "../../lib/data/_dataset.ts";
import { openDataset, type OpenDatasetOptions } from "../../lib/data/_open.ts";
import { datasetNameOf } from "../../lib/formats/mod.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

/** A file that starts with a JPEG signature, `n` bytes long. */
const jpeg = (n = 8) => Uint8Array.from({ length: n }, (_, i) => [0xff, 0xd8, 0xff][i] ?? i);

async function write(dir: string, files: readonly string[]): Promise<void> {
  for (const f of files) {
    await Deno.mkdir(join(dir, f, ".."), { recursive: true });
    await Deno.writeFile(join(dir, f), jpeg());
  }
}

async function keysOf(dir: string, options: OpenDatasetOptions = {}) {
  const reader = await openDataset(dir, { reporter: memoryReporter(), ...options });
  const keys = (await reader.list()).map((k) => `${k.identity}/${k.imageName}`);
  const skipped = await reader.skipped();
  const records: ImageRecord[] = [];
  for await (const r of reader.read()) records.push(r);
  await reader.close();
  return { keys, skipped, records };
}

Deno.test("openDataset(folder) lists identity images in sorted order and counts what it leaves out", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/empty`);
  await write(dir, ["b/2.jpeg", "b/1.JPG", "a/x.png", "a/readme.txt", "a/nested/deep.png"]);
  await write(dir, ["loose.png"]);
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
  assertEquals(await reader.skipped(), [
    {
      reason: "an image in a sub-folder of an identity folder (--recursive takes it)",
      count: 1,
      example: "a/nested/deep.png",
    },
    { reason: "not a .png/.jpg/.jpeg file name", count: 1, example: "a/readme.txt" },
    { reason: "an image outside any identity folder", count: 1, example: "loose.png" },
  ]);
  const seen: string[] = [];
  for await (const r of reader.read({ skip: (k) => k.imageName === "x.png" })) {
    seen.push(`${r.identity}/${r.imageName}:${r.bytes?.length}`);
  }
  assertEquals(seen, ["b/1.JPG:8", "b/2.jpeg:8"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openDataset(folder, { recursive }) names nested images by their path in the identity folder", async () => {
  const dir = await Deno.makeTempDir();
  await write(dir, ["a/1.jpg", "a/side/left/2.jpg", "a/side/3.jpg", "b/4.jpg"]);
  const { keys, skipped } = await keysOf(dir, { recursive: true });
  assertEquals(keys, ["a/1.jpg", "a/side/3.jpg", "a/side/left/2.jpg", "b/4.jpg"]);
  assertEquals(skipped, []);
  assertEquals((await keysOf(dir)).skipped, [{
    reason: "an image in a sub-folder of an identity folder (--recursive takes it)",
    count: 2,
    example: "a/side/3.jpg",
  }]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openDataset(folder) follows a symlinked identity folder as the original's os.listdir does", async () => {
  const dir = await Deno.makeTempDir();
  const elsewhere = await Deno.makeTempDir();
  await write(dir, ["a/1.jpg"]);
  await write(elsewhere, ["c/2.jpg", "c/3.png"]);
  await Deno.symlink(`${elsewhere}/c`, `${dir}/c`);
  await Deno.symlink(dir, `${dir}/a/loop`); // a link back up is not walked again
  const { keys, records } = await keysOf(dir, { recursive: true });
  assertEquals(keys, ["a/1.jpg", "c/2.jpg", "c/3.png"]);
  assertEquals(records.map((r) => r.bytes?.length), [8, 8, 8]);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(elsewhere, { recursive: true });
});

Deno.test({
  name: "openDataset(folder) lists identities and images as Python's os.listdir + os.path.isdir",
  ignore: skipUnlessPython(),
  async fn() {
    const dir = await Deno.makeTempDir();
    const elsewhere = await Deno.makeTempDir();
    await write(dir, ["a/1.jpg", "a/2.PNG", "b/3.jpeg", "b/notes.txt"]);
    await write(elsewhere, ["c/4.jpg"]);
    await Deno.symlink(`${elsewhere}/c`, `${dir}/c`);
    await Deno.symlink(`${dir}/a/1.jpg`, `${dir}/b/5.jpg`);
    const script = `
import os, sys, json
root = sys.argv[1]
out = []
for identity in sorted(os.listdir(root)):
    folder = os.path.join(root, identity)
    if not os.path.isdir(folder):
        continue
    for name in sorted(os.listdir(folder)):
        if name.lower().endswith((".png", ".jpg", ".jpeg")):
            out.append(identity + "/" + name)
print(json.dumps(out))`;
    const python = JSON.parse(await runPython(["-c", script, dir]));
    assertEquals((await keysOf(dir)).keys, python);
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(elsewhere, { recursive: true });
  },
});

Deno.test("openDataset(folder) ignores OS junk silently", async () => {
  const dir = await Deno.makeTempDir();
  await write(dir, [
    "a/1.jpg",
    "a/._1.jpg",
    "a/.DS_Store",
    "a/Thumbs.db",
    "a/desktop.ini",
    "__MACOSX/a/._1.jpg",
    ".ipynb_checkpoints/a/1-checkpoint.jpg",
    "a/.ipynb_checkpoints/2.jpg",
    ".DS_Store",
  ]);
  const reporter = memoryReporter();
  const { keys, skipped } = await keysOf(dir, { reporter, recursive: true });
  assertEquals(keys, ["a/1.jpg"]);
  assertEquals(skipped, []);
  assertEquals(reporter.warnings().size, 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openDataset(folder) refuses FIFOs and links to devices without opening them", async () => {
  const dir = await Deno.makeTempDir();
  await write(dir, ["a/1.jpg"]);
  await Deno.symlink("/dev/zero", `${dir}/a/zero.jpg`);
  await Deno.symlink(`${dir}/a/none.jpg`, `${dir}/a/broken.jpg`);
  const fifo = new Deno.Command("mkfifo", { args: [`${dir}/a/pipe.jpg`] }).outputSync();
  const { keys, skipped, records } = await keysOf(dir);
  assertEquals(keys, ["a/1.jpg"]);
  const reason = "not a regular file or folder (FIFO, socket, device, or a link to one)";
  assertEquals(skipped, [
    { reason: "a symbolic link to nothing", count: 1, example: "a/broken.jpg" },
    ...(fifo.success ? [{ reason, count: 2, example: "a/pipe.jpg" }] : []),
    ...(fifo.success ? [] : [{ reason, count: 1, example: "a/zero.jpg" }]),
  ]);
  assertEquals(records.length, 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test({
  name:
    "openDataset(folder) reads names that are not UTF-8 as Python's os.listdir (surrogateescape)",
  ignore: skipUnlessPython(),
  async fn() {
    const dir = await Deno.makeTempDir();
    await write(dir, ["a/1.jpg"]);
    // Deno cannot name such files: Python makes them (identity caf\xe9, image \xff.jpg inside it,
    // and an image r\xe9.jpg in a UTF-8 identity folder).
    const script = `
import os, sys, json
root = os.fsencode(sys.argv[1])
os.makedirs(os.path.join(root, b"caf\\xe9", b"sub"))
for name in (b"caf\\xe9/\\xff.jpg", b"a/r\\xe9.jpg", b"caf\\xe9/sub/2.jpg"):
    with open(os.path.join(root, name), "wb") as f:
        f.write(b"\\xff\\xd8\\xff" + name)
out = []
for identity in sorted(os.listdir(sys.argv[1])):
    for name in sorted(os.listdir(os.path.join(sys.argv[1], identity))):
        if name.lower().endswith((".png", ".jpg", ".jpeg")):
            out.append(json.dumps(identity + "/" + name))
print(json.dumps(out))`;
    const python: string[] = JSON.parse(await runPython(["-c", script, dir]));
    assertEquals(python, ['"a/1.jpg"', '"a/r\\udce9.jpg"', '"caf\\udce9/\\udcff.jpg"']);
    const { keys, skipped, records } = await keysOf(dir);
    assertEquals(keys.map((k) => JSON.stringify(k)), python);
    assertEquals(skipped, [{
      reason: "an image in a sub-folder of an identity folder (--recursive takes it)",
      count: 1,
      example: "caf\udce9/sub/2.jpg",
    }]);
    const text = (r: ImageRecord) => new TextDecoder("latin1").decode(r.bytes?.subarray(3));
    assertEquals(
      records.map(text),
      ["", "a/r\xe9.jpg", "caf\xe9/\xff.jpg"].map((t, i) =>
        i === 0 ? new TextDecoder("latin1").decode(jpeg().subarray(3)) : t
      ),
    );
    assertEquals((await keysOf(dir, { recursive: true })).keys.length, 4);
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("openDataset(folder) refuses a file that is no image after its first bytes", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/a`);
  await Deno.writeFile(`${dir}/a/zeros.jpg`, new Uint8Array(1 << 20));
  await Deno.writeFile(`${dir}/a/empty.png`, new Uint8Array(0));
  const { records } = await keysOf(dir);
  assertEquals(records.map((r) => [r.imageName, r.error]), [
    ["empty.png", "not an image: the file is empty"],
    [
      "zeros.jpg",
      "not an image: its first bytes are 00 00 00 00, no signature of an image format (PNG, JPEG, GIF, BMP, WebP, TIFF)",
    ],
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openDataset(folder) reports an unreadable image as a record error", async () => {
  const dir = await Deno.makeTempDir();
  await write(dir, ["a/1.png"]);
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
