import assert from "node:assert/strict";
import { join } from "node:path";
import { datasetNameOf, parseBestMatches, readBestMatches } from "../../lib/formats/_best_match_csv.ts";
import { hasPython, runPython } from "../_python.ts";
import { hasPaperData, PAPER_DATA } from "./_paper_data.ts";

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

Deno.test({
  name: "readBestMatches(csvPath) equals Python's csv module on the published SDFD file",
  ignore: !hasPaperData || !hasPython("csv"),
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
