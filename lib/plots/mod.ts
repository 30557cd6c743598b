/**
 * Figures of the kit as pure functions `(data, options) => Plot.plot(...)` on an injected
 * document, and their SVG/PNG output.
 *
 * @example
 * ```ts
 * import { densityData, figureToSvg, matedVsNonMatedFigure, newDocument } from "./mod.ts";
 * const document = newDocument();
 * const svg = figureToSvg(matedVsNonMatedFigure(densityData([0.5, 0.7, 0.6], [0, 0.2, 0.1]), { document }));
 * if (!svg.startsWith("<svg")) throw new Error("not an SVG");
 * ```
 *
 * @module
 */
export * from "./_best_matches.ts";
export * from "./_browser_assets.ts";
export * from "./_density.ts";
export * from "./_det.ts";
export * from "./_diversity.ts";
export * from "./_embedding_map.ts";
export * from "./_document.ts";
export * from "./_kde_area.ts";
export * from "./_leakage_judged.ts";
export * from "./_pair_grid.ts";
export * from "./_render.ts";
export * from "./_roc.ts";
export * from "./_best_matches_ridgeline.ts";
export * from "./_closest_pairs_strip.ts";
export * from "./_paper_table.ts";
export * from "./_threshold_shares.ts";
