import assert from "node:assert/strict";
import { join } from "node:path";
import { parseClosest, readClosest } from "../../lib/formats/_closest_json.ts";
import { listPublishedData } from "../../lib/formats/_published_data.ts";
import { hasPython, runPython } from "../_python.ts";
import { hasPaperData, PAPER_DATA } from "./_paper_data.ts";

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
  ignore: !hasPaperData || !hasPython("json"),
  fn: async () => {
    const data = await listPublishedData(PAPER_DATA);
    assert.equal(data.closest.length, 17);
    for (const path of data.closest) {
      const c = await readClosest(path);
      assert.equal(c.rank.length, c.metadata.topGlobalMatches, path);
      for (let i = 1; i < c.similarity.length; i++) {
        assert.ok(c.similarity[i] <= c.similarity[i - 1], path);
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
