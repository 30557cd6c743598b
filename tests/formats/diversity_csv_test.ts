import assert from "node:assert/strict";
import { embeddingSet, groupByIdentity } from "../../lib/embeddings/mod.ts";
import {
  diversitySummary,
  diversityTableCsv,
  identitiesCsv,
  identityColumns,
  parseDiversityTable,
  parseIdentitiesCsv,
} from "../../lib/formats/mod.ts";
import { datasetDiversity } from "../../lib/metrics/mod.ts";
import { plantIdentities } from "../metrics/_planted_identities.ts";

function measured(seed: number) {
  const p = plantIdentities({ originals: 9, images: [1, 3, 4], twins: [1, 1], seed, dim: 64 });
  const groups = groupByIdentity(embeddingSet(p.identities, p.imageNames, p.vectors, p.dim));
  return { names: groups.names, d: datasetDiversity(p, groups) };
}

Deno.test("diversityTableCsv(rows) round-trips through parseDiversityTable, NaN included", () => {
  const a = measured(1), b = measured(2);
  const rows = [diversitySummary("Set A", a.d), diversitySummary("B,comma", b.d)];
  rows.push({ ...rows[0]!, dataset: "Empty", meanIntraClass: NaN, medianIntraClass: NaN });
  const text = diversityTableCsv(rows);
  assert.deepEqual(parseDiversityTable(text, "x.csv"), rows);
  assert.equal(rows[0]!.identities, 11);
  assert.equal(rows[0]!.uniqueVec2Face, 9);
  assert.equal(rows[0]!.identityGroups, 9);
  assert.equal(rows[0]!.largestGroup, 3);
  assert.throws(
    () => parseDiversityTable(text.replace(/\n([^,\n]+),\d+/, "\n$1,many"), "x.csv"),
    (e) => e instanceof SyntaxError && /x\.csv line 2 column "Images"/.test(e.message),
  );
});

Deno.test("identitiesCsv(identityColumns(names, d)) round-trips, one row per identity", () => {
  const { names, d } = measured(3);
  const columns = identityColumns(names, d);
  const back = parseIdentitiesCsv(identitiesCsv(columns), "id.csv");
  assert.deepEqual(back, columns);
  assert.equal(back.identity.length, 11);
  // identity 0 has one image: no mated score; twins 9 and 10 copy identity 1
  assert.ok(Number.isNaN(back.mean[0]!));
  assert.deepEqual([back.groupSize[1], back.unique[1], back.unique[9], back.unique[10]], [
    3,
    1,
    0,
    0,
  ]);
  assert.equal(back.group[9], back.group[1]);
  assert.throws(() => identityColumns(names.slice(1), d), RangeError);
});
