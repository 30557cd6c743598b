import assert from "node:assert/strict";
import { join } from "node:path";
import { jupyterEnv, writeKernelspec } from "../../lib/notebook/_kernelspec.ts";
import { skipUnless } from "../_prereq.ts";

Deno.test("writeKernelspec(dir) points the deno kernelspec at the running Deno and rewrites it each call", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await writeKernelspec(dir, { deno: "/old/deno" });
    assert.equal(path, join(dir, "kernels", "deno", "kernel.json"));
    await writeKernelspec(dir);
    const spec = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(spec.argv, [
      Deno.execPath(),
      "jupyter",
      "--kernel",
      "--quiet",
      "--conn",
      "{connection_file}",
    ]);
    assert.equal(spec.language, "typescript");
    if (Deno.statSync("/usr/bin/python3").isFile) {
      const { stdout, success } = await new Deno.Command("/usr/bin/python3", {
        args: [
          "-c",
          "from jupyter_client.kernelspec import KernelSpecManager as K; print(K().find_kernel_specs()['deno'])",
        ],
        env: jupyterEnv(dir),
        stderr: "null",
      }).output();
      if (success) {
        assert.equal(new TextDecoder().decode(stdout).trim(), join(dir, "kernels", "deno"));
      } else {
        skipUnless("python3 jupyter_client", false, "kernelspec discovery not checked");
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
