/**
 * Shows the progress of a long similarity search (pairs scored, rate, ETA) with the kit's
 * progress bar on stderr.
 *
 * @module
 */
import { Progress } from "./_progress.ts";
import type { SearchProgress } from "../similarity/_search.ts";

/**
 * A progress callback for `bestMatches`/`topKPairs`.
 *
 * @returns The callback; the bar starts at the first report and ends at the last. When the total
 * changes (`topKPairs` knows it exactly only once its second pass starts), the bar ends and a new
 * one counts the remaining pairs.
 */
export function searchProgressPrinter(): (p: SearchProgress) => void {
  let bar: Progress | undefined;
  let total = 0;
  let done = 0;
  return (p) => {
    if (!bar || p.totalPairs !== total) {
      if (bar && done < total) bar.done();
      bar = new Progress(p.totalPairs - done, { unit: "pairs" });
      total = p.totalPairs;
    }
    bar.tick(p.pairs - done);
    done = p.pairs;
    if (done === total) bar.done();
  };
}
