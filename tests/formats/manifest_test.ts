import assert from "node:assert/strict";
import {
  manifestPathOf,
  manifestText,
  packIndices,
  parseManifest,
  readManifest,
  type RunManifest,
  unpackIndices,
  writeManifest,
} from "../../lib/formats/mod.ts";

function sample(): RunManifest {
  return {
    format: "synthetic-face-audit/run-manifest",
    formatVersion: 1,
    kit: "0.4.0",
    task: "embed",
    flags: { model: "Models/m.pth", formats: ["jsonl", "npy"], batch: 32, out: null },
    inputs: [{
      role: "dataset",
      path: "Dataset/Demo.tar",
      kind: "listing",
      size: 4096,
      mtimeMs: 1700000000000,
      sha256: "ab".repeat(32),
      entries: 12,
      manifest: null,
    }],
    model: {
      path: "Models/m.pth",
      size: 100,
      sha256: "cd".repeat(32),
      graphBuilder: 1,
      backend: "cpu",
      onnxRuntime: "onnxruntime-node@1.30.0",
      dim: 512,
    },
    preprocessing: "pillow-rgb-bilinear-112-chw-f32-(x/255-0.5)/0.5",
    seeds: { pairs: 42 },
    shard: { index: 1, count: 4 },
    counts: { images: 12, embedded: 10 },
    draws: [{
      what: "rows",
      count: 3,
      sha256: "ef".repeat(32),
      indices: packIndices(new Uint32Array([5, 0, 9])),
    }],
    outputs: [{ path: "Metrics/Embeddings/Demo.jsonl", size: 77, sha256: null }],
    host: "node-1",
    pid: 1234,
    started: "2026-12-01T00:00:00.000Z",
    ended: null,
    complete: false,
  };
}

Deno.test("writeManifest(path, m) and readManifest(path) round-trip every field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = manifestPathOf(`${dir}/Demo.jsonl`);
    assert.equal(path, `${dir}/Demo.jsonl.manifest.json`);
    await writeManifest(path, sample());
    assert.deepEqual(await readManifest(path), sample());
    assert.equal(await Deno.readTextFile(path), manifestText(sample()));
    assert.ok((await Deno.readTextFile(path)).endsWith("}\n"));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["Demo.jsonl.manifest.json"]);
    assert.equal(await readManifest(`${dir}/none.manifest.json`), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseManifest(text, source) names the file and the field of a wrong value", () => {
  const cases: [(m: Record<string, unknown>) => void, RegExp][] = [
    [(m) => void (m.kit = 4), /x\.manifest\.json: kit must be a string, current value is 4/],
    [(m) => void (m.complete = "yes"), /complete must be true or false/],
    [(m) => void ((m.inputs as Record<string, unknown>[])[0]!.kind = "blob"), /inputs\[0\]\.kind/],
    [
      (m) => void ((m.model as Record<string, unknown>).sha256 = null),
      /model\.sha256 must be a string/,
    ],
    [(m) => void (m.counts = { images: "12" }), /counts must be an object of numbers/],
    [
      (m) => void (m.shard = { index: 1 }),
      /shard\.count must be a number, current value is missing/,
    ],
    [(m) => void (m.formatVersion = 2), /formatVersion 2, this kit reads 1/],
    [(m) => void (m.format = "other"), /expected "format": "synthetic-face-audit\/run-manifest"/],
  ];
  for (const [spoil, message] of cases) {
    const m = structuredClone(sample()) as unknown as Record<string, unknown>;
    spoil(m);
    assert.throws(() => parseManifest(JSON.stringify(m), "x.manifest.json"), (e: Error) => {
      assert.ok(e instanceof SyntaxError);
      assert.match(e.message, message);
      assert.match(e.message, /x\.manifest\.json/);
      return true;
    });
  }
  assert.throws(() => parseManifest("{", "y.manifest.json"), /y\.manifest\.json: it is not JSON/);
});

Deno.test("packIndices(indices) and unpackIndices(text) round-trip uint32, and refuse a cut text", () => {
  const indices = new Uint32Array(70000);
  for (let i = 0; i < indices.length; i++) indices[i] = (i * 2654435761) >>> 0;
  assert.deepEqual(unpackIndices(packIndices(indices)), indices);
  assert.equal(unpackIndices(packIndices(new Uint32Array(0))).length, 0);
  assert.throws(() => unpackIndices(btoa("abc")), /3 bytes is not a whole number of uint32/);
  assert.throws(() => unpackIndices("%%%"), /not base64/);
});
