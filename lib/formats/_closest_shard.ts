/**
 * The closest-pairs list of one shard of `deno task closest --shard K/N`:
 * `Closest/.shards/<name>_Top<K>Global_<n>.shard-<k>-of-<N>.jsonl`, one JSON object per line,
 * best first. Beyond what the closest JSON holds it keeps what `deno task merge closest` needs to
 * pick the exact global top-K with the search's tie rule: each pair's query row, its position in
 * the search order of the whole run, its gallery row, and its float32 score as the shortest text
 * that reads back to the same number.
 *
 * ```
 * {"position":3,"query":17,"gallery":40,"score":0.93,"query_identity":"7","query_image_name":"a.png","casia_identity":"0001","casia_image_name":"b.jpg"}
 * ```
 *
 * @module
 */
import { commonLength } from "./_columns.ts";

/** The pairs of a shard's list, as columns, best first. */
export interface ClosestShardPairs {
  /** Position of the pair's query in the search order of the whole (unsharded) run. */
  position: Uint32Array;
  /** Query row of each pair (a row of the input embeddings). */
  query: Uint32Array;
  /** Gallery row of each pair (a row of the CASIA embeddings). */
  gallery: Uint32Array;
  /** Score of each pair, as the search computed it (float32). */
  score: Float32Array;
  /** Identity folder of the synthetic image. */
  queryIdentity: string[];
  /** File name of the synthetic image. */
  queryImageName: string[];
  /** Identity folder of the CASIA-WebFace image. */
  casiaIdentity: string[];
  /** File name of the CASIA-WebFace image. */
  casiaImageName: string[];
}

/**
 * The text of a shard's list: one compact JSON object per pair, each line ending with a newline.
 *
 * @param pairs The pairs, best first.
 * @returns The file's text (empty without pairs).
 * @throws {RangeError} When the columns differ in length.
 *
 * @example
 * ```ts
 * import { closestShardText, parseClosestShard } from "./_closest_shard.ts";
 * const text = closestShardText({
 *   position: new Uint32Array([3]), query: new Uint32Array([17]), gallery: new Uint32Array([40]),
 *   score: new Float32Array([0.1]), queryIdentity: ["7"], queryImageName: ["a.png"],
 *   casiaIdentity: ["0001"], casiaImageName: ["b.jpg"],
 * });
 * const back = parseClosestShard(text, "x.jsonl");
 * if (back.score[0] !== Math.fround(0.1) || back.casiaImageName[0] !== "b.jpg") throw new Error();
 * ```
 */
export function closestShardText(pairs: ClosestShardPairs): string {
  const n = commonLength("a shard's closest pairs", [
    pairs.position,
    pairs.query,
    pairs.gallery,
    pairs.score,
    pairs.queryIdentity,
    pairs.queryImageName,
    pairs.casiaIdentity,
    pairs.casiaImageName,
  ]);
  let text = "";
  for (let i = 0; i < n; i++) {
    text += JSON.stringify({
      position: pairs.position[i],
      query: pairs.query[i],
      gallery: pairs.gallery[i],
      score: pairs.score[i],
      query_identity: pairs.queryIdentity[i],
      query_image_name: pairs.queryImageName[i],
      casia_identity: pairs.casiaIdentity[i],
      casia_image_name: pairs.casiaImageName[i],
    }) + "\n";
  }
  return text;
}

const isIndex = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/**
 * Parses a shard's list, checking every field of every line.
 *
 * @param text The file's text.
 * @param source The file name, for messages.
 * @returns The pairs as columns.
 * @throws {SyntaxError} When a line is not JSON or a field is missing or of the wrong type (the
 *   message names the file, the line and the field).
 */
export function parseClosestShard(text: string, source: string): ClosestShardPairs {
  const rows: Record<string, unknown>[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new SyntaxError(
        `Cannot read the shard's closest pairs ${source}:${i + 1}: not JSON; re-run the shard`,
      );
    }
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new SyntaxError(
        `Cannot read the shard's closest pairs ${source}:${i + 1}: not an object; re-run the shard`,
      );
    }
    const r = row as Record<string, unknown>;
    for (const field of ["position", "query", "gallery"]) {
      if (!isIndex(r[field])) {
        throw new SyntaxError(
          `Cannot read the shard's closest pairs ${source}:${
            i + 1
          }: ${field} must be a row index, current value is ${JSON.stringify(r[field])}`,
        );
      }
    }
    if (typeof r.score !== "number") {
      throw new SyntaxError(
        `Cannot read the shard's closest pairs ${source}:${
          i + 1
        }: score must be a number, current value is ${JSON.stringify(r.score)}`,
      );
    }
    for (
      const field of ["query_identity", "query_image_name", "casia_identity", "casia_image_name"]
    ) {
      if (typeof r[field] !== "string") {
        throw new SyntaxError(
          `Cannot read the shard's closest pairs ${source}:${
            i + 1
          }: ${field} must be a string, current value is ${JSON.stringify(r[field])}`,
        );
      }
    }
    rows.push(r);
  }
  const column = (field: string) => rows.map((r) => r[field] as number);
  const strings = (field: string) => rows.map((r) => r[field] as string);
  return {
    position: Uint32Array.from(column("position")),
    query: Uint32Array.from(column("query")),
    gallery: Uint32Array.from(column("gallery")),
    score: Float32Array.from(column("score")),
    queryIdentity: strings("query_identity"),
    queryImageName: strings("query_image_name"),
    casiaIdentity: strings("casia_identity"),
    casiaImageName: strings("casia_image_name"),
  };
}

/**
 * Reads a shard's list.
 *
 * @param path The `.jsonl` file.
 * @returns The pairs.
 * @throws {SyntaxError} When a line is not a pair (see {@linkcode parseClosestShard}).
 */
export async function readClosestShard(path: string): Promise<ClosestShardPairs> {
  return parseClosestShard(await Deno.readTextFile(path), path);
}
