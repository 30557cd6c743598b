import assert from "node:assert/strict";
import { join } from "node:path";
import { writeDemoDataset } from "../../lib/demo/mod.ts";
import { buildIResNetOnnx, demoStateDict, IRESNET_LAYERS } from "../../lib/model/mod.ts";
import { ROOT, runScript } from "./_run.ts";

Deno.test("deno task embed --workers N stopped by SIGINT exits 130 and resumes to the bytes of --workers 0", async () => {
  const dir = await Deno.makeTempDir({ prefix: "embed_workers_" });
  try {
    const model = join(dir, "model.onnx");
    const dict = demoStateDict({ seed: 3, widthScale: 1 / 8 });
    await Deno.writeFile(model, buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[18] }));
    const dataset = join(dir, "Data");
    const { images } = await writeDemoDataset(dataset, { identities: 12, images: 8, seed: 4 });
    const png = await Deno.readFile(join(dataset, "id_003", "00.png"));
    await Deno.writeFile(join(dataset, "id_003", "00a_cut.png"), png.subarray(0, png.length >> 1));
    const flags = (out: string, workers: number) => [
      "--model",
      model,
      "--dataset",
      dataset,
      "--out",
      out,
      "--format",
      "both",
      "--batch",
      "2",
      "--workers",
      String(workers),
    ];

    const reference = await runScript("embed.ts", flags(join(dir, "ref", "Data.jsonl"), 0));
    assert.equal(reference.code, 0, reference.stderr);
    assert.match(reference.stderr, /decoding in the main thread/);
    assert.match(reference.stderr, /skipped .*id_003\/00a_cut\.png: Cannot decode/);

    const out = join(dir, "cut", "Data.jsonl");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/embed.ts", ...flags(out, 2)],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const labels = join(dir, "cut", "Data.labels.tsv");
    for (let i = 0; i < 3000; i++) {
      const text = await Deno.readTextFile(labels).catch(() => "");
      if (text.split("\n").length > 5) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill("SIGINT");
    const status = await child.status;
    const said = await stderr;
    assert.equal(status.code, 130, `the run should stop mid-way:\n${said}`);
    assert.match(said, /decoding in 2 worker\(s\)/);
    assert.match(said, /^interrupted: \d+ embedded this run/m);
    const cut = (await Deno.readTextFile(labels)).trim().split("\n").length - 1;
    assert.ok(cut > 0 && cut < images, `${cut} of ${images} rows before the stop`);

    const resumed = await runScript("embed.ts", flags(out, 3));
    assert.equal(resumed.code, 0, resumed.stderr);
    for (const name of ["Data.jsonl", "Data.npy", "Data.labels.tsv"]) {
      assert.deepEqual(
        await Deno.readFile(join(dir, "cut", name)),
        await Deno.readFile(join(dir, "ref", name)),
        `${name} after the resume with 3 workers`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
