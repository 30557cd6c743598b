/**
 * Runs one of the kit's scripts as `deno task` does (`deno run -A scripts/<name>.ts`), in the
 * repository root, for the scripts' subprocess tests.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("../..", import.meta.url));

/** What a script run printed and how it ended. */
export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `scripts/<script>` with `args` and collects its output.
 *
 * @param script File name under `scripts/`, e.g. `metrics.ts`.
 * @param args Its arguments.
 * @param env Extra environment variables.
 * @returns Exit code, stdout and stderr.
 */
export async function runScript(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ScriptRun> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `scripts/${script}`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}
