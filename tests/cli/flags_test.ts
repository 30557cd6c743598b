import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import {
  choiceFlag,
  explainError,
  intFlag,
  KIT_VERSION,
  parseFlags,
  suggestFlag,
  usage,
  UsageError,
} from "../../lib/cli/_flags.ts";

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

Deno.test("parseFlags(args, specs) rejects unknown flags, suggests the near one and lists the known ones", () => {
  throws(() => parseFlags(["--n-comparison", "5"], SPECS), {
    name: "UsageError",
    message:
      "unknown flag --n-comparison: did you mean --n-comparisons? Known flags: --n-comparisons, --casia-file, --verbose",
  });
  throws(() => parseFlags(["--model", "m.pth"], SPECS), {
    message: "unknown flag --model. Known flags: --n-comparisons, --casia-file, --verbose",
  });
  throws(() => parseFlags(["-x"], SPECS), { message: /^unknown flag -x\. Known flags/ });
});

Deno.test("suggestFlag(unknown, specs) finds transpositions, snake_case and aliases, not strangers", () => {
  assertEquals(suggestFlag("n-comparsions", SPECS), "n-comparisons");
  assertEquals(suggestFlag("N_COMPARISONS", SPECS), "n-comparisons");
  assertEquals(suggestFlag("casiafile", SPECS), "casia-file");
  assertEquals(suggestFlag("verbos", SPECS), "verbose");
  assertEquals(suggestFlag("seed", SPECS), undefined);
});

Deno.test("parseFlags(args, specs) takes a negative number as a string flag's value", () => {
  assertEquals(parseFlags(["--n-comparisons", "-5"], SPECS).values["n-comparisons"], "-5");
  assertEquals(parseFlags(["--n-comparisons", "-.5"], SPECS).values["n-comparisons"], "-.5");
  assertEquals(parseFlags(["--n-comparisons=-5"], SPECS).values["n-comparisons"], "-5");
});

Deno.test("parseFlags(args, specs) says which flag lacks its value", () => {
  throws(() => parseFlags(["--casia-file"], SPECS), { message: "--casia-file needs a value" });
  throws(() => parseFlags(["--casia-file", "--verbose"], SPECS), {
    message: "--casia-file needs a value before --verbose",
  });
});

Deno.test("parseFlags(args, specs) accepts --version in every script", () => {
  assertEquals(parseFlags(["--version"], SPECS).values.version, true);
  assertEquals(/^\d+\.\d+\.\d+/.test(KIT_VERSION), true);
  const config = JSON.parse(Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)));
  assertEquals(KIT_VERSION, config.version);
});

Deno.test("intFlag(values, name) names the bound that is broken, never the largest safe integer", () => {
  throws(() => intFlag({ n: "1.5" }, "n"), {
    message: "--n must be an integer (at least 0): current value is 1.5",
  });
  throws(() => intFlag({ "n-comparisons": "-5" }, "n-comparisons", { min: 1 }), {
    name: "UsageError",
    message: "--n-comparisons must be at least 1: current value is -5",
  });
  throws(() => intFlag({ batch: "5000" }, "batch", { min: 1, max: 4096 }), {
    message: "--batch must be from 1 to 4096: current value is 5000",
  });
  throws(() => intFlag({ n: "99999999999999999999" }, "n"), {
    message: "--n must be an integer (at least 0): current value is 99999999999999999999",
  });
  assertEquals(intFlag({ n: "12" }, "n"), 12);
  assertEquals(intFlag({ n: "-3" }, "n", { min: -10 }), -3);
});

Deno.test("choiceFlag(values, name, choices) returns a listed word and names the choices otherwise", () => {
  assertEquals(choiceFlag({ backend: "cpu" }, "backend", ["auto", "cpu"]), "cpu");
  throws(() => choiceFlag({ backend: "gpu" }, "backend", ["auto", "cpu", "wasm"]), {
    name: "UsageError",
    message: "--backend must be auto, cpu or wasm: current value is gpu",
  });
});

Deno.test("usage(synopsis, specs, { writes }) lists the flags, --version and the files written", () => {
  const text = usage("deno task x", SPECS, { writes: ["OUT/<name>.txt"] });
  assertEquals(text.includes("--version"), true);
  assertEquals(text.endsWith("Writes:\n  OUT/<name>.txt"), true);
  assertEquals(usage("deno task x", SPECS).includes("Writes:"), false);
});

Deno.test("explainError(error, parsed) names the flag and the path of an operating-system error", async () => {
  const dir = await Deno.makeTempDir();
  const parsed = parseFlags(["in.jsonl", "--casia-file", `${dir}/CASIA.zip`], SPECS);
  const caught = async (f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (error) {
      return error;
    }
    throw new Error("expected an error");
  };
  assertEquals(
    explainError(await caught(() => Deno.open(`${dir}/CASIA.zip`)), parsed),
    `--casia-file: cannot open ${dir}/CASIA.zip: No such file or directory (os error 2)`,
  );
  assertEquals(
    explainError(await caught(() => Deno.readFile("in.jsonl/x")), parsed),
    "argument 1: cannot read in.jsonl/x: No such file or directory (os error 2)",
  );
  await Deno.mkdir(`${dir}/CASIA.zip`);
  assertEquals(
    explainError(await caught(() => Deno.writeTextFile(`${dir}/CASIA.zip`, "x")), parsed),
    `--casia-file: cannot write ${dir}/CASIA.zip: Is a directory (os error 21)`,
  );
  const own = new Deno.errors.NotFound(`Cannot read embeddings: ${dir}/CASIA.zip does not exist`);
  assertEquals(explainError(own, parsed), `--casia-file: ${own.message}`);
  assertEquals(explainError(new RangeError("bad"), parsed), "bad");
  assertEquals(
    explainError(new Deno.errors.NotFound("No such file or directory (os error 2): open 'x'")),
    "cannot open x: No such file or directory (os error 2)",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("UsageError is an Error named UsageError", () => {
  assertEquals(new UsageError("x") instanceof Error, true);
  assertEquals(new UsageError("x").name, "UsageError");
});

Deno.test("explainError(error, parsed) does not take a bare word of a message for a flag's path", () => {
  const parsed = parseFlags(["--casia-file", "cpu"], SPECS);
  const error = new Deno.errors.NotFound("Cannot use the cpu backend: its library is missing");
  assertEquals(explainError(error, parsed), error.message);
});
