import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { formatDuration, Progress } from "../../lib/cli/_progress.ts";

function capture(tty: boolean) {
  const lines: string[] = [];
  let clock = 0;
  const writer = {
    writeSync: (p: Uint8Array) => {
      lines.push(new TextDecoder().decode(p));
      return p.length;
    },
    isTerminal: () => tty,
  };
  return { lines, writer, now: () => clock, advance: (ms: number) => (clock += ms) };
}

Deno.test("Progress(total) off a terminal prints a line per interval and one final line", () => {
  const c = capture(false);
  const p = new Progress(100, { unit: "img", interval: 10, writer: c.writer, now: c.now });
  c.advance(1000);
  p.tick(10); // first line
  c.advance(1000);
  p.tick(10); // within the interval: silent
  c.advance(10_000);
  p.tick(30);
  c.advance(1000);
  p.tick(50); // the end always prints
  p.done(); // nothing new to say
  assertEquals(c.lines.length, 3);
  assertEquals(c.lines[1], "[############............] 50/100 img 50.0% 4.2 img/s ETA 12s\n");
  assertEquals(c.lines[2]?.startsWith("[########################] 100/100 img 100.0%"), true);
});

Deno.test("Progress(total) on a terminal redraws one line and ends it with a newline", () => {
  const c = capture(true);
  const p = new Progress(2, { writer: c.writer, now: c.now });
  c.advance(500);
  p.tick();
  p.log("skipped a.png: empty");
  c.advance(500);
  p.tick();
  p.done();
  assertEquals(c.lines[0]?.startsWith("\r[############............] 1/2 items"), true);
  assertEquals(c.lines[1], "\r\x1b[Kskipped a.png: empty\n");
  assertEquals(c.lines.at(-1)!.endsWith("\x1b[K\n"), true);
});

Deno.test("formatDuration(seconds) picks seconds, minutes or hours", () => {
  assertEquals([5, 65, 3725, NaN].map(formatDuration), ["5s", "1m05s", "1h02m", "?"]);
});

Deno.test("Progress(total) shows large counts and rates with SI prefixes and the unit", () => {
  const c = capture(false);
  const p = new Progress(4_943_140_000, { unit: "pairs", writer: c.writer, now: c.now });
  c.advance(2000);
  p.tick(1_519_000_000);
  assertEquals(
    c.lines[0],
    "[#######.................] 1.5 G/4.9 G pairs 30.7% 759.5 M pairs/s ETA 5s\n",
  );
});
