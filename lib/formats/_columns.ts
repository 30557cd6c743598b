/**
 * The check every column writer of `lib/formats` makes first: its columns must be equally long.
 *
 * @module
 */

/**
 * The length shared by all `columns`.
 *
 * @param what What is written, for the message (`best matches as CSV`).
 * @param columns The columns, the one that sets the length first.
 * @returns The common length (0 without columns).
 * @throws {RangeError} When the columns differ in length, listing every length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commonLength } from "./_columns.ts";
 * assert.equal(commonLength("pairs", [[1, 2], new Float32Array(2)]), 2);
 * assert.throws(() => commonLength("pairs", [[1], []]), RangeError);
 * ```
 */
export function commonLength(what: string, columns: readonly { length: number }[]): number {
  const n = columns[0]?.length ?? 0;
  if (columns.some((column) => column.length !== n)) {
    throw new RangeError(
      `Cannot write ${what}: the columns differ in length: current lengths are ${
        columns.map((column) => column.length).join(",")
      }`,
    );
  }
  return n;
}
