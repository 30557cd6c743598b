/**
 * Demo data for the kit: procedurally drawn face-like images, deterministic for a seed. A demo
 * dataset of identity folders with the file mix of real datasets, and a CASIA-WebFace stand-in
 * gallery with planted near-copies of a few demo identities.
 *
 * @example
 * ```ts
 * import { drawFace, demoDatasetPlan } from "./mod.ts";
 * const [first] = demoDatasetPlan({ identities: 1, images: 1 });
 * const image = drawFace(first.params, { width: 56, height: 56 });
 * if (image.data.length !== 56 * 56 * 3) throw new Error("unexpected size");
 * ```
 *
 * @module
 */
export * from "./_faces.ts";
export * from "./_encode.ts";
export * from "./_dataset.ts";
export * from "./_gallery.ts";
