import assert from "node:assert/strict";
import { memoryReporter } from "../../lib/cli/mod.ts";
import {
  type NpyInfo,
  npyValuesToFloat32,
  parseNpyHeader,
  readEmbeddings,
  readNpy,
} from "../../lib/embeddings/mod.ts";
import { skipUnless } from "../_prereq.ts";
import { hasPython, runPython } from "../_python.ts";

/** An `.npy` file as numpy writes it (version 1 header, padded to 64 bytes). */
function npyBytes(descr: string, fortran: boolean, shape: string, data: Uint8Array) {
  const dict = `{'descr': '${descr}', 'fortran_order': ${
    fortran ? "True" : "False"
  }, 'shape': (${shape}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - 10 - 1, " ") + "\n";
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, total);
  return out;
}

async function writePair(dir: string, bytes: Uint8Array, labels: string[][]): Promise<string> {
  const path = `${dir}/E.npy`;
  await Deno.writeFile(path, bytes);
  const lines = ["identity\timage_name", ...labels.map((l) => l.join("\t"))];
  await Deno.writeTextFile(`${dir}/E.labels.tsv`, lines.join("\n") + "\n");
  return path;
}

const LABELS = [["a", "0.jpg"], ["a", "1.jpg"], ["b", "0.jpg"]];

Deno.test("readEmbeddings(npy) rounds float64 values to float32 and says so", async () => {
  const dir = await Deno.makeTempDir();
  const values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
  const path = await writePair(
    dir,
    npyBytes("<f8", false, "3, 2", new Uint8Array(new Float64Array(values).buffer)),
    LABELS,
  );
  const reporter = memoryReporter();
  const set = await readEmbeddings(path, { reporter });
  assert.deepEqual(Array.from(set.vectors), values.map(Math.fround));
  assert.deepEqual(reporter.infos, [`${path}: float64 values rounded to float32`]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readNpy(path) widens float16 exactly, swaps big-endian bytes and transposes Fortran order", async () => {
  const dir = await Deno.makeTempDir();
  // float16 bits of 1, -2, 0.5, 65504 (largest), 2^-24 (smallest subnormal), 0.
  const halves = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x0000]);
  let path = await writePair(
    dir,
    npyBytes("<f2", false, "3, 2", new Uint8Array(halves.buffer)),
    LABELS,
  );
  const lines: string[] = [];
  let set = await readNpy(path, { onConversion: (line) => lines.push(line) });
  assert.deepEqual(Array.from(set.vectors), [1, -2, 0.5, 65504, 2 ** -24, 0]);
  assert.deepEqual(lines, [`${path}: float16 values widened to float32 (exactly)`]);

  // Fortran order: the file holds column 0 of every row, then column 1.
  const big = new Uint8Array(24);
  const view = new DataView(big.buffer);
  [1, 3, 5, 2, 4, 6].forEach((v, i) => view.setFloat32(i * 4, v, false));
  path = await writePair(dir, npyBytes(">f4", true, "3, 2", big), LABELS);
  lines.length = 0;
  set = await readNpy(path, { onConversion: (line) => lines.push(line) });
  assert.deepEqual(Array.from(set.vectors), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(lines, [
    `${path}: big-endian bytes swapped; Fortran (column-major) order transposed to rows`,
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readNpy(path) refuses a NaN, naming file, row, labels and column", async () => {
  const dir = await Deno.makeTempDir();
  const values = new Float32Array([1, 0, 0, 1, 0.6, NaN]);
  const path = await writePair(
    dir,
    npyBytes("<f4", false, "3, 2", new Uint8Array(values.buffer)),
    LABELS,
  );
  await assert.rejects(readNpy(path), {
    name: "RangeError",
    message:
      `${path}: row 2 (b/0.jpg), column 1 holds NaN: embeddings must be finite (a NaN or infinite value means the model or the file is broken)`,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readNpy(path) refuses a float64 value beyond float32's range as float32 overflow", async () => {
  const dir = await Deno.makeTempDir();
  const values = new Float64Array([1, 0, -1e39, 1, 0.6, 0.8]);
  const path = await writePair(
    dir,
    npyBytes("<f8", false, "3, 2", new Uint8Array(values.buffer)),
    LABELS,
  );
  await assert.rejects(readNpy(path), {
    name: "RangeError",
    message:
      `${path}: row 1 (a/1.jpg), column 0 holds -1e+39, beyond float32's range (±3.4028234663852886e+38): refused as float32 overflow`,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readNpy(path) without its labels file names the missing file and how it is made", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/X.npy`, npyBytes("<f4", false, "0, 2", new Uint8Array(0)));
  await assert.rejects(readNpy(`${dir}/X.npy`), (error: unknown) => {
    assert.ok(error instanceof Deno.errors.NotFound);
    assert.ok(
      error.message.startsWith(
        `Cannot read ${dir}/X.npy: its labels file ${dir}/X.labels.tsv does not exist (one "identity<TAB>image_name" line per row under that header line; deno task embed --format npy writes both files`,
      ),
      error.message,
    );
    return true;
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("npyValuesToFloat32(bytes, info, { firstRow }) converts a block of rows and names its rows", () => {
  const info: NpyInfo = parseNpyHeader(
    npyBytes("<f4", false, "100, 2", new Uint8Array(0)),
    "G.npy",
  );
  const block = new Uint8Array(new Float32Array([0, 1, Infinity, 0]).buffer);
  assert.throws(() => npyValuesToFloat32(block, info, { path: "G.npy", firstRow: 40 }), {
    message: /^G\.npy: row 41, column 0 holds Infinity: embeddings must be finite/,
  });
  const fortran = { ...info, fortranOrder: true };
  assert.throws(() => npyValuesToFloat32(block.subarray(0, 8), fortran, { path: "G.npy" }), {
    message: /^G\.npy: a Fortran-order \.npy file is converted whole/,
  });
});

Deno.test("parseNpyHeader(bytes) refuses integer arrays and 1-d shapes, naming the header", () => {
  assert.throws(() => parseNpyHeader(npyBytes("<i8", false, "2, 2", new Uint8Array(0)), "I.npy"), {
    name: "SyntaxError",
    message:
      /^I\.npy: expected a float32, float64 or float16 array \('<f4', '<f8', '<f2'\), found header \{'descr': '<i8'/,
  });
  assert.throws(() => parseNpyHeader(npyBytes("<f4", false, "4,", new Uint8Array(0)), "F.npy"), {
    message: /^F\.npy: expected a 2-d array \(rows, dim\), found shape \(4,\)/,
  });
});

Deno.test("readEmbeddings(path) refuses a file without embeddings, in either format", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/E.jsonl`, "");
  await assert.rejects(readEmbeddings(`${dir}/E.jsonl`), {
    name: "RangeError",
    message:
      `Cannot use ${dir}/E.jsonl: it holds no embeddings (expected one per image, as deno task embed writes them)`,
  });
  const path = await writePair(dir, npyBytes("<f4", false, "0, 512", new Uint8Array(0)), []);
  await assert.rejects(readEmbeddings(path), { message: /E\.npy: it holds no embeddings/ });
  assert.equal((await readEmbeddings(path, { allowEmpty: true })).identities.length, 0);
  await assert.rejects(readEmbeddings(dir), {
    name: "IsADirectory",
    message:
      `Cannot read embeddings: ${dir} is a folder (expected a JSON lines file or an .npy file with its .labels.tsv)`,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test({
  name: "readNpy(path) equals numpy's astype(float32) for float64, float16 and Fortran-order files",
  ignore: skipUnless("numpy", hasPython("numpy"), "/usr/bin/python3 has no numpy"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    await runPython([
      "-c",
      `import numpy as np
r = np.random.default_rng(7).standard_normal((5, 8))
np.save("${dir}/d.npy", r)
np.save("${dir}/h.npy", r.astype(np.float16))
np.save("${dir}/f.npy", np.asfortranarray(r.astype(">f4")))
for k in "dhf":
    np.save("${dir}/" + k + "32.npy", np.load("${dir}/" + k + ".npy").astype("<f4"), allow_pickle=False)`,
    ]);
    const labels = "identity\timage_name\n" + "a\t0.jpg\n".repeat(5);
    for (const k of ["d", "h", "f"]) {
      await Deno.writeTextFile(`${dir}/${k}.labels.tsv`, labels);
      await Deno.writeTextFile(`${dir}/${k}32.labels.tsv`, labels);
      const got = await readNpy(`${dir}/${k}.npy`);
      const want = await readNpy(`${dir}/${k}32.npy`);
      assert.deepEqual(got.vectors, want.vectors, k);
    }
    await Deno.remove(dir, { recursive: true });
  },
});
