/**
 * One gate for tests whose prerequisite a fresh machine may lack (`../shared`, Debian's Python and
 * its packages, Jupyter, Chromium, a GPU adapter, Slurm).
 *
 * Outside CI a missing prerequisite skips the test with a one-line reason. With `CI=true` it is an
 * error instead: `.ci/run` installs every prerequisite, so a skip there would hide a test that
 * never ran.
 *
 * @example Gate a test on Slurm
 * ```ts ignore
 * import { skipUnless } from "../_prereq.ts";
 * Deno.test({ name: "...", ignore: skipUnless("slurm", hasSbatch, "sbatch is not on PATH"), fn });
 * ```
 *
 * @module
 */

/** Whether this run is CI (`CI=true`), where nothing may be skipped for a missing prerequisite. */
export function inCi(): boolean {
  try {
    return (Deno.env.get("CI") ?? "").toLowerCase() === "true";
  } catch {
    return false;
  }
}

const said = new Set<string>();

/**
 * The `ignore` value for `Deno.test`: false when the prerequisite is there; true (printing the
 * reason once) when it is missing outside CI.
 *
 * @param what Short name of the prerequisite, e.g. `"slurm"` or `"python3 torch"`.
 * @param available Whether it is there.
 * @param reason One line saying what is missing, e.g. `"sbatch is not on PATH"`.
 * @returns True to skip the test.
 * @throws {Error} With `CI=true` when the prerequisite is missing.
 */
export function skipUnless(what: string, available: boolean, reason: string): boolean {
  if (available) return false;
  const line = `${what}: ${reason}`;
  if (inCi()) {
    throw new Error(
      `CI=true, but a test prerequisite is missing (${line}); .ci/run must install it`,
    );
  }
  if (!said.has(line)) {
    said.add(line);
    console.log(`skip reason: ${line}`);
  }
  return true;
}
