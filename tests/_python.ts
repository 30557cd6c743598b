/**
 * Helpers for tests that compare against Debian's Python (`/usr/bin/python3`) and its packages.
 * Gate such a test with {@linkcode skipUnlessPython}: it skips outside CI and fails under `CI=true`.
 *
 * @module
 */
import { skipUnless } from "./_prereq.ts";

/** Debian's interpreter; a `python3` earlier on PATH may lack the packages. */
export const PYTHON = "/usr/bin/python3";

const cache = new Map<string, boolean>();

/**
 * Whether `/usr/bin/python3` can import every module named.
 *
 * @param modules Module names, e.g. `["torch", "torchvision"]`.
 * @returns True when all import.
 */
export function hasPython(...modules: string[]): boolean {
  const key = modules.join(",");
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let ok = false;
  try {
    const { success } = new Deno.Command(PYTHON, {
      args: ["-c", modules.map((m) => `import ${m}`).join(";") || "pass"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    ok = success;
  } catch {
    ok = false;
  }
  cache.set(key, ok);
  return ok;
}

/**
 * The `ignore` value for a test that needs `/usr/bin/python3` with every module named (through
 * {@linkcode skipUnless}: skips outside CI, throws under `CI=true`).
 *
 * @param modules Module names, e.g. `["numpy"]`; none for the bare interpreter.
 * @returns True to skip the test.
 */
export function skipUnlessPython(...modules: string[]): boolean {
  const what = ["python3", ...modules].join(" ");
  const reason = modules.length === 0
    ? `${PYTHON} does not run`
    : `${PYTHON} cannot import ${modules.join(", ")}`;
  return skipUnless(what, hasPython(...modules), reason);
}

/**
 * Runs Python code (or a script with arguments) and returns its stdout; throws with stderr on failure.
 *
 * @param args Arguments to the interpreter, e.g. `["-c", code]` or `[script, ...flags]`.
 * @param stdin Optional text on standard input.
 * @returns Standard output.
 */
export async function runPython(args: string[], stdin?: string): Promise<string> {
  const child = new Deno.Command(PYTHON, {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const { success, stdout, stderr } = await child.output();
  const text = new TextDecoder().decode(stdout);
  if (!success) throw new Error(`python failed: ${new TextDecoder().decode(stderr)}`);
  return text;
}
