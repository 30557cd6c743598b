/**
 * The pyeer/seaborn test vectors of `../shared/spec/vectors` (outside the repository): absent on
 * machines without the shared folder, in which case tests skip with a reason (and fail under
 * `CI=true`, see {@linkcode skipUnlessVectors}).
 *
 * @module
 */
import { parseScores } from "../../lib/formats/_score_file.ts";
import { skipUnless } from "../_prereq.ts";

const DIR = new URL("../../../shared/spec/vectors/", import.meta.url);

/** One vector set. */
export interface Vector {
  name: string;
  genuine: Float64Array;
  impostor: Float64Array;
  // deno-lint-ignore no-explicit-any
  expected: any;
}

function load(): Vector[] {
  const out: Vector[] = [];
  try {
    for (const entry of Deno.readDirSync(DIR)) {
      if (!entry.isDirectory) continue;
      const dir = new URL(`${entry.name}/`, DIR);
      out.push({
        name: entry.name,
        genuine: parseScores(Deno.readTextFileSync(new URL("genuine.txt", dir))),
        impostor: parseScores(Deno.readTextFileSync(new URL("impostor.txt", dir))),
        expected: JSON.parse(Deno.readTextFileSync(new URL("expected.json", dir))),
      });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The vector sets, or an empty list when the shared folder is absent. */
export const VECTORS: Vector[] = load();

/** True when there are no vectors (tests then skip). */
export const NO_VECTORS = VECTORS.length === 0;

/** The `ignore` value for a test over {@linkcode VECTORS}: skips outside CI, throws under `CI=true`. */
export function skipUnlessVectors(): boolean {
  return skipUnless("../shared", !NO_VECTORS, "../shared/spec/vectors is absent");
}

/**
 * The `ignore` value for a test that reads {@linkcode control10kPath}: skips outside CI, throws
 * under `CI=true`.
 */
export function skipUnlessControl10k(): boolean {
  return skipUnless(
    "../shared",
    control10kPath() !== null,
    "../shared/paper-data/SimilarityScores/Control10k_mated_similarities.txt is absent",
  );
}

/** The published Control10k mated scores, or null when absent. */
export function control10kPath(): string | null {
  const url = new URL(
    "../../../shared/paper-data/SimilarityScores/Control10k_mated_similarities.txt",
    import.meta.url,
  );
  try {
    Deno.statSync(url);
    return url.pathname;
  } catch {
    return null;
  }
}
