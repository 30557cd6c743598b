/**
 * `deno task mutate [--only ID,...] [--list] [--worktree] [--keep] [--report FILE]`: plants the
 * bugs of `tools/mutations.ts` one at a time in a scratch copy of the repository and runs the
 * tests named for each; a mutation is killed when a test fails, and the report names that test.
 * A mutation that survives, or whose run breaks without a failing test, makes the exit status 1.
 *
 * The copy is the committed tree (`git archive HEAD`), or the working tree with `--worktree`
 * (tracked and untracked files that git does not ignore), under a temporary folder with
 * `node_modules` linked and `../shared` linked beside it when the repository has one. Tests run
 * with `CI=true` (a missing prerequisite fails rather than skips, so a skip cannot hide a
 * survivor; `--allow-skips` drops it) and `--no-check`; every failing test is named. The
 * unmutated copy must pass the same tests first. Too slow for CI: its report goes into an issue's
 * closing notes.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { type Mutation, MUTATIONS } from "./mutations.ts";

/** The outcome of one mutation. */
export interface MutationResult {
  /** The mutation's id. */
  id: string;
  /** killed: a test failed; survived: every test passed; broken: the run failed otherwise. */
  status: "killed" | "survived" | "broken";
  /** The failing tests (name and place), or the first error line when broken. */
  detail: string[];
  /** Wall time of the test run. */
  seconds: number;
}

/**
 * Applies a mutation to a file's text.
 *
 * @param text The file's text.
 * @param mutation The mutation.
 * @returns The mutated text.
 * @throws {RangeError} When `find` does not occur exactly once, naming the file and the count.
 */
export function applyMutation(text: string, mutation: Mutation): string {
  const count = text.split(mutation.find).length - 1;
  if (count !== 1) {
    throw new RangeError(
      `Cannot plant mutation ${mutation.id} in ${mutation.file}: its find text occurs ${count} ` +
        "times, expected once; update tools/mutations.ts",
    );
  }
  return text.replace(mutation.find, () => mutation.replace);
}

/**
 * The failing tests listed in `deno test` output (the lines `name => ./file:line:col` after
 * ` FAILURES `).
 *
 * @param output The combined stdout and stderr of `deno test`.
 * @returns One entry per failing test, `name (file:line)`.
 */
export function failedTests(output: string): string[] {
  const at = output.lastIndexOf(" FAILURES ");
  if (at < 0) return [];
  const out: string[] = [];
  for (const line of output.slice(at).split("\n")) {
    const m = /^(.+?) => \.?\/?(.+?):(\d+):\d+$/.exec(line.trim());
    if (m) out.push(`${m[1]} (${m[2]}:${m[3]})`);
  }
  return out;
}

/** The outcome from a run's exit code and output. */
export function judge(
  id: string,
  code: number,
  output: string,
  seconds: number,
): MutationResult {
  if (code === 0) return { id, status: "survived", detail: [], seconds };
  const failed = failedTests(output);
  if (failed.length > 0) return { id, status: "killed", detail: failed, seconds };
  const error = output.split("\n").find((l) => /^error\b/i.test(l.trim())) ?? `exit code ${code}`;
  return { id, status: "broken", detail: [error.trim()], seconds };
}

async function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped", env })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

/** Copies the repository at `root` into `<tmp>/repo`; returns that folder. */
async function scratchCopy(root: string, worktree: boolean): Promise<string> {
  const base = await Deno.makeTempDir({ prefix: "mutate-" });
  const repo = `${base}/repo`;
  await Deno.mkdir(repo);
  if (worktree) {
    const list = await run("git", ["ls-files", "-z", "-co", "--exclude-standard"], root);
    for (const path of list.text.split("\0").filter((p) => p !== "")) {
      const target = `${repo}/${path}`;
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      await Deno.copyFile(`${root}/${path}`, target).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e; // deleted but still tracked
      });
    }
  } else {
    const tar = `${base}/head.tar`;
    const archive = await run("git", ["archive", "--format=tar", "-o", tar, "HEAD"], root);
    if (archive.code !== 0) throw new Error(`git archive failed in ${root}: ${archive.text}`);
    const untar = await run("tar", ["-xf", tar, "-C", repo], root);
    if (untar.code !== 0) throw new Error(`tar -xf ${tar} failed: ${untar.text}`);
    await Deno.remove(tar);
  }
  await Deno.symlink(`${root}/node_modules`, `${repo}/node_modules`).catch(() => {});
  try {
    await Deno.symlink(await Deno.realPath(`${root}/../shared`), `${base}/shared`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return repo;
}

function testArgs(tests: string[], filter: string | undefined): string[] {
  const args = ["test", "-A", "--no-check"];
  if (filter !== undefined) args.push("--filter", filter);
  return [...args, ...tests];
}

function table(results: MutationResult[]): string {
  const lines = ["| mutation | result | failing tests | s |", "| --- | --- | --- | ---: |"];
  for (const r of results) {
    const detail = r.detail.join("; ").replaceAll("|", "\\|");
    lines.push(`| ${r.id} | ${r.status} | ${detail} | ${r.seconds.toFixed(0)} |`);
  }
  const killed = results.filter((r) => r.status === "killed").length;
  lines.push("", `${killed} of ${results.length} mutations killed`);
  return lines.join("\n") + "\n";
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      only: { type: "string" },
      list: { type: "boolean", default: false },
      worktree: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      "allow-skips": { type: "boolean", default: false },
      report: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      "deno task mutate [--only ID,...] [--list] [--worktree] [--keep] [--allow-skips] " +
        "[--report FILE]",
    );
    return 0;
  }
  let chosen = MUTATIONS;
  if (values.only !== undefined) {
    const ids = values.only.split(",");
    const unknown = ids.filter((id) => !MUTATIONS.some((m) => m.id === id));
    if (unknown.length > 0) {
      console.error(`error: unknown mutation ${unknown.join(", ")}; see deno task mutate --list`);
      return 2;
    }
    chosen = MUTATIONS.filter((m) => ids.includes(m.id));
  }
  if (values.list) {
    for (const m of chosen) console.log(`${m.id}\t${m.file}\t${m.rule}`);
    return 0;
  }
  const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
  const repo = await scratchCopy(root, values.worktree);
  const env: Record<string, string> = { NO_COLOR: "1" };
  if (!values["allow-skips"]) env.CI = "true";
  console.error(`mutate: scratch copy ${repo}`);
  const results: MutationResult[] = [];
  const baselines = new Map<string, Promise<{ code: number; text: string }>>();
  try {
    for (const m of chosen) {
      const path = `${repo}/${m.file}`;
      const original = await Deno.readTextFile(path);
      const mutated = applyMutation(original, m);
      const args = testArgs(m.tests, m.filter);
      const key = args.join("\0");
      if (!baselines.has(key)) baselines.set(key, run(Deno.execPath(), args, repo, env));
      const baseline = await baselines.get(key)!;
      if (baseline.code !== 0) {
        const r = judge(m.id, baseline.code, baseline.text, 0);
        results.push({ ...r, status: "broken", detail: ["unmutated tests fail:", ...r.detail] });
        console.error(`mutate: ${m.id}: the unmutated tests fail\n${baseline.text.slice(-3000)}`);
        continue;
      }
      await Deno.writeTextFile(path, mutated);
      const start = performance.now();
      const out = await run(Deno.execPath(), args, repo, env);
      await Deno.writeTextFile(path, original);
      const r = judge(m.id, out.code, out.text, (performance.now() - start) / 1000);
      results.push(r);
      console.error(`mutate: ${m.id}: ${r.status} ${r.detail.join("; ")}`);
    }
  } finally {
    if (!values.keep) await Deno.remove(repo.slice(0, -"/repo".length), { recursive: true });
  }
  const report = table(results);
  if (values.report !== undefined) await Deno.writeTextFile(values.report, report);
  console.log(report);
  return results.every((r) => r.status === "killed") ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
