/**
 * `deno task bench [embed|metrics|search|all]`: the kit's speed benchmarks. Each benchmark lives in
 * `scripts/bench_<name>.ts` and exports `bench<Name>()`.
 *
 * @module
 */
import { runMain, UsageError } from "../lib/cli/_flags.ts";

const NAMES = ["embed", "metrics", "search"] as const;
const USAGE = `Usage: deno task bench [${NAMES.join("|")}|all] [-- benchmark flags]

  embed    images/s of ArcFace R100 per backend at batch 1 and 32, vs PyTorch CPU when installed
  metrics  pyeer-exact metrics + 1,000 bootstrap resamples on 1M + 1M scores
  search   best match and top-K of 10,000 queries against a CASIA-sized gallery (GFLOP/s)`;

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
    const mod = await import(`./bench_${n}.ts`);
    const fn = mod[`bench${n[0].toUpperCase()}${n.slice(1)}`] as (args: string[]) => Promise<void>;
    console.log(`== bench ${n} ==`);
    await fn(rest);
  }
}

if (import.meta.main) runMain(main, USAGE);
