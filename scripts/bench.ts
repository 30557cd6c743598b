/**
 * `deno task bench [embed|metrics|search|diversity|all]`: the kit's speed benchmarks. Each
 * benchmark is its own script, `scripts/bench_<name>.ts`, run here as a child process with the
 * flags after `--`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { runMain, UsageError } from "../lib/cli/mod.ts";

const NAMES = ["embed", "metrics", "search", "diversity"] as const;
const USAGE = `Usage: deno task bench [${NAMES.join("|")}|all] [-- benchmark flags]

  embed    decode + preprocess images/s per worker count, and what feeding the model costs R100
           against its model-only rate (--parts backends: images/s per backend vs PyTorch CPU)
  metrics  pyeer-exact metrics + 1,000 bootstrap resamples on 1M + 1M scores
  search   best match and top-K of 10,000 queries against a CASIA-sized gallery: fp32, int8, numpy
  diversity  unique identities of 10,000 identities: kernel pairs vs the float64 brute force`;

async function main(): Promise<void> {
  const [name = "all", ...after] = Deno.args;
  const rest = after[0] === "--" ? after.slice(1) : after;
  if (name === "-h" || name === "--help") {
    console.log(USAGE);
    return;
  }
  const names = name === "all" ? [...NAMES] : [name];
  for (const n of names) {
    if (!(NAMES as readonly string[]).includes(n)) throw new UsageError(`unknown benchmark ${n}`);
    console.log(`== bench ${n} ==`);
    const script = fileURLToPath(new URL(`./bench_${n}.ts`, import.meta.url));
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, ...rest],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) Deno.exit(code);
  }
}

if (import.meta.main) runMain(main, USAGE);
