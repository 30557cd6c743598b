/**
 * `deno task bench search`: the exact similarity search on a CASIA-sized random gallery
 * (494,414 x 512 float32, held once), in one run so the ratios compare like with like:
 *
 * - best match of 10,000 queries (cosine) with the float32 kernel and with the int8 prefilter
 *   (same matches; the share of queries that fell back to the float32 scan of a block);
 * - the global top-100 on a query subset, both kernels, extrapolated to 550,000 queries (pass 1
 *   scales with the query count, pass 2 rescans about 100 queries at any count);
 * - numpy's blocked GEMM + argmax on the same data with Debian's `/usr/bin/python3`, run with
 *   `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` unset, printing which OpenBLAS kernel ran;
 * - the int8 fall-back share on clustered synthetic identities (spread 0.3-0.5, as ArcFace's
 *   mated scores) and on the demo's embeddings (`Metrics/demo`, when `deno task demo` has run).
 *
 * Targets on the 2-core AVX-512 VNNI build machine: int8 best match at least 2.0x faster than
 * numpy and than float32; top-100 over 550,000 queries at most 12 min. `--quick` runs a small
 * shape (seconds) to see that everything works.
 *
 * @module
 */
import { formatDuration, intFlag, parseFlags, runMain, usage } from "../lib/cli/mod.ts";
import {
  type EmbeddingSet,
  embeddingSet,
  normalizeRows,
  npyHeader,
  readEmbeddings,
} from "../lib/embeddings/mod.ts";
import { metricsLayout } from "../lib/formats/mod.ts";
import { createRng, normal, uniformFloat } from "../lib/random/mod.ts";
import {
  bestMatches,
  type BestMatchResult,
  createInt8TopK,
  createSearchKernel,
  type PrefilterStats,
  type SearchOptions,
  topKPairs,
} from "../lib/similarity/mod.ts";

const FLAGS = {
  queries: { type: "string", description: "queries of the best-match run", default: "10000" },
  gallery: { type: "string", description: "gallery rows", default: "494414" },
  dim: { type: "string", description: "embedding dimension", default: "512" },
  "top-queries": { type: "string", description: "queries of the top-100 run", default: "10000" },
  "full-queries": {
    type: "string",
    description: "queries the top-100 time is extrapolated to",
    default: "550000",
  },
  quick: { type: "boolean", description: "a small shape (2,000 x 65,536), to check it works" },
  "no-numpy": { type: "boolean", description: "skip numpy" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

/** Random L2-normalised rows (uniform with a shared offset, so many similarities are positive). */
function randomUnitSet(n: number, dim: number, seed: number): EmbeddingSet {
  const bits = new Uint32Array(n * dim);
  createRng(seed).fillUint32(bits);
  const v = new Float32Array(n * dim);
  for (let i = 0; i < v.length; i++) v[i] = bits[i]! / 4294967296 - 0.45;
  normalizeRows(v, dim);
  const names = new Array<string>(n).fill("x");
  return embeddingSet(names, names, v, dim);
}

/**
 * Identities as ArcFace clusters them: unit centres, each sample its centre plus Gaussian noise
 * of norm about `spread` (drawn per identity in [0.3, 0.5]), renormalised.
 */
function clusteredSet(n: number, ids: number, dim: number, seed: number, centreSeed: number) {
  const c = createRng(centreSeed);
  const centres = new Float32Array(ids * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = normal(c);
  normalizeRows(centres, dim);
  const spreads = Float64Array.from({ length: ids }, () => 0.3 + 0.2 * uniformFloat(c));
  const r = createRng(seed);
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const id = i % ids;
    const s = spreads[id]! / Math.sqrt(dim);
    for (let d = 0; d < dim; d++) v[i * dim + d] = centres[id * dim + d]! + s * normal(r);
  }
  normalizeRows(v, dim);
  const names = new Array<string>(n).fill("x");
  return embeddingSet(names, names, v, dim);
}

function gflops(q: number, g: number, dim: number, seconds: number): string {
  return (2 * q * g * dim / seconds / 1e9).toFixed(1);
}

function share(stats: PrefilterStats | undefined): string {
  if (!stats) return "n/a";
  const visits = (100 * stats.fallbackVisits / Math.max(1, stats.visits)).toFixed(2);
  return `${stats.fallbackQueries} queries fell back (${visits}% of query-block visits), ` +
    `${(stats.rescored / Math.max(1, stats.visits)).toFixed(1)} pairs rescored per visit`;
}

/** How many best matches agree, and the largest score difference. */
function agreement(a: BestMatchResult, b: BestMatchResult): string {
  let same = 0, worst = 0;
  for (let i = 0; i < a.gallery.length; i++) {
    if (a.gallery[i] === b.gallery[i]) same++;
    worst = Math.max(worst, Math.abs(a.scores[i]! - b.scores[i]!));
  }
  return `${same} of ${a.gallery.length} same match, max |score difference| ${
    worst.toExponential(1)
  }`;
}

async function seconds<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const result = await run();
  return [result, (performance.now() - t) / 1000];
}

async function writeMatrix(path: string, set: EmbeddingSet, rows: number): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    const header = npyHeader(rows, set.dim);
    await file.write(header);
    const bytes = new Uint8Array(set.vectors.buffer, set.vectors.byteOffset, rows * set.dim * 4);
    for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at, at + 2 ** 26));
  } finally {
    file.close();
  }
}

const NUMPY = `
import json, sys, time
import numpy as np
q = np.load(sys.argv[1]); g = np.load(sys.argv[2])
kernel = "unknown"
try:
    from threadpoolctl import threadpool_info
    kernel = "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} x{i.get('num_threads')}" for i in threadpool_info())
except Exception as e:
    kernel = f"threadpoolctl unavailable ({e})"
t = time.time()
best = np.zeros(len(q), np.int64); score = np.full(len(q), -np.inf, np.float32)
for g0 in range(0, len(g), 32768):
    gb = g[g0:g0 + 32768]
    for q0 in range(0, len(q), 2048):
        s = q[q0:q0 + 2048] @ gb.T
        a = s.argmax(axis=1); v = s[np.arange(len(a)), a]
        better = v > score[q0:q0 + 2048]
        score[q0:q0 + 2048][better] = v[better]; best[q0:q0 + 2048][better] = a[better] + g0
print(json.dumps({"seconds": time.time() - t, "kernel": kernel, "best": best.tolist()}))
`;

/** numpy's blocked GEMM + argmax on the same rows, or why it did not run. */
async function numpyBest(queries: EmbeddingSet, nq: number, gallery: EmbeddingSet) {
  const python = "/usr/bin/python3";
  try {
    await Deno.stat(python);
  } catch {
    return { line: `numpy: skipped (${python} not found)` };
  }
  const dir = await Deno.makeTempDir({ prefix: "bench-search-" });
  try {
    await writeMatrix(`${dir}/q.npy`, queries, nq);
    await writeMatrix(`${dir}/g.npy`, gallery, gallery.identities.length);
    const env = { ...Deno.env.toObject(), OPENBLAS_VERBOSE: "2" };
    delete (env as Record<string, string | undefined>).OPENBLAS_CORETYPE;
    delete (env as Record<string, string | undefined>).OPENBLAS_L2_SIZE;
    const out = await new Deno.Command(python, {
      args: ["-c", NUMPY, `${dir}/q.npy`, `${dir}/g.npy`],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr).trim();
    if (out.code !== 0) return { line: `numpy: failed (${err.split("\n").at(-1)})` };
    const result = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      seconds: number;
      kernel: string;
      best: number[];
    };
    const core = err.split("\n").find((l) => /core/i.test(l)) ?? "no OPENBLAS_VERBOSE line";
    return { result, line: `numpy: OpenBLAS ${result.kernel} (${core.trim()})` };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Fall-back share of the int8 best-match search on clustered identities and the demo's data. */
async function fallbackShares(
  search: SearchOptions,
  dim: number,
  quick: boolean,
): Promise<string[]> {
  const lines: string[] = [];
  const ng = quick ? 20000 : 100000, nq = quick ? 1000 : 4000, ids = ng / 10;
  const gallery = clusteredSet(ng, ids, dim, 21, 20);
  const cases: [string, EmbeddingSet][] = [
    ["queries of the gallery's identities (mated)", clusteredSet(nq, ids, dim, 22, 20)],
    ["queries of other identities (non-mated)", clusteredSet(nq, ids, dim, 23, 24)],
  ];
  for (const [what, queries] of cases) {
    const [best, s] = await seconds(() => bestMatches(queries, gallery, search));
    lines.push(
      `fall-back, clustered (spread 0.3-0.5), ${nq} x ${ng}, ${what}: ${share(best.prefilter)} (${
        s.toFixed(1)
      } s)`,
    );
  }
  const layout = metricsLayout(`${metricsLayout().root}/demo`);
  try {
    const demo = await readEmbeddings(layout.embeddings("Demo", ".npy"));
    const casia = await readEmbeddings(layout.embeddings("DemoCASIA", ".npy"));
    const best = await bestMatches(demo, casia, { ...search, galleryBlock: 64 });
    lines.push(
      `fall-back, demo embeddings (${demo.identities.length} x ${casia.identities.length}, ` +
        `gallery blocks of 64): ${share(best.prefilter)}`,
    );
  } catch (error) {
    lines.push(`fall-back, demo embeddings: skipped (${(error as Error).message})`);
  }
  return lines;
}

/**
 * Runs the search benchmark and prints its numbers.
 *
 * @param args Flags (see `--help`).
 */
export async function benchSearch(args: string[] = []): Promise<void> {
  const { values } = parseFlags(args, FLAGS);
  if (values.help) return console.log(usage("deno task bench search -- [flags]", FLAGS));
  const quick = values.quick === true;
  const nq = quick ? 2000 : intFlag(values, "queries", { min: 1 });
  const ng = quick ? 65536 : intFlag(values, "gallery", { min: 1 });
  const dim = intFlag(values, "dim", { min: 1 });
  const topQ = quick ? 1024 : intFlag(values, "top-queries", { min: 1 });
  const fullQ = intFlag(values, "full-queries", { min: 1 });
  const [[gallery, queries], made] = await seconds(() =>
    Promise.resolve([randomUnitSet(ng, dim, 7), randomUnitSet(Math.max(nq, topQ), dim, 11)])
  );
  console.log(
    `data: ${nq} queries, ${ng} x ${dim} gallery (${(ng * dim * 4 / 2 ** 30).toFixed(2)} GiB), ` +
      `generated in ${made.toFixed(1)} s; ${navigator.hardwareConcurrency} cores`,
  );
  const kernel = await createSearchKernel();
  const int8 = await createInt8TopK();
  const fp32: SearchOptions = { kernel };
  const fast: SearchOptions = { kernel, int8 };
  const rows = Uint32Array.from({ length: nq }, (_, i) => i);
  const [bestFp32, sFp32] = await seconds(() => bestMatches(queries, gallery, { ...fp32, rows }));
  console.log(
    `best match fp32 (${kernel.name}): ${nq} x ${ng} in ${sFp32.toFixed(2)} s, ` +
      `${gflops(nq, ng, dim, sFp32)} GFLOP/s`,
  );
  const [bestInt8, sInt8] = await seconds(() => bestMatches(queries, gallery, { ...fast, rows }));
  console.log(
    `best match int8 (${bestInt8.kernel}): ${sInt8.toFixed(2)} s, ` +
      `${gflops(nq, ng, dim, sInt8)} GOP/s-equivalent; ${share(bestInt8.prefilter)}; ` +
      `vs fp32: ${agreement(bestInt8, bestFp32)}`,
  );
  let sNumpy = NaN;
  if (!values["no-numpy"]) {
    const numpy = await numpyBest(queries, nq, gallery);
    if (numpy.result) {
      sNumpy = numpy.result.seconds;
      const same = numpy.result.best.filter((g, i) => g === bestInt8.gallery[i]).length;
      console.log(
        `best match numpy: ${sNumpy.toFixed(2)} s, ${gflops(nq, ng, dim, sNumpy)} GFLOP/s; ` +
          `${same} of ${nq} same match as int8`,
      );
    }
    console.log(numpy.line);
  }
  console.log(
    `ratios (this run): int8 ${(sFp32 / sInt8).toFixed(2)}x faster than fp32, ` +
      `${(sNumpy / sInt8).toFixed(2)}x faster than numpy (target >= 2.0x each)`,
  );
  const topRows = Uint32Array.from({ length: topQ }, (_, i) => i);
  for (const [name, options] of [["fp32", fp32], ["int8", fast]] as const) {
    let pass1Ms = NaN;
    let scanned = 0;
    const t = performance.now();
    const [top, s] = await seconds(() =>
      topKPairs(queries, gallery, {
        ...options,
        rows: topRows,
        k: 100,
        normalize: false,
        onProgress: (p) => {
          if (Number.isNaN(pass1Ms) && p.pairs >= topQ * ng) pass1Ms = performance.now() - t;
          scanned = p.totalPairs / ng;
        },
      })
    );
    const s1 = pass1Ms / 1000;
    const s2 = s - s1;
    const full = s1 * fullQ / topQ + s2;
    console.log(
      `top-100 ${name}: ${topQ} x ${ng} in ${s.toFixed(2)} s (pass 1 ${s1.toFixed(2)} s, ` +
        `pass 2 ${s2.toFixed(2)} s for ${scanned - topQ} queries); extrapolated to ${fullQ} ` +
        `queries: ${formatDuration(full)}${name === "int8" ? " (target <= 12 min)" : ""}; ` +
        `best ${top.scores[0]}${top.prefilter ? `; ${share(top.prefilter)}` : ""}`,
    );
  }
  for (const line of await fallbackShares(fast, dim, quick)) console.log(line);
  await int8.release();
  await kernel.release();
}

if (import.meta.main) {
  runMain(
    () => benchSearch(Deno.args),
    usage("deno run -A scripts/bench_search.ts [flags]", FLAGS),
  );
}
