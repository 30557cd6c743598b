import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { choiceFlag, intFlag, parseFlags, UsageError } from "../../lib/cli/_flags.ts";

const SPECS = {
  "n-comparisons": {
    type: "string",
    description: "n",
    default: "10000",
    aliases: ["n_comparisons"],
  },
  "casia-file": { type: "string", description: "c", aliases: ["casia_file"] },
  verbose: { type: "boolean", description: "v" },
} as const;

Deno.test("parseFlags(args, specs) accepts the original snake_case spellings", () => {
  const { values, positionals } = parseFlags([
    "in.jsonl",
    "--n_comparisons=5",
    "--casia_file",
    "x.zip",
  ], SPECS);
  assertEquals(values["n-comparisons"], "5");
  assertEquals(values["casia-file"], "x.zip");
  assertEquals(positionals, ["in.jsonl"]);
});

Deno.test("parseFlags(args, specs) rejects unknown flags and lists the known ones", () => {
  throws(() => parseFlags(["--n-comparison", "5"], SPECS), (e: unknown) => {
    assertEquals(e instanceof UsageError, true);
    assertEquals(/--n-comparisons, --casia-file, --verbose/.test((e as Error).message), true);
    return true;
  });
});

Deno.test("intFlag(values, name) rejects non-integers and out-of-range values", () => {
  throws(() => intFlag({ n: "1.5" }, "n"), /--n must be an integer from 0/);
  throws(() => intFlag({ n: "0" }, "n", { min: 1 }), /current value is 0/);
  assertEquals(intFlag({ n: "12" }, "n"), 12);
});

Deno.test("choiceFlag(values, name, choices) returns a listed word and names the choices otherwise", () => {
  assertEquals(choiceFlag({ backend: "cpu" }, "backend", ["auto", "cpu"]), "cpu");
  throws(() => choiceFlag({ backend: "gpu" }, "backend", ["auto", "cpu", "wasm"]), {
    name: "UsageError",
    message: "--backend must be auto, cpu or wasm: current value is gpu",
  });
});
