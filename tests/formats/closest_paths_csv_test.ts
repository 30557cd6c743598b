import assert from "node:assert/strict";
import {
  closestPathsCsv,
  listPublishedData,
  parseClosestPaths,
  readClosest,
  readClosestPaths,
} from "../../lib/formats/mod.ts";
import { PAPER_DATA, skipUnlessPaperData } from "./_paper_data.ts";

Deno.test("closestPathsCsv(pairs) quotes paths like jq @csv and keeps the score literal", () => {
  const text = closestPathsCsv({
    queryPath: ["393/boS-181,1.jpg", 'a"b/1.png'],
    casiaPath: ["0424848/image_191979.jpg", "c/2.jpg"],
    similarity: [0.961815357208252, 1e-5],
  });
  assert.equal(
    text,
    'query_path,casia_path,similarity_score\n"393/boS-181,1.jpg","0424848/image_191979.jpg",0.961815357208252\n' +
      '"a""b/1.png","c/2.jpg",1e-05\n',
  );
});

Deno.test("closestPathsCsv(pairs) round-trips through readClosestPaths", async () => {
  const pairs = {
    queryPath: ["1/a,b.png", 'q"/x.png', "3/line\nbreak.png"],
    casiaPath: ["0001/image_1.jpg", "0002/é.jpg", "0003/z.jpg"],
    similarity: Float64Array.from([0.9, 1e-5, -0.25].map(Math.fround)),
  };
  const path = await Deno.makeTempFile({ suffix: "_matches.csv" });
  try {
    await Deno.writeTextFile(path, closestPathsCsv(pairs));
    assert.deepEqual(await readClosestPaths(path), pairs);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("parseClosestPaths(text, source) names file and line of a bad score or a missing column", () => {
  const head = "query_path,casia_path,similarity_score\n";
  assert.throws(
    () => parseClosestPaths(`${head}"1/a.png","2/b.jpg",0.5\n"1/c.png","2/d.jpg",x\n`, "m.csv"),
    /m\.csv line 3 column "similarity_score" as a finite number: current value is "x"/,
  );
  assert.throws(
    () => parseClosestPaths('query_path,similarity_score\n"1/a.png",0.5\n', "m.csv"),
    /Cannot read column "casia_path" of m\.csv/,
  );
  assert.throws(
    () => closestPathsCsv({ queryPath: ["a"], casiaPath: [], similarity: [1] }),
    RangeError,
  );
});

Deno.test({
  name: "closestPathsCsv(readClosest(path)) reads back to the published pairs' paths and scores",
  ignore: skipUnlessPaperData(),
  fn: async () => {
    const data = await listPublishedData(PAPER_DATA);
    for (const path of data.closest) {
      const pairs = await readClosest(path);
      const back = parseClosestPaths(closestPathsCsv(pairs), path);
      assert.deepEqual(back.queryPath, pairs.queryPath, path);
      assert.deepEqual(back.casiaPath, pairs.casiaPath, path);
      assert.deepEqual(back.similarity, pairs.similarity, path);
    }
  },
});
