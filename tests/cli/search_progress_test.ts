import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { consoleReporter } from "../../lib/cli/_reporter.ts";
import { searchProgressPrinter } from "../../lib/cli/_search_progress.ts";

Deno.test("searchProgressPrinter(reporter) ends one bar at 100% of the pairs really scored when the total changes", () => {
  const lines: string[] = [];
  let clock = 0;
  const reporter = consoleReporter({
    progress: {
      interval: 0,
      now: () => (clock += 1000),
      writer: {
        writeSync: (p: Uint8Array) => (lines.push(new TextDecoder().decode(p)), p.length),
        isTerminal: () => false,
      },
    },
  });
  const onProgress = searchProgressPrinter(reporter);
  // topKPairs: a first estimate, then the exact count of both passes.
  onProgress({ pairs: 30000, totalPairs: 30750 });
  onProgress({ pairs: 45000, totalPairs: 57300 });
  onProgress({ pairs: 57300, totalPairs: 57300 });
  assertEquals(lines.length, 3);
  assertEquals(lines[0]!.includes(" 30000/30750 pairs 97.6% "), true, lines[0]!);
  assertEquals(lines[2]!.includes(" 57300/57300 pairs 100.0% "), true, lines[2]!);
});
