/**
 * `deno task bench diversity [--identities K] [--images M] [--no-brute]`: the diversity task's
 * work on K random identities of M images each (default 10,000 x 2, 512 dimensions; every 50th
 * identity a near-copy of the one before): the class
 * centres' pairs above 0.4 through the search kernel (float32 blocks, rescored in float64), the
 * same pairs by lib/metrics' float64 brute force (unless `--no-brute`), checked equal, and the
 * intra-class spread.
 *
 * @module
 */
import { intFlag, memoryReporter, parseFlags, runMain, usage } from "../lib/cli/mod.ts";
import { embeddingSet, groupByIdentity, writeNpy } from "../lib/embeddings/mod.ts";
import { centrePairsAbove, identityCentres, intraClassSpread } from "../lib/metrics/mod.ts";
import { normal, streamRng } from "../lib/random/mod.ts";
import { runDiversity } from "../lib/tasks/mod.ts";

const FLAGS = {
  identities: { type: "string", description: "identities", default: "10000" },
  images: { type: "string", description: "images per identity", default: "2" },
  "no-brute": { type: "boolean", description: "skip the float64 brute force" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task bench diversity -- [flags]", FLAGS);
const DIM = 512;

/**
 * Unit rows: each identity a random direction (every 50th a near-copy of the one before), its
 * images that plus noise (cosine about 0.9 to it).
 */
function randomSet(identities: number, images: number) {
  const rng = streamRng(7, "bench diversity");
  const n = identities * images;
  const vectors = new Float32Array(n * DIM);
  const centre = new Float64Array(DIM), row = new Float64Array(DIM);
  const names: string[] = [], imageNames: string[] = [];
  for (let k = 0; k < identities; k++) {
    // every 50th identity is a near-copy of the one before it (a planted duplicate)
    const twin = k % 50 === 1;
    for (let d = 0; d < DIM; d++) {
      centre[d] = twin ? centre[d]! + 0.01 * normal(rng) : normal(rng) / Math.sqrt(DIM);
    }
    for (let i = 0; i < images; i++) {
      let sq = 0;
      for (let d = 0; d < DIM; d++) {
        row[d] = centre[d]! + 0.02 * normal(rng);
        sq += row[d]! ** 2;
      }
      const r = k * images + i, norm = Math.sqrt(sq);
      for (let d = 0; d < DIM; d++) vectors[r * DIM + d] = row[d]! / norm;
      names.push(`id${k}`);
      imageNames.push(`${i}.png`);
    }
  }
  return embeddingSet(names, imageNames, vectors, DIM);
}

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, FLAGS);
  if (values.help) return console.log(USAGE);
  const k = intFlag(values, "identities", { min: 2 });
  const m = intFlag(values, "images", { min: 1 });
  const set = randomSet(k, m);
  console.log(`${k} identities x ${m} images, ${DIM} dimensions`);
  const dir = await Deno.makeTempDir({ prefix: "bench_diversity_" });
  try {
    const input = `${dir}/Bench.npy`;
    await writeNpy(input, set);
    let t = performance.now();
    const run = await runDiversity({
      inputs: [input],
      out: dir,
      figures: false,
      reporter: memoryReporter(),
    });
    const task = (performance.now() - t) / 1000;
    const d = run.datasets[0]!.diversity;
    console.log(
      `deno task diversity (read, centres, kernel pairs, spread, tables): ${task.toFixed(2)} s; ` +
        `${d.unique.vec2face} unique, ${d.pairs.first.length} pairs above 0.4`,
    );
    const groups = groupByIdentity(set);
    t = performance.now();
    intraClassSpread(set, groups);
    console.log(`intra-class spread alone: ${((performance.now() - t) / 1000).toFixed(2)} s`);
    if (!values["no-brute"]) {
      const centres = identityCentres(set, groups);
      t = performance.now();
      const brute = centrePairsAbove(centres, 0.4);
      const seconds = (performance.now() - t) / 1000;
      const same = brute.first.length === d.pairs.first.length &&
        brute.first.every((a, p) =>
          a === d.pairs.first[p] && brute.second[p] === d.pairs.second[p]
        );
      console.log(
        `float64 brute force of the centre pairs: ${seconds.toFixed(2)} s (pairs ${
          same ? "equal" : "DIFFER"
        })`,
      );
      if (!same) Deno.exit(1);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) runMain(main, USAGE);
