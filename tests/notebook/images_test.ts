import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { mimeBundle } from "../../lib/notebook/_display.ts";
import { displayImages, imageMimeType } from "../../lib/notebook/_images.ts";

Deno.test("displayImages(images) embeds each file's own bytes as a data URI with its label", () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Array(70000).fill(7)]);
  const bundle = mimeBundle(displayImages([
    { label: "id/a.png", bytes: png },
    { label: "id/<b>.jpg", bytes: jpeg },
    { label: "gone.png" },
  ], { width: 64, title: "Identity id" }));
  const { document } = parseHTML(`<html><body>${bundle["text/html"]}</body></html>`);
  const sources = [...document.querySelectorAll("img")].map((img) => img.getAttribute("src") ?? "");
  assert.equal(sources.length, 2);
  const [pngSource = "", jpegSource = ""] = sources;
  const decoded = (src: string) =>
    Uint8Array.from(atob(src.split(",")[1] ?? ""), (c) => c.charCodeAt(0));
  assert.deepEqual(decoded(pngSource), png);
  assert.deepEqual(decoded(jpegSource), jpeg);
  assert.match(jpegSource, /^data:image\/jpeg;base64,/);
  assert.deepEqual([...document.querySelectorAll("figcaption")].map((f) => f.textContent), [
    "id/a.png",
    "id/<b>.jpg",
    "gone.png",
  ]);
  assert.equal(bundle["text/plain"], "Identity id\nid/a.png\nid/<b>.jpg\ngone.png (missing)");
});

Deno.test("imageMimeType(bytes) recognises PNG, JPEG, GIF and WebP signatures", () => {
  assert.equal(imageMimeType(new Uint8Array([0x89, 0x50, 0x4e, 0x47])), "image/png");
  assert.equal(imageMimeType(new TextEncoder().encode("GIF89a")), "image/gif");
  assert.equal(imageMimeType(new TextEncoder().encode("RIFF1234WEBPVP8 ")), "image/webp");
  assert.equal(imageMimeType(new Uint8Array([1, 2, 3])), "application/octet-stream");
  assert.throws(() => displayImages([], { width: 0 }), RangeError);
});
