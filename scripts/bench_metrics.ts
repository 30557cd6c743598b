/**
 * `deno task bench metrics [--n N] [--resamples B]`: pyeer-exact metrics and count-based bootstrap
 * intervals on N genuine + N impostor scores (default 1,000,000 each, 1,000 resamples; target under
 * 60 s on the 2-core build machine). Prints the point estimate's time on its own.
 *
 * @module
 */
import { intFlag, parseFlags, runMain, usage } from "../lib/cli/mod.ts";
import {
  bootstrapCis,
  detCurve,
  eerStats,
  fdr,
  kde,
  operatingPoints,
  rocCurve,
} from "../lib/metrics/mod.ts";
import { createRng, uniformFloat } from "../lib/random/mod.ts";

const FLAGS = {
  n: { type: "string", description: "scores of each kind", default: "1000000" },
  resamples: { type: "string", description: "bootstrap resamples", default: "1000" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task bench metrics -- [flags]", FLAGS);

function normalScores(n: number, mean: number, sd: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(-2 * Math.log(1 - uniformFloat(rng)));
    out[i] = mean + sd * r * Math.cos(2 * Math.PI * uniformFloat(rng));
  }
  return out;
}

/**
 * Runs the metrics benchmark and prints the timings.
 *
 * @param args Flags: `--n` (default 1000000) and `--resamples` (default 1000).
 */
export async function benchMetrics(args: string[] = []): Promise<void> {
  const { values } = parseFlags(args, FLAGS);
  if (values.help) return console.log(USAGE);
  const n = intFlag(values, "n", { min: 2 });
  const resamples = intFlag(values, "resamples", { min: 2 });
  const genuine = normalScores(n, 0.5, 0.15, 1);
  const impostor = normalScores(n, 0.02, 0.06, 2);
  console.log(`${n} genuine + ${n} impostor scores, ${resamples} bootstrap resamples`);

  let t = performance.now();
  const stats = eerStats(genuine, impostor);
  const f = fdr(genuine, impostor);
  const point = (performance.now() - t) / 1000;
  console.log(
    `point estimate (eerStats + FDR): ${
      point.toFixed(2)
    } s  (EER ${stats.eer}, FMR100 ${stats.fmr100}, FMR1000 ${stats.fmr1000}, FDR ${f.toFixed(4)})`,
  );

  t = performance.now();
  kde(genuine);
  kde(impostor);
  console.log(`two KDE curves (200 points): ${((performance.now() - t) / 1000).toFixed(2)} s`);

  t = performance.now();
  const boot = bootstrapCis(genuine, impostor, { resamples, seed: 42 });
  const seconds = (performance.now() - t) / 1000;
  console.log(
    `bootstrap: ${seconds.toFixed(2)} s (${
      (seconds * 1000 / resamples).toFixed(1)
    } ms per resample)`,
  );
  const iv = boot.intervals;
  console.log(`  EER 95% CI [${iv.eer.lower}, ${iv.eer.upper}]`);
  console.log(`  FMR100 95% CI [${iv.fmr100.lower}, ${iv.fmr100.upper}]`);
  console.log(`  FMR1000 95% CI [${iv.fmr1000.lower}, ${iv.fmr1000.upper}]`);
  console.log(`point estimate + bootstrap: ${(point + seconds).toFixed(2)} s (target < 60 s)`);

  t = performance.now();
  const ops = operatingPoints(genuine, impostor, { resamples, seed: 42 });
  const opSeconds = (performance.now() - t) / 1000;
  const supported = ops.rows.filter((r) => r.supported).length;
  console.log(
    `operating points FNMR@FMR 1e-1..1e-6 with bootstrap: ${
      opSeconds.toFixed(2)
    } s (${supported} of ${ops.rows.length} decades supported)`,
  );
  t = performance.now();
  const det = detCurve(genuine, impostor);
  const roc = rocCurve(genuine, impostor);
  const curveSeconds = (performance.now() - t) / 1000;
  console.log(
    `DET + ROC curves: ${
      curveSeconds.toFixed(2)
    } s (${det.fmr.length} and ${roc.fmr.length} points)`,
  );
  console.log(
    `all of deno task metrics' numbers per dataset: ${
      (point + seconds + opSeconds + curveSeconds).toFixed(2)
    } s`,
  );
  await Promise.resolve();
}

if (import.meta.main) runMain(() => benchMetrics(Deno.args), USAGE);
