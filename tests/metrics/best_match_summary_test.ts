import assert from "node:assert/strict";
import { summarizeBestMatches } from "../../lib/metrics/_best_match_summary.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

Deno.test("summarizeBestMatches(similarity) counts a value equal to a threshold as reaching it", () => {
  const s = summarizeBestMatches([0.3, 0.3, 0.29999, 0.5], { thresholds: [0.3, 0.5, 0.9] });
  assert.deepEqual(Array.from(s.shareAbove), [0.75, 0.25, 0]);
  assert.equal(s.min, 0.29999);
});

Deno.test("summarizeBestMatches(similarity) rejects empty input and non-finite values", () => {
  assert.throws(() => summarizeBestMatches([]), RangeError);
  assert.throws(() => summarizeBestMatches([0.1, NaN]), /value 1 is NaN/);
});

Deno.test({
  name: "summarizeBestMatches(similarity) equals numpy's mean, median and threshold shares",
  ignore: skipUnlessPython("numpy"),
  fn: async () => {
    let seed = 3;
    const next = () => (seed = (seed * 69069 + 1) % 4294967296) / 4294967296;
    const values = Array.from({ length: 1001 }, () => Math.round((next() * 0.8 - 0.1) * 1e4) / 1e4);
    const s = summarizeBestMatches(values, { thresholds: [0.3, 0.4, 0.5] });
    const [mean, median, ...shares] = JSON.parse(
      await runPython([
        "-c",
        "import json,sys,numpy as np; v=np.array(json.load(sys.stdin));" +
        "print(json.dumps([float(np.mean(v)),float(np.median(v))]+[float(np.mean(v>=t)) for t in (0.3,0.4,0.5)]))",
      ], JSON.stringify(values)),
    );
    assert.equal(s.mean, mean);
    assert.equal(s.median, median);
    assert.deepEqual(Array.from(s.shareAbove), shares);
    const even = summarizeBestMatches(values.slice(1));
    const evenMedian = JSON.parse(
      await runPython([
        "-c",
        "import json,sys,numpy as np; print(json.dumps(float(np.median(json.load(sys.stdin)))))",
      ], JSON.stringify(values.slice(1))),
    );
    assert.equal(even.median, evenMedian);
  },
});
