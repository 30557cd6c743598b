import assert from "node:assert/strict";
import { embeddingSet } from "../../lib/embeddings/_embedding_set.ts";
import { parseBestMatches } from "../../lib/formats/_best_match_csv.ts";
import { parseClosest } from "../../lib/formats/_closest_json.ts";
import {
  BEST_MATCHES_HEADER,
  bestMatchesCsv,
  bestMatchScoresText,
  closestJson,
  closestPathsCsv,
  formatFixed6,
} from "../../lib/formats/_leakage_files.ts";
import { bestMatches } from "../../lib/similarity/_search.ts";

const paper = new URL("../../../shared/paper-data/", import.meta.url);
const hasPaper = (() => {
  try {
    return Deno.statSync(new URL("Closest/", paper)).isDirectory;
  } catch {
    return false;
  }
})();
if (!hasPaper) {
  console.log("leakage_files_test: ../shared/paper-data absent, skipping published-format checks");
}

const PYTHON = "/usr/bin/python3";
const hasPython = (() => {
  try {
    return Deno.statSync(PYTHON).isFile;
  } catch {
    return false;
  }
})();
if (!hasPython) {
  console.log(`leakage_files_test: ${PYTHON} not found, skipping the CPython format check`);
}

Deno.test({
  name: "closestJson(queries, gallery, pairs) rebuilds every published Closest file byte for byte",
  ignore: !hasPaper,
  async fn() {
    for await (const entry of Deno.readDir(new URL("Closest/", paper))) {
      const text = await Deno.readTextFile(new URL(`Closest/${entry.name}`, paper));
      const published = JSON.parse(text);
      const results = published.results as Record<string, string | number>[];
      const n = results.length;
      // Row r of each set holds the r-th pair's names; the pair's score is the float32 value.
      const q = embeddingSet(
        results.map((r) => String(r.query_identity)),
        results.map((r) => String(r.query_image_name)),
        new Float32Array(n),
        1,
      );
      const g = embeddingSet(
        results.map((r) => String(r.casia_identity)),
        results.map((r) => String(r.casia_image_name)),
        new Float32Array(n),
        1,
      );
      const pairs = {
        scores: Float32Array.from(results, (r) => Number(r.similarity_score)),
        queries: Uint32Array.from(results, (_, i) => i),
        gallery: Uint32Array.from(results, (_, i) => i),
      };
      const meta = published.metadata;
      const ours = closestJson(q, g, pairs, {
        inputFile: meta.input_file,
        nSamplesCompared: meta.n_samples_compared,
        topGlobalMatches: meta.top_global_matches,
      });
      assert.equal(ours, text, entry.name);
      assert.equal(parseClosest(ours, entry.name).rank.length, n);
    }
  },
});

Deno.test({
  name:
    "bestMatchesCsv(queries, gallery, best) writes the published columns, quoting and score text",
  ignore: !hasPaper,
  async fn() {
    for (const name of ["SDFD", "CemiFace"]) {
      const file = `${name}_BestMatches_10000.csv`;
      const text = await Deno.readTextFile(new URL(`Best_Matches/${file}`, paper));
      const lines = text.split("\n").slice(0, 41);
      assert.equal(lines[0], BEST_MATCHES_HEADER.join(","));
      const published = parseBestMatches(lines.join("\n") + "\n", file);
      const m = published.sampleIndex.length;
      // Query row sampleIndex[i] and gallery row bestMatchIndex[i] get one-hot embeddings on axis i,
      // scaled so that their dot product is the published float32 similarity.
      const dim = m;
      const qRows = Math.max(...published.sampleIndex) + 1;
      const gRows = Math.max(...published.bestMatchIndex) + 1;
      const qv = new Float32Array(qRows * dim);
      const gv = new Float32Array(gRows * dim);
      const qIds = new Array<string>(qRows).fill("x"), qNames = new Array<string>(qRows).fill("x");
      const gIds = new Array<string>(gRows).fill("y"), gNames = new Array<string>(gRows).fill("y");
      for (let i = 0; i < m; i++) {
        const qi = published.sampleIndex[i], gi = published.bestMatchIndex[i];
        qv[qi * dim + i] = Math.fround(published.similarity[i]);
        gv[gi * dim + i] = 1;
        qIds[qi] = published.sampleIdentity[i];
        qNames[qi] = published.sampleImageName[i];
        gIds[gi] = published.bestMatchIdentity[i];
        gNames[gi] = published.bestMatchImageName[i];
      }
      const q = embeddingSet(qIds, qNames, qv, dim);
      const g = embeddingSet(gIds, gNames, gv, dim);
      const best = await bestMatches(q, g, { rows: published.sampleIndex, normalize: false });
      assert.deepEqual(Array.from(best.gallery), Array.from(published.bestMatchIndex));
      const ours = bestMatchesCsv(q, g, best).split("\n");
      assert.deepEqual(ours.slice(0, m + 1), lines.slice(0, m + 1), file);
    }
  },
});

Deno.test({
  name: 'formatFixed6(x) and bestMatchScoresText(scores) equal Python\'s f"{x:.6f}"',
  ignore: !hasPython,
  fn() {
    const values = [
      0.0078125,
      0.5078125,
      -0.0078125,
      0.9921875,
      0.0234375,
      1 / 3,
      0.1234565,
      -0.0000001,
      0,
      1,
      Math.fround(0.3390964865684509),
      0.99999951,
      2 ** -20,
    ];
    const out = new Deno.Command(PYTHON, {
      args: [
        "-c",
        `import sys\nfor v in ${JSON.stringify(values)}: sys.stdout.write(f"{v:.6f}\\n")`,
      ],
    }).outputSync();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    assert.equal(bestMatchScoresText(values), new TextDecoder().decode(out.stdout));
  },
});

Deno.test("closestPathsCsv(rows) quotes paths like jq @csv and keeps the score literal", () => {
  const text = closestPathsCsv([
    {
      queryPath: "393/boS-181,1.jpg",
      casiaPath: "0424848/image_191979.jpg",
      similarity: 0.961815357208252,
    },
    { queryPath: 'a"b/1.png', casiaPath: "c/2.jpg", similarity: 1e-5 },
  ]);
  assert.equal(
    text,
    'query_path,casia_path,similarity_score\n"393/boS-181,1.jpg","0424848/image_191979.jpg",0.961815357208252\n' +
      '"a""b/1.png","c/2.jpg",1e-05\n',
  );
});

Deno.test("formatFixed6(x) rounds exact ties to even and keeps the sign of negative zero results", () => {
  assert.equal(formatFixed6(0.0078125), "0.007812");
  assert.equal(formatFixed6(0.0234375), "0.023438");
  assert.equal(formatFixed6(-0.0000004), "-0.000000");
  assert.equal(formatFixed6(NaN), "nan");
});
