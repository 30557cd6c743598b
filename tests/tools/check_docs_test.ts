import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { parseDocLint, refersToOwnType } from "../../tools/check_docs.ts";

const tool = join(dirname(new URL(import.meta.url).pathname), "..", "..", "tools", "check_docs.ts");

async function run(root: string): Promise<{ code: number; text: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", tool, root],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, text: d.decode(out.stdout) + d.decode(out.stderr) };
}

Deno.test("check_docs fails on an undocumented export and names it, passes once documented", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(root, "lib", "x"), { recursive: true });
    const mod = join(root, "lib", "x", "mod.ts");
    await Deno.writeTextFile(mod, "/** @module */\nexport const answer = 42;\n");
    const bad = await run(root);
    assert.equal(bad.code, 1, bad.text);
    assert.match(bad.text, /lib\/x\/mod\.ts:2:\d+: missing-jsdoc/);
    await Deno.writeTextFile(
      mod,
      "/** @module */\n/** The answer. */\nexport const answer = 42;\n",
    );
    const good = await run(root);
    assert.equal(good.code, 0, good.text);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("refersToOwnType(finding, sources) tells our private types from a dependency's", () => {
  const [finding] = parseDocLint(
    "error[private-type-ref]: public type 'f' references private type 'CompoundMark'\n" +
      "   --> /x/lib/plots/_a.ts:7:1\n",
  );
  assert.deepEqual(finding, {
    rule: "private-type-ref",
    message: "public type 'f' references private type 'CompoundMark'",
    at: "/x/lib/plots/_a.ts:7:1",
  });
  assert.equal(refersToOwnType(finding!, ["export function f(): Plot.CompoundMark {}"]), false);
  assert.equal(refersToOwnType(finding!, ["interface CompoundMark { a: 1 }"]), true);
});
