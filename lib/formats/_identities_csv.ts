/**
 * `Diversity/<name>_identities.csv`: one row per identity of a dataset (the diversity task): its
 * images and mated pairs, the mated scores' mean, population standard deviation, minimum, median
 * and maximum (empty for an identity with one image), the length of its mean embedding, its
 * identity group (connected components of class centres above the threshold), that group's size,
 * and whether Vec2Face's rule counts it as unique (1) or not (0). The reader gives the columns back.
 *
 * @module
 */
import type { DatasetDiversity } from "../metrics/_diversity.ts";
import { formatCsv, numberColumn, parseCsv, stringColumn } from "./_csv.ts";

/** The per-identity columns of one dataset. */
export interface IdentityColumns {
  /** Identity names, in the set's order. */
  identity: string[];
  /** Images. */
  images: Float64Array;
  /** Mated pairs. */
  pairs: Float64Array;
  /** Mean mated score (NaN without a pair). */
  mean: Float64Array;
  /** Population standard deviation of the mated scores. */
  std: Float64Array;
  /** Lowest mated score. */
  min: Float64Array;
  /** Median mated score. */
  median: Float64Array;
  /** Highest mated score. */
  max: Float64Array;
  /** Length of the mean embedding. */
  centreNorm: Float64Array;
  /** Identity group. */
  group: Float64Array;
  /** Identities in that group. */
  groupSize: Float64Array;
  /** 1 when Vec2Face's rule counts the identity as unique. */
  unique: Float64Array;
}

const HEADER = [
  "Identity",
  "Images",
  "Mated Pairs",
  "Mean",
  "Std",
  "Min",
  "Median",
  "Max",
  "Centre Norm",
  "Group",
  "Group Size",
  "Unique (Vec2Face)",
] as const;

type NumberKey = Exclude<keyof IdentityColumns, "identity">;
const KEYS: readonly NumberKey[] = [
  "images",
  "pairs",
  "mean",
  "std",
  "min",
  "median",
  "max",
  "centreNorm",
  "group",
  "groupSize",
  "unique",
];

/**
 * The columns of one dataset's identities, from its diversity.
 *
 * @param names Identity names, in the order of `d`'s identities.
 * @param d The diversity.
 * @returns The columns.
 * @throws {RangeError} When `names` and `d` count different identities.
 *
 * @example
 * ```ts
 * import { datasetDiversity } from "../metrics/_diversity.ts";
 * import { identityColumns } from "./_identities_csv.ts";
 * const d = datasetDiversity({ vectors: new Float32Array([1, 0, 0.8, 0.6]), dim: 2 }, { offsets: [0, 1, 2], rows: [0, 1] });
 * const c = identityColumns(["a", "b"], d);
 * if (c.groupSize[1] !== 2 || c.unique[1] !== 0) throw new Error("unexpected");
 * ```
 */
export function identityColumns(names: readonly string[], d: DatasetDiversity): IdentityColumns {
  const k = d.unique.identities;
  if (names.length !== k) {
    throw new RangeError(
      `Cannot list identities: ${names.length} names for ${k} identities measured`,
    );
  }
  const { spread, unique } = d;
  const uniqueFlag = new Float64Array(k).fill(1);
  for (const s of d.pairs.second) uniqueFlag[s] = 0;
  return {
    identity: [...names],
    images: Float64Array.from(spread.images),
    pairs: Float64Array.from(spread.pairs),
    mean: spread.mean.slice(),
    std: spread.std.slice(),
    min: spread.min.slice(),
    median: spread.median.slice(),
    max: spread.max.slice(),
    centreNorm: d.centres.meanNorms.slice(),
    group: Float64Array.from(unique.groupOf),
    groupSize: Float64Array.from(unique.groupOf, (g) => unique.groupSizes[g]!),
    unique: uniqueFlag,
  };
}

/**
 * Formats the columns as CSV, one row per identity.
 *
 * @param columns The columns ({@linkcode identityColumns}).
 * @returns CSV text.
 *
 * @example
 * ```ts
 * import { identitiesCsv } from "./_identities_csv.ts";
 * const empty = new Float64Array(0);
 * const text = identitiesCsv({ identity: [], images: empty, pairs: empty, mean: empty, std: empty, min: empty,
 *   median: empty, max: empty, centreNorm: empty, group: empty, groupSize: empty, unique: empty });
 * if (!text.startsWith("Identity,Images,Mated Pairs,Mean,")) throw new Error(text);
 * ```
 */
export function identitiesCsv(columns: IdentityColumns): string {
  return formatCsv(
    [...HEADER],
    columns.identity.map((name, r) => [name, ...KEYS.map((key) => columns[key][r]!)]),
  );
}

/**
 * Reads the CSV back to columns.
 *
 * @param text CSV text written by {@linkcode identitiesCsv}.
 * @param source File name for error messages. @default "<identities csv>"
 * @returns The columns.
 * @throws {SyntaxError} On a missing column or a field that is not a number, naming the file and line.
 *
 * @example
 * ```ts
 * import { parseIdentitiesCsv } from "./_identities_csv.ts";
 * const c = parseIdentitiesCsv(
 *   "Identity,Images,Mated Pairs,Mean,Std,Min,Median,Max,Centre Norm,Group,Group Size,Unique (Vec2Face)\nx,1,0,,,,,,1,0,1,1\n",
 * );
 * if (c.identity[0] !== "x" || !Number.isNaN(c.mean[0]!)) throw new Error("unexpected");
 * ```
 */
export function parseIdentitiesCsv(text: string, source = "<identities csv>"): IdentityColumns {
  const table = parseCsv(text, { source });
  const out = { identity: stringColumn(table, "Identity") } as IdentityColumns;
  KEYS.forEach((key, i) => {
    out[key] = numberColumn(table, HEADER[i + 1]!, { emptyAsNaN: true });
  });
  return out;
}
