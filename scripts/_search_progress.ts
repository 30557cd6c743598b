/**
 * Prints the progress of a long similarity search (pairs scored, rate, ETA) to stderr, at most
 * every `interval` seconds.
 *
 * @module
 */
import { formatDuration } from "../lib/cli/progress.ts";
import type { SearchProgress } from "../lib/similarity/search.ts";

/**
 * A progress callback for `bestMatches`/`topKPairs`.
 *
 * @param interval Seconds between lines.
 * @returns The callback.
 */
export function searchProgressPrinter(interval = 5): (p: SearchProgress) => void {
  let last = 0;
  return (p) => {
    const done = p.pairs === p.totalPairs;
    if (!done && p.elapsedMs - last < interval * 1000) return;
    last = p.elapsedMs;
    const pct = (100 * p.pairs / p.totalPairs).toFixed(1);
    const rate = p.pairs / (p.elapsedMs / 1000) / 1e6;
    console.error(
      `  ${pct}% of ${p.totalPairs.toLocaleString("en")} pairs, ${rate.toFixed(0)}M pairs/s, ` +
        `elapsed ${formatDuration(p.elapsedMs / 1000)}, ETA ${formatDuration(p.etaMs / 1000)}`,
    );
  };
}
