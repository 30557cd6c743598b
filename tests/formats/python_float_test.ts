import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { pythonFloatRepr, roundFloat32 } from "../../lib/formats/_python_float.ts";
import { runPython, skipUnlessPython } from "../_python.ts";

Deno.test("roundFloat32(x, 5) rounds half to even in float32 like np.round", () => {
  assertEquals(roundFloat32(0.015625, 5), Math.fround(0.01562));
  assertEquals(roundFloat32(-0.015625, 5), Math.fround(-0.01562));
  assertEquals(roundFloat32(0.046875, 5), Math.fround(0.04688)); // 4687.5 -> 4688 (even)
  assertEquals(Object.is(roundFloat32(-3.3e-6, 5), -0), true);
});

Deno.test("pythonFloatRepr(x) switches to exponent form below 1e-4 like Python", () => {
  assertEquals(pythonFloatRepr(Math.fround(1e-5)), "9.999999747378752e-06");
  assertEquals(pythonFloatRepr(0.5), "0.5");
  assertEquals(pythonFloatRepr(-2), "-2.0");
});

Deno.test({
  name: "pythonFloatRepr(x) equals repr(float) on awkward magnitudes",
  ignore: skipUnlessPython(),
  fn: async () => {
    const values = [1e-4, 9.99e-5, 1.5e-7, 1e16, 9.999e15, 123456789.123, 0.1, -0.3, 5e-324, 1e300];
    const got = values.map(pythonFloatRepr).join(" ");
    const want = (await runPython([
      "-c",
      `print(" ".join(repr(float(x)) for x in "${values.join(" ")}".split()))`,
    ]))
      .trim();
    assertEquals(got, want);
  },
});

Deno.test("pythonFloatRepr(x) reads back to the same float64 with Number", () => {
  let seed = 99;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const values = Array.from(
    { length: 500 },
    () => (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20),
  );
  values.push(0, -0, 5e-324, Number.MAX_VALUE, 1e16, 1e-4, Math.fround(0.1));
  for (const v of values) assertEquals(Object.is(Number(pythonFloatRepr(v)), v), true);
});
