/**
 * Checks that the public surface is documented (STYLE.md: JSDoc on every export): runs
 * `deno doc --lint` over every `lib/<folder>/mod.ts` and fails on what it finds, with one
 * exception. A `private-type-ref` to a type that no file of `lib/` declares is a type of a
 * dependency (Observable Plot's `CompoundMark`, say): Deno 2.9 reports those although the package
 * exports them (denoland/deno#27364), so they are listed but do not fail the check. A reference to
 * a private type of our own still fails.
 *
 * Run `deno task check-docs`; exits 1 listing each problem with file and line.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";

/** One finding of `deno doc --lint`. */
export interface DocFinding {
  /** The lint rule, e.g. `missing-jsdoc`. */
  rule: string;
  /** Its message. */
  message: string;
  /** `file:line:column` of the export. */
  at: string;
}

/**
 * Parses the text `deno doc --lint` prints (without colours).
 *
 * @param text Its stdout and stderr.
 * @returns The findings, in order.
 */
export function parseDocLint(text: string): DocFinding[] {
  const out: DocFinding[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const m = /^error\[([a-z-]+)\]: (.*)$/.exec(line);
    if (!m) return;
    const at = /-->\s+(\S+)/.exec(lines[i + 1] ?? "")?.[1] ?? "?";
    out.push({ rule: m[1]!, message: m[2]!, at });
  });
  return out;
}

/**
 * Whether a `private-type-ref` finding names a type that some source of ours declares.
 *
 * @param finding The finding.
 * @param sources The text of every `lib/` file.
 * @returns True when the referenced type is ours (a real gap), false for a dependency's type.
 */
export function refersToOwnType(finding: DocFinding, sources: readonly string[]): boolean {
  const name = /references private type '([^']+)'/.exec(finding.message)?.[1];
  if (name === undefined) return true;
  const declared = new RegExp(`\\b(?:interface|type|class|enum|function|const)\\s+${name}\\b`);
  return sources.some((text) => declared.test(text));
}

async function libSources(root: string): Promise<{ mods: string[]; texts: string[] }> {
  const mods: string[] = [];
  const texts: string[] = [];
  const lib = join(root, "lib");
  for (const folder of [...Deno.readDirSync(lib)].filter((e) => e.isDirectory)) {
    for (const file of Deno.readDirSync(join(lib, folder.name))) {
      if (!file.isFile || !file.name.endsWith(".ts")) continue;
      const path = join(lib, folder.name, file.name);
      if (file.name === "mod.ts") mods.push(path);
      texts.push(await Deno.readTextFile(path));
    }
  }
  return { mods: mods.sort(), texts };
}

async function main(): Promise<void> {
  const root = Deno.args[0] ?? resolve(dirname(new URL(import.meta.url).pathname), "..");
  const { mods, texts } = await libSources(root);
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...mods],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const findings = parseDocLint(decoder.decode(run.stdout) + decoder.decode(run.stderr));
  const failing = findings.filter((f) =>
    f.rule !== "private-type-ref" || refersToOwnType(f, texts)
  );
  for (const f of findings) {
    const note = failing.includes(f) ? "" : " (a dependency's type: not counted)";
    console.error(`${f.at}: ${f.rule}: ${f.message}${note}`);
  }
  if (failing.length > 0) {
    console.error(`${failing.length} documentation problem${failing.length === 1 ? "" : "s"}`);
    Deno.exit(1);
  }
  if (run.code !== 0 && findings.length === 0) {
    console.error(decoder.decode(run.stderr));
    Deno.exit(run.code);
  }
  console.log(`docs: every export of the ${mods.length} lib/ modules is documented`);
}

if (import.meta.main) await main();
