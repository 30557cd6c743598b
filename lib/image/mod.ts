/**
 * Image decoding and preprocessing identical to the original package's PIL + torchvision chain:
 * `Image.open(p).convert("RGB")`, `Resize((112, 112))`, `ToTensor()`,
 * `Normalize([0.5] * 3, [0.5] * 3)`, bit for bit, for PNG and JPEG of any mode.
 *
 * @example
 * ```ts
 * import { resizeBilinear, writeInputTensor } from "./mod.ts";
 * const image = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 255, 255]) };
 * const small = resizeBilinear(image, 1, 1);
 * const tensor = new Float32Array(3);
 * writeInputTensor(small, tensor);
 * if (small.data[0] !== 128 || tensor[0] !== Math.fround(Math.fround(128 / 255) - 0.5) * 2) {
 *   throw new Error(`unexpected ${small.data} ${tensor}`);
 * }
 * ```
 *
 * @module
 */
export * from "./_rgb_image.ts";
export * from "./_decode.ts";
export * from "./_resize.ts";
export * from "./_tensor.ts";
export * from "./_preprocess.ts";
