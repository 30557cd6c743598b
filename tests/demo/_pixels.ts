/** Mean absolute difference of two equally long byte arrays, per sample. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) {
    throw new RangeError(`Cannot compare ${a.length} and ${b.length} bytes`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
