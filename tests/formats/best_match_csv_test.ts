import assert from "node:assert/strict";
import { join } from "node:path";
import { embeddingSet } from "../../lib/embeddings/_embedding_set.ts";
import {
  BEST_MATCHES_COLUMNS,
  bestMatchesCsv,
  bestMatchScoresText,
  datasetNameOf,
  formatFixed6,
  parseBestMatches,
  parseScores,
  readBestMatches,
} from "../../lib/formats/mod.ts";
import { bestMatches } from "../../lib/similarity/_search.ts";
import { PYTHON, runPython, skipUnlessPython } from "../_python.ts";
import { PAPER_DATA, skipUnlessPaperData } from "./_paper_data.ts";

const HEADER =
  "sample_index,sample_identity,sample_image_name,best_match_index,best_match_identity,best_match_image_name,similarity";

Deno.test("datasetNameOf(path) strips the BestMatches and TopKGlobal suffixes", () => {
  assert.equal(datasetNameOf("a/b/DIGIFACE_1M_1_BestMatches_10000.csv"), "DIGIFACE_1M_1");
  assert.equal(datasetNameOf("Syn-Multi-PIE_Top100Global_149297.json"), "Syn-Multi-PIE");
  assert.equal(datasetNameOf("plain.csv"), "plain");
});

Deno.test("parseBestMatches(text, source) names file and line of a similarity outside [-1, 1]", () => {
  const text = `${HEADER}\n0,a,x.png,1,b,y.jpg,0.5\n1,a,z.png,2,b,w.jpg,1.7\n`;
  assert.throws(
    () => parseBestMatches(text, "D_BestMatches_2.csv"),
    /D_BestMatches_2\.csv line 3 as a cosine/,
  );
  const missing = text.replace(",similarity", ",score");
  assert.throws(
    () => parseBestMatches(missing, "D.csv"),
    /Cannot read column "similarity" of D\.csv/,
  );
});

Deno.test("bestMatchesCsv(columns) round-trips through parseBestMatches", () => {
  const columns = {
    sampleIndex: Uint32Array.of(3, 0, 7),
    sampleIdentity: ["7", 'say "hi"', "x"],
    sampleImageName: ["a,1.jpg", "b.png", "line\nbreak.png"],
    bestMatchIndex: Uint32Array.of(490621, 5, 0),
    bestMatchIdentity: ["0001", "0002", "0003"],
    bestMatchImageName: ["image_5.jpg", "image_6.jpg", "é.jpg"],
    similarity: Float64Array.from([0.5, -0.25, 1 / 3].map(Math.fround)),
  };
  const text = bestMatchesCsv(columns);
  assert.equal(text.split("\n")[0], BEST_MATCHES_COLUMNS.join(","));
  const { name, ...read } = parseBestMatches(text, "M/Best_Matches/Demo_BestMatches_3.csv");
  assert.equal(name, "Demo");
  assert.deepEqual(read, columns);
});

Deno.test("bestMatchesCsv(columns) refuses columns of different lengths", () => {
  assert.throws(
    () =>
      bestMatchesCsv({
        sampleIndex: [0, 1],
        sampleIdentity: ["a"],
        sampleImageName: ["a.png"],
        bestMatchIndex: [0],
        bestMatchIdentity: ["b"],
        bestMatchImageName: ["b.png"],
        similarity: [0.5],
      }),
    RangeError,
  );
});

Deno.test({
  name:
    "bestMatchesCsv(parseBestMatches(text)) rebuilds every published Best_Matches file byte for byte",
  ignore: skipUnlessPaperData(),
  fn: async () => {
    const dir = join(PAPER_DATA, "Best_Matches");
    let files = 0;
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.name.endsWith(".csv")) continue;
      const text = await Deno.readTextFile(join(dir, entry.name));
      assert.equal(bestMatchesCsv(parseBestMatches(text, entry.name)), text, entry.name);
      files++;
    }
    assert.ok(files > 0);
  },
});

Deno.test({
  name: "bestMatchesCsv(columns) of a search writes the published columns, quoting and score text",
  ignore: skipUnlessPaperData(),
  async fn() {
    for (const name of ["SDFD", "CemiFace"]) {
      const file = `${name}_BestMatches_10000.csv`;
      const text = await Deno.readTextFile(join(PAPER_DATA, "Best_Matches", file));
      const lines = text.split("\n").slice(0, 41);
      assert.equal(lines[0], BEST_MATCHES_COLUMNS.join(","));
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
        const qi = published.sampleIndex[i]!, gi = published.bestMatchIndex[i]!;
        qv[qi * dim + i] = Math.fround(published.similarity[i]!);
        gv[gi * dim + i] = 1;
        qIds[qi] = published.sampleIdentity[i]!;
        qNames[qi] = published.sampleImageName[i]!;
        gIds[gi] = published.bestMatchIdentity[i]!;
        gNames[gi] = published.bestMatchImageName[i]!;
      }
      const q = embeddingSet(qIds, qNames, qv, dim);
      const g = embeddingSet(gIds, gNames, gv, dim);
      const best = await bestMatches(q, g, { rows: published.sampleIndex, normalize: false });
      assert.deepEqual(Array.from(best.gallery), Array.from(published.bestMatchIndex));
      const ours = bestMatchesCsv({
        sampleIndex: best.queries,
        sampleIdentity: Array.from(best.queries, (r) => qIds[r]!),
        sampleImageName: Array.from(best.queries, (r) => qNames[r]!),
        bestMatchIndex: best.gallery,
        bestMatchIdentity: Array.from(best.gallery, (r) => gIds[r]!),
        bestMatchImageName: Array.from(best.gallery, (r) => gNames[r]!),
        similarity: best.scores,
      }).split("\n");
      assert.deepEqual(ours.slice(0, m + 1), lines.slice(0, m + 1), file);
    }
  },
});

Deno.test({
  name: "readBestMatches(csvPath) equals Python's csv module on the published SDFD file",
  ignore: skipUnlessPaperData() || skipUnlessPython("csv"),
  fn: async () => {
    const path = join(PAPER_DATA, "Best_Matches", "SDFD_BestMatches_10000.csv");
    const m = await readBestMatches(path);
    const py = JSON.parse(
      await runPython([
        "-c",
        "import csv,json,sys; r=list(csv.DictReader(open(sys.argv[1],newline='')));" +
        "print(json.dumps({k:[row[k] for row in r] for k in r[0]}))",
        path,
      ]),
    );
    assert.equal(m.name, "SDFD");
    assert.equal(m.similarity.length, py.similarity.length);
    assert.deepEqual(Array.from(m.similarity), py.similarity.map(Number));
    assert.deepEqual(Array.from(m.bestMatchIndex), py.best_match_index.map(Number));
    assert.deepEqual(Array.from(m.sampleIndex), py.sample_index.map(Number));
    assert.deepEqual(m.sampleImageName, py.sample_image_name);
    assert.deepEqual(m.bestMatchIdentity, py.best_match_identity);
    assert.ok(m.sampleImageName.some((name) => name.includes(",")), "quoted names with commas");
  },
});

Deno.test({
  name: 'formatFixed6(x) and bestMatchScoresText(scores) equal Python\'s f"{x:.6f}"',
  ignore: skipUnlessPython(),
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

Deno.test("bestMatchScoresText(scores) reads back with parseScores to six decimals", () => {
  const scores = [0.25, 1 / 3, -0.0078125, 0.99999951];
  const back = parseScores(bestMatchScoresText(scores));
  assert.deepEqual(Array.from(back), [0.25, 0.333333, -0.007812, 1]);
});

Deno.test("formatFixed6(x) rounds exact ties to even and keeps the sign of negative zero results", () => {
  assert.equal(formatFixed6(0.0078125), "0.007812");
  assert.equal(formatFixed6(0.0234375), "0.023438");
  assert.equal(formatFixed6(-0.0000004), "-0.000000");
  assert.equal(formatFixed6(NaN), "nan");
});
