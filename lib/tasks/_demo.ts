/**
 * `deno task demo`: the whole kit on built-in data, in under a minute. Makes a small IResNet with
 * seeded random weights (through the same graph builder as the `.pth` import), draws a demo dataset
 * of face-like images and a CASIA stand-in gallery with planted near-copies, embeds both, then runs
 * the analyses by composing the other tasks in memory. Everything goes under one output root.
 *
 * @module
 */
import { join } from "node:path";
import { consoleReporter, memoryReporter, type Reporter } from "../cli/_reporter.ts";
import { writeDemoDataset, writeDemoGallery } from "../demo/mod.ts";
import { readEmbeddings } from "../embeddings/_read.ts";
import { metricsLayout } from "../formats/_layout.ts";
import {
  type BackendRequest,
  buildIResNetOnnx,
  demoStateDict,
  IRESNET_LAYERS,
} from "../model/mod.ts";
import { runDiversity } from "./_diversity.ts";
import { runEmbed } from "./_embed.ts";
import { runClosest, runLeakage } from "./_leakage.ts";
import { runMetrics } from "./_metrics.ts";
import { runPaths } from "./_paths.ts";
import { runPlotSimilar } from "./_plot_similar.ts";
import { runMated, runSimilarities } from "./_similarities.ts";

/** Options of {@linkcode runDemo}. */
export interface RunDemoOptions {
  /** Output folder. @default "Metrics/demo" */
  out?: string;
  /** ONNX Runtime backend. @default "auto" */
  backend?: BackendRequest;
  /** Status lines of the demo and of the tasks it runs, and progress bars. @default consoleReporter() */
  reporter?: Reporter;
  /**
   * Draw the figures (mated density, metrics, best matches, comparison grid); `false` writes only
   * the embeddings, score files, tables and JSON. @default true
   */
  figures?: boolean;
}

/** Where the demo put things, and what it found. */
export interface DemoResult {
  /** The random-weight IResNet-18 written, `<out>/demo_iresnet18_random.onnx`. */
  model: string;
  /** Folder of the demo dataset's images, `<out>/Dataset/Demo`. */
  dataset: string;
  /** Folder of the CASIA stand-in gallery with the planted copies, `<out>/Dataset/DemoCASIA`. */
  gallery: string;
  /** The demo dataset's embeddings, `<out>/Embeddings/Demo.jsonl` (a `.npy` copy is beside it). */
  embeddings: string;
  /** The gallery's embeddings, `<out>/Embeddings/DemoCASIA.npy`. */
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
 * Runs the demo: model, data, embeddings, similarities, metrics, leakage, closest pairs, paths and
 * the comparison grid, all under `out`.
 *
 * @param options Output folder, backend, reporter.
 * @returns The paths written and how many of the closest pairs are the planted copies.
 *
 * @example
 * ```ts ignore
 * // About half a minute on two cores; `tests/tasks/demo_test.ts` runs it.
 * import { memoryReporter } from "../cli/_reporter.ts";
 * import { runDemo } from "./_demo.ts";
 * const out = await Deno.makeTempDir();
 * const demo = await runDemo({ out, backend: "cpu", reporter: memoryReporter() });
 * if (demo.plantedOnTop !== demo.top) throw new Error("a planted copy is missing from the top");
 * ```
 */
export async function runDemo(options: RunDemoOptions = {}): Promise<DemoResult> {
  const {
    out = join(metricsLayout().root, "demo"),
    backend = "auto",
    reporter = consoleReporter(),
    figures = true,
  } = options;
  const log = (line: string) => reporter.info(line);
  const layout = metricsLayout(out);
  const t0 = performance.now();
  await Deno.mkdir(out, { recursive: true });
  log(
    "NOTE: the demo model has RANDOM weights: its numbers show the pipeline, not face recognition.",
  );

  const model = join(out, "demo_iresnet18_random.onnx");
  const dict = demoStateDict({ seed: 1, depth: 18, widthScale: 0.25 });
  await Deno.writeFile(model, buildIResNetOnnx(dict, { layers: IRESNET_LAYERS[18] }));
  log(`model: ${model} (IResNet-18 layout, quarter width, seeded random weights)`);

  const datasets = join(out, "Dataset");
  const dataset = join(datasets, "Demo");
  const gallery = join(datasets, "DemoCASIA");
  await Deno.remove(datasets, { recursive: true }).catch(() => {});
  const data = await writeDemoDataset(dataset, { seed: 42 });
  const galleryInfo = await writeDemoGallery(gallery, { seed: 42 });
  log(`dataset: ${dataset} (${data.identities} identities, ${data.images} images)`);
  log(`gallery: ${gallery} (CASIA stand-in with ${galleryInfo.planted.size} planted near-copies)`);

  const embeddings = layout.embeddings("Demo", ".jsonl");
  const galleryEmbeddings = layout.embeddings("DemoCASIA", ".npy");
  const embed = { model, backend, overwrite: true, reporter };
  await runEmbed({ ...embed, dataset, out: embeddings, formats: ["jsonl", "npy"] });
  await runEmbed({ ...embed, dataset: gallery, out: galleryEmbeddings, formats: ["npy"] });

  // Intra- and inter-class variability.
  const files: string[] = [];
  const scoring = { input: embeddings, comparisons: 1000, seed: 42, out, reporter };
  const sims = await runSimilarities(scoring);
  files.push(sims.matedPath, sims.nonMatedPath);
  if (figures) {
    const mated = await runMated({ ...scoring, scores: sims });
    files.push(mated.svgPath, mated.pngPath, mated.pdfPath);
  }
  const metrics = await runMetrics({
    scores: layout.dir("scores"),
    out,
    resamples: 1000,
    seed: 42,
    figures,
    reporter,
  });
  files.push(...metrics.files);

  // Diversity of both sets: unique identities and intra-class spread.
  const diversity = await runDiversity({
    inputs: [galleryEmbeddings, embeddings],
    out,
    figures,
    reporter: memoryReporter(),
  });
  files.push(...diversity.files);

  // Identity leakage against the CASIA stand-in, on embeddings read once.
  const quiet = memoryReporter();
  const leakageInputs = {
    input: embeddings,
    casia: galleryEmbeddings,
    inputSet: await readEmbeddings(embeddings),
    casiaSet: await readEmbeddings(galleryEmbeddings),
    seed: 42,
    outDir: out,
    reporter: quiet,
  };
  const leakage = await runLeakage({
    ...leakageInputs,
    nComparisons: data.images,
    figure: figures,
  });
  files.push(...leakage.files);
  const top = galleryInfo.copies.length;
  const closest = await runClosest({ ...leakageInputs, top });
  files.push(closest.file);
  const { queryIdentity, casiaIdentity, casiaImageName } = closest.columns;
  const plantedOnTop =
    queryIdentity.filter((identity, i) =>
      galleryInfo.planted.get(`${casiaIdentity[i]}/${casiaImageName[i]}`) === identity
    ).length;
  const paths = await runPaths({
    inputs: [closest.file],
    outDir: layout.dir("paths"),
    reporter: quiet,
  });
  const csv = paths.files[0]!;
  files.push(csv);
  if (figures) {
    const grid = await runPlotSimilar({
      csv,
      casiaFile: gallery,
      otherFile: dataset,
      samples: 5,
      outputDir: layout.dir("figures"),
      reporter: quiet,
    });
    files.push(grid.svg, grid.png);
  }

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
