import assert from "node:assert/strict";
import { explainError, osErrorAt, parseFlags } from "../../lib/cli/mod.ts";
import { tempPathOf, writeFileAtomic } from "../../lib/formats/mod.ts";
import { skipUnless } from "../_prereq.ts";

const hasDevFull = (() => {
  try {
    return Deno.statSync("/dev/full").isCharDevice === true;
  } catch {
    return false;
  }
})();

async function caught(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

Deno.test({
  name: "writeFileAtomic(path, text) on a full disk names the file, not its temporary copy",
  ignore: skipUnless("/dev/full", hasDevFull, "this system has no /dev/full"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    // The temporary file of `T.txt` is a symlink to /dev/full: its write fails.
    await Deno.symlink("/dev/full", tempPathOf(`${dir}/T.txt`));
    const error = await caught(() => writeFileAtomic(`${dir}/T.txt`, "z"));
    assert.ok(error instanceof Error);
    assert.equal(error.message, `No space left on device (os error 28): write '${dir}/T.txt'`);
    const parsed = parseFlags(["--out", dir], { out: { type: "string", description: "output" } });
    assert.equal(
      explainError(error, parsed),
      `--out: cannot write ${dir}/T.txt: No space left on device (os error 28)`,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [], "no file is left behind");
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("osErrorAt(error, op, path) leaves errors that are not the operating system's alone", () => {
  const error = new RangeError("bad");
  assert.equal(osErrorAt(error, "write", "x"), error);
});
