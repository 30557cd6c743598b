import assert from "node:assert/strict";

const hasNvidiaSmi = (() => {
  try {
    return new Deno.Command("nvidia-smi", { stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();

Deno.test("tools/gpu/check.ts finishes and says plainly whether an NVIDIA GPU is reachable", async () => {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tools/gpu/check.ts"],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "null",
  }).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, text);
  for (
    const heading of [
      "== nvidia-smi",
      "== Vulkan",
      "== WebGPU in Deno (wgpu)",
      "== onnxruntime-node",
      "== verdict",
    ]
  ) {
    assert.ok(text.includes(heading), `missing ${heading}`);
  }
  assert.match(text, /^loader: dlopen\(libvulkan\.so\.1\) (succeeds|fails)/m);
  assert.match(text, /^cuda: (usable|not usable) \(/m);
  if (!hasNvidiaSmi) {
    assert.match(text, /^nvidia-smi: not found on PATH$/m);
    assert.match(text, /^No NVIDIA adapter: WebGPU finds /m);
    assert.match(text, /^Measurements skipped: no NVIDIA GPU is reachable from this process/m);
  }
});

Deno.test("tools/gpu/check.ts --force measures a small IResNet on cpu and compares every other backend with it", async () => {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "tools/gpu/check.ts",
      "--force",
      "--depth",
      "18",
      "--width-scale",
      "0.125",
      "--batches",
      "2",
      "--runs",
      "1",
      "--search",
      "16x256x64",
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "null",
  }).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, text);
  assert.match(text, /^cpu +batch +2: +[\d.]+ images\/s \(median [\d.]+ s of 1\); reference$/m);
  assert.match(text, /^cpu +16 x 256 x 64: [\d.]+ ms, \d+ GFLOP\/s; reference$/m);
  for (const m of text.matchAll(/min cosine to cpu ([\d.]+)/g)) {
    assert.ok(Number(m[1]) > 0.999, m[0]);
  }
  for (const m of text.matchAll(/best match equal to cpu's on (\d+)\/(\d+) rows/g)) {
    assert.equal(m[1], m[2], m[0]);
  }
  assert.match(text, /^gpu-check done in [\d.]+ s$/m);
});
