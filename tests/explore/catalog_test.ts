import assert from "node:assert/strict";
import { buildCatalog, safeSegments } from "../../lib/explore/mod.ts";
import { readCiTables } from "../../lib/formats/mod.ts";
import { skipUnless } from "../_prereq.ts";

const PAPER = "../shared/paper-data";
const hasPaper = (() => {
  try {
    return Deno.statSync(`${PAPER}/CI`).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "buildCatalog({ paperData }) lists every published dataset with its files and CI metrics",
  ignore: skipUnless("../shared", hasPaper, `${PAPER} is missing`),
  async fn() {
    const catalog = await buildCatalog({ paperData: PAPER });
    const names = new Set<string>();
    for await (const e of Deno.readDir(`${PAPER}/Best_Matches`)) {
      names.add(e.name.replace(/_BestMatches_\d+\.csv$/, ""));
    }
    assert.deepEqual(catalog.datasets.map((d) => d.name), [...names].sort());
    const ci = await readCiTables(`${PAPER}/CI`);
    for (const [i, d] of catalog.datasets.entries()) {
      assert.equal(d.bestMatches.length, 1, d.name);
      const row = ci.datasets.indexOf(d.name);
      const eer = catalog.metrics[i]!.find((m) => m.name === "EER");
      if (row < 0) assert.equal(eer, undefined, `${d.name} has no CI row`);
      else assert.equal(eer?.value, ci.metrics.find((m) => m.name === "EER")!.value[row]);
    }
    const control = catalog.datasets.find((d) => d.name === "Control10k");
    assert.ok(control?.mated && control.nonMated === undefined, "Control10k: mated scores only");
  },
});

Deno.test("buildCatalog() names the flag of a folder that does not exist", async () => {
  await assert.rejects(
    buildCatalog({ metrics: ["no/such/folder"] }),
    /--metrics: no\/such\/folder is not a folder/,
  );
  await assert.rejects(
    buildCatalog({ metrics: [], datasets: ["no/such.zip"] }),
    /--datasets: no\/such\.zip does not exist/,
  );
});

Deno.test("safeSegments(raw) refuses every escape however it is encoded", () => {
  const bad = [
    "..",
    "../a",
    "a/../b",
    "%2e%2e/a",
    "%2E%2E%2Fa",
    "a%2f..%2fb",
    "%252e%252e/a",
    "a/%00b",
    "a\\b",
    "%5c..%5cb",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "C:/x",
    "a//b",
    "a/./b",
    "%",
    "%zz",
    "",
  ];
  for (const raw of bad) assert.equal(safeSegments(raw), undefined, raw);
  assert.deepEqual(safeSegments("id%20003/image_5.jpg"), ["id 003", "image_5.jpg"]);
  assert.deepEqual(safeSegments("0001/%C3%A9t%C3%A9.png"), ["0001", "été.png"]);
});
