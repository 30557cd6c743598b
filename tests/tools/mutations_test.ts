import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { applyMutation, failedTests, judge } from "../../tools/mutate.ts";
import { MUTATIONS } from "../../tools/mutations.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("MUTATIONS: unique ids, and each find text occurs exactly once in its file today", async () => {
  assert.equal(new Set(MUTATIONS.map((m) => m.id)).size, MUTATIONS.length);
  for (const m of MUTATIONS) {
    assert.match(m.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, m.id);
    assert.notEqual(m.find, m.replace, m.id);
    const text = await Deno.readTextFile(`${ROOT}${m.file}`);
    const mutated = applyMutation(text, m); // throws unless the find text occurs once
    assert.notEqual(mutated, text, m.id);
    for (const t of m.tests) assert.ok(Deno.statSync(`${ROOT}${t}`), `${m.id}: ${t}`);
  }
});

Deno.test("MUTATIONS cover the rules of issue 15, the formats' writers and the search", () => {
  const files = new Set(MUTATIONS.map((m) => m.file));
  for (
    const file of [
      "lib/metrics/_eer_stats.ts",
      "lib/metrics/_bootstrap.ts",
      "lib/similarity/_topk.ts",
      "lib/similarity/_int8_search.ts",
      "lib/model/_arcface.ts",
      "lib/image/_resize.ts",
      "lib/demo/_encode.ts",
      "tests/_prereq.ts",
      "tests/_snapshot.ts",
      "lib/formats/_score_file.ts",
      "lib/formats/_best_match_csv.ts",
      "lib/formats/_closest_json.ts",
      "lib/formats/_closest_paths_csv.ts",
      "lib/formats/_metrics_table.ts",
      "lib/formats/_ci_tables.ts",
      "lib/embeddings/_jsonl.ts",
      "lib/embeddings/_npy.ts",
    ]
  ) assert.ok(files.has(file), file);
});

Deno.test("applyMutation(text, m) refuses a find text that is absent or repeated, naming the file", () => {
  const m = { id: "x", rule: "", file: "lib/a.ts", find: "a < b", replace: "a <= b", tests: [] };
  assert.equal(applyMutation("if (a < b) f($&);", m), "if (a <= b) f($&);");
  assert.throws(() => applyMutation("nothing", m), /lib\/a\.ts: its find text occurs 0 times/);
  assert.throws(() => applyMutation("a < b; a < b", m), /occurs 2 times/);
});

Deno.test("failedTests(output) and judge(...) read deno test's FAILURES section", () => {
  const output = [
    "running 2 tests from ./tests/x_test.ts",
    "a ... FAILED (3ms)",
    "",
    " ERRORS ",
    "",
    "a => ./tests/x_test.ts:4:6",
    "error: AssertionError",
    "",
    " FAILURES ",
    "",
    "a => ./tests/x_test.ts:4:6",
    "b c => ./tests/y_test.ts:10:1",
    "",
    "FAILED | 0 passed | 2 failed (5ms)",
  ].join("\n");
  assert.deepEqual(failedTests(output), ["a (tests/x_test.ts:4)", "b c (tests/y_test.ts:10)"]);
  assert.equal(judge("m", 1, output, 1).status, "killed");
  assert.equal(judge("m", 0, "ok | 2 passed", 1).status, "survived");
  const broken = judge("m", 1, "error: Module not found", 1);
  assert.deepEqual([broken.status, broken.detail], ["broken", ["error: Module not found"]]);
});
