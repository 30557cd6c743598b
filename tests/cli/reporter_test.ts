import assert from "node:assert/strict";
import { consoleReporter, memoryReporter } from "../../lib/cli/_reporter.ts";

Deno.test("consoleReporter(options).warn(text) prints each distinct warning once and counts repeats", () => {
  const info: string[] = [], warn: string[] = [], error: string[] = [];
  const r = consoleReporter({
    info: (l) => info.push(l),
    warn: (l) => warn.push(l),
    error: (l) => error.push(l),
  });
  r.warn("a.png: empty file");
  r.warn("b.png: empty file");
  r.warn("a.png: empty file");
  r.info("embedded 3 images");
  r.error("no model");
  assert.deepEqual(warn, ["warning: a.png: empty file", "warning: b.png: empty file"]);
  assert.deepEqual(info, ["embedded 3 images"]);
  assert.deepEqual(error, ["error: no model"]);
  assert.deepEqual([...r.warnings()], [["a.png: empty file", 2], ["b.png: empty file", 1]]);
});

Deno.test("consoleReporter(options).progress(total) draws a bar on the given writer", () => {
  const out: string[] = [];
  const writer = {
    writeSync: (p: Uint8Array) => (out.push(new TextDecoder().decode(p)), p.length),
    isTerminal: () => false,
  };
  let t = 0;
  const r = consoleReporter({ progress: { writer, now: () => (t += 1000) } });
  const bar = r.progress(2, { unit: "images" });
  bar.tick();
  bar.tick();
  bar.done();
  assert.ok(out.at(-1)?.includes("2/2 images 100.0%"), out.join(""));
});

Deno.test("memoryReporter() keeps lines, warnings, errors and ticks without printing", () => {
  const r = memoryReporter();
  r.info("x");
  r.warn("w");
  r.warn("w");
  r.error("e");
  const bar = r.progress(10);
  bar.tick(4);
  bar.tick();
  bar.done();
  assert.deepEqual(r.infos, ["x"]);
  assert.deepEqual(r.errors, ["e"]);
  assert.equal(r.warnings().get("w"), 2);
  assert.equal(r.ticked, 5);
});

Deno.test("consoleReporter(options).info(text) clears a terminal bar first and redraws it after", () => {
  const out: string[] = [];
  const writer = {
    writeSync: (p: Uint8Array) => (out.push(new TextDecoder().decode(p)), p.length),
    isTerminal: () => true,
  };
  const r = consoleReporter({ info: (l) => out.push(`<${l}>`), progress: { writer } });
  const bar = r.progress(4, { unit: "images" });
  bar.tick();
  out.length = 0;
  r.info("skipped a.png");
  assert.equal(out[0], "\r\x1b[K");
  assert.equal(out[1], "<skipped a.png>");
  assert.ok(out[2]?.includes("1/4 images"), out.join("|"));
  bar.done();
  out.length = 0;
  r.info("done");
  assert.deepEqual(out, ["<done>"]);
});
