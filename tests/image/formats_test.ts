import assert from "node:assert/strict";
import { decodeImage, decodePixels, MAX_IMAGE_PIXELS } from "../../lib/image/mod.ts";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { webpDecoderVersion } from "../../lib/image/_webp.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

interface Case {
  file: string;
  size?: [number, number];
  rgb?: string;
  error?: string;
}

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** The files of tests/image/formats_reference.py and Pillow's RGB of each. */
async function reference(): Promise<{ dir: string; cases: Record<string, Case> }> {
  const dir = await Deno.makeTempDir();
  const script = new URL("./formats_reference.py", import.meta.url).pathname;
  return { dir, cases: JSON.parse(await runPython([script, dir])) };
}

const ignore = skipUnlessPython("numpy", "PIL");

/** Pillow refuses these too; the kit's reason is its own. */
const REFUSED = ["gif_early_end", "bmp_rle8", "bmp_rle4_odd_run"];
/** Pillow reads these; the kit refuses them with the reason (counted as skipped images). */
const NOT_DECODED = ["tiff_1bit_group4"];

Deno.test({
  name: "decodeImage(GIF, BMP, WebP) gives Pillow's convert('RGB') pixels, bit for bit",
  ignore,
  async fn() {
    const { dir, cases } = await reference();
    const names = Object.keys(cases).filter((n) =>
      !REFUSED.includes(n) && !NOT_DECODED.includes(n)
    );
    assert.ok(names.length >= 35, `${names.length} cases`);
    for (const name of names) {
      const c = cases[name]!;
      assert.equal(c.error, undefined, `${name}: Pillow reads it`);
      const image = await decodeImage(await Deno.readFile(c.file), { name });
      assert.deepEqual([image.width, image.height], c.size, name);
      assert.equal(hex(image.data), c.rgb, name);
    }
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "decodeImage refuses what Pillow refuses: a GIF whose codes end early, a short RLE BMP",
  ignore,
  async fn() {
    const { dir, cases } = await reference();
    for (const name of REFUSED) {
      assert.match(cases[name]!.error ?? "", /Error/, name);
      await assert.rejects(
        async () => await decodeImage(await Deno.readFile(cases[name]!.file)),
        name,
      );
    }
    await assert.rejects(
      async () =>
        await decodeImage(await Deno.readFile(cases.gif_early_end!.file), { name: "a/1.gif" }),
      new SyntaxError(
        "Cannot decode a/1.gif as GIF: image file is truncated (its data ends after 14 of 30 pixels)",
      ),
    );
    await assert.rejects(
      async () => await decodeImage(await Deno.readFile(cases.bmp_rle8!.file), { name: "a/2.bmp" }),
      new SyntaxError(
        "Cannot decode a/2.bmp as BMP: not enough image data (truncated RLE data)",
      ),
    );
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name: "decodeImage(TIFF) refuses the layouts the kit does not decode, naming the reason",
  ignore,
  async fn() {
    const { dir, cases } = await reference();
    for (const name of NOT_DECODED) {
      assert.equal(cases[name]?.error, undefined, `Pillow reads ${name}`);
    }
    const read = (name: string) => Deno.readFile(cases[name]!.file);
    await assert.rejects(
      async () => await decodeImage(await read("tiff_1bit_group4"), { name: "a/1.tif" }),
      new SyntaxError(
        "Cannot decode a/1.tif as TIFF: a TIFF with compression 4, which the kit does not decode (Pillow reads it through libtiff; convert it to PNG)",
      ),
    );
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("decodePixels warns above MAX_IMAGE_PIXELS and refuses above twice it, as Pillow", async () => {
  assert.equal(MAX_IMAGE_PIXELS, 89_478_485);
  /** A 1-bit BMP of width x height (black and white palette) with `rows` rows of pixel data. */
  const bmp = (width: number, height: number, rows: number) => {
    const stride = ((width + 31) >> 3) & ~3;
    const out = new Uint8Array(62 + stride * rows);
    const v = new DataView(out.buffer);
    out.set([0x42, 0x4d]);
    v.setUint32(10, 62, true);
    v.setUint32(14, 40, true);
    v.setInt32(18, width, true);
    v.setInt32(22, height, true);
    v.setUint16(26, 1, true);
    v.setUint16(28, 1, true);
    out.set([255, 255, 255, 0], 58);
    return out;
  };
  await assert.rejects(
    () => decodePixels(bmp(20_000, 9_000, 0), { name: "big.bmp" }),
    new RangeError(
      "Cannot decode an image of 20000x9000 pixels: more than 178956970 pixels (PIL's decompression bomb limit)",
    ),
  );
  const reporter = memoryReporter();
  const width = 9_000, height = 10_000;
  const image = await decodePixels(bmp(width, height, height), { name: "wide.bmp", reporter });
  assert.equal(image.width * image.height, 90_000_000);
  assert.deepEqual([...reporter.warnings().keys()], [
    "wide.bmp: image size (90000000 pixels) exceeds limit of 89478485 pixels, could be decompression bomb DOS attack (Pillow's DecompressionBombWarning; decoded all the same)",
  ]);
});

Deno.test("the WebP decoder is libwebp (its version is reported)", async () => {
  assert.match(await webpDecoderVersion(), /^1\.\d+\.\d+$/);
});
