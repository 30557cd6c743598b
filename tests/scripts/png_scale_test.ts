import assert from "node:assert/strict";
import { join } from "node:path";
import { decode } from "fast-png";
import { writeEmbeddingsFixture } from "../tasks/_embeddings_fixture.ts";
import { runScript } from "./_run.ts";

Deno.test("deno task mated --png-scale S writes the PNG at S pixels per SVG pixel beside the SVG and PDF; 0 is a usage error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = join(dir, "Toy.jsonl");
    await writeEmbeddingsFixture(input, { identities: 6, per: 3 });
    const stem = join(dir, "Figures", "Toy_MatedVsNonmated_8");
    const widthAt = async (scale: string) => {
      const run = await runScript("mated.ts", [
        input,
        "--n-comparisons",
        "8",
        "--out",
        dir,
        "--png-scale",
        scale,
      ]);
      assert.equal(run.code, 0, run.stderr);
      return decode(await Deno.readFile(`${stem}.png`)).width;
    };
    const one = await widthAt("1");
    const width = Number(/width="(\d+)"/.exec(await Deno.readTextFile(`${stem}.svg`))![1]);
    assert.equal(one, width);
    assert.equal(await widthAt("3.5"), Math.round(3.5 * width));
    const pdf = await Deno.readFile(`${stem}.pdf`);
    assert.equal(new TextDecoder().decode(pdf.subarray(0, 5)), "%PDF-");
    const refused = await runScript("mated.ts", [input, "--out", dir, "--png-scale", "0"]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /--png-scale must be a number above 0 and at most 16: current value is 0/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
