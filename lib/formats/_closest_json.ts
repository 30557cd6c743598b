/**
 * The globally closest (synthetic, CASIA-WebFace) pairs, `Closest/<name>_Top<K>Global_<N>.json`:
 * the reader of the published files (as columns, strictly checked) and the writer that streams
 * them exactly as `find_closest.py` did.
 *
 * @module
 */
import { datasetNameOf } from "./_layout.ts";
import { pythonFloatRepr, pythonJsonString } from "./_python_float.ts";
import { commonLength } from "./_columns.ts";

/** The `metadata` object of a closest-pairs file. */
export interface ClosestMetadata {
  /** The embedding file the search read. */
  inputFile: string;
  /** How many samples of the dataset were searched. */
  nSamplesCompared: number;
  /** How many pairs were kept (K). */
  topGlobalMatches: number;
  /** Pairs considered by the search. */
  totalPairsConsidered: number;
}

/** The columns {@linkcode closestJson} writes: one entry per pair, best first. */
export interface ClosestPairColumns {
  /** Score of each pair (the search's float32 scores). */
  similarity: ArrayLike<number>;
  /** Identity folder of the synthetic image. */
  queryIdentity: readonly string[];
  /** File name of the synthetic image. */
  queryImageName: readonly string[];
  /** Identity folder of the CASIA-WebFace image. */
  casiaIdentity: readonly string[];
  /** File name of the CASIA-WebFace image. */
  casiaImageName: readonly string[];
}

/** The closest pairs of one dataset, best first, as read. */
export interface ClosestPairs extends ClosestPairColumns {
  /** Dataset name, from the file name. */
  name: string;
  /** The file's `metadata` block: input file, sample count, K and pairs considered. */
  metadata: ClosestMetadata;
  /** 1-based rank of each pair. */
  rank: Uint32Array;
  /** Cosine similarity of each pair. */
  similarity: Float64Array;
  /** Field `query_identity`: identity folder of the synthetic image. */
  queryIdentity: string[];
  /** Field `query_image_name`: file name of the synthetic image. */
  queryImageName: string[];
  /** `<identity>/<image>` of the synthetic image. */
  queryPath: string[];
  /** Field `casia_identity`: identity folder of the CASIA-WebFace image. */
  casiaIdentity: string[];
  /** Field `casia_image_name`: file name of the CASIA-WebFace image. */
  casiaImageName: string[];
  /** `<identity>/<image>` of the CASIA-WebFace image. */
  casiaPath: string[];
}

const STRING_FIELDS = [
  ["query_identity", "queryIdentity"],
  ["query_image_name", "queryImageName"],
  ["query_path", "queryPath"],
  ["casia_identity", "casiaIdentity"],
  ["casia_image_name", "casiaImageName"],
  ["casia_path", "casiaPath"],
] as const;

/** 1-based line of each `{` that opens an element of an array held by the root object. */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  const stack: string[] = [];
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (c === "{" && stack.length === 2 && stack[0] === "{" && stack[1] === "[") lines.push(line);
      stack.push(c);
    } else if (c === "}" || c === "]") stack.pop();
  }
  return lines;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

/**
 * Largest |score| accepted. The original scored closest pairs as raw dot products of embeddings
 * rounded to 5 decimals, whose norms may exceed 1 by up to about 512 x 5e-6 / sqrt(512) = 1.1e-4,
 * so an exact duplicate scores up to about 1.0002.
 */
export const SCORE_LIMIT = 1.001;

/**
 * Parses the text of a closest-pairs JSON file, checking every field's type, that ranks run
 * 1, 2, 3, ... and that similarities are finite cosines in [-1, 1] (up to {@linkcode SCORE_LIMIT}).
 *
 * @param text JSON text.
 * @param source File path, for the dataset name and error messages.
 * @returns The pairs as columns.
 * @throws {SyntaxError} On invalid JSON or a missing or mistyped field, naming file and line.
 *
 * @example
 * ```ts
 * import { parseClosest } from "./_closest_json.ts";
 * const json = JSON.stringify({
 *   metadata: { input_file: "D.json", n_samples_compared: 3, top_global_matches: 1,
 *     total_pairs_considered: 9 },
 *   results: [{ rank: 1, similarity_score: 0.7, query_identity: "1", query_image_name: "a.png",
 *     query_path: "1/a.png", casia_identity: "2", casia_image_name: "b.jpg", casia_path: "2/b.jpg" }],
 * });
 * const c = parseClosest(json, "D_Top1Global_3.json");
 * if (c.name !== "D" || c.similarity[0] !== 0.7 || c.casiaPath[0] !== "2/b.jpg") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function parseClosest(text: string, source: string): ClosestPairs {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    const where = at ? ` line ${lineOfOffset(text, Number(at[1]))}` : "";
    throw new SyntaxError(`Cannot parse ${source}${where} as JSON: ${message}`);
  }
  if (typeof root !== "object" || root === null || Array.isArray(root)) {
    throw new SyntaxError(
      `Cannot read ${source} line 1 as closest pairs: the root is not an object`,
    );
  }
  const { metadata, results } = root as Record<string, unknown>;
  if (typeof metadata !== "object" || metadata === null || !Array.isArray(results)) {
    throw new SyntaxError(
      `Cannot read ${source} as closest pairs: it needs a "metadata" object and a "results" array`,
    );
  }
  const meta = metadata as Record<string, unknown>;
  const metaNumber = (key: string): number => {
    const v = meta[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new SyntaxError(
        `Cannot read ${source} metadata.${key} as a non-negative integer: current value is ${
          JSON.stringify(v)
        }`,
      );
    }
    return v;
  };
  if (typeof meta.input_file !== "string") {
    throw new SyntaxError(`Cannot read ${source} metadata.input_file as a string`);
  }
  const n = results.length;
  const lines = elementLines(text);
  const out: ClosestPairs = {
    name: datasetNameOf(source),
    metadata: {
      inputFile: meta.input_file,
      nSamplesCompared: metaNumber("n_samples_compared"),
      topGlobalMatches: metaNumber("top_global_matches"),
      totalPairsConsidered: metaNumber("total_pairs_considered"),
    },
    rank: new Uint32Array(n),
    similarity: new Float64Array(n),
    queryIdentity: [],
    queryImageName: [],
    queryPath: [],
    casiaIdentity: [],
    casiaImageName: [],
    casiaPath: [],
  };
  for (let i = 0; i < n; i++) {
    const where = `${source} line ${lines[i] ?? "?"} (results[${i}])`;
    const r = results[i] as Record<string, unknown>;
    if (typeof r !== "object" || r === null) {
      throw new SyntaxError(`Cannot read ${where} as a pair: it is not an object`);
    }
    if (r.rank !== i + 1) {
      throw new SyntaxError(
        `Cannot read ${where} as a pair: rank must be ${i + 1}, current value is ${
          JSON.stringify(r.rank)
        }`,
      );
    }
    const s = r.similarity_score;
    if (typeof s !== "number" || !Number.isFinite(s) || Math.abs(s) > SCORE_LIMIT) {
      throw new SyntaxError(
        `Cannot read ${where} similarity_score as a cosine similarity: current value is ${
          JSON.stringify(s)
        }`,
      );
    }
    out.rank[i] = i + 1;
    out.similarity[i] = s;
    for (const [key, column] of STRING_FIELDS) {
      const v = r[key];
      if (typeof v !== "string") {
        throw new SyntaxError(
          `Cannot read ${where} ${key} as a string: current value is ${JSON.stringify(v)}`,
        );
      }
      out[column].push(v);
    }
  }
  return out;
}

/**
 * Reads a closest-pairs JSON file.
 *
 * @param jsonPath Path of the file.
 * @returns The pairs as columns.
 * @throws {SyntaxError} On invalid JSON or a missing or mistyped field, naming file and line.
 * @throws {Deno.errors.NotFound} When the file is missing.
 *
 * @example
 * ```ts
 * import { readClosest } from "./_closest_json.ts";
 * const path = await Deno.makeTempFile({ suffix: "_Top100Global_5.json" });
 * await Deno.writeTextFile(path, '{"metadata":{"input_file":"x","n_samples_compared":5,' +
 *   '"top_global_matches":100,"total_pairs_considered":50},"results":[]}');
 * const c = await readClosest(path);
 * await Deno.remove(path);
 * if (c.metadata.nSamplesCompared !== 5 || c.rank.length !== 0) throw new Error("unexpected");
 * ```
 */
export async function readClosest(jsonPath: string): Promise<ClosestPairs> {
  return parseClosest(await Deno.readTextFile(jsonPath), jsonPath);
}

/** Metadata of {@linkcode closestJson}. */
export interface ClosestJsonOptions {
  /** The input path as the user gave it (`metadata.input_file`). */
  inputFile: string;
  /** The requested sample count (`n_samples_compared`, also in the file name). */
  nSamplesCompared: number;
  /** The requested K (`top_global_matches`). */
  topGlobalMatches: number;
}

/**
 * The closest-pairs JSON exactly as `find_closest.py` streamed it: an indented `metadata` block,
 * then one compact object per line (`json.dump(..., separators=(",", ":"))`, ASCII-escaped), with
 * `<identity>/<image>` paths and `total_pairs_considered = n_samples_compared x number of
 * results` (the original's formula).
 *
 * @param pairs One entry per pair, best first.
 * @param options Metadata values.
 * @returns File text ending with a newline.
 * @throws {RangeError} When the columns differ in length.
 *
 * @example
 * ```ts
 * import { closestJson, parseClosest } from "./_closest_json.ts";
 * const text = closestJson({
 *   similarity: new Float32Array([0.75]), queryIdentity: ["7"], queryImageName: ["a.png"],
 *   casiaIdentity: ["01"], casiaImageName: ["b.jpg"],
 * }, { inputFile: "X.json", nSamplesCompared: 1, topGlobalMatches: 100 });
 * const read = parseClosest(text, "X_Top100Global_1.json");
 * if (read.casiaPath[0] !== "01/b.jpg" || read.metadata.totalPairsConsidered !== 1) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function closestJson(pairs: ClosestPairColumns, options: ClosestJsonOptions): string {
  const { inputFile, nSamplesCompared, topGlobalMatches } = options;
  const n = commonLength("closest pairs as JSON", [
    pairs.similarity,
    pairs.queryIdentity,
    pairs.queryImageName,
    pairs.casiaIdentity,
    pairs.casiaImageName,
  ]);
  const lines = [
    "{",
    '  "metadata": {',
    `    "input_file": ${JSON.stringify(inputFile)},`,
    `    "n_samples_compared": ${nSamplesCompared},`,
    `    "top_global_matches": ${topGlobalMatches},`,
    `    "total_pairs_considered": ${nSamplesCompared * n}`,
    "  },",
    '  "results": [',
  ];
  const str = pythonJsonString;
  for (let r = 0; r < n; r++) {
    const qId = pairs.queryIdentity[r]!, qName = pairs.queryImageName[r]!;
    const gId = pairs.casiaIdentity[r]!, gName = pairs.casiaImageName[r]!;
    lines.push(
      `{"rank":${r + 1},"similarity_score":${pythonFloatRepr(pairs.similarity[r]!)},` +
        `"query_identity":${str(qId)},"query_image_name":${str(qName)},` +
        `"query_path":${str(`${qId}/${qName}`)},"casia_identity":${str(gId)},` +
        `"casia_image_name":${str(gName)},"casia_path":${str(`${gId}/${gName}`)}}` +
        (r < n - 1 ? "," : ""),
    );
  }
  lines.push("  ]", "}");
  return lines.join("\n") + "\n";
}
