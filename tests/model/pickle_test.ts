import assert from "node:assert/strict";
import { PICKLE_STATE, PickleGlobal, PickleObject, unpickle } from "../../lib/model/_pickle.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

/** A pickle program from opcode bytes and ASCII text (GLOBAL lines, string payloads). */
const program = (...parts: (number[] | string)[]) =>
  Uint8Array.from(
    parts.flatMap((p) => typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p),
  );

/**
 * A JSON form that both sides can produce: tags keep tuples, dicts, bytes and big ints apart
 * (Python's `1.0` and `1` both become the number 1 in JavaScript).
 */
function tagged(value: unknown): unknown {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return { num: value };
  if (typeof value === "bigint") return { int: String(value) };
  if (value instanceof Uint8Array) return { bytes: [...value] };
  if (Array.isArray(value)) {
    return Object.isFrozen(value) ? { tuple: value.map(tagged) } : value.map(tagged);
  }
  if (value instanceof Map) return { dict: [...value].map(([k, v]) => [tagged(k), tagged(v)]) };
  if (value instanceof Set) {
    return { set: [...value].map(tagged).map((v) => JSON.stringify(v)).sort() };
  }
  throw new TypeError(`unexpected value ${String(value)}`);
}

const PYTHON_CASES = String.raw`
import json, pickle, sys
shared = [7, "s"]
obj = {
    "none": None, "t": True, "f": False,
    "ints": [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31 - 1, 2**31, 2**53, 2**64 + 5, -(2**70)],
    "floats": [0.0, -1.5, 1e300, 3.141592653589793, 2.5e-310],
    "str": "h\u00e9llo \u2713 \n line \\ end", "empty": "",
    "bytes": b"\x00\x01\xff", "bytearray": bytearray(b"ab"),
    "tuples": [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4, 5)],
    "nested": [{"a": [1, (2, "x")]}, {3: None}],
    "shared": [shared, shared],
    "set": {1, 2, 3}, "frozenset": frozenset({"a"}),
    "big_dict": {i: i * i for i in range(1500)},
    "big_list": list(range(2500)),
}
def tag(v):
    if v is None or isinstance(v, (bool, str)): return v
    if isinstance(v, int): return {"num": v} if abs(v) < 2**53 else {"int": str(v)}
    if isinstance(v, float): return {"num": v}
    if isinstance(v, (bytes, bytearray)): return {"bytes": list(v)}
    if isinstance(v, tuple): return {"tuple": [tag(x) for x in v]}
    if isinstance(v, list): return [tag(x) for x in v]
    if isinstance(v, dict): return {"dict": [[tag(k), tag(x)] for k, x in v.items()]}
    if isinstance(v, (set, frozenset)): return {"set": sorted(json.dumps(tag(x), separators=(",", ":")) for x in v)}
    raise TypeError(v)
print(json.dumps({"expected": tag(obj), "pickles": [pickle.dumps(obj, protocol=p).hex() for p in range(6)]}))
`;

/** Python builtins that protocols < 4 reach through REDUCE. */
function builtins(module: string, name: string): unknown {
  const key = `${module === "__builtin__" ? "builtins" : module}.${name}`;
  if (key === "_codecs.encode") {
    return (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  }
  if (key === "builtins.bytearray") {
    return (data?: Uint8Array | string) =>
      typeof data === "string"
        ? Uint8Array.from(data, (c) => c.charCodeAt(0))
        : new Uint8Array(data ?? []);
  }
  if (key === "builtins.set" || key === "builtins.frozenset") {
    return (items?: unknown[]) => new Set(items ?? []);
  }
  if (key === "builtins.bytes") return (items?: number[]) => new Uint8Array(items ?? []);
  return undefined;
}

Deno.test({
  name: "unpickle(bytes) matches CPython for protocols 0 to 5",
  ignore: skipUnlessPython(),
  fn: async () => {
    const { expected, pickles } = JSON.parse(await runPython(["-c", PYTHON_CASES]));
    assert.equal(pickles.length, 6);
    for (const [protocol, hex] of (pickles as string[]).entries()) {
      const bytes = Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16));
      const value = unpickle(bytes, { findClass: builtins, source: `protocol ${protocol}` });
      assert.deepEqual(tagged(value), expected, `protocol ${protocol}`);
      const shared = (value as Map<string, unknown[]>).get("shared")!;
      assert.equal(shared[0], shared[1], `protocol ${protocol}: the memo must keep identity`);
    }
  },
});

Deno.test("unpickle(bytes) turns unknown globals into inert objects with their BUILD state", () => {
  // GLOBAL pkg.mod Thing, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, 'k', 1, SETITEM, BUILD, STOP
  const bytes = program(
    [0x80, 2, 0x63],
    "pkg.mod\nThing\n",
    [0x29, 0x81, 0x7d, 0x58, 1, 0, 0, 0],
    "k",
    [0x4b, 1, 0x73, 0x62, 0x2e],
  );
  const value = unpickle(bytes);
  assert.ok(value instanceof PickleObject);
  assert.ok(value.callable instanceof PickleGlobal);
  assert.equal(value.callable.toString(), "pkg.mod.Thing");
  assert.deepEqual(value.args, []);
  assert.deepEqual(value.state, new Map([["k", 1]]));
});

Deno.test("unpickle(bytes) calls findClass functions and keeps BUILD state of other objects", () => {
  // GLOBAL collections OrderedDict, EMPTY_TUPLE, REDUCE, EMPTY_DICT, BUILD, STOP
  const bytes = program([0x80, 2, 0x63], "collections\nOrderedDict\n", [
    0x29,
    0x52,
    0x7d,
    0x62,
    0x2e,
  ]);
  const value = unpickle(bytes, {
    findClass: (m, n) => m === "collections" && n === "OrderedDict" ? () => new Map() : undefined,
  }) as Map<unknown, unknown> & { [PICKLE_STATE]?: unknown };
  assert.ok(value instanceof Map);
  assert.deepEqual(value[PICKLE_STATE], new Map());
});

Deno.test("unpickle(bytes) passes persistent ids to persistentLoad and fails without it", () => {
  // ('storage', 5) TUPLE2, BINPERSID, STOP
  const bytes = program([0x80, 2, 0x58, 7, 0, 0, 0], "storage", [0x4b, 5, 0x86, 0x51, 0x2e]);
  const seen: unknown[] = [];
  const value = unpickle(bytes, { persistentLoad: (pid) => (seen.push(pid), "loaded") });
  assert.equal(value, "loaded");
  assert.deepEqual(seen, [["storage", 5]]);
  assert.throws(() => unpickle(bytes), SyntaxError);
});

Deno.test("unpickle(bytes) names an unknown opcode's byte and offset", () => {
  assert.throws(
    () => unpickle(new Uint8Array([0x80, 2, 0x4b, 1, 0xfe, 0x2e]), { source: "x.pkl" }),
    (e: Error) =>
      e instanceof SyntaxError && e.message.includes("x.pkl") && e.message.includes("0xfe") &&
      e.message.includes("byte offset 4"),
  );
});

Deno.test("unpickle(bytes) on a truncated stream throws a SyntaxError", () => {
  // BINUNICODE of 10 bytes with only 1 present
  assert.throws(
    () => unpickle(new Uint8Array([0x80, 2, 0x58, 10, 0, 0, 0, 0x61])),
    (e: Error) => e instanceof SyntaxError && /ends/.test(e.message),
  );
  assert.throws(() => unpickle(new Uint8Array([0x80, 2, 0x4b, 1])), /before STOP/);
  assert.throws(() => unpickle(new Uint8Array([0x80, 9])), /protocol 9/);
});
