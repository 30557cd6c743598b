/**
 * `Diversity/All_Datasets_diversity.csv`: one row per dataset with its diversity (the diversity
 * task): images, identities, unique identities as Vec2Face counts them and as merged groups, at
 * the stated cosine threshold, and the intra-class spread summarised over identities. Numbers are
 * written in JavaScript's shortest round-trip form, NaN as an empty field; the reader gives the
 * same numbers back.
 *
 * @module
 */
import type { DatasetDiversity } from "../metrics/_diversity.ts";
import { type CsvTable, formatCsv, numberColumn, parseCsv, stringColumn } from "./_csv.ts";

/** One dataset's row. */
export interface DiversitySummary {
  /** Dataset name. */
  dataset: string;
  /** Images (embeddings). */
  images: number;
  /** Identities. */
  identities: number;
  /** Identities with a single image. */
  singleImageIdentities: number;
  /** Cosine bound above which two class centres count as one identity. */
  threshold: number;
  /** Unique identities by Vec2Face's rule. */
  uniqueVec2Face: number;
  /** Connected components of the centre pairs above the threshold. */
  identityGroups: number;
  /** Identities in the largest group. */
  largestGroup: number;
  /** Identities sharing their group with another. */
  mergedIdentities: number;
  /** Mean of the per-identity mean mated scores. */
  meanIntraClass: number;
  /** Median of the per-identity mean mated scores. */
  medianIntraClass: number;
  /** Mean length of the identities' mean embeddings (1: no spread). */
  meanCentreNorm: number;
}

/** The numeric fields of a {@linkcode DiversitySummary}. */
export type DiversityNumberKey = Exclude<keyof DiversitySummary, "dataset">;

/** The columns, in order, with the field each holds. */
export const DIVERSITY_COLUMNS: readonly (readonly [string, DiversityNumberKey])[] = [
  ["Images", "images"],
  ["Identities", "identities"],
  ["Single-image Identities", "singleImageIdentities"],
  ["Threshold", "threshold"],
  ["Unique Identities (Vec2Face)", "uniqueVec2Face"],
  ["Identity Groups", "identityGroups"],
  ["Largest Group", "largestGroup"],
  ["Merged Identities", "mergedIdentities"],
  ["Mean Intra-class Similarity", "meanIntraClass"],
  ["Median Intra-class Similarity", "medianIntraClass"],
  ["Mean Centre Norm", "meanCentreNorm"],
];

/**
 * The row of one dataset.
 *
 * @param dataset Dataset name.
 * @param d Its diversity ({@linkcode DatasetDiversity}).
 * @returns The row.
 *
 * @example
 * ```ts
 * import { datasetDiversity } from "../metrics/_diversity.ts";
 * import { diversitySummary } from "./_diversity_csv.ts";
 * const d = datasetDiversity({ vectors: new Float32Array([1, 0, 0.8, 0.6]), dim: 2 }, { offsets: [0, 1, 2], rows: [0, 1] });
 * const row = diversitySummary("A", d);
 * if (row.uniqueVec2Face !== 1 || row.identityGroups !== 1 || row.singleImageIdentities !== 2) throw new Error("unexpected");
 * ```
 */
export function diversitySummary(dataset: string, d: DatasetDiversity): DiversitySummary {
  let norms = 0;
  for (const n of d.centres.meanNorms) norms += n;
  const k = d.unique.identities;
  return {
    dataset,
    images: d.images,
    identities: k,
    singleImageIdentities: d.singleImageIdentities,
    threshold: d.threshold,
    uniqueVec2Face: d.unique.vec2face,
    identityGroups: d.unique.groups,
    largestGroup: d.unique.largestGroup,
    mergedIdentities: d.unique.mergedIdentities,
    meanIntraClass: d.meanOfMeans,
    medianIntraClass: d.medianOfMeans,
    meanCentreNorm: k > 0 ? norms / k : NaN,
  };
}

/**
 * Formats the table: a `Dataset` column, then {@linkcode DIVERSITY_COLUMNS}, rows in the order given.
 *
 * @param rows One row per dataset.
 * @returns CSV text.
 *
 * @example
 * ```ts
 * import { diversityTableCsv } from "./_diversity_csv.ts";
 * const text = diversityTableCsv([]);
 * if (!text.startsWith("Dataset,Images,Identities,")) throw new Error(text);
 * ```
 */
export function diversityTableCsv(rows: readonly DiversitySummary[]): string {
  return formatCsv(
    ["Dataset", ...DIVERSITY_COLUMNS.map(([name]) => name)],
    rows.map((r) => [r.dataset, ...DIVERSITY_COLUMNS.map(([, key]) => r[key])]),
  );
}

/**
 * Reads the table back.
 *
 * @param text CSV text written by {@linkcode diversityTableCsv}.
 * @param source File name for error messages. @default "<diversity csv>"
 * @returns The rows.
 * @throws {SyntaxError} On a missing column or a field that is not a number, naming the file and line.
 *
 * @example
 * ```ts
 * import { diversityTableCsv, parseDiversityTable } from "./_diversity_csv.ts";
 * const row = { dataset: "A", images: 4, identities: 2, singleImageIdentities: 0, threshold: 0.4, uniqueVec2Face: 2,
 *   identityGroups: 2, largestGroup: 1, mergedIdentities: 0, meanIntraClass: 0.5, medianIntraClass: NaN, meanCentreNorm: 0.9 };
 * const back = parseDiversityTable(diversityTableCsv([row]))[0]!;
 * if (back.meanIntraClass !== 0.5 || !Number.isNaN(back.medianIntraClass)) throw new Error("unexpected");
 * ```
 */
export function parseDiversityTable(
  text: string,
  source = "<diversity csv>",
): DiversitySummary[] {
  const table: CsvTable = parseCsv(text, { source });
  const names = stringColumn(table, "Dataset");
  const columns = DIVERSITY_COLUMNS.map(([name, key]) =>
    [key, numberColumn(table, name, { emptyAsNaN: true })] as const
  );
  return names.map((dataset, r) => {
    const row = { dataset } as DiversitySummary;
    for (const [key, values] of columns) row[key] = values[r]!;
    return row;
  });
}
