import assert from "node:assert/strict";
import { PythonRandom } from "../../lib/random/_python_random.ts";
import { skipUnless } from "../_prereq.ts";

const PYTHON = "/usr/bin/python3";
const hasPython = (() => {
  try {
    return Deno.statSync(PYTHON).isFile;
  } catch {
    return false;
  }
})();

const paperCsv = new URL(
  "../../../shared/paper-data/Best_Matches/CemiFace_BestMatches_10000.csv",
  import.meta.url,
);
const hasPaper = (() => {
  try {
    return Deno.statSync(paperCsv).isFile;
  } catch {
    return false;
  }
})();

function python(code: string): unknown {
  const out = new Deno.Command(PYTHON, { args: ["-c", code] }).outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test({
  name:
    "PythonRandom(seed).sample(n, k) equals CPython random.sample(range(n), k) in both strategies",
  ignore: skipUnless("python3", hasPython, `${PYTHON} is not there`),
  fn() {
    // (seed, n, k): pool strategy (n <= setsize), set strategy with rejections, k <= 5, n = k.
    const cases: [number, number, number][] = [
      [42, 10000, 10000],
      [42, 550000, 2000],
      [7, 1000, 3],
      [0, 66000, 60],
      [2 ** 40 + 5, 123456789, 50],
      [3, 1, 1],
      // Either side of CPython's setsize (21, and 21 + 4^3 for k = 6): pool, then set strategy.
      [5, 21, 5],
      [5, 22, 5],
      [9, 85, 6],
      [9, 86, 6],
    ];
    const code = `import random, json\nout = []\nfor seed, n, k in ${JSON.stringify(cases)}:\n` +
      `    random.seed(seed); out.append(random.sample(range(n), k))\nprint(json.dumps(out))`;
    const expected = python(code) as number[][];
    cases.forEach(([seed, n, k], i) => {
      assert.deepEqual(Array.from(new PythonRandom(seed).sample(n, k)), expected[i], `case ${i}`);
    });
  },
});

Deno.test({
  name: "PythonRandom(seed).getrandbits(k) and randbelow(n) follow CPython's stream",
  ignore: skipUnless("python3", hasPython, `${PYTHON} is not there`),
  fn() {
    const expected = python(
      "import random, json\nrandom.seed(12345)\n" +
        "print(json.dumps([random.getrandbits(k) for k in (1, 7, 31, 32, 33, 53)] + " +
        "[random.randrange(n) for n in (1, 2, 1000, 2**32 + 7, 10**15)]))",
    ) as number[];
    const r = new PythonRandom(12345);
    const got = [1, 7, 31, 32, 33, 53].map((k) => r.getrandbits(k));
    for (const n of [1, 2, 1000, 2 ** 32 + 7, 10 ** 15]) got.push(r.randbelow(n));
    assert.deepEqual(got, expected);
  },
});

Deno.test({
  name: "PythonRandom(42).sample(10000, 10000) reproduces the published Best_Matches sample order",
  ignore: skipUnless("../shared", hasPaper, `${paperCsv.pathname} is absent`),
  async fn() {
    const lines = (await Deno.readTextFile(paperCsv)).trim().split("\n").slice(1);
    const published = lines.map((line) => Number(line.split(",")[0]));
    assert.deepEqual(Array.from(new PythonRandom(42).sample(10000, 10000)), published);
  },
});

Deno.test("PythonRandom(seed).sample(n, k) rejects k larger than n", () => {
  assert.throws(() => new PythonRandom(1).sample(3, 4), RangeError);
});
