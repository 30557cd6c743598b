import assert from "node:assert/strict";
import { demoDatasetPlan } from "../../lib/demo/_dataset.ts";
import { drawFace } from "../../lib/demo/_faces.ts";
import { demoGalleryPlan, writeDemoGallery } from "../../lib/demo/_gallery.ts";
import { meanAbsDiff } from "./_pixels.ts";

Deno.test("demoGalleryPlan() names folders and files as CASIA-WebFace's 112x112 release", () => {
  const { entries, copies: planted } = demoGalleryPlan();
  assert.equal(entries.length, 300);
  const folders = [...new Set(entries.map((e) => e.identity))];
  assert.equal(folders.length, 60);
  for (const folder of folders) assert.match(folder, /^\d{7}$/);
  assert.deepEqual(folders, [...folders].sort(), "folders not in ascending order");
  assert.deepEqual(entries.map((e) => e.imageName), entries.map((_, i) => `image_${i + 1}.jpg`));
  for (const e of entries) {
    assert.deepEqual([e.format, e.width, e.height, e.grey], ["jpeg", 112, 112, false]);
  }
  assert.equal(planted.length, 25);
  assert.equal(new Set(planted.map((p) => p.galleryIdentity)).size, 5);
  assert.equal(new Set(planted.map((p) => p.demoIdentity)).size, 5);
});

Deno.test("demoGalleryPlan() planted copies point at colour square images of the demo dataset", () => {
  const { entries, copies: planted } = demoGalleryPlan();
  const demo = new Map(demoDatasetPlan().map((e) => [`${e.identity}/${e.imageName}`, e]));
  const gallery = new Set(entries.map((e) => `${e.identity}/${e.imageName}`));
  for (const copy of planted) {
    assert.ok(gallery.has(`${copy.galleryIdentity}/${copy.galleryImageName}`));
    const source = demo.get(`${copy.demoIdentity}/${copy.demoImageName}`);
    assert.ok(source, `${copy.demoIdentity}/${copy.demoImageName} is not a demo image`);
    assert.ok(!source.grey && source.width === source.height);
  }
  // Every image of a planted folder is a copy; the other folders hold none.
  const plantedFolders = new Set(planted.map((p) => p.galleryIdentity));
  assert.equal(entries.filter((e) => plantedFolders.has(e.identity)).length, planted.length);
});

Deno.test("demoGalleryPlan({seed}) is deterministic and follows the seed", () => {
  const a = demoGalleryPlan({ identities: 8, images: 2, planted: 2, seed: 9 });
  assert.deepEqual(a, demoGalleryPlan({ identities: 8, images: 2, planted: 2, seed: 9 }));
  const b = demoGalleryPlan({ identities: 8, images: 2, planted: 2, seed: 10 });
  assert.notDeepEqual(a.entries.map((e) => e.identity), b.entries.map((e) => e.identity));
});

Deno.test("demoGalleryPlan({planted: 0}) makes only unrelated identities", () => {
  const { entries, copies: planted } = demoGalleryPlan({ identities: 4, images: 2, planted: 0 });
  assert.equal(entries.length, 8);
  assert.equal(planted.length, 0);
});

Deno.test("demoGalleryPlan rejects impossible options", () => {
  assert.throws(() => demoGalleryPlan({ identities: 3, planted: 4 }), RangeError);
  assert.throws(() => demoGalleryPlan({ demoIdentities: 2, planted: 3 }), RangeError);
  assert.throws(() => demoGalleryPlan({ images: 0 }), RangeError);
  assert.throws(() => demoGalleryPlan({ perturbation: -0.1 }), RangeError);
});

Deno.test("planted copies are the closest gallery-demo pairs in pixel space", () => {
  const demoOptions = { identities: 10, images: 4, seed: 7 };
  const demo = demoDatasetPlan(demoOptions);
  const { entries, copies: planted } = demoGalleryPlan({
    identities: 12,
    images: 3,
    planted: 3,
    seed: 7,
    demoIdentities: demoOptions.identities,
    demoImages: demoOptions.images,
  });
  const demoPixels = demo.map((e) => drawFace(e.params).data);
  const demoIndex = new Map(demo.map((e, i) => [`${e.identity}/${e.imageName}`, i]));
  const source = new Map(
    planted.map((
      p,
    ) => [`${p.galleryIdentity}/${p.galleryImageName}`, `${p.demoIdentity}/${p.demoImageName}`]),
  );
  const pairs: { distance: number; gallery: string; demo: string }[] = [];
  for (const entry of entries) {
    const key = `${entry.identity}/${entry.imageName}`;
    const pixels = drawFace(entry.params).data;
    let best = Infinity, bestDemo = "";
    for (const d of demo) {
      const demoKey = `${d.identity}/${d.imageName}`;
      const distance = meanAbsDiff(pixels, demoPixels[demoIndex.get(demoKey)!]!);
      pairs.push({ distance, gallery: key, demo: demoKey });
      if (distance < best) (best = distance, bestDemo = demoKey);
    }
    if (source.has(key)) assert.equal(bestDemo, source.get(key), `${key}: nearest demo image`);
  }
  pairs.sort((a, b) => a.distance - b.distance);
  const top = pairs.slice(0, planted.length);
  for (const pair of top) {
    assert.equal(
      source.get(pair.gallery),
      pair.demo,
      `top pair ${pair.gallery} ~ ${pair.demo} is not planted`,
    );
  }
});

Deno.test("writeDemoGallery(dir) writes the planned JPEGs, byte-identical for a seed", async () => {
  const options = { identities: 4, images: 2, planted: 1, demoIdentities: 3, demoImages: 2 };
  const dirA = await Deno.makeTempDir(), dirB = await Deno.makeTempDir();
  try {
    const summary = await writeDemoGallery(dirA, options);
    await writeDemoGallery(dirB, options);
    assert.equal(summary.identities, 4);
    assert.equal(summary.images, 8);
    const { copies } = demoGalleryPlan(options);
    assert.deepEqual(summary.copies, copies);
    assert.equal(summary.planted.size, 2);
    for (const copy of copies) {
      assert.equal(
        summary.planted.get(`${copy.galleryIdentity}/${copy.galleryImageName}`),
        copy.demoIdentity,
      );
    }
    for (const entry of demoGalleryPlan(options).entries) {
      const path = `${entry.identity}/${entry.imageName}`;
      const a = await Deno.readFile(`${dirA}/${path}`);
      assert.deepEqual([a[0], a[1], a[2]], [0xff, 0xd8, 0xff], `${path} is not a JPEG`);
      assert.deepEqual(a, await Deno.readFile(`${dirB}/${path}`), `${path} differs between runs`);
    }
  } finally {
    for (const dir of [dirA, dirB]) await Deno.remove(dir, { recursive: true });
  }
});
