/**
 * The flag every drawing script shares: `--png-scale`, the pixel scale of each figure's PNG over
 * its SVG size (every figure is written as SVG, PNG and vector PDF by one writer in lib/plots).
 *
 * @module
 */
import { UsageError } from "./_flags.ts";

/** The largest PNG scale accepted (a 860 px figure at 16 is 13,760 px wide). */
export const MAX_PNG_SCALE = 16;

/**
 * The flag spec of `--png-scale`, to spread into a script's flags.
 *
 * @param scale The default scale.
 * @returns `{ "png-scale": spec }`.
 *
 * @example
 * ```ts
 * import { pngScaleFlagSpec } from "./_figure_flags.ts";
 * if (pngScaleFlagSpec(2)["png-scale"].default !== "2") throw new Error("default");
 * ```
 */
export function pngScaleFlagSpec(scale: number): {
  "png-scale": { type: "string"; description: string; default: string };
} {
  return {
    "png-scale": {
      type: "string",
      description:
        "pixel scale of each figure's PNG over its SVG size (figures are also written as SVG and vector PDF)",
      default: String(scale),
    },
  };
}

/**
 * Reads `--png-scale`: a number above 0 and at most {@linkcode MAX_PNG_SCALE}.
 *
 * @param values Parsed flag values.
 * @returns The scale.
 * @throws {UsageError} When the value is not such a number.
 *
 * @example
 * ```ts
 * import { pngScaleFlag } from "./_figure_flags.ts";
 * import assert from "node:assert/strict";
 * assert.equal(pngScaleFlag({ "png-scale": "4.5" }), 4.5);
 * assert.throws(() => pngScaleFlag({ "png-scale": "0" }), {
 *   message: "--png-scale must be a number above 0 and at most 16: current value is 0",
 * });
 * ```
 */
export function pngScaleFlag(values: Record<string, unknown>): number {
  const raw = values["png-scale"];
  const text = typeof raw === "string" ? raw.trim() : "";
  const scale = Number(text);
  if (text === "" || !Number.isFinite(scale) || scale <= 0 || scale > MAX_PNG_SCALE) {
    throw new UsageError(
      `--png-scale must be a number above 0 and at most ${MAX_PNG_SCALE}: current value is ${raw}`,
    );
  }
  return scale;
}
