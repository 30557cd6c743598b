/**
 * `deno task demo`: the whole kit on built-in data, in under a minute. Makes a small IResNet with
 * seeded random weights (through the same graph builder as the `.pth` import), draws a demo dataset
 * of face-like images and a CASIA stand-in gallery with planted near-copies, embeds both, then
 * runs the analyses. Everything goes under `Metrics/demo/`.
 *
 * @module
 */
import { parseFlags, runMain, usage, UsageError } from "../lib/cli/_flags.ts";
import { writeDemoDataset, writeDemoGallery } from "../lib/demo/mod.ts";
import { buildIResNetOnnx, demoStateDict, IRESNET_LAYERS } from "../lib/model/mod.ts";
import { runClosest, runLeakage } from "../lib/tasks/_leakage.ts";
import { runEmbed } from "./embed.ts";
import { runMated } from "./mated.ts";
import { runMetrics } from "./metrics.ts";
import { runPaths } from "./paths.ts";
import { runPlotSimilar } from "./plot_similar.ts";
import { runSimilarities } from "./similarities.ts";

const FLAGS = {
  out: { type: "string", description: "output folder", default: "Metrics/demo" },
  backend: { type: "string", description: "auto | cpu | wasm | webgpu", default: "auto" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task demo [--out DIR]", FLAGS);

/** Options of {@linkcode runDemo}. */
export interface RunDemoOptions {
  /** Output folder. @default "Metrics/demo" */
  out?: string;
  /** ONNX Runtime backend. @default "auto" */
  backend?: "auto" | "cpu" | "wasm" | "webgpu";
  /** Messages. @default console.error */
  log?: (line: string) => void;
}

/** Where the demo put things. */
export interface DemoOutputs {
  model: string;
  dataset: string;
  gallery: string;
  embeddings: string;
  galleryEmbeddings: string;
  /** Planted leakage: gallery image path -> demo identity it copies. */
  planted: Map<string, string>;
  /** How many of the closest pairs are planted copies (of `top`). */
  plantedOnTop: number;
  /** Pairs kept in the closest list. */
  top: number;
  /** The figures and tables written. */
  files: string[];
}

/**
 * Runs the demo.
 *
 * @param options Output folder, backend, logger.
 * @returns The paths written.
 */
export async function runDemo(options: RunDemoOptions = {}): Promise<DemoOutputs> {
  const { out = "Metrics/demo", backend = "auto" } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const t0 = performance.now();
  await Deno.mkdir(out, { recursive: true });
  log(
    "NOTE: the demo model has RANDOM weights: its numbers show the pipeline, not face recognition.",
  );

  const model = `${out}/demo_iresnet18_random.onnx`;
  const dict = demoStateDict({ seed: 1, depth: 18, widthScale: 0.25 });
  await Deno.writeFile(model, buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[18] }));
  log(`model: ${model} (IResNet-18 layout, quarter width, seeded random weights)`);

  const dataset = `${out}/Dataset/Demo`;
  const gallery = `${out}/Dataset/DemoCASIA`;
  await Deno.remove(`${out}/Dataset`, { recursive: true }).catch(() => {});
  const data = await writeDemoDataset(dataset, { seed: 42 });
  const galleryInfo = await writeDemoGallery(gallery, { seed: 42 });
  log(`dataset: ${dataset} (${data.identities} identities, ${data.images} images)`);
  log(`gallery: ${gallery} (CASIA stand-in with ${galleryInfo.planted.size} planted near-copies)`);

  const embeddings = `${out}/Embeddings/Demo.jsonl`;
  const galleryEmbeddings = `${out}/Embeddings/DemoCASIA.npy`;
  await runEmbed({
    model,
    dataset,
    out: embeddings,
    formats: ["jsonl", "npy"],
    backend,
    overwrite: true,
    log,
  });
  await runEmbed({
    model,
    dataset: gallery,
    out: galleryEmbeddings,
    formats: ["npy"],
    backend,
    overwrite: true,
    log,
  });

  // Intra- and inter-class variability (issue 3).
  const files: string[] = [];
  const comparisons = 1000;
  const sims = await runSimilarities(embeddings, { comparisons, seed: 42, out, log });
  files.push(sims.matedPath, sims.nonMatedPath);
  const mated = await runMated(embeddings, { comparisons, seed: 42, out, log });
  files.push(mated.svgPath, mated.pngPath);
  const metrics = await runMetrics({
    scores: `${out}/SimilarityScores`,
    out,
    resamples: 1000,
    seed: 42,
    log,
  });
  files.push(...metrics.files);

  // Identity leakage against the CASIA stand-in (issue 4).
  const quiet = () => {};
  const leakage = await runLeakage({
    input: embeddings,
    casia: galleryEmbeddings,
    nComparisons: data.images,
    seed: 42,
    outDir: out,
    log: quiet,
  });
  files.push(...leakage.files);
  const top = galleryInfo.copies.length;
  const closest = await runClosest({
    input: embeddings,
    casia: galleryEmbeddings,
    top,
    seed: 42,
    outDir: out,
    log: quiet,
  });
  files.push(closest.file);
  const results = (JSON.parse(await Deno.readTextFile(closest.file)) as {
    results: { query_identity: string; casia_path: string }[];
  }).results;
  const plantedOnTop =
    results.filter((r) => galleryInfo.planted.get(r.casia_path) === r.query_identity).length;
  const [csv] = await runPaths({ inputs: [closest.file], outDir: `${out}/Extracted_paths` });
  files.push(csv);
  const grid = await runPlotSimilar({
    csv,
    casiaFile: gallery,
    otherFile: dataset,
    samples: 5,
    outputDir: `${out}/Figures`,
  });
  files.push(grid.svg, grid.png);

  log("");
  log("Outputs:");
  for (const file of files) log(`  ${file}`);
  log("");
  log(
    `Planted leakage: ${plantedOnTop} of the ${top} closest (demo, gallery) pairs are planted near-copies.`,
  );
  for (const { dataset: name, metrics: m } of metrics.datasets) {
    const e = m.stats;
    log(
      `${name}: genuine mean ${e.gmean.toFixed(4)}, impostor mean ${e.imean.toFixed(4)}, ` +
        `EER ${e.eer.toFixed(4)}, FMR100 ${e.fmr100.toFixed(4)}, FDR ${m.fdr.toFixed(3)}`,
    );
  }
  log(`demo finished in ${((performance.now() - t0) / 1000).toFixed(1)} s; outputs under ${out}/`);
  log(
    "NOTE: random model weights: the numbers exercise the pipeline; they say nothing about faces.",
  );
  return {
    model,
    dataset,
    gallery,
    embeddings,
    galleryEmbeddings,
    planted: galleryInfo.planted,
    plantedOnTop,
    top,
    files,
  };
}

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  await runDemo({ out: String(values.out), backend: values.backend as RunDemoOptions["backend"] });
}

if (import.meta.main) runMain(main, USAGE);
