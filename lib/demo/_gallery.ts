/**
 * The demo's stand-in for CASIA-WebFace: a gallery of unrelated drawn identities with a few planted
 * near-copies of demo images (identity leakage the search must find), named as CASIA-WebFace's
 * 112x112 release is: `<7-digit id>/image_<n>.jpg`.
 *
 * @module
 */
import { identityParams, imageVariation, perturbFace } from "./_faces.ts";
import { demoDatasetPlan, type DemoImage, writeDemoImages } from "./_dataset.ts";
import { streamRng, uniformInt } from "../random/mod.ts";
import { checkCount } from "./_check_count.ts";

/** Options of {@linkcode demoGalleryPlan} and {@linkcode writeDemoGallery}. */
export interface DemoGalleryOptions {
  /** Gallery identities in all, planted ones included. @default {60} */
  identities?: number;
  /** Images per gallery identity. @default {5} */
  images?: number;
  /** Gallery identities that are near-copies of demo identities. @default {5} */
  planted?: number;
  /** Seed; use the demo dataset's seed so that the planted copies match it. @default {42} */
  seed?: number;
  /** Identities of the demo dataset the copies are taken from. @default {40} */
  demoIdentities?: number;
  /** Images per identity of that demo dataset. @default {8} */
  demoImages?: number;
  /** Standard deviation of the copies' parameter changes, as a fraction of each range. @default {0.02} */
  perturbation?: number;
}

/** A gallery image that is a near-copy of a demo image. */
export interface PlantedCopy {
  /** Gallery identity folder (7 digits). */
  galleryIdentity: string;
  /** Gallery file name, `image_<n>.jpg`. */
  galleryImageName: string;
  /** Demo identity folder it copies. */
  demoIdentity: string;
  /** Demo file name it copies. */
  demoImageName: string;
}

/** The gallery's images and which of them are planted copies. */
export interface DemoGalleryPlan {
  /** Every gallery image in folder then file order. */
  entries: DemoImage[];
  /** The planted copies, in gallery order. */
  copies: PlantedCopy[];
}

/** What {@linkcode writeDemoGallery} wrote. */
export interface DemoGallerySummary {
  /** Identity folders written. */
  identities: number;
  /** Image files written. */
  images: number;
  /** Planted leakage: gallery image path `<identity>/<image>` -> the demo identity it copies. */
  planted: Map<string, string>;
  /** The planted copies in detail, in gallery order. */
  copies: PlantedCopy[];
}

/**
 * Plans the CASIA stand-in: `identities` folders with distinct random 7-digit names in ascending
 * order, each holding `images` 112x112 JPEGs `image_<n>.jpg` (n counts up from 1 across the whole
 * gallery). `planted` of the folders, at random positions, hold near-copies of one demo identity
 * each (chosen at random among the demo identities): gallery image j copies the identity's j-th
 * square colour image (cycling; any of its images when it has none), with every continuous parameter moved by a normal step
 * of `perturbation` of its range. The other folders are fresh identities.
 *
 * @param options Sizes, seed and the demo dataset's shape.
 * @returns The images and the planted copies.
 * @throws {RangeError} When a count is not a positive integer, `planted` exceeds `identities` or
 * `demoIdentities`, or the perturbation is negative.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { demoGalleryPlan } from "./_gallery.ts";
 * const { entries, copies } = demoGalleryPlan({ identities: 6, images: 2, planted: 2 });
 * assert.equal(entries.length, 12);
 * assert.equal(copies.length, 4);
 * assert.match(entries[0]?.identity ?? "", /^\d{7}$/);
 * assert.equal(entries[0]?.imageName, "image_1.jpg");
 * ```
 */
export function demoGalleryPlan(options: DemoGalleryOptions = {}): DemoGalleryPlan {
  const {
    identities = 60,
    images = 5,
    planted = 5,
    seed = 42,
    demoIdentities = 40,
    demoImages = 8,
    perturbation = 0.02,
  } = options;
  checkCount("identities", identities, 1);
  checkCount("images", images, 1);
  checkCount("planted", planted, 0);
  checkCount("demoIdentities", demoIdentities, 1);
  checkCount("demoImages", demoImages, 1);
  if (planted > identities || planted > demoIdentities) {
    throw new RangeError(
      `Cannot plant copies with planted at most identities (${identities}) and demoIdentities (${demoIdentities}): current value is ${planted}`,
    );
  }
  if (!(Number.isFinite(perturbation) && perturbation >= 0)) {
    throw new RangeError(
      `Cannot perturb copies with perturbation as a non-negative number: current value is ${perturbation}`,
    );
  }
  const rng = streamRng(seed, "gallery/layout");
  const ids = new Set<number>();
  while (ids.size < identities) ids.add(uniformInt(rng, 1e7));
  const names = [...ids].sort((a, b) => a - b).map((id) => String(id).padStart(7, "0"));

  // Partial Fisher-Yates shuffles: which gallery folders are planted, and with which demo identity.
  const pick = (n: number, k: number): number[] => {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + uniformInt(rng, n - i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order.slice(0, k);
  };
  const plantedFolders = pick(identities, planted);
  const sources = pick(demoIdentities, planted);
  const sourceOf = new Map(plantedFolders.map((folder, i) => [folder, sources[i]]));

  const demo = planted > 0
    ? demoDatasetPlan({ identities: demoIdentities, images: demoImages, seed })
    : [];
  const plan: DemoImage[] = [];
  const copies: PlantedCopy[] = [];
  let n = 1;
  for (let f = 0; f < identities; f++) {
    const identity = names[f]!;
    const source = sourceOf.get(f);
    const own = source === undefined
      ? []
      : demo.slice(source * demoImages, (source + 1) * demoImages);
    const square = own.filter((e) => !e.grey && e.width === e.height);
    const candidates = square.length > 0 ? square : own;
    const fresh = identityParams(streamRng(seed, `gallery/identity/${identity}`));
    for (let j = 0; j < images; j++) {
      const imageName = `image_${n++}.jpg`;
      const stream = streamRng(seed, `gallery/image/${identity}/${j}`);
      let params;
      if (source !== undefined && candidates.length > 0) {
        const original = candidates[j % candidates.length]!;
        params = perturbFace(original.params, stream, {
          identityAmount: perturbation,
          variationAmount: perturbation,
        });
        copies.push({
          galleryIdentity: identity,
          galleryImageName: imageName,
          demoIdentity: original.identity,
          demoImageName: original.imageName,
        });
      } else {
        params = { identity: fresh, variation: imageVariation(stream) };
      }
      plan.push({
        identity,
        imageName,
        params,
        width: 112,
        height: 112,
        format: "jpeg",
        grey: false,
        progressive: false,
      });
    }
  }
  return { entries: plan, copies };
}

/**
 * Writes the CASIA stand-in of {@linkcode demoGalleryPlan} under `dir`. The same options give the
 * same bytes.
 *
 * @param dir Output folder, created when missing.
 * @param options Sizes, seed and the demo dataset's shape.
 * @returns The counts written and the planted copies (as a map and in detail).
 * @throws {RangeError} As {@linkcode demoGalleryPlan}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeDemoGallery } from "./_gallery.ts";
 * const dir = await Deno.makeTempDir();
 * const g = await writeDemoGallery(dir, { identities: 2, images: 1, planted: 1 });
 * const [planted] = g.planted;
 * assert(planted !== undefined);
 * const [path, demoIdentity] = planted;
 * const stat = await Deno.stat(`${dir}/${path}`);
 * await Deno.remove(dir, { recursive: true });
 * assert.ok(stat.isFile);
 * assert.equal(g.images, 2);
 * assert.match(demoIdentity, /^id_\d{3}$/);
 * ```
 */
export async function writeDemoGallery(
  dir: string,
  options: DemoGalleryOptions = {},
): Promise<DemoGallerySummary> {
  const { entries, copies } = demoGalleryPlan(options);
  const written = await writeDemoImages(dir, entries);
  const planted = new Map(
    copies.map((c) => [`${c.galleryIdentity}/${c.galleryImageName}`, c.demoIdentity]),
  );
  return { ...written, planted, copies };
}
