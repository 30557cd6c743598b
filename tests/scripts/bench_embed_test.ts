import assert from "node:assert/strict";
import { runScript } from "./_run.ts";

Deno.test("bench_embed.ts --parts decode,pipeline prints decode rates per worker count and the pipeline's cost", async () => {
  const run = await runScript("bench_embed.ts", [
    "--parts",
    "decode,pipeline",
    "--workers",
    "0,1,2",
    "--decode-seconds",
    "0.2",
    "--depth",
    "18",
    "--width-scale",
    "0.125",
    "--images",
    "40",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const rows = run.stdout.split("\n");
  for (const label of ["0 (main thread)", "1", "2"]) {
    const row = rows.find((line) => line.startsWith(`${label.padEnd(16)}`));
    assert.ok(row, `no row for ${label} workers in\n${run.stdout}`);
    const rate = Number(row.slice(16).trim().split(/\s+/)[0]);
    assert.ok(rate > 0, row);
  }
  assert.ok(
    !run.stdout.includes("decoding alone with 15 workers") || navigator.hardwareConcurrency >= 16,
    "the 15-worker line is printed only where 16 cores are present",
  );
  assert.match(run.stdout, /pipeline: 40 demo images, batch 32, IResNet-18/);
  assert.match(
    run.stdout,
    /decoding \(with reading and writing\) costs IResNet-18 -?\d+\.\d% of its model-only rate/,
  );
});

Deno.test("bench_embed.ts --parts refuses an unknown part, naming it", async () => {
  const run = await runScript("bench_embed.ts", ["--parts", "decode,nope"]);
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /Cannot run part "nope": expected decode, pipeline, backends/);
});
