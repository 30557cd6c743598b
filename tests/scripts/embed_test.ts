import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { writeDemoDataset } from "../../lib/demo/mod.ts";
import { readJsonLines } from "../../lib/embeddings/_jsonl.ts";
import { readNpy } from "../../lib/embeddings/_npy.ts";
import { buildIResNetOnnx, demoStateDict, IRESNET_LAYERS } from "../../lib/model/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function embed(args: string[]): Promise<{ code: number; stderr: string }> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}scripts/embed.ts`, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

async function fixture() {
  const dir = await Deno.makeTempDir({ prefix: "embed_test_" });
  const model = `${dir}/model.onnx`;
  await Deno.writeFile(
    model,
    buildIResNetOnnx(demoStateDict({ seed: 3, widthScale: 1 / 8 }), { layers: IRESNET_LAYERS[18] }),
  );
  const dataset = `${dir}/Data`;
  const info = await writeDemoDataset(dataset, { identities: 6, images: 5, seed: 9 });
  await Deno.mkdir(`${dataset}/zz_empty_identity`);
  await Deno.mkdir(`${dataset}/zz_bad`);
  const firstIdentity = (await Array.fromAsync(Deno.readDir(dataset)))[0]!.name;
  const jpeg = (await Array.fromAsync(Deno.readDir(`${dataset}/${firstIdentity}`)))
    .find((e) => /\.jpe?g$/i.test(e.name));
  const good = jpeg
    ? await Deno.readFile(`${dataset}/${firstIdentity}/${jpeg.name}`)
    : new Uint8Array([0xff, 0xd8, 0xff]);
  const corrupt = good.slice(0, Math.min(600, good.length));
  corrupt.fill(0x5a, 200);
  await Deno.writeFile(`${dataset}/zz_bad/corrupt.jpg`, corrupt);
  await Deno.writeFile(`${dataset}/zz_bad/empty.png`, new Uint8Array(0));
  await Deno.writeTextFile(`${dataset}/zz_bad/notes.jpeg`, "this is not an image\n");
  return { dir, model, dataset, images: info.images };
}

Deno.test("deno task embed skips and reports bad images, writes both formats, and resumes", async () => {
  const { dir, model, dataset, images } = await fixture();
  const out = `${dir}/out/Data.jsonl`;
  const first = await embed([
    "--model",
    model,
    "--dataset",
    dataset,
    "--out",
    out,
    "--format",
    "both",
    "--batch",
    "4",
  ]);
  assertEquals(first.code, 0, first.stderr);
  for (const name of ["corrupt.jpg", "empty.png", "notes.jpeg"]) {
    ok(first.stderr.includes(`zz_bad/${name}`), first.stderr);
  }
  ok(first.stderr.includes("zz_empty_identity: identity folder holds no .png/.jpg/.jpeg image"));
  ok(
    first.stderr.includes(
      `${images} embedded this run, 0 already present, 3 skipped (unreadable, or a non-finite embedding)`,
    ),
    first.stderr,
  );
  const { set } = await readJsonLines(out);
  assertEquals(set.identities.length, images);
  const npy = await readNpy(`${dir}/out/Data.npy`);
  assertEquals(npy.imageNames, set.imageNames);
  for (let i = 0; i < set.vectors.length; i++) {
    ok(Math.abs(set.vectors[i]! - npy.vectors[i]!) <= 5e-6);
  }
  for (let r = 0; r < images; r++) {
    let norm = 0;
    for (let j = 0; j < 512; j++) norm += npy.vectors[r * 512 + j]! ** 2;
    ok(Math.abs(Math.sqrt(norm) - 1) < 1e-5, `row ${r} norm ${Math.sqrt(norm)}`);
  }
  const again = await embed([
    "--model",
    model,
    "--dataset",
    dataset,
    "--out",
    out,
    "--format",
    "both",
  ]);
  assertEquals(again.code, 0, again.stderr);
  ok(again.stderr.includes(`0 embedded this run, ${images} already present`), again.stderr);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task embed killed mid-run resumes to the same rows without duplicates", async () => {
  const { dir, model, dataset, images } = await fixture();
  const out = `${dir}/out/Data.npy`;
  const full = await embed([
    "--model",
    model,
    "--dataset",
    dataset,
    "--out",
    `${dir}/ref.npy`,
    "--batch",
    "2",
  ]);
  assertEquals(full.code, 0, full.stderr);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}scripts/embed.ts`,
      "--model",
      model,
      "--dataset",
      dataset,
      "--out",
      out,
      "--batch",
      "2",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const labels = `${dir}/out/Data.labels.tsv`;
  for (let i = 0; i < 600; i++) {
    const text = await Deno.readTextFile(labels).catch(() => "");
    if (text.split("\n").length > 3) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  try {
    child.kill("SIGKILL");
  } catch { /* already finished */ }
  await child.status;
  const cut = (await Deno.readTextFile(labels)).trim().split("\n").length - 1;
  ok(cut > 0 && cut < images, `the kill should land mid-run: ${cut} of ${images} rows written`);
  const resumed = await embed([
    "--model",
    model,
    "--dataset",
    dataset,
    "--out",
    out,
    "--batch",
    "2",
  ]);
  assertEquals(resumed.code, 0, resumed.stderr);
  const got = await readNpy(out);
  const ref = await readNpy(`${dir}/ref.npy`);
  assertEquals(got.identities.length, images);
  assertEquals(new Set(got.imageNames.map((n, i) => `${got.identities[i]}/${n}`)).size, images);
  assertEquals(got.imageNames, ref.imageNames);
  for (let i = 0; i < ref.vectors.length; i++) {
    ok(Math.abs(got.vectors[i]! - ref.vectors[i]!) < 1e-6);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task embed explains bad arguments, missing paths and unreadable models", async () => {
  const dir = await Deno.makeTempDir();
  const unknown = await embed(["--modle", "x"]);
  assertEquals(unknown.code, 2);
  ok(unknown.stderr.includes("Known flags: --model"), unknown.stderr);
  const missing = await embed(["--model", `${dir}/none.onnx`, "--dataset", `${dir}/nowhere`]);
  assertEquals(missing.code, 1);
  ok(/nowhere.*does not exist/.test(missing.stderr), missing.stderr);
  await Deno.mkdir(`${dir}/D/a`, { recursive: true });
  await Deno.writeTextFile(`${dir}/bad.onnx`, "not a model");
  const badModel = await embed(["--model", `${dir}/bad.onnx`, "--dataset", `${dir}/D`]);
  assertEquals(badModel.code, 1);
  ok(badModel.stderr.includes("bad.onnx"), badModel.stderr);
  await Deno.remove(dir, { recursive: true });
});
