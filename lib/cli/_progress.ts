/**
 * A progress line for long runs: count, percentage, rate with its unit (`759.5 M pairs/s`) and
 * ETA. On a terminal it redraws one line; otherwise (CI, logs) it prints a line every `interval`
 * seconds. Counts of a total of a million or more, and rates from 10,000 up, take an SI prefix.
 *
 * @module
 */

/** Options of {@linkcode Progress}. */
export interface ProgressOptions {
  /** What is counted, e.g. `images`. @default "items" */
  unit?: string;
  /** Seconds between lines when not on a terminal. @default 10 */
  interval?: number;
  /** Where to write. @default Deno.stderr */
  writer?: { writeSync(p: Uint8Array): number; isTerminal(): boolean };
  /** Clock in milliseconds, for tests. @default performance.now */
  now?: () => number;
}

/**
 * Formats seconds as `1h02m`, `4m05s` or `12s`.
 *
 * @param seconds Duration.
 * @returns Short text.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./_progress.ts";
 * if (formatDuration(245) !== "4m05s") throw new Error("unexpected");
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Formats a count with an SI prefix once it is large: `759.5 M`, `1.2 G`, `12.3 k`; below 10,000
 * the count itself (`9999`, `4.2`), with one decimal for fractions.
 *
 * @param value The count or rate.
 * @returns Short text, a space between the number and its prefix.
 *
 * @example
 * ```ts
 * import { formatCount } from "./_progress.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([759_500_000, 12_345, 9_999, 4.25, 2.5e12].map(formatCount),
 *   ["759.5 M", "12.3 k", "9999", "4.3", "2.5 T"]);
 * ```
 */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return "?";
  const abs = Math.abs(value);
  if (abs < 10_000) return Number.isInteger(value) ? String(value) : value.toFixed(1);
  for (const [size, prefix] of [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]] as const) {
    if (abs >= size) return `${(value / size).toFixed(1)} ${prefix}`;
  }
  return String(value);
}

/** A progress bar over a known total. */
export class Progress {
  #total: number;
  #done = 0;
  #start: number;
  #last = -Infinity;
  #printed = -1;
  #unit: string;
  #interval: number;
  #writer: NonNullable<ProgressOptions["writer"]>;
  #now: () => number;
  #tty: boolean;
  #encoder = new TextEncoder();

  /**
   * Starts the clock; nothing is printed until the first {@linkcode Progress.tick}.
   *
   * @param total Items expected in all (the 100 % mark).
   * @param options Unit, print interval off a terminal, writer and clock.
   */
  constructor(total: number, options: ProgressOptions = {}) {
    const { unit = "items", interval = 10, writer = Deno.stderr, now = () => performance.now() } =
      options;
    this.#total = total;
    this.#unit = unit;
    this.#interval = interval;
    this.#writer = writer;
    this.#now = now;
    this.#start = now();
    this.#tty = writer.isTerminal();
  }

  /** Items per second so far. */
  get rate(): number {
    const elapsed = (this.#now() - this.#start) / 1000;
    return elapsed > 0 ? this.#done / elapsed : 0;
  }

  /** The current line. */
  line(): string {
    const pct = this.#total > 0 ? this.#done / this.#total : 1;
    const width = 24;
    const filled = Math.round(pct * width);
    const rate = this.rate;
    const eta = rate > 0 ? (this.#total - this.#done) / rate : NaN;
    const large = this.#total >= 1e6;
    const count = large
      ? `${formatCount(this.#done)}/${formatCount(this.#total)}`
      : `${this.#done}/${this.#total}`;
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${count} ${this.#unit} ` +
      `${(pct * 100).toFixed(1)}% ${formatCount(rate)} ${this.#unit}/s ETA ${formatDuration(eta)}`;
  }

  /** Adds `n` finished items and redraws when due. */
  tick(n = 1): void {
    this.#done += n;
    const t = this.#now();
    if (this.#tty) {
      if (t - this.#last < 100 && this.#done < this.#total) return;
      this.#writer.writeSync(this.#encoder.encode(`\r${this.line()}\x1b[K`));
    } else {
      if (t - this.#last < this.#interval * 1000 && this.#done < this.#total) return;
      this.#writer.writeSync(this.#encoder.encode(`${this.line()}\n`));
    }
    this.#last = t;
    this.#printed = this.#done;
  }

  /** Changes the total (the 100 % mark), e.g. when a search learns its exact count. */
  setTotal(total: number): void {
    this.#total = total;
  }

  /** Prints a message above the bar. */
  log(message: string): void {
    const prefix = this.#tty ? "\r\x1b[K" : "";
    this.#writer.writeSync(this.#encoder.encode(`${prefix}${message}\n`));
    if (this.#tty) this.#writer.writeSync(this.#encoder.encode(this.line()));
  }

  /**
   * Runs `print` (which writes a line elsewhere, e.g. on stdout) with the bar out of its way: on a
   * terminal the bar's line is cleared first and redrawn after; otherwise `print` just runs.
   */
  interrupt(print: () => void): void {
    if (!this.#tty) return print();
    this.#writer.writeSync(this.#encoder.encode("\r\x1b[K"));
    print();
    this.#writer.writeSync(this.#encoder.encode(this.line()));
  }

  /** Ends the bar with a newline (terminal) or a last line. */
  done(): void {
    if (this.#tty) this.#writer.writeSync(this.#encoder.encode(`\r${this.line()}\x1b[K\n`));
    else if (this.#printed !== this.#done) {
      this.#writer.writeSync(this.#encoder.encode(`${this.line()}\n`));
    }
  }
}
