/**
 * The demo dataset: a folder of identity sub-folders of procedurally drawn faces, with the mix of
 * file kinds real datasets have (mostly 112x112 PNG; JPEGs named `.jpg`, `.JPG` and `.jpeg`, one
 * of them progressive; 96x112 SynFace-like crops; 250x250 pictures; one grey image).
 *
 * @module
 */
import { join } from "node:path";
import { drawFace, type FaceParams, identityParams, imageVariation } from "./_faces.ts";
import { encodeJpeg, encodePng } from "./_encode.ts";
import { streamRng } from "../random/mod.ts";
import { checkCount } from "./_check_count.ts";

/** One image to make: where it goes, what it shows and how it is stored. */
export interface DemoImage {
  /** Identity folder name. */
  identity: string;
  /** File name inside the identity folder, with its extension. */
  imageName: string;
  /** What the picture shows. */
  params: FaceParams;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** File format. */
  format: "png" | "jpeg";
  /** Stored as one grey channel. */
  grey: boolean;
  /** A progressive JPEG (ignored for PNG). */
  progressive: boolean;
}

/** Options of {@linkcode demoDatasetPlan} and {@linkcode writeDemoDataset}. */
export interface DemoDatasetOptions {
  /** Number of identities. @default {40} */
  identities?: number;
  /** Images per identity. @default {8} */
  images?: number;
  /** Seed of everything drawn. @default {42} */
  seed?: number;
}

/** What {@linkcode writeDemoDataset} wrote. */
export interface DemoDatasetSummary {
  /** Identity folders written. */
  identities: number;
  /** Image files written. */
  images: number;
}

/** JPEG quality of every demo JPEG. */
export const DEMO_JPEG_QUALITY = 90;

interface Kind {
  ext: string;
  width: number;
  height: number;
  progressive?: boolean;
}

/** The file kinds, cycled over the images in order: 10 of 16 are 112x112 PNG. */
const KINDS: readonly Kind[] = [
  { ext: ".png", width: 112, height: 112 },
  { ext: ".png", width: 112, height: 112 },
  { ext: ".jpg", width: 112, height: 112 },
  { ext: ".png", width: 112, height: 112 },
  { ext: ".png", width: 96, height: 112 },
  { ext: ".png", width: 112, height: 112 },
  { ext: ".JPG", width: 112, height: 112, progressive: true },
  { ext: ".png", width: 112, height: 112 },
  { ext: ".png", width: 112, height: 112 },
  { ext: ".jpeg", width: 112, height: 112 },
  { ext: ".png", width: 112, height: 112 },
  { ext: ".jpg", width: 250, height: 250 },
  { ext: ".png", width: 112, height: 112 },
  { ext: ".png", width: 112, height: 112 },
  { ext: ".jpg", width: 112, height: 112 },
  { ext: ".png", width: 112, height: 112 },
];

/** Position, in image order, of the one grey image (a 112x112 PNG slot of {@linkcode KINDS}). */
const GREY_INDEX = 5;

/**
 * The identity parameters of demo identity `index` for a seed; the same as in
 * {@linkcode demoDatasetPlan}, whatever the number of identities or images.
 *
 * @param index Identity index (0-based).
 * @param seed The dataset seed.
 * @returns The face parameters shared by the identity's images.
 *
 * @example
 * ```ts
 * import { demoIdentityParams } from "./_dataset.ts";
 * const a = demoIdentityParams(3, 42), b = demoIdentityParams(3, 42);
 * if (a.headWidth !== b.headWidth) throw new Error("not deterministic");
 * ```
 */
export function demoIdentityParams(index: number, seed: number): FaceParams["identity"] {
  return identityParams(streamRng(seed, `demo/identity/${index}`));
}

/**
 * Lists the images of the demo dataset without drawing them: identity folders `id_000`, `id_001`,
 * ..., image files `00.png`, `01.png`, ... (wider numbers when there are more). The file kinds
 * cycle over the images in order, so every kind appears once there are 16 images or more: of each
 * 16, ten 112x112 PNG, two `.jpg`, one progressive `.JPG` and one `.jpeg` (all 112x112), one
 * 96x112 PNG and one 250x250 `.jpg`. Image 5 (in order) is a grey PNG.
 *
 * @param options Size and seed.
 * @returns The images in identity then image order.
 * @throws {RangeError} When a count is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { demoDatasetPlan } from "./_dataset.ts";
 * const plan = demoDatasetPlan({ identities: 2, images: 8 });
 * assert.equal(plan.length, 16);
 * assert.equal(plan[0]?.identity, "id_000");
 * assert.equal(plan[9]?.imageName, "01.jpeg");
 * assert.equal(plan.filter((e) => e.grey).length, 1);
 * ```
 */
export function demoDatasetPlan(options: DemoDatasetOptions = {}): DemoImage[] {
  const { identities = 40, images = 8, seed = 42 } = options;
  checkCount("identities", identities, 1);
  checkCount("images", images, 1);
  const idDigits = Math.max(3, String(identities - 1).length);
  const imageDigits = Math.max(2, String(images - 1).length);
  const plan: DemoImage[] = [];
  for (let i = 0; i < identities; i++) {
    const identity = demoIdentityParams(i, seed);
    const name = `id_${String(i).padStart(idDigits, "0")}`;
    for (let k = 0; k < images; k++) {
      const g = i * images + k;
      const kind = KINDS[g % KINDS.length]!;
      const variation = imageVariation(streamRng(seed, `demo/image/${i}/${k}`));
      plan.push({
        identity: name,
        imageName: `${String(k).padStart(imageDigits, "0")}${kind.ext}`,
        params: { identity, variation },
        width: kind.width,
        height: kind.height,
        format: kind.ext === ".png" ? "png" : "jpeg",
        grey: g === GREY_INDEX,
        progressive: kind.progressive ?? false,
      });
    }
  }
  return plan;
}

/**
 * Draws and encodes one planned image.
 *
 * @param image The plan entry.
 * @returns The file bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { demoDatasetPlan, encodeDemoImage } from "./_dataset.ts";
 * const [first] = demoDatasetPlan({ identities: 1, images: 1 });
 * assert(first !== undefined);
 * const bytes = await encodeDemoImage(first);
 * assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
 * ```
 */
export async function encodeDemoImage(image: DemoImage): Promise<Uint8Array> {
  const picture = drawFace(image.params, { width: image.width, height: image.height });
  if (image.format === "png") return encodePng(picture, { grey: image.grey });
  return await encodeJpeg(picture, {
    quality: DEMO_JPEG_QUALITY,
    progressive: image.progressive,
    grey: image.grey,
  });
}

/**
 * Writes planned images under `dir` as `<dir>/<identity>/<imageName>`, creating folders.
 * Existing files of the same names are overwritten; other files are left alone.
 *
 * @param dir Output folder.
 * @param plan The images.
 * @returns How many identity folders and images were written.
 *
 * @example
 * ```ts
 * import { demoDatasetPlan, writeDemoImages } from "./_dataset.ts";
 * const dir = await Deno.makeTempDir();
 * const n = await writeDemoImages(dir, demoDatasetPlan({ identities: 1, images: 2 }));
 * await Deno.remove(dir, { recursive: true });
 * if (n.images !== 2 || n.identities !== 1) throw new Error("unexpected");
 * ```
 */
export async function writeDemoImages(
  dir: string,
  plan: readonly DemoImage[],
): Promise<DemoDatasetSummary> {
  const folders = new Set<string>();
  for (const image of plan) {
    const folder = join(dir, image.identity);
    if (!folders.has(image.identity)) {
      await Deno.mkdir(folder, { recursive: true });
      folders.add(image.identity);
    }
    await Deno.writeFile(join(folder, image.imageName), await encodeDemoImage(image));
  }
  return { identities: folders.size, images: plan.length };
}

/**
 * Writes the demo dataset (see {@linkcode demoDatasetPlan} for names and the file mix) under `dir`.
 * The same options give the same bytes.
 *
 * @param dir Output folder, created when missing.
 * @param options Size and seed.
 * @returns How many identity folders and images were written.
 * @throws {RangeError} When a count is not a positive integer.
 *
 * @example
 * ```ts
 * import { writeDemoDataset } from "./_dataset.ts";
 * const dir = await Deno.makeTempDir();
 * const summary = await writeDemoDataset(dir, { identities: 2, images: 3 });
 * const names = [...Deno.readDirSync(`${dir}/id_000`)].map((e) => e.name).sort();
 * await Deno.remove(dir, { recursive: true });
 * if (summary.images !== 6 || names.join() !== "00.png,01.png,02.jpg") throw new Error(names.join());
 * ```
 */
export async function writeDemoDataset(
  dir: string,
  options: DemoDatasetOptions = {},
): Promise<DemoDatasetSummary> {
  return await writeDemoImages(dir, demoDatasetPlan(options));
}
