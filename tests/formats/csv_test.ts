import assert from "node:assert/strict";
import {
  columnIndex,
  formatCsv,
  numberColumn,
  parseCsv,
  stringColumn,
} from "../../lib/formats/mod.ts";

Deno.test("parseCsv(text) reads quoted fields with commas, doubled quotes and CRLF line ends", () => {
  const t = parseCsv('id,name\r\n1,"a,b"\r\n2,"say ""hi"""\r\n\r\n', { source: "x.csv" });
  assert.deepEqual(t.header, ["id", "name"]);
  assert.deepEqual(t.rows, [["1", "a,b"], ["2", 'say "hi"']]);
  assert.deepEqual(Array.from(t.lines), [2, 3]);
});

Deno.test("parseCsv(text) names file and line of a row with the wrong field count", () => {
  assert.throws(() => parseCsv("a,b\n1,2\n3\n", { source: "t.csv" }), (e: Error) => {
    assert.ok(e instanceof SyntaxError);
    assert.match(e.message, /t\.csv as CSV: line 3 has 1 fields, the header has 2/);
    return true;
  });
});

Deno.test("parseCsv(text) rejects an unterminated quote and text after a closing quote", () => {
  assert.throws(
    () => parseCsv('a\n"open\n', { source: "q.csv" }),
    /q\.csv as CSV: line 2 opens a quoted/,
  );
  assert.throws(
    () => parseCsv('a\n"x"y\n', { source: "q.csv" }),
    /line 2 has text after a closing/,
  );
  assert.throws(() => parseCsv('a\nx"y\n', { source: "q.csv" }), /line 2 has a quote inside/);
  assert.throws(() => parseCsv("\n\n", { source: "e.csv" }), /e\.csv as CSV: the file is empty/);
});

Deno.test("numberColumn(table, name) names line and value of a non-numeric or non-integer field", () => {
  const t = parseCsv("i,x\n1,0.5\n2,abc\n", { source: "n.csv" });
  assert.throws(
    () => numberColumn(t, "x"),
    /n\.csv line 3 column "x" as a finite number: current value is "abc"/,
  );
  const u = parseCsv("i\n1\n-2\n", { source: "n.csv" });
  assert.throws(
    () => numberColumn(u, "i", { integer: true }),
    /line 3 column "i" as a non-negative integer/,
  );
  assert.throws(() => columnIndex(u, "nope"), /Cannot read column "nope" of n\.csv/);
  assert.deepEqual(stringColumn(u, "i"), ["1", "-2"]);
});

Deno.test("formatCsv(header, rows) round-trips strings and float64 values exactly through parseCsv", () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const values = Array.from(
    { length: 200 },
    () => (next() - 0.5) * 10 ** Math.floor(next() * 12 - 6),
  );
  const names = values.map((
    _,
    i,
  ) => (i % 3 === 0 ? `a,"${i}"` : i % 3 === 1 ? `line\n${i}` : `p${i}`));
  const text = formatCsv(["name", "value"], values.map((v, i) => [names[i]!, v]));
  const t = parseCsv(text);
  assert.deepEqual(stringColumn(t, "name"), names);
  assert.deepEqual(Array.from(numberColumn(t, "value")), values);
});

Deno.test("parseCsv(text) gives each row the line it starts on across blank lines, CR ends and quoted breaks", () => {
  const t = parseCsv('\n\na,b\n1,"x\ny"\n\n2,3\r3,4\r\n5,6', { source: "l.csv" });
  assert.deepEqual(t.header, ["a", "b"]);
  assert.deepEqual(t.rows, [["1", "x\ny"], ["2", "3"], ["3", "4"], ["5", "6"]]);
  assert.deepEqual(Array.from(t.lines), [4, 7, 8, 9]);
  assert.throws(
    () => parseCsv('a\n1\n\n"x\nx\n', { source: "q.csv" }),
    /q\.csv as CSV: line 4 opens a quoted field that never closes/,
  );
  assert.throws(() => parseCsv('a\n"x\nx"y\n', { source: "q.csv" }), /line 3 has text after/);
});

Deno.test("numberColumn(table, name, { emptyAsNaN }) reads an empty field as NaN", () => {
  const t = parseCsv('x\n0.5\n""\n', { source: "e.csv" });
  assert.throws(() => numberColumn(t, "x"), /e\.csv line 3 column "x" as a finite number/);
  const v = numberColumn(t, "x", { emptyAsNaN: true });
  assert.equal(v[0], 0.5);
  assert.ok(Number.isNaN(v[1]!));
});
