/**
 * The closest-pairs image grid of `plot_similar.py`: one column per pair, the CASIA image on top
 * and the synthetic image below, each under its identity and file name, the similarity score in a
 * rounded box between them. The grid is titled (dataset, n), each row of images is named at the
 * left (CASIA-WebFace above, the synthetic dataset below), and the pairs wrap into rows of
 * `columns`. Images are embedded as data URIs; a missing or undecodable image becomes a labelled
 * tile. Pure: bytes in, SVG text out (rasterise with `svgToPng`).
 *
 * @module
 */

/** One image of a pair: the path from the pairs file and its bytes when found. */
export interface PairImage {
  /** `<identity>/<image>` as listed in the pairs file. */
  path: string;
  /** Encoded PNG or JPEG bytes; absent when the image was not found. */
  bytes?: Uint8Array;
}

/** One column of the grid. */
export interface PairTile {
  /** The CASIA-WebFace image, drawn on top. */
  casia: PairImage;
  /** The synthetic dataset's image, drawn below. */
  other: PairImage;
  /** Similarity of the pair, shown between the images (see `decimals`). */
  score: number;
}

/** Options of {@linkcode pairGridSvg}. */
export interface PairGridOptions {
  /** Side of the square image box in pixels (images keep their aspect ratio). @default 200 */
  size?: number;
  /** Decimals of the score. @default 4 */
  decimals?: number;
  /** Pairs per row before the grid wraps. @default 5 */
  columns?: number;
  /** Name of the synthetic dataset (the lower image of each pair). @default "synthetic" */
  dataset?: string;
  /** Name of the real-face dataset (the upper image). @default "CASIA-WebFace" */
  gallery?: string;
  /** Title text. @default the dataset and the count of pairs */
  title?: string;
}

/** Width of the row names at the left of the grid. */
const LABEL_WIDTH = 44;

function mimeOf(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes || bytes.length < 4) return undefined;
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return "image/png";
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  return undefined;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Identity and file name of a path: the last two segments, or `Unknown` and the name. */
function labelOf(path: string): [string, string] {
  const parts = path.replaceAll("\\", "/").split("/");
  return parts.length >= 2 ? [parts.at(-2)!, parts.at(-1)!] : ["Unknown", parts[0] || "Unknown"];
}

function tile(image: PairImage, x: number, y: number, size: number): string {
  const [identity, name] = labelOf(image.path);
  const cx = x + size / 2;
  const title =
    `<text x="${cx}" y="${y - 24}" text-anchor="middle" font-size="11" font-weight="bold">` +
    `Identity: ${escapeXml(identity)}</text>` +
    `<text x="${cx}" y="${y - 9}" text-anchor="middle" font-size="11" font-weight="bold">` +
    `Image: ${escapeXml(name)}</text>`;
  const mime = mimeOf(image.bytes);
  if (!mime) {
    const reason = image.bytes ? "Unsupported" : "Not Found";
    return title +
      `<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="#f2f2f2" stroke="#ccc"/>` +
      `<text x="${cx}" y="${
        y + size / 2 - 6
      }" text-anchor="middle" font-size="14" fill="red">Image</text>` +
      `<text x="${cx}" y="${
        y + size / 2 + 12
      }" text-anchor="middle" font-size="14" fill="red">${reason}</text>`;
  }
  return title +
    `<image x="${x}" y="${y}" width="${size}" height="${size}" preserveAspectRatio="xMidYMid meet" ` +
    `href="data:${mime};base64,${base64(image.bytes!)}"/>`;
}

/**
 * Draws the grid of closest pairs.
 *
 * @param pairs Columns, left to right.
 * @param options Image box size and score decimals.
 * @returns Standalone SVG markup.
 * @throws {RangeError} When there are no pairs.
 *
 * @example
 * ```ts
 * import { pairGridSvg } from "./_pair_grid.ts";
 * const svg = pairGridSvg([{ casia: { path: "0424848/image_1.jpg" }, other: { path: "13424/54.jpg" }, score: 0.96181 }]);
 * if (!svg.includes("0.9618") || !svg.includes("Not Found") || !svg.includes("Identity: 13424")) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function pairGridSvg(pairs: readonly PairTile[], options: PairGridOptions = {}): string {
  const {
    size = 200,
    decimals = 4,
    columns = 5,
    dataset = "synthetic",
    gallery = "CASIA-WebFace",
  } = options;
  if (pairs.length === 0) {
    throw new RangeError("Cannot draw a pair grid: current count of pairs is 0");
  }
  if (!Number.isInteger(columns) || columns < 1) {
    throw new RangeError(
      `Cannot draw a pair grid in rows of ${columns} pairs: expected a positive integer`,
    );
  }
  const title = options.title ??
    `${dataset}: the ${pairs.length} closest pair${pairs.length === 1 ? "" : "s"} with ${gallery}`;
  const column = size + 40;
  const header = 40;
  const top = 44;
  const gap = 84;
  const block = top + 2 * size + gap + 16;
  const perRow = Math.min(columns, pairs.length);
  const rows = Math.ceil(pairs.length / perRow);
  const width = Math.max(LABEL_WIDTH + column * perRow, 9 * title.length + 24);
  const height = header + block * rows;
  const rowName = (text: string, y: number) => {
    const cx = LABEL_WIDTH / 2 + 4, cy = y + size / 2;
    return `<text x="${cx}" y="${cy}" transform="rotate(-90 ${cx} ${cy})" text-anchor="middle" ` +
      `font-size="13" font-weight="bold" fill="#333">${escapeXml(text)}</text>`;
  };
  let body = `<text x="12" y="26" font-size="18" font-weight="bold">${escapeXml(title)}</text>`;
  for (let r = 0; r < rows; r++) {
    const y0 = header + r * block;
    body += rowName(`${gallery} (real)`, y0 + top) +
      rowName(`${dataset} (synthetic)`, y0 + top + size + gap);
  }
  body += pairs.map((pair, i) => {
    const y0 = header + Math.floor(i / perRow) * block;
    const x = LABEL_WIDTH + (i % perRow) * column + 20;
    const cx = x + size / 2;
    const scoreY = y0 + top + size + gap / 2 - 12;
    return tile(pair.casia, x, y0 + top, size) +
      `<rect x="${cx - 42}" y="${
        scoreY - 15
      }" width="84" height="26" rx="8" fill="lightblue" fill-opacity="0.8"/>` +
      `<text x="${cx}" y="${scoreY + 4}" text-anchor="middle" font-size="16" font-weight="bold">` +
      `${pair.score.toFixed(decimals)}</text>` +
      tile(pair.other, x, y0 + top + size + gap, size);
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">` +
    `<rect width="${width}" height="${height}" fill="white"/>${body}</svg>`;
}
