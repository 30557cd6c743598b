/**
 * The kit's one reporter: every status line, warning and progress bar of `lib/` goes through a
 * {@linkcode Reporter} passed as one option, so kernels return facts and tasks word them, and tests
 * can assert on what a run said. Modelled on Observable Plot's `src/warnings.js`: a warning that
 * repeats is shown once and counted.
 *
 * This module (with the progress bar it draws) is the only place in `lib/` that writes to the
 * console.
 *
 * @module
 */
import { Progress, type ProgressOptions } from "./_progress.ts";

/** A progress bar handed out by {@linkcode Reporter.progress}. */
export interface ProgressBar {
  /** Adds `n` finished items. @default 1 */
  tick(n?: number): void;
  /** Ends the bar. */
  done(): void;
  /**
   * Changes the total (a search that knows its exact count only once a second pass starts), so
   * the bar ends at 100% of what it really did.
   */
  setTotal?(total: number): void;
}

/** Options of {@linkcode Reporter.progress}. */
export interface ProgressBarOptions {
  /** What is counted, e.g. `images`. @default "items" */
  unit?: string;
}

/** Where `lib/` says what it does: status lines, warnings (deduplicated) and progress. */
export interface Reporter {
  /** A status line. */
  info(message: string): void;
  /** A warning. The same text again is not shown again; it is counted in {@linkcode warnings}. */
  warn(message: string): void;
  /** A failure that ends the run (scripts print it as `error: <text>` before exiting). */
  error(message: string): void;
  /** A progress bar over `total` items. */
  progress(total: number, options?: ProgressBarOptions): ProgressBar;
  /** Every distinct warning so far, in first-seen order, with how often it was given. */
  warnings(): Map<string, number>;
}

/** Options of {@linkcode consoleReporter}. */
export interface ConsoleReporterOptions {
  /** Receives status lines. @default console.log */
  info?: (line: string) => void;
  /** Receives warnings, already prefixed with `warning: `. @default console.error */
  warn?: (line: string) => void;
  /** Receives errors, already prefixed with `error: `. @default console.error */
  error?: (line: string) => void;
  /** Options of the progress bars (writer, interval, clock). @default {} */
  progress?: Omit<ProgressOptions, "unit">;
}

/** Counts warnings by text; shared by both reporters. */
class WarningTally {
  #counts = new Map<string, number>();

  /** Adds one warning and says whether it is new. */
  add(message: string): boolean {
    const seen = this.#counts.get(message) ?? 0;
    this.#counts.set(message, seen + 1);
    return seen === 0;
  }

  snapshot(): Map<string, number> {
    return new Map(this.#counts);
  }
}

/**
 * A reporter for scripts: status lines on stdout, warnings on stderr as `warning: <text>` (each
 * text once), errors on stderr as `error: <text>`, progress bars on stderr.
 *
 * @param options Where lines go.
 * @returns The reporter.
 *
 * @example
 * ```ts
 * import { consoleReporter } from "./_reporter.ts";
 * const lines: string[] = [];
 * const r = consoleReporter({ info: (l) => lines.push(l), warn: (l) => lines.push(l) });
 * r.warn("x.png is empty");
 * r.warn("x.png is empty");
 * r.info("done");
 * if (lines.join("|") !== "warning: x.png is empty|done") throw new Error(lines.join("|"));
 * if (r.warnings().get("x.png is empty") !== 2) throw new Error("not counted");
 * ```
 */
export function consoleReporter(options: ConsoleReporterOptions = {}): Reporter {
  const {
    info = (line: string) => console.log(line),
    warn = (line: string) => console.error(line),
    error = (line: string) => console.error(line),
    progress = {},
  } = options;
  const tally = new WarningTally();
  // The bar being drawn, if any: lines printed meanwhile clear it first and redraw it after.
  let active: Progress | undefined;
  const print = (write: (line: string) => void, line: string) =>
    active ? active.interrupt(() => write(line)) : write(line);
  return {
    info: (message) => print(info, message),
    warn(message) {
      if (tally.add(message)) print(warn, `warning: ${message}`);
    },
    error: (message) => print(error, `error: ${message}`),
    progress(total, { unit = "items" } = {}) {
      const bar = new Progress(total, { ...progress, unit });
      active = bar;
      return {
        tick: (n) => bar.tick(n),
        setTotal: (n) => bar.setTotal(n),
        done() {
          bar.done();
          if (active === bar) active = undefined;
        },
      };
    },
    warnings: () => tally.snapshot(),
  };
}

/** A reporter that keeps everything, for tests and for callers that word results themselves. */
export interface MemoryReporter extends Reporter {
  /** Status lines, in order. */
  readonly infos: string[];
  /** Errors, in order. */
  readonly errors: string[];
  /** Items ticked on all progress bars so far. */
  readonly ticked: number;
}

/**
 * A reporter that writes nothing and keeps every line, warning and progress tick.
 *
 * @returns The reporter.
 *
 * @example
 * ```ts
 * import { memoryReporter } from "./_reporter.ts";
 * const r = memoryReporter();
 * r.warn("a");
 * r.warn("a");
 * const bar = r.progress(3);
 * bar.tick(2);
 * bar.done();
 * if (r.warnings().get("a") !== 2 || r.ticked !== 2) throw new Error("unexpected");
 * ```
 */
export function memoryReporter(): MemoryReporter {
  const tally = new WarningTally();
  const infos: string[] = [];
  const errors: string[] = [];
  let ticked = 0;
  return {
    infos,
    errors,
    get ticked() {
      return ticked;
    },
    info: (message) => void infos.push(message),
    warn: (message) => void tally.add(message),
    error: (message) => void errors.push(message),
    progress: () => ({
      tick: (n = 1) => void (ticked += n),
      done: () => {},
      setTotal: () => {},
    }),
    warnings: () => tally.snapshot(),
  };
}
