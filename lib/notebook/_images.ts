/**
 * Image strips for notebooks: encoded image files (PNG, JPEG) shown as they are, with a caption
 * under each, as HTML with data URIs. No decoding, so the bytes shown are the bytes on disk.
 *
 * @module
 */
import { encodeBase64 } from "./_base64.ts";
import { type Displayable, displayable } from "./_display.ts";
import { escapeHtml } from "./_html.ts";

/** One image to show. */
export interface LabelledImage {
  /** Caption under the image. */
  label: string;
  /** The encoded file; undefined shows a placeholder with the label (e.g. a missing file). */
  bytes?: Uint8Array | undefined;
}

/** Options of {@linkcode displayImages}. */
export interface DisplayImagesOptions {
  /** Displayed width of each image in CSS pixels. @default 112 */
  width?: number;
  /** Caption over the strip. @default undefined */
  title?: string;
}

/**
 * The MIME type of an encoded image from its first bytes.
 *
 * @param bytes Encoded image.
 * @returns `image/png`, `image/jpeg`, `image/gif`, `image/webp` or `application/octet-stream`.
 *
 * @example
 * ```ts
 * import { imageMimeType } from "./_images.ts";
 * if (imageMimeType(new Uint8Array([0xff, 0xd8, 0xff])) !== "image/jpeg") throw new Error();
 * ```
 */
export function imageMimeType(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return "image/png";
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return "image/gif";
  if (bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) {
    return "image/webp";
  }
  return "application/octet-stream";
}

/**
 * Makes a displayable strip of labelled images.
 *
 * @param images The images, in order.
 * @param options Width and title.
 * @returns A value that shows as HTML in the kernel (the labels as text elsewhere).
 * @throws {RangeError} When `width` is not a positive number.
 *
 * @example
 * ```ts
 * import { displayImages } from "./_images.ts";
 * import { mimeBundle } from "./_display.ts";
 * const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
 * const b = mimeBundle(displayImages([{ label: "id1/a.png", bytes: png }, { label: "gone" }]));
 * if (!b["text/html"]?.includes("data:image/png;base64,iVBORw0KGgo=")) throw new Error();
 * if (!b["text/plain"]?.includes("gone")) throw new Error("unexpected");
 * ```
 */
export function displayImages(
  images: readonly LabelledImage[],
  options: DisplayImagesOptions = {},
): Displayable {
  const { width = 112, title } = options;
  if (!(width > 0)) {
    throw new RangeError(`Cannot display images at width ${width}: it must be positive`);
  }
  const tiles = images.map(({ label, bytes }) => {
    const body = bytes
      ? `<img src="data:${imageMimeType(bytes)};base64,${
        encodeBase64(bytes)
      }" width="${width}" alt="${escapeHtml(label)}">`
      : `<div style="width:${width}px;height:${width}px;background:#eee;display:flex;align-items:center;justify-content:center">missing</div>`;
    return `<figure style="margin:4px;display:inline-block;text-align:center;font:11px sans-serif">${body}<figcaption style="max-width:${width}px;overflow-wrap:anywhere">${
      escapeHtml(label)
    }</figcaption></figure>`;
  });
  const heading = title ? `<div style="font:bold 13px sans-serif">${escapeHtml(title)}</div>` : "";
  const text = [title, ...images.map(({ label, bytes }) => `${label}${bytes ? "" : " (missing)"}`)]
    .filter((line) => line !== undefined).join("\n");
  return displayable({ "text/html": `<div>${heading}${tiles.join("")}</div>`, "text/plain": text });
}
