/** Subprocess smoke tests of the two notebook scripts: flags in, exit code and text out. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

async function script(name: string, args: string[]): Promise<{ code: number; text: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "scripts", name), ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code, text: decoder.decode(stdout) + decoder.decode(stderr) };
}

Deno.test("scripts/check_notebooks.ts --help prints its usage and exits 0", async () => {
  const { code, text } = await script("check_notebooks.ts", ["--help"]);
  assert.equal(code, 0, text);
  assert.match(text, /deno task check-notebooks \[NOTEBOOK\.\.\.\]/);
});

Deno.test("scripts/check_notebooks.ts NOTEBOOK fails on a notebook that carries outputs", async () => {
  const dir = await Deno.makeTempDir({ dir: join(ROOT, "tests"), prefix: ".nb-check-" });
  try {
    const path = join(dir, "dirty.ipynb");
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        cells: [{
          cell_type: "code",
          execution_count: 1,
          metadata: {},
          outputs: [{ output_type: "stream", name: "stdout", text: "1\n" }],
          source: "console.log(1);",
        }],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      }),
    );
    const { code, text } = await script("check_notebooks.ts", [path]);
    assert.equal(code, 1, text);
    assert.match(text, /dirty\.ipynb: cells 1 carry outputs; strip them/);
    assert.match(text, /^1 notebooks: FAILED$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scripts/notebooks.ts --help prints its usage, and --timeout 0 is a usage error", async () => {
  const help = await script("notebooks.ts", ["--help"]);
  assert.equal(help.code, 0, help.text);
  assert.match(help.text, /deno task notebooks \[--html\]/);
  const bad = await script("notebooks.ts", ["--timeout", "0"]);
  assert.equal(bad.code, 2, bad.text);
  assert.match(bad.text, /--timeout must be a positive integer: current value is 0/);
});
