import assert from "node:assert/strict";
import { inCi, skipUnless } from "./_prereq.ts";

/** Runs `fn` with `CI` set to `value` (or unset), restoring it after. */
function withCi<T>(value: string | undefined, fn: () => T): T {
  const before = Deno.env.get("CI");
  if (value === undefined) Deno.env.delete("CI");
  else Deno.env.set("CI", value);
  try {
    return fn();
  } finally {
    if (before === undefined) Deno.env.delete("CI");
    else Deno.env.set("CI", before);
  }
}

Deno.test("skipUnless(what, available, reason) runs a test whose prerequisite is there, in CI or not", () => {
  assert.equal(withCi(undefined, () => skipUnless("tool", true, "unused")), false);
  assert.equal(withCi("true", () => skipUnless("tool", true, "unused")), false);
});

Deno.test("skipUnless(what, available, reason) skips a test with a missing prerequisite outside CI", () => {
  assert.equal(withCi(undefined, () => inCi()), false);
  assert.equal(withCi("false", () => skipUnless("tool", false, "not installed")), true);
  assert.equal(withCi(undefined, () => skipUnless("tool", false, "not installed")), true);
});

Deno.test("skipUnless(what, available, reason) throws under CI=true, naming what is missing", () => {
  for (const value of ["true", "TRUE"]) {
    assert.equal(withCi(value, () => inCi()), true);
    assert.throws(
      () => withCi(value, () => skipUnless("slurm", false, "sbatch is not on PATH")),
      (e: Error) =>
        e.message.includes("slurm: sbatch is not on PATH") && e.message.includes(".ci/run"),
    );
  }
});
