/**
 * `deno task slurm <task> [task flags] --shards N`: a long task as a Slurm job array plus a merge
 * job. Element `K` of the array runs the task with `--shard auto/N` (the shard reads
 * `SLURM_ARRAY_TASK_ID`; the array is submitted as `--array=0-<N-1>`), and the merge job runs
 * `deno task merge <task> [the same flags] --shards N` once every element has ended well
 * (`--dependency=afterok:<array>`; `--kill-on-invalid-dep=yes` removes it when one fails).
 *
 * The job scripts call this deno binary (`Deno.execPath()`) with the project's `deno.json` and the
 * task's script by absolute path, in the folder the run was started from, so they run wherever the
 * cluster's shared filesystem holds the project, whether or not `deno` is on the nodes' `PATH`.
 * Resources (`--partition`, `--time`, `--cpus-per-task`, `--gpus-per-task`, `--mem`) are
 * `#SBATCH` lines of the scripts, so `sbatch --array=K <array script>` resubmits element `K` alone
 * with them; the element resumes its shard, as any run of the kit resumes its output.
 *
 * The writer ({@linkcode slurmJobScripts}) and the flag split ({@linkcode splitSlurmArgs}) are
 * pure; {@linkcode runSlurm} writes the scripts under the layout's {@linkcode slurmDirOf} and
 * submits them with `sbatch --parsable`.
 *
 * @module
 */
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../cli/_flags.ts";
import { consoleReporter, type Reporter } from "../cli/_reporter.ts";
import {
  datasetNameOf,
  DEFAULT_METRICS_ROOT,
  metricsLayout,
  slurmDirOf,
} from "../formats/_layout.ts";

/** The tasks that `deno task slurm` can split into an array job. */
export const SLURM_TASKS = ["embed", "similarities", "leakage", "closest"] as const;

/** One of {@linkcode SLURM_TASKS}. */
export type SlurmTask = (typeof SLURM_TASKS)[number];

/** What each array element asks of Slurm (`#SBATCH` lines); an absent field is left to the site. */
export interface SlurmResources {
  /** `--partition`. */
  partition?: string | undefined;
  /** `--time`, e.g. `2-00:00:00`. */
  time?: string | undefined;
  /** `--cpus-per-task`. */
  cpusPerTask?: number | undefined;
  /** `--gpus-per-task` (array elements only; the merge job needs none). */
  gpusPerTask?: number | undefined;
  /** `--mem`, e.g. `16G`. */
  mem?: string | undefined;
}

/** Everything the job scripts are made of. */
export interface SlurmJobSpec {
  /** The task each element runs. */
  task: SlurmTask;
  /** The task's own flags and arguments, without `--shard`. */
  taskArgs: readonly string[];
  /** Array elements, one per shard (at least 1). */
  shards: number;
  /** Absolute path of the deno binary the jobs run. */
  deno: string;
  /** Absolute path of the project folder (the one with `deno.json` and `scripts/`). */
  projectDir: string;
  /** Absolute folder the jobs run in (relative task flags are read from there). */
  workDir: string;
  /** Absolute folder of the scripts and logs. */
  jobDir: string;
  /** The run's name in Slurm (`--job-name`), e.g. `kit-embed-Demo`. */
  jobName: string;
  /** What each element asks for. @default {} */
  resources?: SlurmResources | undefined;
}

/** A job script, as text, and where it goes. */
export interface SlurmScript {
  /** Absolute path of the script. */
  path: string;
  /** The script (bash, `#SBATCH` lines first). */
  text: string;
}

/** The two scripts of a run and where Slurm writes their logs. */
export interface SlurmJobScripts {
  /** The array job: element `K` runs shard `K`. */
  array: SlurmScript;
  /** The merge job. */
  merge: SlurmScript;
  /** Folder of the Slurm logs. */
  logDir: string;
  /** Log of array element `index` of array job `jobId`. */
  elementLog(jobId: string, index: number): string;
  /** Log of merge job `jobId`. */
  mergeLog(jobId: string): string;
}

/** Characters `#SBATCH` values and paths may not hold (sbatch does not quote them). */
const UNSAFE_IN_DIRECTIVE = /[\s'"\\]/;

/**
 * Quotes one word for bash: unchanged when it holds only safe characters, else single-quoted.
 *
 * @param word The word.
 * @returns The quoted word.
 *
 * @example
 * ```ts
 * import { shellQuote } from "./_slurm.ts";
 * if (shellQuote("a b'c") !== `'a b'\\''c'` || shellQuote("--out=x/y") !== "--out=x/y") {
 *   throw new Error("unexpected quoting");
 * }
 * ```
 */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function checkDirective(what: string, value: string): void {
  if (value === "" || UNSAFE_IN_DIRECTIVE.test(value)) {
    throw new RangeError(
      `Cannot write ${what} into an #SBATCH line: current value is ${
        JSON.stringify(value)
      }; use a path or value without spaces or quotes`,
    );
  }
}

/**
 * The array and merge scripts of a run (pure: nothing is written).
 *
 * @param spec Task, flags, shards, paths and resources.
 * @returns The scripts and the log paths.
 * @throws {RangeError} When `shards` is not a positive integer, a path is not absolute, or a path
 *   or resource value cannot go into an `#SBATCH` line (spaces, quotes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slurmJobScripts } from "./_slurm.ts";
 * const scripts = slurmJobScripts({
 *   task: "embed", taskArgs: ["--dataset", "Dataset/Demo"], shards: 4, deno: "/opt/deno",
 *   projectDir: "/kit", workDir: "/kit", jobDir: "/kit/M/.slurm/embed_Demo", jobName: "kit-embed-Demo",
 *   resources: { time: "1:00:00" },
 * });
 * assert.match(scripts.array.text, /^#SBATCH --array=0-3$/m);
 * assert.match(scripts.array.text, /^#SBATCH --time=1:00:00$/m);
 * assert.match(scripts.array.text, /scripts\/embed\.ts --dataset Dataset\/Demo --shard auto\/4$/m);
 * assert.match(scripts.merge.text, /scripts\/merge\.ts embed --dataset Dataset\/Demo --shards 4$/m);
 * assert.equal(scripts.elementLog("17", 2), "/kit/M/.slurm/embed_Demo/logs/embed_17_2.log");
 * ```
 */
export function slurmJobScripts(spec: SlurmJobSpec): SlurmJobScripts {
  const { task, taskArgs, shards, deno, projectDir, workDir, jobDir, jobName, resources = {} } =
    spec;
  if (!Number.isSafeInteger(shards) || shards < 1) {
    throw new RangeError(`Cannot split a run into ${shards} shards: expected an integer >= 1`);
  }
  for (const [what, path] of [["deno", deno], ["projectDir", projectDir], ["workDir", workDir]]) {
    if (!isAbsolute(path!)) {
      throw new RangeError(`Cannot write job scripts with a relative ${what}: ${path}`);
    }
  }
  if (!isAbsolute(jobDir)) throw new RangeError(`Cannot use a relative job folder: ${jobDir}`);
  checkDirective("the job folder", jobDir);
  checkDirective("the job name", jobName);
  const logDir = join(jobDir, "logs");
  const common: string[] = [`--job-name=${jobName}`, "--ntasks=1"];
  const { partition, time, cpusPerTask, gpusPerTask, mem } = resources;
  if (partition !== undefined) checkDirective("--partition", partition);
  if (time !== undefined) checkDirective("--time", time);
  if (mem !== undefined) checkDirective("--mem", mem);
  if (partition !== undefined) common.push(`--partition=${partition}`);
  if (time !== undefined) common.push(`--time=${time}`);
  if (mem !== undefined) common.push(`--mem=${mem}`);
  const elementOnly: string[] = [`--array=0-${shards - 1}`];
  if (cpusPerTask !== undefined) elementOnly.push(`--cpus-per-task=${cpusPerTask}`);
  if (gpusPerTask !== undefined && gpusPerTask > 0) {
    elementOnly.push(`--gpus-per-task=${gpusPerTask}`);
  }
  const run = (script: string, args: readonly string[]) =>
    [
      deno,
      "run",
      "-A",
      "--config",
      join(projectDir, "deno.json"),
      join(projectDir, script),
      ...args,
    ]
      .map(shellQuote).join(" ");
  const body = (command: string) =>
    ["set -euo pipefail", `cd ${shellQuote(workDir)}`, `exec ${command}`, ""].join("\n");
  const directives = (lines: string[]) => lines.map((line) => `#SBATCH ${line}`).join("\n");

  const arrayPath = join(jobDir, `${task}.array.sh`);
  const mergePath = join(jobDir, `${task}.merge.sh`);
  const arrayText = [
    "#!/bin/bash",
    `# deno task slurm ${task}: element K of this array runs shard K of ${shards}`,
    "# (--shard auto/N reads SLURM_ARRAY_TASK_ID). Written by the kit; edit the flags by running",
    "# deno task slurm again. Resubmit element K alone (it resumes its shard):",
    `#   sbatch --array=K ${arrayPath}`,
    directives([...common, ...elementOnly, `--output=${join(logDir, `${task}_%A_%a.log`)}`]),
    body(run(join("scripts", `${task}.ts`), [...taskArgs, "--shard", `auto/${shards}`])),
  ].join("\n");
  const mergeText = [
    "#!/bin/bash",
    `# deno task slurm ${task}: merges the ${shards} shards into the files of an unsharded run.`,
    "# Submitted with --dependency=afterok:<array job>. After resubmitting element K as job J:",
    `#   sbatch --dependency=afterok:J,afterany:<array job> ${mergePath}`,
    directives([...common, `--output=${join(logDir, "merge_%j.log")}`]),
    body(run(join("scripts", "merge.ts"), [task, ...taskArgs, "--shards", String(shards)])),
  ].join("\n");
  return {
    array: { path: arrayPath, text: arrayText },
    merge: { path: mergePath, text: mergeText },
    logDir,
    elementLog: (jobId, index) => join(logDir, `${task}_${jobId}_${index}.log`),
    mergeLog: (jobId) => join(logDir, `merge_${jobId}.log`),
  };
}

/**
 * The `sbatch` arguments that submit the array job.
 *
 * @param arrayScript Path of the array script.
 * @returns The arguments (after `sbatch`).
 */
export function sbatchArrayArgs(arrayScript: string): string[] {
  return ["--parsable", arrayScript];
}

/**
 * The `sbatch` arguments that submit the merge job after array job `arrayJobId`: it starts when
 * every element ended well, and is removed when one did not (`--kill-on-invalid-dep=yes`).
 *
 * @param mergeScript Path of the merge script.
 * @param arrayJobId The array's job id (`<id>` in the command lines of a dry run).
 * @returns The arguments (after `sbatch`).
 */
export function sbatchMergeArgs(mergeScript: string, arrayJobId: string): string[] {
  return [
    "--parsable",
    `--dependency=afterok:${arrayJobId}`,
    "--kill-on-invalid-dep=yes",
    mergeScript,
  ];
}

/**
 * The `sbatch` arguments that resubmit element `index` alone, and then the merge after it (once
 * the new element job ended well and every element of the first array ended, however).
 *
 * @param scripts The run's scripts.
 * @param index The element (= shard) to run again (a placeholder such as `K` for help text).
 * @returns `element(…)` for the element, `merge(newJobId, arrayJobId)` for the merge after it.
 *
 * @example
 * ```ts
 * import { resubmitArgs } from "./_slurm.ts";
 * const again = resubmitArgs({ array: { path: "/a.sh" }, merge: { path: "/m.sh" } }, 2);
 * if (again.element.join(" ") !== "--parsable --array=2 /a.sh") throw new Error("unexpected");
 * const merge = again.merge("31", "27").join(" ");
 * if (merge !== "--parsable --dependency=afterok:31,afterany:27 --kill-on-invalid-dep=yes /m.sh") {
 *   throw new Error(merge);
 * }
 * ```
 */
export function resubmitArgs(
  scripts: { array: Pick<SlurmScript, "path">; merge: Pick<SlurmScript, "path"> },
  index: number | string,
): { element: string[]; merge(newJobId: string, arrayJobId: string): string[] } {
  return {
    element: ["--parsable", `--array=${index}`, scripts.array.path],
    merge: (newJobId, arrayJobId) => [
      "--parsable",
      `--dependency=afterok:${newJobId},afterany:${arrayJobId}`,
      "--kill-on-invalid-dep=yes",
      scripts.merge.path,
    ],
  };
}

/** The flags of `deno task slurm` itself, split from the task's. */
export interface SlurmArgs {
  /** The task (first argument). */
  task: SlurmTask;
  /** The task's flags and arguments, in their order. */
  taskArgs: string[];
  /** `--shards N`. */
  shards: number;
  /** `--partition`, `--time`, `--cpus-per-task`, `--gpus-per-task`, `--mem`. */
  resources: SlurmResources;
  /** `--dry-run`: write the scripts, print the sbatch command lines, submit nothing. */
  dryRun: boolean;
}

const SLURM_VALUE_FLAGS = ["shards", "partition", "time", "cpus-per-task", "gpus-per-task", "mem"];

/**
 * Splits the arguments of `deno task slurm`: the task name first, then its own flags and the
 * flags of this command (`--shards`, `--partition`, `--time`, `--cpus-per-task`,
 * `--gpus-per-task`, `--mem`, `--dry-run`, as `--flag value` or `--flag=value`), in any order.
 * Everything else is the task's and goes to it unchanged.
 *
 * @param args The arguments after `deno task slurm`.
 * @returns The task, its arguments and this command's settings.
 * @throws {UsageError} For an unknown task, a missing or bad `--shards`, a bad resource value,
 *   or a `--shard` of the task's (each element gets its own).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitSlurmArgs } from "./_slurm.ts";
 * const split = splitSlurmArgs(["leakage", "E/Demo.jsonl", "--shards", "3", "--casia=E/C.npy", "--mem=4G"]);
 * assert.deepEqual(split.taskArgs, ["E/Demo.jsonl", "--casia=E/C.npy"]);
 * assert.equal(split.shards, 3);
 * assert.equal(split.resources.mem, "4G");
 * ```
 */
export function splitSlurmArgs(args: readonly string[]): SlurmArgs {
  const [task, ...rest] = args;
  const known = SLURM_TASKS as readonly string[];
  if (task === undefined || !known.includes(task)) {
    throw new UsageError(
      `the first argument must be the task, ${SLURM_TASKS.join(", ")}: current value is ${
        task ?? "(none)"
      }`,
    );
  }
  const values = new Map<string, string>();
  const taskArgs: string[] = [];
  let dryRun = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--dry-run") {
      dryRun = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = m?.[1];
    if (name === "shard" || (name?.startsWith("shard=") ?? false)) {
      throw new UsageError(
        "--shard is set by deno task slurm for each element (--shard auto/N); give --shards N",
      );
    }
    if (name === undefined || !SLURM_VALUE_FLAGS.includes(name)) {
      taskArgs.push(arg);
      continue;
    }
    let value = m?.[2];
    if (value === undefined) {
      value = rest[i + 1];
      if (value === undefined || value.startsWith("--")) {
        throw new UsageError(`--${name} needs a value`);
      }
      i++;
    }
    values.set(name, value);
  }
  const int = (name: string, min: number): number | undefined => {
    const raw = values.get(name);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < min) {
      throw new UsageError(`--${name} must be an integer >= ${min}: current value is ${raw}`);
    }
    return Number(raw);
  };
  const word = (name: string, pattern: RegExp, what: string): string | undefined => {
    const raw = values.get(name);
    if (raw !== undefined && !pattern.test(raw)) {
      throw new UsageError(`--${name} must be ${what}: current value is ${raw}`);
    }
    return raw;
  };
  const shards = int("shards", 1);
  if (shards === undefined) throw new UsageError("--shards N is required (array elements)");
  return {
    task: task as SlurmTask,
    taskArgs,
    shards,
    resources: {
      partition: word("partition", /^[\w.,-]+$/, "a partition name (or a comma list)"),
      time: word("time", /^(?:[\d:-]+|infinite|UNLIMITED)$/i, "a Slurm time such as 2-00:00:00"),
      cpusPerTask: int("cpus-per-task", 1),
      gpusPerTask: int("gpus-per-task", 0),
      mem: word("mem", /^\d+[KMGT]?$/i, "a Slurm memory size such as 16G"),
    },
    dryRun,
  };
}

/** Boolean flags of the four tasks (they take no value); the others do. */
const TASK_BOOLEAN_FLAGS = new Set(["help", "version", "overwrite", "no-figure"]);

/**
 * The folder of a run's job scripts and logs, from the task's flags, by the layout's rule
 * ({@linkcode slurmDirOf}): beside embed's output file (`--out`, else the default
 * `Metrics/Embeddings/<dataset name>.jsonl` of `--dataset`), or in the output root (`--out`,
 * default `Metrics`) of the other tasks, named `<task>_<dataset name of INPUT>`.
 *
 * @param task The task.
 * @param taskArgs Its flags and arguments.
 * @returns The folder, relative to the working folder when the flags are.
 *
 * @example
 * ```ts
 * import { slurmRunDir } from "./_slurm.ts";
 * const dir = slurmRunDir("closest", ["--casia", "E/CASIA.npy", "E/Demo.jsonl", "--out=/x/M"]);
 * if (dir !== "/x/M/.slurm/closest_Demo") throw new Error(dir);
 * ```
 */
export function slurmRunDir(task: SlurmTask, taskArgs: readonly string[]): string {
  const values = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < taskArgs.length; i++) {
    const arg = taskArgs[i]!;
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!m) {
      positionals.push(arg);
      continue;
    }
    const name = m[1]!.replaceAll("_", "-");
    if (m[2] !== undefined) values.set(name, m[2]);
    else if (!TASK_BOOLEAN_FLAGS.has(name) && i + 1 < taskArgs.length) {
      values.set(name, taskArgs[++i]!);
    }
  }
  const out = values.get("out");
  if (task === "embed") {
    const file = out ??
      metricsLayout().embeddings(datasetNameOf(values.get("dataset") ?? "Dataset"));
    return slurmDirOf(dirname(file), `embed_${datasetNameOf(file)}`);
  }
  const input = positionals[0];
  const name = input === undefined ? task : `${task}_${datasetNameOf(input)}`;
  return slurmDirOf(out ?? DEFAULT_METRICS_ROOT, name);
}

/** Options of {@linkcode runSlurm}. */
export interface RunSlurmOptions {
  /** The task each element runs. */
  task: SlurmTask;
  /** The task's flags and arguments (without `--shard`). */
  taskArgs: readonly string[];
  /** Array elements, one per shard. */
  shards: number;
  /** What each element asks for. @default {} */
  resources?: SlurmResources | undefined;
  /** Write the scripts and report the sbatch command lines, submit nothing. @default false */
  dryRun?: boolean | undefined;
  /** The folder the jobs run in (relative flags are read from there). @default Deno.cwd() */
  workDir?: string | undefined;
  /** The deno binary the jobs run. @default Deno.execPath() */
  deno?: string | undefined;
  /** The project folder. @default the folder this module is in, two levels up */
  projectDir?: string | undefined;
  /** The folder of scripts and logs. @default slurmRunDir(task, taskArgs), under workDir */
  jobDir?: string | undefined;
  /** The sbatch command. @default "sbatch" */
  sbatch?: string | undefined;
  /** Status lines: the jobs, how to follow them, how to resubmit. @default consoleReporter() */
  reporter?: Reporter | undefined;
}

/** What {@linkcode runSlurm} wrote and submitted. */
export interface SlurmRunResult {
  /** The scripts written and the log paths. */
  scripts: SlurmJobScripts;
  /** The sbatch command lines, as a shell reads them (`<array job id>` in a dry run). */
  commands: string[];
  /** The array's job id (absent in a dry run). */
  arrayJobId?: string;
  /** The merge's job id (absent in a dry run). */
  mergeJobId?: string;
}

/**
 * Submits one script with `sbatch --parsable` and returns its job id.
 *
 * @param args The arguments after `sbatch` (with `--parsable`).
 * @param options The sbatch command and the folder it runs in.
 * @returns The job id.
 * @throws {Error} When sbatch is missing or refuses the job (with its message).
 */
export async function sbatch(
  args: readonly string[],
  options: { sbatch?: string | undefined; cwd?: string | undefined } = {},
): Promise<string> {
  const { sbatch: command = "sbatch", cwd } = options;
  const script = args[args.length - 1] ?? "";
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, {
      args: [...args],
      stdout: "piped",
      stderr: "piped",
      ...(cwd === undefined ? {} : { cwd }),
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `Cannot submit ${script}: ${command} is not on PATH; run on a Slurm login node, or use --dry-run`,
      );
    }
    throw error;
  }
  const text = new TextDecoder();
  const stdout = text.decode(output.stdout).trim();
  const id = /^(\d+)(?:;.*)?$/.exec(stdout)?.[1];
  if (!output.success || id === undefined) {
    const said = `${text.decode(output.stderr).trim()} ${stdout}`.trim();
    throw new Error(
      `Cannot submit ${script}: ${command} ${args.join(" ")} exited ${output.code}${
        said ? `: ${said}` : ""
      }`,
    );
  }
  return id;
}

function defaultProjectDir(): string {
  const here = new URL("../..", import.meta.url);
  if (here.protocol !== "file:") {
    throw new Error(
      `Cannot find the kit's project folder from ${here}: deno task slurm runs from a local checkout`,
    );
  }
  return fileURLToPath(here).replace(/[\\/]$/, "");
}

/**
 * Writes the job scripts of a run and submits them: the array, then the merge after it. Reports
 * the job ids, how to follow them (`squeue -j`, `sacct -j`, the logs) and how to resubmit one
 * element alone. With `dryRun`, writes the scripts and reports the sbatch command lines only.
 *
 * @param options Task, flags, shards, resources and paths.
 * @returns The scripts, the command lines and the job ids.
 * @throws {Error} When sbatch refuses a job (the array's id is named if only the merge failed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { memoryReporter } from "../cli/mod.ts";
 * import { runSlurm } from "./_slurm.ts";
 * const dir = await Deno.makeTempDir();
 * const { commands, scripts } = await runSlurm({
 *   task: "similarities", taskArgs: ["E/Demo.jsonl", "--out", dir], shards: 3, dryRun: true,
 *   reporter: memoryReporter(),
 * });
 * assert.equal(commands[0], `sbatch --parsable ${scripts.array.path}`);
 * assert.ok((await Deno.stat(scripts.merge.path)).isFile);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runSlurm(options: RunSlurmOptions): Promise<SlurmRunResult> {
  const {
    task,
    taskArgs,
    shards,
    resources = {},
    dryRun = false,
    workDir = Deno.cwd(),
    deno = Deno.execPath(),
    projectDir = defaultProjectDir(),
    sbatch: sbatchCommand = "sbatch",
    reporter = consoleReporter(),
  } = options;
  const cwd = resolve(workDir);
  const jobDir = resolve(cwd, options.jobDir ?? slurmRunDir(task, taskArgs));
  const scripts = slurmJobScripts({
    task,
    taskArgs,
    shards,
    deno: resolve(deno),
    projectDir: resolve(projectDir),
    workDir: cwd,
    jobDir,
    jobName: `kit-${basename(jobDir).replace(/_/, "-")}`,
    resources,
  });
  await Deno.mkdir(scripts.logDir, { recursive: true });
  for (const script of [scripts.array, scripts.merge]) {
    await Deno.writeTextFile(script.path, script.text, { mode: 0o755 });
  }
  const line = (args: readonly string[]) => ["sbatch", ...args].map(shellQuote).join(" ");
  const human = (args: string[]) => line(args.filter((arg) => arg !== "--parsable"));
  if (dryRun) {
    const commands = [
      line(sbatchArrayArgs(scripts.array.path)),
      line(sbatchMergeArgs(scripts.merge.path, "<array job id>")),
    ];
    reporter.info(`wrote ${scripts.array.path} and ${scripts.merge.path} (not submitted)`);
    reporter.info(`submit them with:\n  ${commands.join("\n  ")}`);
    return { scripts, commands };
  }
  const arrayJobId = await sbatch(sbatchArrayArgs(scripts.array.path), {
    sbatch: sbatchCommand,
    cwd,
  });
  let mergeJobId: string;
  try {
    mergeJobId = await sbatch(sbatchMergeArgs(scripts.merge.path, arrayJobId), {
      sbatch: sbatchCommand,
      cwd,
    });
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : error} (array job ${arrayJobId} was submitted; ` +
        `submit the merge after it with: ${line(sbatchMergeArgs(scripts.merge.path, arrayJobId))})`,
    );
  }
  const commands = [
    line(sbatchArrayArgs(scripts.array.path)),
    line(sbatchMergeArgs(scripts.merge.path, arrayJobId)),
  ];
  const lastLog = scripts.elementLog(arrayJobId, shards - 1);
  reporter.info(
    [
      `submitted array job ${arrayJobId} (${shards} elements: ${task} --shard auto/${shards})` +
      ` and merge job ${mergeJobId} after it`,
      `follow:   squeue -j ${arrayJobId},${mergeJobId}   (sacct -j ${arrayJobId},${mergeJobId} where accounting runs)`,
      `logs:     ${scripts.elementLog(arrayJobId, 0)} ... ${lastLog}, ${
        scripts.mergeLog(mergeJobId)
      }`,
      `an element K that failed: resubmit it alone (it resumes its shard), then the merge after it:`,
      `  ${human(resubmitArgs(scripts, "K").element)}   (prints the new job id J)`,
      `  ${human(resubmitArgs(scripts, "K").merge("J", arrayJobId))}`,
    ].join("\n"),
  );
  return { scripts, commands, arrayJobId, mergeJobId };
}
