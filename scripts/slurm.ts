/**
 * `deno task slurm <embed|similarities|leakage|closest> [task flags] --shards N [flags]`: the task
 * as a Slurm job array (element K runs `--shard auto/N`) plus a merge job after it. Prints the job
 * ids on stdout (array, then merge), and on stderr how to follow them and resubmit an element.
 * With `--dry-run`, writes the job scripts and prints the sbatch command lines instead.
 *
 * @module
 */
import { consoleReporter, runMain, usage } from "../lib/cli/mod.ts";
import { runSlurm, splitSlurmArgs } from "../lib/tasks/mod.ts";

const FLAGS = {
  shards: { type: "string", description: "array elements, one shard each (required)" },
  partition: { type: "string", description: "Slurm partition (default: the cluster's)" },
  time: { type: "string", description: "time limit per element, e.g. 2-00:00:00" },
  "cpus-per-task": { type: "string", description: "CPUs per element" },
  "gpus-per-task": { type: "string", description: "GPUs per element (the merge job gets none)" },
  mem: { type: "string", description: "memory per element and for the merge, e.g. 16G" },
  "dry-run": { type: "boolean", description: "write the job scripts, print the sbatch lines" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage(
  "deno task slurm <embed|similarities|leakage|closest> [task flags] --shards N [flags]",
  FLAGS,
  {
    writes: [
      ".slurm/<task>_<name>/<task>.array.sh and <task>.merge.sh, beside the output (embed: in the folder of its file; the others: in the --out root)",
      ".slurm/<task>_<name>/logs/: the Slurm logs of every element and of the merge",
      "then, through the jobs, the task's own files (see its --help)",
    ],
  },
) + "\n\nThe task flags go to every element and to the merge job unchanged.";

async function main(): Promise<void> {
  if (Deno.args.length === 0 || Deno.args.includes("--help") || Deno.args.includes("-h")) {
    return console.log(USAGE);
  }
  const { task, taskArgs, shards, resources, dryRun } = splitSlurmArgs(Deno.args);
  const run = await runSlurm({
    task,
    taskArgs,
    shards,
    resources,
    dryRun,
    reporter: consoleReporter({ info: (line) => console.error(line) }),
  });
  if (dryRun) { for (const command of run.commands) console.log(command); }
  else console.log(`${run.arrayJobId}\n${run.mergeJobId}`);
}

if (import.meta.main) runMain(main, USAGE);
