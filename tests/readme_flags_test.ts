/**
 * Every flag of every script is documented in README.md, and the scripts share one command-line
 * behaviour (`--version`, "did you mean", negative numbers, OS errors naming their flag). The
 * flags are read from each script's own `--help`, so a flag added without its README line fails.
 */
import assert from "node:assert/strict";
import { ROOT, runScript } from "./scripts/_run.ts";

const SCRIPTS = [...Deno.readDirSync(`${ROOT}/scripts`)]
  .map((e) => e.name)
  .filter((name) => name.endsWith(".ts"))
  .sort();

/** The canonical flags a usage text lists (`  --name <value>   description`). */
function flagsOf(help: string): string[] {
  const flags: string[] = [];
  for (const line of help.split("\n")) {
    const m = /^\s{2,}(--[a-z][a-z0-9-]*)/.exec(line);
    if (m) flags.push(m[1]!);
  }
  return flags;
}

Deno.test("every flag of every script's --help is in README.md", async () => {
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const missing: string[] = [];
  let seen = 0;
  const runs = await Promise.all(SCRIPTS.map((s) => runScript(s, ["--help"])));
  SCRIPTS.forEach((script, i) => {
    const run = runs[i]!;
    assert.equal(run.code, 0, `${script} --help: ${run.stderr}`);
    for (const flag of flagsOf(run.stdout)) {
      seen++;
      const escaped = flag.replace(/[-]/g, "\\-");
      if (!new RegExp(`${escaped}(?![a-z0-9-])`).test(readme)) missing.push(`${script} ${flag}`);
    }
  });
  assert.ok(seen > 60, `only ${seen} flags found: the usage format changed?`);
  assert.deepEqual(missing, [], "flags missing from README.md");
});

Deno.test("scripts print --version, suggest the flag meant and name a path's flag in an OS error", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  const version = await runScript("leakage.ts", ["--version"]);
  assert.equal(version.code, 0);
  assert.equal(version.stdout, `${config.name} ${config.version}\n`);

  const typo = await runScript("similarities.ts", ["E.jsonl", "--n-comparison", "5"]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^error: unknown flag --n-comparison: did you mean --n-comparisons\?/);

  const negative = await runScript("similarities.ts", ["E.jsonl", "--n-comparisons", "-5"]);
  assert.equal(negative.code, 2);
  assert.match(
    negative.stderr,
    /^error: --n-comparisons must be at least 1: current value is -5\n/,
  );

  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/S.jsonl`,
    '{"identity": "a", "image_name": "0.jpg", "embedding": [1, 0]}\n',
  );
  const missing = await runScript("leakage.ts", [
    `${dir}/S.jsonl`,
    "--casia",
    `${dir}/CASIA.npy`,
    "--out",
    dir,
  ]);
  assert.equal(missing.code, 1);
  const last = missing.stderr.trim().split("\n").at(-1) ?? "";
  assert.ok(last.startsWith("error: --casia: "), last);
  assert.ok(last.includes(`${dir}/CASIA.npy`), last);
  const folder = await runScript("similarities.ts", [dir]);
  assert.equal(folder.code, 1);
  assert.equal(
    folder.stderr.trim().split("\n").at(-1),
    `error: argument 1: cannot read ${dir}: Is a directory (os error 21)`,
  );
  await Deno.remove(dir, { recursive: true });
});
