/**
 * One subprocess smoke test per script: `--help` prints the usage and exits 0, and, where it is
 * cheap, a small real run prints what the script prints. (`embed`, `similarities` and `paper` have
 * their own end-to-end script tests beside this file.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { encode } from "fast-png";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { runClosest, runSimilarities } from "../../lib/tasks/mod.ts";
import { writeEmbeddingsFixture } from "../tasks/_embeddings_fixture.ts";
import { runScript } from "./_run.ts";

async function assertHelp(script: string, synopsis: string): Promise<void> {
  const help = await runScript(script, ["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.ok(help.stdout.startsWith(`Usage: ${synopsis}`), help.stdout);
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "script_smoke_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("deno task bench --help prints the usage; bench metrics runs its child script", async () => {
  await assertHelp("bench.ts", "deno task bench [embed|metrics|search|diversity|all]");
  const run = await runScript("bench.ts", ["metrics", "--", "--n", "2000", "--resamples", "4"]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.stdout.startsWith("== bench metrics ==\n2000 genuine + 2000 impostor"), run.stdout);
  assert.equal((await runScript("bench.ts", ["nope"])).code, 2);
});

Deno.test("scripts/bench_embed.ts --help prints the usage", async () => {
  const help = await runScript("bench_embed.ts", ["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: /);
});

Deno.test("scripts/bench_search.ts --help prints the usage", async () => {
  await assertHelp("bench_search.ts", "deno task bench search -- [flags]");
});

Deno.test("deno task embed --help prints the usage", async () => {
  await assertHelp("embed.ts", "deno task embed [--model M]");
});

Deno.test("deno task demo --help prints the usage; an argument is a usage error", async () => {
  await assertHelp("demo.ts", "deno task demo [--out DIR]");
  const bad = await runScript("demo.ts", ["extra"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unexpected argument extra/);
});

Deno.test("deno task similarities --help prints the usage; a run says where the scores went", async () => {
  await assertHelp("similarities.ts", "deno task similarities INPUT");
  await withDir(async (dir) => {
    const input = join(dir, "Toy.jsonl");
    await writeEmbeddingsFixture(input, { identities: 6, per: 3 });
    const run = await runScript("similarities.ts", [input, "--n-comparisons", "8", "--out", dir]);
    assert.equal(run.code, 0, run.stderr);
    const mated = join(dir, "SimilarityScores", "Toy_mated_similarities.txt");
    assert.ok(run.stdout.includes(`Mated similarities saved to: ${mated}`), run.stdout);
    assert.equal((await Deno.readTextFile(mated)).trim().split("\n").length, 8);
  });
});

Deno.test("deno task mated --help prints the usage; a run draws the figure", async () => {
  await assertHelp("mated.ts", "deno task mated INPUT");
  await withDir(async (dir) => {
    const input = join(dir, "Toy.jsonl");
    await writeEmbeddingsFixture(input, { identities: 6, per: 3 });
    const run = await runScript("mated.ts", [input, "--n_comparisons", "8", "--out", dir]);
    assert.equal(run.code, 0, run.stderr);
    const stem = join(dir, "Figures", "Toy_MatedVsNonmated_8");
    assert.ok(
      run.stdout.includes(`Plot saved to: ${stem}.svg, ${stem}.png and ${stem}.pdf`),
      run.stdout,
    );
  });
});

Deno.test("deno task metrics --help prints the usage; a run writes the tables", async () => {
  await assertHelp("metrics.ts", "deno task metrics [--scores DIR]");
  await withDir(async (dir) => {
    const input = join(dir, "Toy.jsonl");
    await writeEmbeddingsFixture(input, { identities: 10, per: 4 });
    await runSimilarities({ input, comparisons: 40, out: dir, reporter: memoryReporter() });
    const scores = join(dir, "SimilarityScores");
    const run = await runScript("metrics.ts", [
      "--scores_dir",
      scores,
      "--n_bootstrap",
      "5",
      "--out",
      dir,
      "--no-figures",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes("Dataset: Toy"), run.stdout);
    assert.ok(
      run.stdout.includes(`Master metrics file saved to: ${join(dir, "All_Datasets_metrics.csv")}`),
    );
    const missing = await runScript("metrics.ts", ["--scores", join(dir, "absent")]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /absent does not exist/);
  });
});

Deno.test("deno task leakage --help prints the usage; a run lists the files it wrote", async () => {
  await assertHelp("leakage.ts", "deno task leakage INPUT --casia CASIA");
  await withDir(async (dir) => {
    const input = join(dir, "Toy.jsonl");
    const casia = join(dir, "CASIA.jsonl");
    await writeEmbeddingsFixture(input, { identities: 5, per: 4, seed: 1 });
    await writeEmbeddingsFixture(casia, { identities: 8, per: 3, seed: 2 });
    const run = await runScript("leakage.ts", [
      input,
      "--casia_file",
      casia,
      "--n_comparisons",
      "6",
      "--out",
      dir,
      "--no-figure",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split("\n"), [
      join(dir, "SimilarityScores", "Toy_BestMatches_6.txt"),
      join(dir, "Best_Matches", "Toy_BestMatches_6.csv"),
    ]);
    assert.match(run.stderr, /search kernel: /);
  });
});

Deno.test("deno task closest --help prints the usage; a run prints the JSON it wrote", async () => {
  await assertHelp("closest.ts", "deno task closest INPUT --casia CASIA");
  await withDir(async (dir) => {
    const input = join(dir, "Toy.jsonl");
    const casia = join(dir, "CASIA.jsonl");
    await writeEmbeddingsFixture(input, { identities: 5, per: 4, seed: 1 });
    await writeEmbeddingsFixture(casia, { identities: 8, per: 3, seed: 2 });
    const run = await runScript("closest.ts", [
      input,
      "--casia",
      casia,
      "--top_global",
      "3",
      "--out",
      dir,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), join(dir, "Closest", "Toy_Top3Global_20.json"));
    assert.match(run.stderr, /search kernel: [\s\S]*\nbest pair [\d.]+ \(ran on [\w/-]+\)/);
  });
});

Deno.test("deno task paths --help prints the usage; a run says what it saved", async () => {
  await assertHelp("paths.ts", "deno task paths [FILES or folders of *.json]");
  await withDir(async (dir) => {
    const input = join(dir, "Toy.jsonl");
    await writeEmbeddingsFixture(input, { identities: 4, per: 2 });
    const { file } = await runClosest({
      input,
      casia: input,
      top: 2,
      outDir: dir,
      reporter: memoryReporter(),
    });
    const out = join(dir, "Extracted_paths");
    const run = await runScript("paths.ts", [join(dir, "Closest"), "--out", out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `Saved: ${join(out, "Toy_Top2Global_8_matches.csv")}\n`);
    assert.ok((await Deno.readTextFile(file)).includes('"rank":2'));
  });
});

Deno.test("deno task plot-similar --help prints the usage; a run draws the grid", async () => {
  await assertHelp("plot_similar.ts", "deno task plot-similar CSV --other-file B");
  await withDir(async (dir) => {
    const image = encode({
      width: 8,
      height: 8,
      data: new Uint8Array(8 * 8 * 3).fill(90),
      channels: 3,
    });
    await Deno.mkdir(join(dir, "Synth", "s1"), { recursive: true });
    await Deno.mkdir(join(dir, "CASIA", "0000001"), { recursive: true });
    await Deno.writeFile(join(dir, "Synth", "s1", "1.png"), image);
    await Deno.writeFile(join(dir, "CASIA", "0000001", "001.jpg"), image);
    const csv = join(dir, "pairs.csv");
    await Deno.writeTextFile(
      csv,
      'query_path,casia_path,similarity_score\n"s1/1.png","0000001/001.jpg",0.75\n',
    );
    const noOther = await runScript("plot_similar.ts", [csv]);
    assert.equal(noOther.code, 2);
    assert.match(noOther.stderr, /--other-file is required/);
    const run = await runScript("plot_similar.ts", [
      csv,
      "--casia_file",
      join(dir, "CASIA"),
      "--other_file",
      join(dir, "Synth"),
      "--output_dir",
      dir,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const png = join(dir, "comparison_Synth_1_samples.png");
    const [svg, pdf] = [png.replace(/png$/, "svg"), png.replace(/png$/, "pdf")];
    assert.equal(run.stdout, `Created comparison grid: ${png}, ${svg} and ${pdf}\n`);
    assert.equal(new TextDecoder().decode((await Deno.readFile(pdf)).subarray(0, 5)), "%PDF-");
    assert.match(run.stderr, /Pair 1: s1\/1\.png <-> 0000001\/001\.jpg \(0\.75\)\n/);
  });
});

Deno.test("deno task paper --help prints the usage", async () => {
  await assertHelp("paper.ts", "deno task paper --data PATH");
});
