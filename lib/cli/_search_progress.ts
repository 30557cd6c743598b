/**
 * Shows the progress of a long similarity search (pairs scored, rate, ETA) as a bar of the
 * kit's reporter, whose total may grow while the search runs.
 *
 * @module
 */
import { consoleReporter, type ProgressBar, type Reporter } from "./_reporter.ts";

/**
 * What a search reports after each block (the shape of similarity's `SearchProgress`; any value
 * with these fields will do).
 */
export interface PairProgress {
  /** Pairs scored so far. */
  pairs: number;
  /** Pairs to score in all, as known now. */
  totalPairs: number;
}

/**
 * A progress callback for `bestMatches`/`topKPairs`.
 *
 * @param reporter Draws the bars. @default consoleReporter()
 * @returns The callback; the bar starts at the first report and ends at the last. When the total
 * changes (`topKPairs` knows it exactly only once its second pass starts), the bar takes the new
 * total, so it ends at 100% of the pairs really scored (a reporter whose bars cannot change their
 * total gets a new bar for the remaining pairs).
 *
 * @example
 * ```ts
 * import { memoryReporter } from "./_reporter.ts";
 * import { searchProgressPrinter } from "./_search_progress.ts";
 * const reporter = memoryReporter();
 * const onProgress = searchProgressPrinter(reporter);
 * onProgress({ pairs: 4, totalPairs: 10 });
 * onProgress({ pairs: 6, totalPairs: 6 });
 * if (reporter.ticked !== 6) throw new Error(`ticked ${reporter.ticked}`);
 * ```
 */
export function searchProgressPrinter(
  reporter: Reporter = consoleReporter(),
): (p: PairProgress) => void {
  let bar: ProgressBar | undefined;
  let total = 0;
  let done = 0;
  return (p) => {
    if (bar && p.totalPairs !== total && bar.setTotal) {
      bar.setTotal(p.totalPairs);
      total = p.totalPairs;
    }
    if (!bar || p.totalPairs !== total) {
      if (bar && done < total) bar.done();
      bar = reporter.progress(p.totalPairs - done, { unit: "pairs" });
      total = p.totalPairs;
    }
    bar.tick(p.pairs - done);
    done = p.pairs;
    if (done === total) bar.done();
  };
}
