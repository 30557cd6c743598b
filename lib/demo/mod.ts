/**
 * Demo data for the kit: procedurally drawn face-like images, deterministic for a seed. A demo
 * dataset of identity folders with the file mix of real datasets, and a CASIA-WebFace stand-in
 * gallery with planted near-copies of a few demo identities. Every draw comes from a named stream
 * of `lib/random` (`streamRng(seed, key)`), so any image can be made alone and adding images never
 * changes the others.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { demoDatasetPlan, demoGalleryPlan, drawFace, encodeDemoImage } from "./mod.ts";
 * const [first] = demoDatasetPlan({ identities: 1, images: 1 });
 * assert(first !== undefined);
 * assert.equal(`${first.identity}/${first.imageName}`, "id_000/00.png");
 * const image = drawFace(first.params, { width: 56, height: 56 });
 * assert.equal(image.data.length, 56 * 56 * 3);
 * assert.deepEqual(await encodeDemoImage(first), await encodeDemoImage(first));
 * const { copies } = demoGalleryPlan({ identities: 3, images: 2, planted: 1, demoIdentities: 2 });
 * assert.equal(copies.length, 2);
 * assert.match(copies[0]?.demoIdentity ?? "", /^id_00[01]$/);
 * ```
 *
 * @module
 */
export * from "./_faces.ts";
export * from "./_encode.ts";
export * from "./_dataset.ts";
export * from "./_gallery.ts";
