/**
 * Throughput of `preprocessImage` (decode, resize to 112x112, tensor) on images the size of real
 * datasets: `deno bench -A tests/image/preprocess_bench.ts`. Images per second = 1000 / avg ms.
 *
 * @module
 */
import { initJpegDecoder, preprocessImage } from "../../lib/image/mod.ts";
import { noiseBytes, writeJpeg, writePng } from "./_fixtures.ts";

/** Smooth face-sized gradients plus a little noise: JPEG and PNG sizes like real photos. */
function photoLike(width: number, height: number, channels: 3 | 4): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  const noise = noiseBytes(width * height, width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const n = (noise[y * width + x]! & 15) - 8;
      out[i] = 128 + 100 * Math.sin(x / 17) * Math.cos(y / 23) + n;
      out[i + 1] = 120 + 80 * Math.cos((x + y) / 29) + n;
      out[i + 2] = 90 + 60 * Math.sin(y / 13) + n;
      if (channels === 4) out[i + 3] = 255;
    }
  }
  return out;
}

function rows(data: Uint8Array, width: number, height: number): Uint8Array[] {
  return Array.from(
    { length: height },
    (_, y) => data.subarray(y * width * 3, (y + 1) * width * 3),
  );
}

await initJpegDecoder();
const png112 = writePng({
  width: 112,
  height: 112,
  colorType: 2,
  depth: 8,
  rows: rows(photoLike(112, 112, 3), 112, 112),
});
const jpeg250 = await writeJpeg(photoLike(250, 250, 4), { width: 250, height: 250 });
const jpeg768 = await writeJpeg(photoLike(768, 768, 4), { width: 768, height: 768 });
const out = new Float32Array(3 * 112 * 112);

Deno.bench("preprocessImage 112x112 PNG", { group: "preprocess" }, async () => {
  await preprocessImage(png112, { out });
});
Deno.bench("preprocessImage 250x250 JPEG", { group: "preprocess" }, async () => {
  await preprocessImage(jpeg250, { out });
});
Deno.bench("preprocessImage 768x768 JPEG", { group: "preprocess" }, async () => {
  await preprocessImage(jpeg768, { out });
});
