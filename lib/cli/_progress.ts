/**
 * A progress line for long runs: count, percentage, rate and ETA. On a terminal it redraws one
 * line; otherwise (CI, logs) it prints a line every `interval` seconds.
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
    return `[${"#".repeat(filled)}${
      ".".repeat(width - filled)
    }] ${this.#done}/${this.#total} ${this.#unit} ` +
      `${(pct * 100).toFixed(1)}% ${rate.toFixed(1)} ${this.#unit}/s ETA ${formatDuration(eta)}`;
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
