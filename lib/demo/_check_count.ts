/**
 * Throws a RangeError unless `value` is an integer of at least `min`.
 *
 * @param name Option name for the message.
 * @param value The value.
 * @param min Smallest allowed value.
 */
export function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot make demo data with ${name} as an integer >= ${min}: current value is ${value}`,
    );
  }
}
