import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { memoryReporter, UsageError } from "../../lib/cli/mod.ts";
import {
  resubmitArgs,
  runSlurm,
  sbatch,
  shellQuote,
  slurmJobScripts,
  type SlurmJobSpec,
  slurmRunDir,
  splitSlurmArgs,
} from "../../lib/tasks/mod.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

function spec(over: Partial<SlurmJobSpec> = {}): SlurmJobSpec {
  return {
    task: "leakage",
    taskArgs: ["E/Demo.jsonl", "--casia", "E/CASIA.npy"],
    shards: 3,
    deno: "/opt/deno/bin/deno",
    projectDir: "/srv/kit",
    workDir: "/srv/kit",
    jobDir: "/srv/kit/Metrics/.slurm/leakage_Demo",
    jobName: "kit-leakage-Demo",
    ...over,
  };
}

/** The `#SBATCH` lines of a script, without the prefix. */
function directives(text: string): string[] {
  return text.split("\n").filter((l) => l.startsWith("#SBATCH ")).map((l) => l.slice(8));
}

/** The script's last line, the command it runs. */
function command(text: string): string {
  return text.trimEnd().split("\n").pop() ?? "";
}

Deno.test("slurmJobScripts(spec) asks for an array 0..N-1 whose elements run the task with --shard auto/N", () => {
  const scripts = slurmJobScripts(spec({
    resources: { partition: "gpu", time: "2-00:00:00", cpusPerTask: 8, gpusPerTask: 1, mem: "16G" },
  }));
  assert.deepEqual(directives(scripts.array.text), [
    "--job-name=kit-leakage-Demo",
    "--ntasks=1",
    "--partition=gpu",
    "--time=2-00:00:00",
    "--mem=16G",
    "--array=0-2",
    "--cpus-per-task=8",
    "--gpus-per-task=1",
    "--output=/srv/kit/Metrics/.slurm/leakage_Demo/logs/leakage_%A_%a.log",
  ]);
  assert.equal(
    command(scripts.array.text),
    "exec /opt/deno/bin/deno run -A --config /srv/kit/deno.json /srv/kit/scripts/leakage.ts " +
      "E/Demo.jsonl --casia E/CASIA.npy --shard auto/3",
  );
  assert.ok(scripts.array.text.startsWith("#!/bin/bash\n"));
  assert.match(scripts.array.text, /^cd \/srv\/kit$/m);
  assert.equal(scripts.array.path, "/srv/kit/Metrics/.slurm/leakage_Demo/leakage.array.sh");
});

Deno.test("slurmJobScripts(spec) gives the merge job the same flags, no array and no GPU", () => {
  const scripts = slurmJobScripts(
    spec({ resources: { gpusPerTask: 2, cpusPerTask: 4, mem: "8G" } }),
  );
  assert.deepEqual(directives(scripts.merge.text), [
    "--job-name=kit-leakage-Demo",
    "--ntasks=1",
    "--mem=8G",
    "--output=/srv/kit/Metrics/.slurm/leakage_Demo/logs/merge_%j.log",
  ]);
  assert.equal(
    command(scripts.merge.text),
    "exec /opt/deno/bin/deno run -A --config /srv/kit/deno.json /srv/kit/scripts/merge.ts " +
      "leakage E/Demo.jsonl --casia E/CASIA.npy --shards 3",
  );
  assert.equal(scripts.mergeLog("41"), "/srv/kit/Metrics/.slurm/leakage_Demo/logs/merge_41.log");
  assert.equal(
    scripts.elementLog("40", 2),
    "/srv/kit/Metrics/.slurm/leakage_Demo/logs/leakage_40_2.log",
  );
});

Deno.test("slurmJobScripts(spec) leaves out absent resources and --gpus-per-task 0", () => {
  const lines = directives(slurmJobScripts(spec({ resources: { gpusPerTask: 0 } })).array.text);
  assert.deepEqual(lines.map((l) => l.split("=")[0]), [
    "--job-name",
    "--ntasks",
    "--array",
    "--output",
  ]);
});

Deno.test("slurmJobScripts(spec) quotes task arguments for bash, and bash reads them back unchanged", async () => {
  const odd = ["--out", "my out/dir", "it's", "$HOME", "a;b", "*"];
  const scripts = slurmJobScripts(spec({ deno: "/bin/echo", taskArgs: odd }));
  const dir = await Deno.makeTempDir();
  // Run the script's last line as bash would, with echo in place of deno: each word comes back.
  const script = join(dir, "x.sh");
  const words = command(scripts.array.text).replace(/^exec \/bin\/echo /, "printf '%s\\n' ");
  await Deno.writeTextFile(script, words + "\n");
  const out = await new Deno.Command("bash", { args: [script], stdout: "piped" }).output();
  await Deno.remove(dir, { recursive: true });
  const got = new TextDecoder().decode(out.stdout).trimEnd().split("\n");
  assert.deepEqual(got, [
    "run",
    "-A",
    "--config",
    "/srv/kit/deno.json",
    "/srv/kit/scripts/leakage.ts",
    ...odd,
    "--shard",
    "auto/3",
  ]);
});

Deno.test("shellQuote(word) leaves plain words alone and single-quotes the rest", () => {
  assert.equal(
    shellQuote("--casia=Metrics/Embeddings/CASIA.npy"),
    "--casia=Metrics/Embeddings/CASIA.npy",
  );
  assert.equal(shellQuote(""), "''");
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

Deno.test("slurmJobScripts(spec) refuses what an #SBATCH line cannot hold, and relative paths", () => {
  assert.throws(
    () => slurmJobScripts(spec({ jobDir: "/srv/my kit/.slurm/x" })),
    (e: unknown) => e instanceof RangeError && /the job folder.*without spaces/.test(e.message),
  );
  assert.throws(() => slurmJobScripts(spec({ resources: { time: "1 day" } })), RangeError);
  assert.throws(
    () => slurmJobScripts(spec({ deno: "deno" })),
    (e: unknown) => e instanceof RangeError && e.message.includes("relative deno: deno"),
  );
  assert.throws(() => slurmJobScripts(spec({ shards: 0 })), RangeError);
});

Deno.test("the array script runs the task's script with this deno, outside Slurm too", async () => {
  // The element's command line is real: with --help the task's own script prints its usage.
  const dir = await Deno.makeTempDir();
  const scripts = slurmJobScripts(spec({
    task: "similarities",
    taskArgs: ["--help"],
    deno: Deno.execPath(),
    projectDir: ROOT,
    workDir: dir,
    jobDir: join(dir, "job"),
  }));
  await Deno.mkdir(join(dir, "job"));
  await Deno.writeTextFile(scripts.array.path, scripts.array.text);
  const out = await new Deno.Command("bash", {
    args: [scripts.array.path],
    env: { SLURM_ARRAY_TASK_ID: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.match(text, /^Usage: deno task similarities/m);
});

Deno.test("splitSlurmArgs(args) takes its own flags in any order and passes the rest to the task", () => {
  const split = splitSlurmArgs([
    "embed",
    "--dataset",
    "Dataset/Demo",
    "--shards=4",
    "--time",
    "1:00:00",
    "--batch",
    "8",
    "--dry-run",
    "--gpus-per-task",
    "1",
    "--overwrite",
  ]);
  assert.equal(split.task, "embed");
  assert.deepEqual(split.taskArgs, ["--dataset", "Dataset/Demo", "--batch", "8", "--overwrite"]);
  assert.equal(split.shards, 4);
  assert.equal(split.dryRun, true);
  assert.deepEqual(split.resources, {
    partition: undefined,
    time: "1:00:00",
    cpusPerTask: undefined,
    gpusPerTask: 1,
    mem: undefined,
  });
});

Deno.test("splitSlurmArgs(args) refuses an unknown task, a missing --shards, --shard and bad values", () => {
  const usage = (args: string[], pattern: RegExp) =>
    assert.throws(
      () => splitSlurmArgs(args),
      (e: unknown) => e instanceof UsageError && pattern.test(e.message),
      args.join(" "),
    );
  usage(["metrics", "--shards", "2"], /task, embed, similarities, leakage, closest: .* metrics/);
  usage(["embed"], /--shards N is required/);
  usage(["embed", "--shards", "0"], /--shards must be an integer >= 1: current value is 0/);
  usage(["embed", "--shards", "2", "--shard", "0/2"], /--shard is set by deno task slurm/);
  usage(["embed", "--shards", "2", "--mem", "lots"], /--mem must be .*: current value is lots/);
  usage(["embed", "--shards"], /--shards needs a value/);
});

Deno.test("slurmRunDir(task, args) puts the scripts beside the output the task's flags name", () => {
  assert.equal(
    slurmRunDir("embed", ["--dataset", "Dataset/SDFD.tar.gz"]),
    "Metrics/Embeddings/.slurm/embed_SDFD",
  );
  assert.equal(
    slurmRunDir("embed", ["--out=/data/E/Demo.npy", "--dataset", "x"]),
    "/data/E/.slurm/embed_Demo",
  );
  assert.equal(
    slurmRunDir("similarities", ["--n-comparisons", "5", "E/DCFace.jsonl"]),
    "Metrics/.slurm/similarities_DCFace",
  );
  assert.equal(
    slurmRunDir("leakage", ["--no-figure", "E/Demo.jsonl", "--out", "M"]),
    "M/.slurm/leakage_Demo",
  );
});

Deno.test("runSlurm({dryRun}) writes both scripts, executable, and submits nothing", async () => {
  const dir = await Deno.makeTempDir();
  const reporter = memoryReporter();
  const run = await runSlurm({
    task: "closest",
    taskArgs: ["E/Demo.jsonl", "--casia", "E/C.npy", "--out", "M"],
    shards: 2,
    dryRun: true,
    workDir: dir,
    sbatch: "/nonexistent/sbatch",
    reporter,
  });
  assert.equal(run.arrayJobId, undefined);
  assert.equal(run.scripts.array.path, join(dir, "M/.slurm/closest_Demo/closest.array.sh"));
  for (const script of [run.scripts.array, run.scripts.merge]) {
    const stat = await Deno.stat(script.path);
    assert.equal(stat.mode! & 0o111, 0o111, `${script.path} is not executable`);
    assert.equal(await Deno.readTextFile(script.path), script.text);
  }
  assert.ok((await Deno.stat(run.scripts.logDir)).isDirectory);
  assert.deepEqual(run.commands, [
    `sbatch --parsable ${run.scripts.array.path}`,
    `sbatch --parsable '--dependency=afterok:<array job id>' --kill-on-invalid-dep=yes ${run.scripts.merge.path}`,
  ]);
  assert.match(command(run.scripts.array.text), new RegExp(`${Deno.execPath()} run -A`));
  assert.match(reporter.infos.join("\n"), /not submitted/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("sbatch(args) names the script and what to do when sbatch is missing", async () => {
  await assert.rejects(
    sbatch(["--parsable", "/x/a.sh"], { sbatch: "/nonexistent/sbatch" }),
    (e: unknown) =>
      e instanceof Error && e.message.includes("Cannot submit /x/a.sh") &&
      e.message.includes("--dry-run"),
  );
});

Deno.test("resubmitArgs(scripts, K) reruns element K alone, then the merge after it and the first array", () => {
  const again = resubmitArgs({ array: { path: "/j/a.sh" }, merge: { path: "/j/m.sh" } }, 3);
  assert.deepEqual(again.element, ["--parsable", "--array=3", "/j/a.sh"]);
  assert.deepEqual(again.merge("52", "50"), [
    "--parsable",
    "--dependency=afterok:52,afterany:50",
    "--kill-on-invalid-dep=yes",
    "/j/m.sh",
  ]);
});
