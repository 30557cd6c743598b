/**
 * Shows the progress of a long similarity search (pairs scored, rate, ETA) with the kit's
 * progress bar on stderr.
 *
 * @module
 */
import { Progress } from "../lib/cli/progress.ts";
import type { SearchProgress } from "../lib/similarity/search.ts";

/**
 * A progress callback for `bestMatches`/`topKPairs`.
 *
 * @returns The callback; the bar starts at the first report and ends at the last.
 */
export function searchProgressPrinter(): (p: SearchProgress) => void {
  let bar: Progress | undefined;
  let done = 0;
  return (p) => {
    bar ??= new Progress(p.totalPairs, { unit: "pairs" });
    bar.tick(p.pairs - done);
    done = p.pairs;
    if (done === p.totalPairs) bar.done();
  };
}
