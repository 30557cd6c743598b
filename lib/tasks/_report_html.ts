/**
 * The HTML pieces of `deno task report`'s page ({@linkcode runReport} in `_report.ts`): numbers in
 * percent with intervals, tables, interval columns folded into their values, face thumbnails as
 * `data:` URLs, the figure markup and the stylesheet. Pure text functions (no file I/O).
 *
 * @module
 */
import { encodeJpeg, encodePng } from "../demo/_encode.ts";
import { imageMimeType } from "../explore/_image_index.ts";
import { decodeImage } from "../image/_decode.ts";
import { resizeBilinear } from "../image/_resize.ts";
import { encodeBase64 } from "../notebook/_base64.ts";
import { escapeHtml } from "../notebook/_html.ts";

/**
 * A rate in percent with two decimals: `17.70` for 0.177; empty for a missing or non-finite value.
 *
 * @param value The rate.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { pct } from "./_report_html.ts";
 * if (pct(0.177) !== "17.70" || pct(NaN) !== "") throw new Error("unexpected");
 * ```
 */
export function pct(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "" : (value * 100).toFixed(2);
}

/**
 * A number with `digits` decimals; empty for a missing or non-finite value.
 *
 * @param value The number.
 * @param digits Decimals.
 * @returns The text.
 */
export function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? "" : value.toFixed(digits);
}

/**
 * A value with its interval, `6.02 [5.91, 6.14]`, or the value alone when a bound is missing.
 *
 * @param value The point estimate.
 * @param lower The interval's lower bound.
 * @param upper The interval's upper bound.
 * @param format How each number is written ({@linkcode pct}, say).
 * @returns The text; empty when the value is missing.
 *
 * @example
 * ```ts
 * import { pct, withInterval } from "./_report_html.ts";
 * if (withInterval(0.0602, 0.0591, 0.0614, pct) !== "6.02 [5.91, 6.14]") throw new Error("unexpected");
 * ```
 */
export function withInterval(
  value: number | undefined,
  lower: number | undefined,
  upper: number | undefined,
  format: (v: number | undefined) => string,
): string {
  const v = format(value);
  if (v === "") return "";
  const lo = format(lower), hi = format(upper);
  return lo === "" || hi === "" ? v : `${v} [${lo}, ${hi}]`;
}

/**
 * A table in a box that scrolls sideways when wider than the page.
 *
 * @param header Column names (escaped here).
 * @param rows Cells, already HTML.
 * @returns The markup.
 */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n");
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * A table's columns with each interval folded into its value: a column `X` with columns
 * `X CI lower` and `X CI upper` beside it (any case, `_` or space) shows `X [lower, upper]`, as the
 * page prints every interval; the bound columns are dropped from view (the file keeps them).
 *
 * @param header Column names.
 * @param rows Cells (text).
 * @returns The columns and rows shown.
 *
 * @example
 * ```ts
 * import { foldIntervals } from "./_report_html.ts";
 * const t = foldIntervals(["Dataset", "EER", "EER CI Lower", "EER CI Upper"], [["A", "1", "0", "2"]]);
 * if (t.header.join() !== "Dataset,EER" || t.rows[0]?.[1] !== "1 [0, 2]") throw new Error("unexpected");
 * ```
 */
export function foldIntervals(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): { header: string[]; rows: string[][] } {
  const key = (name: string) => name.toLowerCase().replace(/[_\s]+/g, " ").trim();
  const at = new Map(header.map((h, i) => [key(h), i]));
  const keep: number[] = [];
  const bounds = new Map<number, [number, number]>();
  const dropped = new Set<number>();
  header.forEach((h, i) => {
    const lo = at.get(`${key(h)} ci lower`), hi = at.get(`${key(h)} ci upper`);
    if (lo !== undefined && hi !== undefined) {
      bounds.set(i, [lo, hi]);
      dropped.add(lo).add(hi);
    }
  });
  header.forEach((_, i) => {
    if (!dropped.has(i)) keep.push(i);
  });
  const cell = (row: readonly string[], i: number) => {
    const v = row[i] ?? "";
    const b = bounds.get(i);
    if (!b) return v;
    const lo = row[b[0]] ?? "", hi = row[b[1]] ?? "";
    const short = shortNumber;
    return v !== "" && lo !== "" && hi !== "" ? `${short(v)} [${short(lo)}, ${short(hi)}]` : v;
  };
  return {
    header: keep.map((i) => header[i]!),
    rows: rows.map((r) => keep.map((i) => cell(r, i))),
  };
}

/**
 * A decimal of more than 4 places shown with 4 (the file keeps every digit); other text as it is.
 *
 * @param cell A table cell.
 * @returns The text shown.
 */
export function shortNumber(cell: string): string {
  return /^-?\d+\.\d{5,}(?:e-?\d+)?$/i.test(cell) ? Number(cell).toFixed(4) : cell;
}

/**
 * Inline Markdown of the map as HTML: the text escaped, `code` spans only.
 *
 * @param text Markdown text.
 * @returns The markup.
 */
export function inlineCode(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

/** Longest side of a thumbnail, in pixels: twice the 112 px shown, sharp on high-density screens. */
export const THUMB_SIDE = 224;
/** Image files up to this size go into the page as they are, whatever their pixel size. */
export const THUMB_BYTES = 48_000;

/**
 * A face as the page shows it: JPEG, PNG, GIF, BMP and WebP files up to {@linkcode THUMB_BYTES}
 * as they are (the bytes of the dataset); larger ones, when wider or taller than
 * {@linkcode THUMB_SIDE}, resized to fit it (bilinear, as Pillow) and stored as JPEG; other
 * formats (TIFF) as PNG.
 *
 * @param bytes The image file's bytes.
 * @param name Its name, for a decoder's message.
 * @returns A `data:` URL.
 * @throws {TypeError|SyntaxError} When a file to resize or convert does not decode.
 */
export async function thumbnailUrl(bytes: Uint8Array, name: string): Promise<string> {
  const mime = imageMimeType(bytes);
  const known = mime !== "application/octet-stream";
  if (known && bytes.length <= THUMB_BYTES) return `data:${mime};base64,${encodeBase64(bytes)}`;
  const image = await decodeImage(bytes, { name });
  const scale = THUMB_SIDE / Math.max(image.width, image.height);
  if (scale < 1) {
    const width = Math.max(1, Math.round(image.width * scale));
    const height = Math.max(1, Math.round(image.height * scale));
    const small = await encodeJpeg(resizeBilinear(image, width, height), { quality: 90 });
    return `data:image/jpeg;base64,${encodeBase64(small)}`;
  }
  if (known) return `data:${mime};base64,${encodeBase64(bytes)}`;
  return `data:image/png;base64,${encodeBase64(encodePng(image))}`;
}

/**
 * A figure of the page: the image (a `data:` URL) captioned with its file.
 *
 * @param rel The file, relative to the results folder.
 * @param alt The image's text alternative.
 * @param url The image as a `data:` URL.
 * @returns The `<figure>` markup.
 */
export function figureHtml(rel: string, alt: string, url: string): string {
  return `<figure data-file="${escapeHtml(rel)}"><img src="${url}" alt="${
    escapeHtml(alt)
  }"><figcaption><code>${escapeHtml(rel)}</code></figcaption></figure>`;
}

/** The page's stylesheet (inlined: the page loads nothing). */
export const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 0 16px 48px; color: #222; }
h1 { font-size: 24px; } h2 { border-bottom: 1px solid #ccc; margin-top: 40px; } h3 { margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
figure { display: inline-block; margin: 8px 16px 16px 0; max-width: 100%; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 12px; color: #555; }
img.thumb, span.thumb { width: 112px; height: 112px; object-fit: cover; display: block; }
.pairs { display: flex; flex-wrap: wrap; gap: 12px; }
figure.pair { margin: 0; padding: 6px; border: 1px solid #ddd; border-radius: 4px; }
.faces { display: flex; gap: 4px; }
.face { width: 112px; overflow-wrap: anywhere; }
td { white-space: nowrap; }
.missing { color: #a00; } .note { color: #555; }
nav ul { columns: 3; }
code { font-size: 12px; }
pre { background: #f7f7f7; padding: 8px; overflow-x: auto; font-size: 12px; }
.scroll { overflow-x: auto; max-width: 100%; }
#map td { white-space: normal; }
`;
