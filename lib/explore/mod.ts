/**
 * The explorer: a local web page over the kit's results (`deno task explore`). {@linkcode buildCatalog}
 * lists what may be shown (the result files of `Metrics/` folders and of the paper's published data,
 * the image datasets named), and {@linkcode startExplorer} serves it on 127.0.0.1 with Observable
 * Plot figures drawn in the browser from the kit's own packages: the datasets' metrics, mated and
 * non-mated densities and DET with a threshold to move (FMR and FNMR counted exactly from the score
 * files), leakage with the faces behind each best match, the closest pairs, and datasets overlaid.
 * It reads only the catalog's files, writes nothing, and answers 404 to any path outside it.
 *
 * @example Serve the demo's results and read the catalog
 * ```ts
 * import { buildCatalog, startExplorer } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/SimilarityScores`);
 * await Deno.writeTextFile(`${dir}/SimilarityScores/A_mated_similarities.txt`, "0.9\n0.8\n");
 * await Deno.writeTextFile(`${dir}/SimilarityScores/A_non_mated_similarities.txt`, "0.1\n");
 * const explorer = await startExplorer(await buildCatalog({ metrics: [dir] }));
 * const catalog = await (await fetch(`${explorer.url}api/catalog`)).json();
 * const outside = await fetch(`${explorer.url}image/0/..%2F..%2Fetc/passwd`);
 * await outside.body?.cancel();
 * await explorer.close();
 * await Deno.remove(dir, { recursive: true });
 * if (catalog.datasets[0].name !== "A" || outside.status !== 404) throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "./_catalog.ts";
export * from "./_image_index.ts";
export * from "./_safe_path.ts";
export * from "./_server.ts";
