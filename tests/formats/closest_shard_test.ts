import assert from "node:assert/strict";
import {
  type ClosestShardPairs,
  closestShardText,
  parseClosestShard,
  readClosestShard,
} from "../../lib/formats/mod.ts";

const pairs: ClosestShardPairs = {
  position: new Uint32Array([5, 0, 4294967295]),
  query: new Uint32Array([17, 3, 9]),
  gallery: new Uint32Array([40, 0, 2]),
  score: new Float32Array([0.987654321, 1 / 3, 1e-7]),
  queryIdentity: ["7", 'q"uote', "ü"],
  queryImageName: ["a,1.png", "b\tc.png", "x.jpg"],
  casiaIdentity: ["0001", "0002", "0003"],
  casiaImageName: ["1.jpg", "2.jpg", "3.jpg"],
};

Deno.test("closestShardText(pairs) round-trips every column, float32 scores exactly", async () => {
  const text = closestShardText(pairs);
  assert.equal(text.split("\n").length, 4, "one line per pair and a final newline");
  const back = parseClosestShard(text, "x.jsonl");
  assert.deepEqual(back, pairs);
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    await Deno.writeTextFile(path, text);
    assert.deepEqual(await readClosestShard(path), pairs);
  } finally {
    await Deno.remove(path);
  }
  assert.equal(closestShardText({ ...pairs, ...emptyColumns() }), "");
});

function emptyColumns(): ClosestShardPairs {
  return {
    position: new Uint32Array(0),
    query: new Uint32Array(0),
    gallery: new Uint32Array(0),
    score: new Float32Array(0),
    queryIdentity: [],
    queryImageName: [],
    casiaIdentity: [],
    casiaImageName: [],
  };
}

Deno.test("parseClosestShard(text) names the file, line and field of a bad line", () => {
  const good = closestShardText(pairs).split("\n");
  const bad = [good[0], good[1]!.replace('"gallery":0', '"gallery":-1'), ""].join("\n");
  assert.throws(() => parseClosestShard(bad, "s.jsonl"), {
    name: "SyntaxError",
    message:
      "Cannot read the shard's closest pairs s.jsonl:2: gallery must be a row index, current value is -1",
  });
  assert.throws(() => parseClosestShard("{oops\n", "s.jsonl"), {
    name: "SyntaxError",
    message: "Cannot read the shard's closest pairs s.jsonl:1: not JSON; re-run the shard",
  });
  assert.throws(
    () =>
      parseClosestShard(
        good[0]!.replace('"casia_image_name":"1.jpg"', '"casia_image_name":1'),
        "s",
      ),
    /s:1: casia_image_name must be a string, current value is 1$/,
  );
});

Deno.test("closestShardText(pairs) refuses columns of different lengths", () => {
  assert.throws(() => closestShardText({ ...pairs, casiaImageName: ["1.jpg"] }), RangeError);
});
