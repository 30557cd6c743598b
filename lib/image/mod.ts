/**
 * Image decoding and preprocessing identical to the original package's PIL + torchvision chain:
 * `Image.open(p).convert("RGB")`, `Resize((112, 112))`, `ToTensor()`,
 * `Normalize([0.5] * 3, [0.5] * 3)`, bit for bit, for PNG and JPEG of any mode, GIF (first
 * frame), BMP, WebP and baseline TIFF, the format told by the signature (`imageFormatOf`).
 *
 * `decodeImage` / `decodePixels` read the file (grey and colour JPEGs through libjpeg-turbo built
 * to wasm, call `initJpegDecoder` once to load it early; CMYK JPEGs and PNGs through decoders
 * written here to Pillow's outcomes), `resizeBilinear` / `resizeInto` are Pillow's fixed-point
 * bilinear resampler, `writeInputTensor` writes the normalised CHW float32 tensor, and
 * `preprocessImage` does the three in one call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resizeBilinear, writeInputTensor } from "./mod.ts";
 * const image = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 255, 255]) };
 * const small = resizeBilinear(image, 1, 1);
 * assert.deepEqual([...small.data], [128, 128, 128]);
 * const tensor = new Float32Array(3);
 * writeInputTensor(small, tensor);
 * assert.equal(tensor[0], Math.fround(Math.fround(128 / 255) - 0.5) * 2);
 * ```
 *
 * @module
 */
export * from "./_rgb_image.ts";
export * from "./_decode.ts";
export * from "./_signature.ts";
export * from "./_resize.ts";
export * from "./_tensor.ts";
export * from "./_preprocess.ts";
