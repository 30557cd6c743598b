import assert from "node:assert/strict";
import { ROOT } from "./_run.ts";

Deno.test("deno task paper without --data or BRF_DATA exits 2 with the usage", async () => {
  const env = { ...Deno.env.toObject() };
  delete env.BRF_DATA;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/paper.ts"],
    cwd: ROOT,
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 2);
  const text = new TextDecoder().decode(stderr);
  assert.match(text, /--data is required/);
  assert.match(text, /Usage: deno task paper --data PATH/);
});
