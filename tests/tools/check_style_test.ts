import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { checkStyle, stripComments } from "../../tools/check_style.ts";

async function tree(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(root, dirname(path)), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  return root;
}

const mod = (names: string[]) => names.map((n) => `export * from "./${n}";\n`).join("");

Deno.test("checkStyle(root) passes on a house in order", async () => {
  const root = await tree({
    "lib/random/mod.ts": mod(["_a.ts"]),
    "lib/random/_a.ts": "export const a = 1;\n",
    "lib/similarity/mod.ts": mod(["_s.ts"]),
    "lib/similarity/_s.ts": 'import { a } from "../random/mod.ts";\nexport const s = a;\n',
    "lib/cli/mod.ts": mod(["_reporter.ts"]),
    "lib/cli/_reporter.ts": "export const r = () => console.log(1);\n",
    "scripts/x.ts":
      'import { s } from "../lib/similarity/mod.ts";\n/** console.log("ok in a comment"); */\nexport const x = s;\n',
  });
  assert.deepEqual(await checkStyle(root), []);
  await Deno.remove(root, { recursive: true });
});

Deno.test("checkStyle(root) names each broken rule with file and line", async () => {
  const root = await tree({
    "lib/plots/mod.ts": mod(["_p.ts"]),
    "lib/plots/_p.ts": 'import "linkedom";\nexport const p = 1;\n',
    "lib/formats/mod.ts": "",
    "lib/formats/_layout.ts": 'export const d = "SimilarityScores";\n',
    "lib/similarity/mod.ts": mod(["_s.ts", "loose.ts"]),
    "lib/similarity/_s.ts":
      'import { p } from "../plots/_p.ts";\nexport const s = p;\nconsole.log(s);\nDeno.exit(0);\n',
    "lib/similarity/loose.ts": 'export const d = `${"x"}_BestMatches_1.txt`;\n',
    "scripts/a.ts":
      'import { s } from "../lib/similarity/_s.ts";\nimport { b } from "./b.ts";\nexport const a = [s, b];\n',
    "scripts/b.ts": "export const b = 1;\n",
    "notebooks/01_x.ipynb": JSON.stringify({
      cells: [{ cell_type: "code", source: ['import { p } from "../lib/plots/_p.ts";\n'] }],
    }),
  });
  const found = (await checkStyle(root)).map((p) => `${p.file}:${p.line}: ${p.message}`);
  const expect = [
    "lib/similarity/_s.ts:1: lib/similarity imports lib/plots, which is not below it",
    "lib/similarity/_s.ts:3: console is used outside the reporter",
    "lib/similarity/_s.ts:4: lib/similarity is pure: no Deno",
    "lib/similarity/loose.ts:0: implementation files are _-prefixed",
    "lib/similarity/loose.ts:1: Metrics/ path literal outside lib/formats/_layout.ts",
    "scripts/a.ts:1: imports lib/similarity/_s.ts; import lib/ through mod.ts",
    "scripts/a.ts:2: a script imports another script (scripts/b.ts)",
    "notebooks/01_x.ipynb:0: cell 1 imports ../lib/plots/_p.ts; import lib/ through mod.ts",
  ];
  for (const e of expect) assert.ok(found.includes(e), `missing "${e}" in\n${found.join("\n")}`);
  assert.ok(
    found.some((f) => f.startsWith("lib/similarity/_s.ts:0: lib/similarity reaches lib/plots")),
    found.join("\n"),
  );
  assert.ok(!found.some((f) => f.startsWith("lib/formats/_layout.ts")), "layout may name paths");
  await Deno.remove(root, { recursive: true });
});

Deno.test("stripComments(source) blanks comments but keeps strings and line numbers", () => {
  const s = 'a // console.log\n/* x\n y */ "//not" `/*t*/`';
  const out = stripComments(s);
  assert.equal(out.split("\n").length, 3);
  assert.ok(!out.includes("console"));
  assert.ok(out.includes('"//not"') && out.includes("`/*t*/`"));
});

Deno.test("the repository's own lib/, scripts/ and notebooks/ hold every rule", async () => {
  const root = join(dirname(new URL(import.meta.url).pathname), "..", "..");
  const problems = await checkStyle(root);
  assert.deepEqual(problems.map((p) => `${p.file}:${p.line}: ${p.message}`), []);
});
