import assert from "node:assert/strict";
import { decodeImage } from "../../lib/image/_decode.ts";
import { noiseBytes, writeJpeg, writePng } from "./_fixtures.ts";

function rejectsNaming(
  bytes: Uint8Array,
  name: string,
  kind: typeof SyntaxError | typeof TypeError,
): Promise<void> {
  return assert.rejects(() => decodeImage(bytes, { name }), (e: Error) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${e}`);
    assert.ok(e.message.includes(name), `the message should name ${name}: ${e.message}`);
    return true;
  });
}

const rgbPng = writePng({
  width: 3,
  height: 2,
  colorType: 2,
  depth: 8,
  rows: [noiseBytes(9, 1), noiseBytes(9, 2)],
});

Deno.test("decodeImage(bytes) throws a TypeError naming the file for an empty file", async () => {
  await rejectsNaming(new Uint8Array(0), "id1/empty.png", TypeError);
});

Deno.test("decodeImage(bytes) throws a TypeError for a text file named x.png", async () => {
  const text = new TextEncoder().encode("identity,image\nid1,img.png\n");
  await rejectsNaming(text, "dataset/id1/x.png", TypeError);
});

Deno.test("decodeImage(bytes) throws a SyntaxError for a PNG with a bad IHDR CRC", async () => {
  const bad = rgbPng.slice();
  bad[8 + 8 + 13]! ^= 0xff;
  await rejectsNaming(bad, "bad_crc.png", SyntaxError);
});

Deno.test("decodeImage(bytes) throws a SyntaxError for a PNG cut inside its image data", async () => {
  await rejectsNaming(rgbPng.subarray(0, 8 + 25 + 20), "cut.png", SyntaxError);
});

Deno.test("decodeImage(bytes) decodes 8-bit RGB and RGBA PNGs to their RGB samples", async () => {
  const rgb = await decodeImage(rgbPng);
  assert.deepEqual([rgb.width, rgb.height], [3, 2]);
  assert.deepEqual(rgb.data, new Uint8Array([...noiseBytes(9, 1), ...noiseBytes(9, 2)]));
  const rgbaRow = noiseBytes(8, 3);
  const rgba = await decodeImage(
    writePng({ width: 2, height: 1, colorType: 6, depth: 8, rows: [rgbaRow] }),
  );
  // Alpha is dropped, not composited (PIL's RGBA -> RGB).
  assert.deepEqual(
    rgba.data,
    new Uint8Array([...rgbaRow.subarray(0, 3), ...rgbaRow.subarray(4, 7)]),
  );
});

Deno.test("decodeImage(bytes) converts grey, 2-bit grey, 16-bit grey and palette PNGs as PIL", async () => {
  const grey = await decodeImage(
    writePng({ width: 2, height: 1, colorType: 0, depth: 8, rows: [new Uint8Array([7, 200])] }),
  );
  assert.deepEqual(grey.data, new Uint8Array([7, 7, 7, 200, 200, 200]));
  // 2-bit samples 0, 1, 2, 3 packed in one byte: PIL's "L;2" scales by 255 / 3.
  const grey2 = await decodeImage(
    writePng({ width: 4, height: 1, colorType: 0, depth: 2, rows: [new Uint8Array([0b00011011])] }),
  );
  assert.deepEqual(Array.from(grey2.data.filter((_, i) => i % 3 === 0)), [0, 85, 170, 255]);
  // 16-bit grey opens as PIL mode "I"; converting "I" to RGB clips at 255 (no scaling).
  const grey16 = await decodeImage(
    writePng({
      width: 3,
      height: 1,
      colorType: 0,
      depth: 16,
      rows: [new Uint8Array([0, 100, 0, 255, 1, 0])],
    }),
  );
  assert.deepEqual(Array.from(grey16.data.filter((_, i) => i % 3 === 0)), [100, 255, 255]);
  const palette = new Uint8Array([10, 20, 30, 40, 50, 60]);
  const indexed = await decodeImage(
    writePng({
      width: 2,
      height: 1,
      colorType: 3,
      depth: 8,
      rows: [new Uint8Array([1, 0])],
      palette,
    }),
  );
  assert.deepEqual(indexed.data, new Uint8Array([40, 50, 60, 10, 20, 30]));
});

function flatRgba(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let i = 0; i < out.length; i += 4) out.set([...rgb, 255], i);
  return out;
}

/** Inserts an APP1 Exif segment with orientation 6 (rotate 90 degrees) after SOI. */
function withExifOrientation(jpeg: Uint8Array): Uint8Array {
  const tiff = [
    0x49,
    0x49,
    0x2a,
    0x00,
    0x08,
    0x00,
    0x00,
    0x00, // little-endian TIFF, IFD at 8
    0x01,
    0x00, // one entry
    0x12,
    0x01,
    0x03,
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    0x06,
    0x00,
    0x00,
    0x00, // orientation = 6
    0x00,
    0x00,
    0x00,
    0x00, // no next IFD
  ];
  const payload = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00, ...tiff];
  const length = payload.length + 2;
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xe1,
    length >> 8,
    length & 255,
    ...payload,
    ...jpeg.subarray(2),
  ]);
}

/**
 * A 1x1 JPEG whose first frame header (the one Pillow reads) has four components, and a second
 * frame header after the first scan with three: the planes decoded are not the CMYK ones.
 */
function cmykThenThreeComponentJpeg(): Uint8Array {
  const segment = (marker: number, body: number[]) => [
    0xff,
    marker,
    (body.length + 2) >> 8,
    (body.length + 2) & 255,
    ...body,
  ];
  const oneCodeTable = (tableClass: number) => [tableClass << 4, 1, ...new Array(15).fill(0), 0];
  const frame = (
    n: number,
  ) => [8, 0, 1, 0, 1, n, ...Array.from({ length: n }, (_, i) => [i + 1, 0x11, 0]).flat()];
  return new Uint8Array([
    0xff,
    0xd8,
    ...segment(0xdb, [0, ...new Array(64).fill(1)]),
    ...segment(0xc4, oneCodeTable(0)),
    ...segment(0xc4, oneCodeTable(1)),
    ...segment(0xc0, frame(4)),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x00,
    ...segment(0xc0, frame(3)),
    0xff,
    0xd9,
  ]);
}

Deno.test("decodeImage(bytes) throws a SyntaxError for a CMYK JPEG that decodes to three planes", async () => {
  await rejectsNaming(cmykThenThreeComponentJpeg(), "id1/odd_cmyk.jpg", SyntaxError);
});

Deno.test("decodeImage(bytes) decodes a JPEG close to its flat colour and ignores EXIF orientation", async () => {
  const jpeg = await writeJpeg(flatRgba(64, 32, [200, 120, 40]), { width: 64, height: 32 });
  const image = await decodeImage(withExifOrientation(jpeg), { name: "rotated.jpg" });
  assert.deepEqual([image.width, image.height], [64, 32]);
  for (let i = 0; i < image.data.length; i += 3) {
    assert.ok(Math.abs(image.data[i]! - 200) <= 3, `red ${image.data[i]}`);
    assert.ok(Math.abs(image.data[i + 1]! - 120) <= 3, `green ${image.data[i + 1]}`);
    assert.ok(Math.abs(image.data[i + 2]! - 40) <= 3, `blue ${image.data[i + 2]}`);
  }
});

Deno.test("decodeImage(bytes) rejects corrupt JPEGs and keeps decoding good ones after", async () => {
  const jpeg = await writeJpeg(noiseBytes(48 * 40 * 4, 9), { width: 48, height: 40 });
  const garbage = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...noiseBytes(300, 4)]);
  await rejectsNaming(garbage, "garbage_after_soi.jpg", SyntaxError);
  await rejectsNaming(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), "cut.jpg", SyntaxError);
  await rejectsNaming(jpeg.subarray(0, jpeg.length - 2), "no_eoi.jpg", SyntaxError);
  const good = await decodeImage(jpeg, { name: "good.jpg" });
  assert.deepEqual([good.width, good.height], [48, 40]);
});
