import assert from "node:assert/strict";
import { parseScores, readScoreFile, scoresText } from "../../lib/formats/_score_file.ts";

Deno.test("parseScores(text) skips blank lines and reads Python float text", () => {
  assert.deepEqual(Array.from(parseScores(" 0.5 \n\n1e-05\n-0.25\n")), [0.5, 1e-5, -0.25]);
});

Deno.test("parseScores(text, { source }) names the source and line of a bad value", () => {
  assert.throws(
    () => parseScores("0.1\nabc\n", { source: "x.txt" }),
    /Cannot read x\.txt: line 2 is not a finite number: "abc"/,
  );
  assert.throws(() => parseScores("0.1\nnan\n"), /line 2/);
  assert.throws(() => parseScores("inf\n"), /line 1/);
  assert.throws(() => parseScores("0x10\n"), /line 1/);
  assert.throws(
    () => parseScores("\n \n", { source: "e.txt" }),
    /e\.txt: the file holds no scores/,
  );
});

Deno.test("scoresText(scores) round-trips through readScoreFile exactly", async () => {
  const scores = Float64Array.from([0.1 + 0.2, 1, -0.5, 1e-7, 0.45601020598358255]);
  const text = scoresText(scores);
  assert.ok(text.startsWith("0.30000000000000004\n1.0\n-0.5\n1e-07\n"));
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(path, text);
    assert.deepEqual(await readScoreFile(path), scores);
  } finally {
    await Deno.remove(path);
  }
});
