import assert from "node:assert/strict";
import { join } from "node:path";
import {
  closestJson,
  listPublishedData,
  parseClosest,
  readClosest,
} from "../../lib/formats/mod.ts";
import { runPython, skipUnlessPython } from "../_python.ts";
import { PAPER_DATA, skipUnlessPaperData } from "./_paper_data.ts";

const pair = (rank: number, score: unknown) =>
  `{"rank":${rank},"similarity_score":${
    JSON.stringify(score)
  },"query_identity":"1","query_image_name":"a.png",` +
  `"query_path":"1/a.png","casia_identity":"2","casia_image_name":"b.jpg","casia_path":"2/b.jpg"}`;
const file = (results: string[]) =>
  `{\n "metadata": {"input_file": "x", "n_samples_compared": 5, "top_global_matches": 2, ` +
  `"total_pairs_considered": 10},\n "results": [\n${results.join(",\n")}\n]}`;

Deno.test("parseClosest(text, source) names the line of a pair with a wrong rank or score", () => {
  assert.equal(parseClosest(file([pair(1, 0.9), pair(2, 0.8)]), "D.json").rank.length, 2);
  assert.throws(
    () => parseClosest(file([pair(1, 0.9), pair(3, 0.8)]), "D.json"),
    /D\.json line 5 \(results\[1\]\).*rank must be 2/,
  );
  assert.throws(
    () => parseClosest(file([pair(1, "0.9")]), "D.json"),
    /D\.json line 4 \(results\[0\]\) similarity_score/,
  );
  assert.throws(
    () =>
      parseClosest(
        file([pair(1, 0.9)]).replace('"casia_path":"2/b.jpg"', '"casia_path":2'),
        "D.json",
      ),
    /casia_path as a string/,
  );
});

Deno.test("parseClosest(text, source) gives the line of a JSON syntax error", () => {
  const broken = file([pair(1, 0.9), pair(2, 0.8)]).replace('"rank":2,', '"rank":2,,');
  assert.throws(() => parseClosest(broken, "B.json"), (e: Error) => {
    assert.ok(e instanceof SyntaxError);
    assert.match(e.message, /^Cannot parse B\.json line 5 as JSON/);
    return true;
  });
});

Deno.test({
  name:
    "readClosest(jsonPath) reads every published file: ranked pairs, scores not increasing, equal to Python's json",
  ignore: skipUnlessPaperData() || skipUnlessPython("json"),
  fn: async () => {
    const data = await listPublishedData(PAPER_DATA);
    assert.equal(data.closest.length, 17);
    for (const path of data.closest) {
      const c = await readClosest(path);
      assert.equal(c.rank.length, c.metadata.topGlobalMatches, path);
      for (let i = 1; i < c.similarity.length; i++) {
        assert.ok(c.similarity[i]! <= c.similarity[i - 1]!, path);
      }
    }
    const path = join(PAPER_DATA, "Closest", "Vec2Face_Top100Global_468600.json");
    const py = JSON.parse(
      await runPython([
        "-c",
        "import json,sys; d=json.load(open(sys.argv[1])); r=d['results'];" +
        "print(json.dumps({'n':d['metadata']['n_samples_compared'],'s':[x['similarity_score'] for x in r],'q':[x['query_path'] for x in r]}))",
        path,
      ]),
    );
    const c = await readClosest(path);
    assert.equal(c.metadata.nSamplesCompared, py.n);
    assert.deepEqual(Array.from(c.similarity), py.s);
    assert.deepEqual(c.queryPath, py.q);
  },
});

Deno.test("closestJson(pairs, options) round-trips through parseClosest", () => {
  const pairs = {
    similarity: Float64Array.from([0.9, 0.75, 0.5].map(Math.fround)),
    queryIdentity: ["1", "é", "3"],
    queryImageName: ["a.png", 'q"uote.png', "c,d.png"],
    casiaIdentity: ["0001", "0002", "0003"],
    casiaImageName: ["x.jpg", "y.jpg", "z.jpg"],
  };
  const text = closestJson(pairs, {
    inputFile: "E/D.jsonl",
    nSamplesCompared: 40,
    topGlobalMatches: 3,
  });
  const read = parseClosest(text, "Closest/D_Top3Global_40.json");
  assert.equal(read.name, "D");
  assert.deepEqual(read.metadata, {
    inputFile: "E/D.jsonl",
    nSamplesCompared: 40,
    topGlobalMatches: 3,
    totalPairsConsidered: 120,
  });
  assert.deepEqual(Array.from(read.rank), [1, 2, 3]);
  assert.deepEqual(read.similarity, pairs.similarity);
  for (
    const key of ["queryIdentity", "queryImageName", "casiaIdentity", "casiaImageName"] as const
  ) {
    assert.deepEqual(read[key], pairs[key], key);
  }
  assert.deepEqual(read.queryPath, ["1/a.png", 'é/q"uote.png', "3/c,d.png"]);
  assert.throws(
    () =>
      closestJson({ ...pairs, casiaImageName: ["x.jpg"] }, {
        inputFile: "x",
        nSamplesCompared: 1,
        topGlobalMatches: 1,
      }),
    RangeError,
  );
});

Deno.test({
  name:
    "closestJson(parseClosest(text), metadata) rebuilds every published Closest file byte for byte",
  ignore: skipUnlessPaperData(),
  async fn() {
    const data = await listPublishedData(PAPER_DATA);
    assert.ok(data.closest.length > 0);
    for (const path of data.closest) {
      const text = await Deno.readTextFile(path);
      const read = parseClosest(text, path);
      const ours = closestJson(read, {
        inputFile: read.metadata.inputFile,
        nSamplesCompared: read.metadata.nSamplesCompared,
        topGlobalMatches: read.metadata.topGlobalMatches,
      });
      assert.equal(ours, text, path);
    }
  },
});
