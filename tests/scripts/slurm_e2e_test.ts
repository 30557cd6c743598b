/**
 * `deno task slurm` on a real Slurm (the one-node cluster of `.ci/slurm.sh start`): the demo data
 * embedded, searched and merged through job arrays equals the single-machine outputs byte for
 * byte, and an element cancelled mid-run and resubmitted alone resumes its shard. The last test,
 * the script's smoke test (`--help`, `--dry-run`, a usage error), needs no Slurm.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { writeDemoDataset, writeDemoGallery } from "../../lib/demo/mod.ts";
import { shardPathOf } from "../../lib/formats/mod.ts";
import { buildIResNetOnnx, demoStateDict, IRESNET_LAYERS } from "../../lib/model/mod.ts";
import { runEmbed, slurmRunDir, type SlurmTask, splitSlurmArgs } from "../../lib/tasks/mod.ts";
import { skipUnless } from "../_prereq.ts";
import { runScript } from "./_run.ts";

/** Whether `sbatch` is on PATH and `sinfo` shows a node that can take jobs. */
function slurmReady(): boolean {
  try {
    const sinfo = new Deno.Command("sinfo", { args: ["-h", "-N", "-o", "%t"], stdout: "piped" })
      .outputSync();
    const states = new TextDecoder().decode(sinfo.stdout).split(/\s+/);
    const sbatch = new Deno.Command("sbatch", { args: ["--version"], stdout: "null" }).outputSync();
    return sinfo.success && sbatch.success && states.some((s) => /^(idle|mix)$/.test(s));
  } catch {
    return false;
  }
}

const ignore = skipUnless("slurm", slurmReady(), "sbatch is not on PATH or no idle node");

/** Longest wait for one run's jobs (the whole array and its merge). */
const WAIT_MS = 300_000;

const TERMINAL = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "OUT_OF_MEMORY",
  "NODE_FAIL",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
]);

async function squeue(ids: readonly string[]): Promise<Map<string, string>> {
  const out = await new Deno.Command("squeue", {
    args: ["-h", "-r", "-t", "all", "-j", ids.join(","), "-o", "%i %T"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const states = new Map<string, string>();
  for (const line of new TextDecoder().decode(out.stdout).trim().split("\n")) {
    const [id, state] = line.trim().split(/\s+/);
    if (id && state) states.set(id, state);
  }
  return states;
}

/** The last lines of every log under `logDir`, for a failure message. */
async function logTails(logDir: string): Promise<string> {
  const parts: string[] = [];
  for await (const entry of Deno.readDir(logDir)) {
    const text = await Deno.readTextFile(join(logDir, entry.name));
    parts.push(`--- ${entry.name}\n${text.trimEnd().split("\n").slice(-15).join("\n")}`);
  }
  return parts.sort().join("\n");
}

/**
 * Waits (bounded) until every job of `ids` has ended, and returns each job's (each element's)
 * final state. Fails with the logs' tails on timeout.
 */
async function waitForJobs(ids: readonly string[], logDir: string): Promise<Map<string, string>> {
  const deadline = Date.now() + WAIT_MS;
  let states = new Map<string, string>();
  while (Date.now() < deadline) {
    states = await squeue(ids);
    const seen = ids.every((id) =>
      [...states.keys()].some((k) => k === id || k.startsWith(`${id}_`))
    );
    if (seen && [...states.values()].every((s) => TERMINAL.has(s))) return states;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `jobs ${ids.join(",")} still not done after ${WAIT_MS / 1000} s: ${
      JSON.stringify([...states])
    }\n${await logTails(logDir)}`,
  );
}

async function cancel(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await new Deno.Command("scancel", { args: [...ids], stdout: "null", stderr: "null" }).output();
}

/** Submits `deno task slurm ...`, returns the array and merge job ids and the log folder. */
async function submit(
  task: SlurmTask,
  args: string[],
): Promise<{ array: string; merge: string; logDir: string }> {
  const run = await runScript("slurm.ts", [task, ...args]);
  assert.equal(run.code, 0, run.stderr);
  const [array, merge] = run.stdout.trim().split("\n");
  assert.match(array ?? "", /^\d+$/, run.stdout);
  assert.match(merge ?? "", /^\d+$/, run.stdout);
  const logDir = join(slurmRunDir(task, splitSlurmArgs([task, ...args]).taskArgs), "logs");
  assert.ok(run.stderr.includes(join(logDir, `${task}_${array}_0.log`)), run.stderr);
  return { array: array!, merge: merge!, logDir };
}

function assertAll(states: Map<string, string>, want: string, logs: string): void {
  for (const [id, state] of states) assert.equal(state, want, `job ${id} is ${state}\n${logs}`);
}

/** Output files under `dir` (relative), leaving out manifests, locks and hidden folders. */
async function outputFiles(dir: string, sub = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(join(dir, sub))) {
    const path = sub === "" ? entry.name : `${sub}/${entry.name}`;
    if (entry.name.startsWith(".") || /\.(?:manifest\.json|lock)$/.test(entry.name)) continue;
    if (entry.isDirectory) files.push(...await outputFiles(dir, path));
    else files.push(path);
  }
  return files.sort();
}

/** The same output files, with the same bytes, under both folders. */
async function assertSameOutputs(single: string, sharded: string, want: string[]): Promise<void> {
  const files = await outputFiles(single);
  assert.deepEqual(files, want);
  assert.deepEqual(await outputFiles(sharded), files);
  for (const file of files) {
    const x = await Deno.readFile(join(single, file));
    const y = await Deno.readFile(join(sharded, file));
    assert.ok(x.length > 0, `${file} is empty`);
    assert.ok(
      x.length === y.length && x.every((v, i) => v === y[i]),
      `${sharded}/${file} differs from ${single}/${file}`,
    );
  }
}

interface Fixture {
  dir: string;
  model: string;
  dataset: string;
  embeddings: string;
  gallery: string;
}

let fixture: Promise<Fixture> | undefined;

/** The demo model, a small demo dataset and gallery, and their embeddings (made once). */
function demoFixture(): Promise<Fixture> {
  fixture ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "slurm_e2e_" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    const model = join(dir, "demo.onnx");
    const dict = demoStateDict({ seed: 1, depth: 18, widthScale: 0.25 });
    await Deno.writeFile(model, buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[18] }));
    const dataset = join(dir, "Dataset", "Demo");
    const galleryImages = join(dir, "Dataset", "DemoCASIA");
    await writeDemoDataset(dataset, { identities: 16, images: 5, seed: 42 });
    await writeDemoGallery(galleryImages, {
      identities: 30,
      images: 3,
      planted: 3,
      demoIdentities: 16,
      demoImages: 5,
      seed: 42,
    });
    const embeddings = join(dir, "E", "Demo.jsonl");
    const gallery = join(dir, "E", "DemoCASIA.npy");
    const common = { model, backend: "cpu" as const, reporter: memoryReporter() };
    await runEmbed({ ...common, dataset, out: embeddings, formats: ["jsonl"] });
    await runEmbed({ ...common, dataset: galleryImages, out: gallery, formats: ["npy"] });
    return { dir, model, dataset, embeddings, gallery };
  })();
  return fixture;
}

Deno.test({
  name:
    "deno task slurm embed --shards 4: the array and its merge equal a one-machine run, byte for byte",
  ignore,
  async fn() {
    const { dir, model, dataset } = await demoFixture();
    const flags = (out: string) => [
      "--model",
      model,
      "--dataset",
      dataset,
      "--out",
      out,
      "--format",
      "both",
      "--backend",
      "cpu",
    ];
    const single = join(dir, "embed_single", "Demo.jsonl");
    const sharded = join(dir, "embed_slurm", "Demo.jsonl");
    const one = await runScript("embed.ts", flags(single));
    assert.equal(one.code, 0, one.stderr);
    const jobs = await submit("embed", [...flags(sharded), "--shards", "4"]);
    try {
      const states = await waitForJobs([jobs.array, jobs.merge], jobs.logDir);
      assert.equal(states.size, 5);
      assertAll(states, "COMPLETED", await logTails(jobs.logDir));
    } finally {
      await cancel([jobs.array, jobs.merge]);
    }
    await assertSameOutputs(join(single, ".."), join(sharded, ".."), [
      "Demo.jsonl",
      "Demo.labels.tsv",
      "Demo.npy",
    ]);
  },
});

/** Each search task's flags (besides INPUT and --out) and the files a run of it writes. */
const SEARCH_RUNS = {
  similarities: {
    flags: ["--n-comparisons", "200"],
    files: [
      "SimilarityScores/Demo_mated_similarities.txt",
      "SimilarityScores/Demo_non_mated_similarities.txt",
    ],
  },
  leakage: {
    flags: ["--casia", "GALLERY", "--n-comparisons", "50", "--no-figure"],
    files: ["Best_Matches/Demo_BestMatches_50.csv", "SimilarityScores/Demo_BestMatches_50.txt"],
  },
  closest: {
    flags: ["--casia", "GALLERY", "--top", "10"],
    files: ["Closest/Demo_Top10Global_80.json"],
  },
} as const;

for (const [task, { flags: taskFlags, files }] of Object.entries(SEARCH_RUNS)) {
  Deno.test({
    name:
      `deno task slurm ${task} --shards 3: the array and its merge equal a one-machine run, byte for byte`,
    ignore,
    async fn() {
      const { dir, embeddings, gallery } = await demoFixture();
      const flags = (out: string) => [
        embeddings,
        ...taskFlags.map((flag) => flag === "GALLERY" ? gallery : flag),
        "--out",
        out,
      ];
      const single = join(dir, `${task}_single`);
      const sharded = join(dir, `${task}_slurm`);
      const one = await runScript(`${task}.ts`, flags(single));
      assert.equal(one.code, 0, one.stderr);
      const jobs = await submit(task as SlurmTask, [...flags(sharded), "--shards", "3"]);
      try {
        const states = await waitForJobs([jobs.array, jobs.merge], jobs.logDir);
        assert.equal(states.size, 4);
        assertAll(states, "COMPLETED", await logTails(jobs.logDir));
      } finally {
        await cancel([jobs.array, jobs.merge]);
      }
      await assertSameOutputs(single, sharded, [...files]);
    },
  });
}

Deno.test({
  name:
    "an element cancelled with scancel mid-run and resubmitted alone resumes its shard; the merge still matches",
  ignore,
  async fn() {
    const { dir, model } = await demoFixture();
    // A bigger dataset and one image per batch, so that a shard takes seconds to embed.
    const dataset = join(dir, "Dataset", "DemoLarge");
    await writeDemoDataset(dataset, { identities: 40, images: 8, seed: 7 });
    const flags = (out: string) => [
      "--model",
      model,
      "--dataset",
      dataset,
      "--out",
      out,
      "--backend",
      "cpu",
      "--batch",
      "1",
    ];
    const single = join(dir, "resume_single", "DemoLarge.jsonl");
    const sharded = join(dir, "resume_slurm", "DemoLarge.jsonl");
    const one = await runScript("embed.ts", flags(single));
    assert.equal(one.code, 0, one.stderr);
    const jobs = await submit("embed", [...flags(sharded), "--shards", "2"]);
    const extra: string[] = [];
    try {
      // Cancel element 1 as soon as its shard holds a row.
      const shard = shardPathOf(sharded, { index: 1, count: 2 });
      const element = `${jobs.array}_1`;
      const deadline = Date.now() + WAIT_MS;
      const rows = async () =>
        (await Deno.readTextFile(shard).catch(() => "")).split("\n").filter((l) => l !== "").length;
      while ((await rows()) === 0) {
        assert.ok(Date.now() < deadline, `no row in ${shard}\n${await logTails(jobs.logDir)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await cancel([element]);
      const states = await waitForJobs([jobs.array, jobs.merge], jobs.logDir);
      assert.equal(states.get(element), "CANCELLED");
      assert.equal(states.get(`${jobs.array}_0`), "COMPLETED");
      // The merge cannot run after a cancelled element: Slurm removes it (--kill-on-invalid-dep).
      assert.equal(states.get(jobs.merge), "CANCELLED");
      const cut = await rows();
      assert.ok(cut > 0 && cut < 160, `the cancelled shard holds ${cut} of 160 rows`);

      // Resubmit element 1 alone, then the merge after it, as deno task slurm prints.
      const array = join(jobs.logDir, "..", "embed.array.sh");
      const merge = join(jobs.logDir, "..", "embed.merge.sh");
      const sbatch = async (args: string[]) => {
        const out = await new Deno.Command("sbatch", { args, stdout: "piped", stderr: "piped" })
          .output();
        assert.ok(out.success, new TextDecoder().decode(out.stderr));
        const id = new TextDecoder().decode(out.stdout).trim().split(";")[0]!;
        extra.push(id);
        return id;
      };
      const again = await sbatch(["--parsable", "--array=1", array]);
      const merged = await sbatch([
        "--parsable",
        `--dependency=afterok:${again},afterany:${jobs.array}`,
        "--kill-on-invalid-dep=yes",
        merge,
      ]);
      const after = await waitForJobs([again, merged], jobs.logDir);
      assertAll(after, "COMPLETED", await logTails(jobs.logDir));
      const log = await Deno.readTextFile(join(jobs.logDir, `embed_${again}_1.log`));
      const present = Number(/(\d+) already present/.exec(log)?.[1]);
      assert.ok(present >= cut, `the resubmitted element did not resume:\n${log}`);
    } finally {
      await cancel([jobs.array, jobs.merge, ...extra]);
    }
    await assertSameOutputs(join(single, ".."), join(sharded, ".."), ["DemoLarge.jsonl"]);
  },
});

Deno.test({
  name: "deno task slurm names the script and sbatch's reason when sbatch refuses a job",
  ignore,
  async fn() {
    const { dir, embeddings } = await demoFixture();
    const out = join(dir, "refused");
    const run = await runScript("slurm.ts", [
      "similarities",
      embeddings,
      "--out",
      out,
      "--shards",
      "2",
      "--partition",
      "no-such-partition",
    ]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /Cannot submit \S+similarities\.array\.sh: sbatch .* exited 1: .*partition/i,
    );
    assert.equal(run.stdout, "");
  },
});

Deno.test("deno task slurm --help prints the usage; --dry-run prints the sbatch lines; a bad task exits 2", async () => {
  // No Slurm needed: nothing is submitted.
  const help = await runScript("slurm.ts", ["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.ok(help.stdout.startsWith("Usage: deno task slurm <embed|similarities|leakage|closest>"));
  const dir = await Deno.makeTempDir({ prefix: "slurm_dry_" });
  try {
    const dry = await runScript("slurm.ts", [
      "closest",
      join(dir, "E", "Demo.jsonl"),
      "--out",
      dir,
      "--shards=2",
      "--dry-run",
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    const scripts = join(dir, ".slurm", "closest_Demo");
    assert.deepEqual(dry.stdout.trimEnd().split("\n"), [
      `sbatch --parsable ${scripts}/closest.array.sh`,
      `sbatch --parsable '--dependency=afterok:<array job id>' --kill-on-invalid-dep=yes ${scripts}/closest.merge.sh`,
    ]);
    assert.match(await Deno.readTextFile(join(scripts, "closest.array.sh")), /--shard auto\/2$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const bad = await runScript("slurm.ts", ["metrics", "--shards", "2"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /the first argument must be the task/);
});
