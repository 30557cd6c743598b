/**
 * Text formatting that reproduces what the original package wrote with Python: `np.round` on a
 * float32 array, `tolist()`, then `json.dumps` (Python `float.__repr__`, `ensure_ascii=True`).
 *
 * @module
 */

const SCALE = new Float32Array(1);

/**
 * Rounds a float32 value to `decimals` places exactly as `numpy.round` does on a float32 array:
 * multiply by `10**decimals` in float32, round half to even, divide in float32.
 *
 * @param value A float32 value (any number is first rounded to float32).
 * @param decimals Number of decimals.
 * @returns The rounded float32 value, as a number.
 *
 * @example
 * ```ts
 * import { roundFloat32 } from "./_python_float.ts";
 * if (roundFloat32(0.015625, 5) !== Math.fround(0.01562)) throw new Error("half to even");
 * ```
 */
export function roundFloat32(value: number, decimals: number): number {
  SCALE[0] = 10 ** decimals;
  const scale = SCALE[0];
  const scaled = Math.fround(Math.fround(value) * scale);
  let r = Math.round(scaled);
  if (r - scaled === 0.5 && r % 2 !== 0) r -= 1; // Math.round rounds .5 up; numpy rints to even
  return Math.fround(r / scale);
}

/**
 * Formats a number like Python's `repr(float)`: shortest round-trip digits, scientific notation
 * below 1e-4 and from 1e16, and a trailing `.0` on integral values.
 *
 * @param value The number.
 * @returns Python's text for it.
 *
 * @example
 * ```ts
 * import { pythonFloatRepr } from "./_python_float.ts";
 * const got = [1, -0, 1e-5, 0.0001, 1.5e-7, 1e16].map(pythonFloatRepr).join(" ");
 * if (got !== "1.0 -0.0 1e-05 0.0001 1.5e-07 1e+16") throw new Error(got);
 * ```
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e16) {
    const text = String(value);
    if (!text.includes("e")) return /[.]/.test(text) ? text : `${text}.0`;
    // JS switches to exponent form from 1e21 only; below 1e16 this branch is not reached.
  }
  const [mantissa, exponent] = value.toExponential().split("e");
  const exp = Number(exponent);
  const sign = exp < 0 ? "-" : "+";
  return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/**
 * Encodes a string as a JSON string literal the way Python's `json.dumps` does by default
 * (`ensure_ascii=True`): everything outside printable ASCII becomes `\uXXXX`.
 *
 * @param text The string.
 * @returns The quoted literal.
 *
 * @example
 * ```ts
 * import { pythonJsonString } from "./_python_float.ts";
 * if (pythonJsonString("é\x7f") !== '"\\u00e9\\u007f"') throw new Error("unexpected");
 * ```
 */
export function pythonJsonString(text: string): string {
  return JSON.stringify(text).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
