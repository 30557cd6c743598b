import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { inferIResNet } from "../../lib/model/_iresnet_spec.ts";
import { unpickle } from "../../lib/model/_pickle.ts";
import {
  detectCheckpointFormat,
  loadStateDict,
  readStateDict,
  stripModulePrefix,
} from "../../lib/model/_pth.ts";
import type { StateDict, StateTensor } from "../../lib/model/_state_dict.ts";
import { ZipReader } from "../../lib/data/_zip.ts";
import {
  generateReference,
  type Reference,
  type ReferenceTensor,
  sha256Hex,
  skipUnlessTorchReference,
} from "../reference/_torch_reference.ts";

const encoder = new TextEncoder();
const LEGACY_MAGIC = [0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50];

const throwsType = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e: Error) => e instanceof TypeError && pattern.test(e.message));
const throwsSyntax = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e: Error) => e instanceof SyntaxError && pattern.test(e.message));

Deno.test("readStateDict(bytes) rejects the legacy pickle stream with a re-save hint", () => {
  const bytes = new Uint8Array([...LEGACY_MAGIC, 0x19, 0x2e, 0x80, 2, 0x4d, 0xe9, 0x03, 0x2e]);
  assert.equal(detectCheckpointFormat(bytes), "legacy-pickle");
  throwsType(() => readStateDict(bytes, { source: "old.pth" }), /old\.pth.*legacy.*torch >= 1\.6/);
});

Deno.test("readStateDict(bytes) rejects the old tar layout with a re-save hint", () => {
  const bytes = new Uint8Array(1024);
  bytes.set(encoder.encode("storages"), 0);
  bytes.set(encoder.encode("ustar"), 257);
  assert.equal(detectCheckpointFormat(bytes), "legacy-tar");
  throwsType(() => readStateDict(bytes, { source: "tar.pth" }), /legacy.*tar.*torch >= 1\.6/);
});

Deno.test("readStateDict(bytes) rejects a TorchScript zip, naming constants.pkl", () => {
  const bytes = zipSync({
    "net/data.pkl": new Uint8Array([0x80, 2, 0x7d, 0x2e]),
    "net/constants.pkl": new Uint8Array([0x80, 2, 0x29, 0x2e]),
    "net/version": encoder.encode("3\n"),
  });
  throwsType(() => readStateDict(bytes, { source: "ts.pt" }), /TorchScript.*net\/constants\.pkl/);
});

Deno.test("readStateDict(bytes) rejects a zip without data.pkl, listing its entries", () => {
  const bytes = zipSync({ "x/readme.txt": encoder.encode("hi") });
  throwsType(() => readStateDict(bytes, { source: "x.zip" }), /no 'x\/data\.pkl'.*x\/readme\.txt/);
});

Deno.test("readStateDict(bytes) rejects empty and non-checkpoint files as SyntaxErrors", () => {
  throwsSyntax(() => readStateDict(new Uint8Array(0), { source: "e.pth" }), /e\.pth.*empty file/);
  throwsSyntax(
    () => readStateDict(encoder.encode("<html>"), { source: "page.pth" }),
    /page\.pth.*3c 68 74 6d/,
  );
  const zip = zipSync({ "a/data.pkl": new Uint8Array([0x80, 2, 0x7d, 0x2e]) });
  throwsSyntax(
    () => readStateDict(zip.subarray(0, zip.length - 8), { source: "cut.pth" }),
    /cut\.pth/,
  );
});

Deno.test("readStateDict(bytes) explains a dict whose values are not tensors", () => {
  // {'epoch': 3}
  const pkl = new Uint8Array([
    0x80,
    2,
    0x7d,
    0x58,
    5,
    0,
    0,
    0,
    ...encoder.encode("epoch"),
    0x4b,
    3,
    0x73,
    0x2e,
  ]);
  throwsType(
    () => readStateDict(zipSync({ "c/data.pkl": pkl }), { source: "ckpt.pth" }),
    /ckpt\.pth.*'epoch' \(a number\).*model\.state_dict\(\)/,
  );
});

/** Compares every tensor of `dict` with the script's description, in order. */
async function assertMatches(dict: StateDict, expected: ReferenceTensor[], label: string) {
  assert.deepEqual([...dict.keys()], expected.map((t) => t.name), `${label}: keys and order`);
  for (const want of expected) {
    const got = dict.get(want.name)!;
    assert.equal(got.dtype, want.dtype, `${label} ${want.name}: dtype`);
    assert.deepEqual(got.shape, want.shape, `${label} ${want.name}: shape`);
    assert.equal(await sha256Hex(got.data), want.sha256, `${label} ${want.name}: bytes`);
    const head = [...got.data.subarray(0, want.head.length)].map((v) =>
      typeof v === "bigint" ? String(v) : v
    );
    assert.deepEqual(head, want.head, `${label} ${want.name}: first values`);
  }
}

/** `views.pth` with every storage byte-swapped and `byteorder` = `big`. */
function toBigEndian(bytes: Uint8Array): Uint8Array {
  const zip = new ZipReader(bytes);
  const prefix = zip.names()[0]!.split("/")[0]!;
  const sizes: Record<string, number> = {
    DoubleStorage: 8,
    FloatStorage: 4,
    HalfStorage: 2,
    BFloat16Storage: 2,
    LongStorage: 8,
    IntStorage: 4,
    ShortStorage: 2,
    CharStorage: 1,
    ByteStorage: 1,
    BoolStorage: 1,
  };
  const elementSize = new Map<string, number>();
  unpickle(zip.read(`${prefix}/data.pkl`), {
    findClass: (_module, name) => (name in sizes ? { storage: name } : undefined),
    persistentLoad: (pid) => {
      const [, type, key] = pid as [string, { storage: string }, string];
      elementSize.set(`${prefix}/data/${key}`, sizes[type.storage]!);
      return null;
    },
  });
  const files: Record<string, Uint8Array> = {};
  for (const name of zip.names()) {
    const data = zip.read(name).slice();
    const size = elementSize.get(name);
    if (size !== undefined) {
      for (let at = 0; at < data.length; at += size) data.subarray(at, at + size).reverse();
    }
    files[name] = data;
  }
  files[`${prefix}/byteorder`] = encoder.encode("big");
  return zipSync(files, { level: 0 });
}

function valuesOf(tensor: StateTensor): (number | string)[] {
  return [...tensor.data].map((v) => (typeof v === "bigint" ? String(v) : v));
}

/** A tensor of `views.json`. */
interface PythonValues {
  dtype: string;
  shape: number[];
  values: (number | string)[];
}

/** Python's float repr (`inf`, `-0.0`, `nan`, `1e-07`) as a number; other values unchanged. */
function fromPython(value: number | string, dtype: string): number | string {
  if (typeof value !== "string" || dtype === "int64") return value;
  const special: Record<string, number> = { inf: Infinity, "-inf": -Infinity, nan: NaN };
  return value in special ? special[value]! : Number(value);
}

Deno.test({
  name: "readStateDict() on checkpoints written by torch.save",
  ignore: skipUnlessTorchReference(),
  fn: async (t) => {
    const ref: Reference = await generateReference([
      "--no-images",
      "--variants",
      "--width",
      "8",
      "--embedding-size",
      "64",
      "--extra-depths",
      "18,34,50,100,200",
    ]);
    try {
      await t.step(
        "loadStateDict(path) returns every tensor of model.pth bit for bit",
        async () => {
          const dict = await loadStateDict(ref.path("model.pth"));
          await assertMatches(dict, ref.manifest.keys, "model.pth");
          const bytes = await Deno.readFile(ref.path("model.pth"));
          const again = readStateDict(bytes);
          const conv = again.get("layer1.0.conv1.weight")!.data;
          assert.equal(conv.buffer, bytes.buffer, "aligned float32 tensors are views of the file");
        },
      );

      await t.step("inferIResNet() finds depths 18 to 200 and IResNet-100's 925 keys", async () => {
        for (const depth of [18, 34, 50, 100, 200]) {
          const file = `iresnet${depth}.pth`;
          const dict = await loadStateDict(ref.path(file));
          await assertMatches(dict, ref.manifest.checkpoints[file]!, file);
          const spec = inferIResNet(dict);
          assert.equal(spec.depth, depth);
          assert.deepEqual(spec.widths, [2, 4, 8, 16]);
          assert.equal(spec.embeddingSize, 8);
          if (depth === 100) {
            const dtypes = [...dict.values()].map((v) => v.dtype);
            assert.equal(dict.size, 925);
            assert.equal(dtypes.filter((d) => d === "float32").length, 771);
            assert.equal(dtypes.filter((d) => d === "int64").length, 154);
          }
        }
        const spec = inferIResNet(await loadStateDict(ref.path("model.pth")));
        assert.deepEqual(spec.layers, ref.manifest.layers);
        assert.deepEqual(spec.widths, ref.manifest.widths);
        assert.equal(spec.embeddingSize, ref.manifest.embedding_size);
      });

      await t.step(
        "views, offsets, shared storages and every dtype equal torch's values",
        async () => {
          const expected = JSON.parse(await Deno.readTextFile(ref.path("views.json")));
          const bytes = await Deno.readFile(ref.path("views.pth"));
          for (const [label, file] of [["little", bytes], ["big", toBigEndian(bytes)]] as const) {
            const dict = readStateDict(file, { source: `views.pth (${label}-endian)` });
            assert.deepEqual([...dict.keys()], Object.keys(expected));
            for (const [key, want] of Object.entries(expected) as [string, PythonValues][]) {
              const got = dict.get(key)!;
              assert.equal(got.dtype, want.dtype, `${label} ${key}`);
              assert.deepEqual(got.shape, want.shape, `${label} ${key}`);
              const values = want.values.map((v) => fromPython(v, want.dtype));
              assert.deepEqual(valuesOf(got), values, `${label} ${key}`);
            }
          }
        },
      );

      await t.step("a module.-prefixed dict is stripped, with a warning", async () => {
        const reporter = memoryReporter();
        const path = ref.path("module_prefixed.pth");
        const dict = await loadStateDict(path, { reporter });
        const warnings = [...reporter.warnings().keys()];
        await assertMatches(dict, ref.manifest.keys, "module_prefixed.pth");
        assert.equal(warnings.length, 1);
        assert.match(warnings[0] ?? "", /module_prefixed\.pth.*'module\.'.*187 keys/);
        const kept = await loadStateDict(path, { stripModulePrefix: false });
        assert.ok(kept.has("module.conv1.weight"));
        throwsType(() => inferIResNet(kept), /stripModulePrefix/);
        assert.equal(stripModulePrefix(kept).size, kept.size);
      });

      await t.step("a torch.nn.Linear state dict loads but is not an IResNet", async () => {
        const dict = await loadStateDict(ref.path("linear.pth"));
        await assertMatches(dict, ref.manifest.checkpoints["linear.pth"]!, "linear.pth");
        throwsType(() => inferIResNet(dict), /no 'conv1\.weight'.*weight, bias/);
      });

      await t.step("legacy, TorchScript and whole-model files get clear errors", async () => {
        await assert.rejects(
          () => loadStateDict(ref.path("legacy.pth")),
          (e: Error) => e instanceof TypeError && /legacy.pth.*legacy torch format/.test(e.message),
        );
        await assert.rejects(
          () => loadStateDict(ref.path("torchscript.pt")),
          (e: Error) => e instanceof TypeError && /TorchScript.*constants\.pkl/.test(e.message),
        );
        await assert.rejects(
          () => loadStateDict(ref.path("whole_model.pth")),
          (e: Error) =>
            e instanceof TypeError &&
            /pickled backbones\.iresnet\.IResNet object.*model\.state_dict\(\)/.test(e.message),
        );
      });

      await t.step("truncated and corrupt checkpoints name the file and the entry", async () => {
        const bytes = await Deno.readFile(ref.path("model.pth"));
        throwsSyntax(
          () => readStateDict(bytes.subarray(0, bytes.length >> 1), { source: "half.pth" }),
          /half\.pth.*truncated/,
        );
        const zip = new ZipReader(bytes);
        const pkl = "model/data.pkl";
        const broken = bytes.slice();
        broken[zip.dataOffset(pkl) + 2] = 0xfe;
        throwsSyntax(
          () => readStateDict(broken, { source: "bad.pth" }),
          /bad\.pth \(entry 'model\/data\.pkl'\).*0xfe.*byte offset 2/,
        );
        const noHeader = bytes.slice();
        noHeader[zip.entry("model/data/0")!.localHeaderOffset] = 0;
        throwsSyntax(
          () => readStateDict(noHeader, { source: "hdr.pth" }),
          /entry 'model\/data\/0' of hdr\.pth/,
        );
      });
    } finally {
      await ref.remove();
    }
  },
});
