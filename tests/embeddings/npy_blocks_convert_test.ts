import assert from "node:assert/strict";
import { openNpyBlocks } from "../../lib/embeddings/mod.ts";

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

async function gallery(dir: string, bytes: Uint8Array): Promise<string> {
  await Deno.writeFile(`${dir}/G.npy`, bytes);
  await Deno.writeTextFile(
    `${dir}/G.labels.tsv`,
    "identity\timage_name\na\t0.jpg\nb\t0.jpg\nc\t0.jpg\n",
  );
  return `${dir}/G.npy`;
}

const VALUES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];

Deno.test("openNpyBlocks(path) converts float64 blocks to float32 and says so, never reading them as float32", async () => {
  const dir = await Deno.makeTempDir();
  const path = await gallery(
    dir,
    npyBytes("<f8", false, "3, 2", new Uint8Array(new Float64Array(VALUES).buffer)),
  );
  const lines: string[] = [];
  const blocks = await openNpyBlocks(path, { onConversion: (line) => lines.push(line) });
  assert.deepEqual(Array.from(await blocks.read(1, 2)), VALUES.slice(2).map(Math.fround));
  blocks.close();
  assert.deepEqual(lines, [`${path}: float64 values rounded to float32`]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openNpyBlocks(path) reads a Fortran-order file whole, transposed to rows", async () => {
  const dir = await Deno.makeTempDir();
  const columnMajor = new Float32Array([0.1, 0.3, 0.5, 0.2, 0.4, 0.6]);
  const path = await gallery(
    dir,
    npyBytes("<f4", true, "3, 2", new Uint8Array(columnMajor.buffer)),
  );
  const blocks = await openNpyBlocks(path);
  assert.deepEqual(Array.from(await blocks.read(0, 3)), VALUES.map(Math.fround));
  blocks.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openNpyBlocks(path) refuses a non-finite float64 value of a block, naming its row", async () => {
  const dir = await Deno.makeTempDir();
  const values = new Float64Array([0.1, 0.2, 0.3, 0.4, 1e300, 0.6]);
  const path = await gallery(dir, npyBytes("<f8", false, "3, 2", new Uint8Array(values.buffer)));
  const blocks = await openNpyBlocks(path);
  await assert.rejects(blocks.read(1, 2), {
    name: "RangeError",
    message:
      `${path}: row 2, column 0 holds 1e+300, beyond float32's range (±3.4028234663852886e+38): refused as float32 overflow`,
  });
  blocks.close();
  await Deno.remove(dir, { recursive: true });
});
