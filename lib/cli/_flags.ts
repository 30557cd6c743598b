/**
 * Command-line flags for the kit's scripts: `node:util` `parseArgs` in strict mode (jsr's
 * `@std/cli` cannot be fetched here), plus the original package's snake_case spellings as aliases
 * and errors that say what was expected.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { consoleReporter, type Reporter } from "./_reporter.ts";

/** One flag of a script. */
export interface FlagSpec {
  /** `string` flags take a value, `boolean` flags do not. */
  type: "string" | "boolean";
  /** Text for `--help`. */
  description: string;
  /** Value when the flag is absent. */
  default?: string | boolean;
  /** Other accepted spellings without the dashes, e.g. `n_comparisons`. */
  aliases?: readonly string[];
  /** Single-letter short form. */
  short?: string;
}

/** Flags of a script keyed by their kebab-case name. */
export type FlagSpecs = Record<string, FlagSpec>;

/** Parsed flags and positionals. */
export interface ParsedFlags {
  /** Values by canonical (kebab-case) name, defaults applied; `undefined`: absent, no default. */
  values: Record<string, string | boolean | undefined>;
  /** Arguments that are not flags, in command-line order. */
  positionals: string[];
}

/** A usage error: the script prints its message and the usage text, then exits with code 2. */
export class UsageError extends Error {
  /** `"UsageError"`, shown in place of `Error` in stack traces and `String(error)`. */
  override name = "UsageError";
}

/**
 * Parses `args` against `specs`: unknown flags and missing values are {@linkcode UsageError}s.
 * Aliases (`--n_comparisons`) are rewritten to their canonical name first.
 *
 * @param args The raw arguments (`Deno.args`).
 * @param specs The accepted flags.
 * @returns The values (defaults applied) and the positionals.
 * @throws {UsageError} On an unknown flag or a flag without its value.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./_flags.ts";
 * const { values } = parseFlags(["--n_comparisons", "5"], {
 *   "n-comparisons": { type: "string", description: "pairs", aliases: ["n_comparisons"] },
 * });
 * if (values["n-comparisons"] !== "5") throw new Error("unexpected");
 * ```
 */
export function parseFlags(args: string[], specs: FlagSpecs): ParsedFlags {
  const alias = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    for (const a of spec.aliases ?? []) alias.set(a, name);
  }
  const rewritten = args.map((arg) => {
    const m = /^--([^=]+)(=.*)?$/.exec(arg);
    if (!m || m[1] === undefined) return arg;
    const canonical = alias.get(m[1]);
    return canonical ? `--${canonical}${m[2] ?? ""}` : arg;
  });
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; default?: string | boolean }
  > = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.type };
    if (spec.short) options[name].short = spec.short;
    if (spec.default !== undefined) options[name].default = spec.default;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rewritten,
      options,
      strict: true,
      allowPositionals: true,
    });
    return { values: values as ParsedFlags["values"], positionals };
  } catch (error) {
    const known = Object.keys(specs).map((k) => `--${k}`).join(", ");
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${message.split("\n")[0]}. Known flags: ${known}`);
  }
}

/**
 * Formats the usage text of a script.
 *
 * @param synopsis First line, e.g. `deno task embed [flags]`.
 * @param specs The flags.
 * @returns Multi-line text.
 *
 * @example
 * ```ts
 * import { usage } from "./_flags.ts";
 * const text = usage("deno task x", { out: { type: "string", description: "where" } });
 * if (!text.includes("--out")) throw new Error("unexpected");
 * ```
 */
export function usage(synopsis: string, specs: FlagSpecs): string {
  const lines = [`Usage: ${synopsis}`, "", "Flags:"];
  for (const [name, spec] of Object.entries(specs)) {
    const value = spec.type === "string" ? ` <value>` : "";
    const def = spec.default !== undefined && spec.default !== false
      ? ` (default: ${spec.default})`
      : "";
    const also = spec.aliases?.length ? ` (also --${spec.aliases.join(", --")})` : "";
    lines.push(`  --${name}${value}`.padEnd(30) + `${spec.description}${def}${also}`);
  }
  return lines.join("\n");
}

/**
 * Reads a flag as an integer within bounds.
 *
 * @param values Parsed values.
 * @param name Flag name.
 * @param options Bounds: `min` (default 0) and `max` (default `Number.MAX_SAFE_INTEGER`).
 * @returns The integer.
 * @throws {UsageError} When the value is not an integer in range.
 *
 * @example
 * ```ts
 * import { intFlag } from "./_flags.ts";
 * if (intFlag({ n: "3" }, "n") !== 3) throw new Error("unexpected");
 * ```
 */
export function intFlag(
  values: ParsedFlags["values"],
  name: string,
  options: { min?: number; max?: number } = {},
): number {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = options;
  const raw = values[name];
  const n = Number(raw);
  if (typeof raw !== "string" || !/^-?\d+$/.test(raw.trim()) || n < min || n > max) {
    throw new UsageError(
      `--${name} must be an integer from ${min} to ${max}: current value is ${raw}`,
    );
  }
  return n;
}

/**
 * Reads a flag that takes one of a few words.
 *
 * @param values Parsed flag values.
 * @param name Flag name (without `--`).
 * @param choices The words it may take.
 * @returns The value, typed as one of `choices`.
 * @throws {UsageError} When the value is not one of them, listing them.
 *
 * @example
 * ```ts
 * import { choiceFlag } from "./_flags.ts";
 * if (choiceFlag({ order: "listdir" }, "order", ["sorted", "listdir"]) !== "listdir") {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function choiceFlag<const T extends string>(
  values: ParsedFlags["values"],
  name: string,
  choices: readonly T[],
): T {
  const raw = values[name];
  const found = choices.find((choice) => choice === raw);
  if (found === undefined) {
    const list = choices.length > 1
      ? `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}`
      : String(choices[0]);
    throw new UsageError(`--${name} must be ${list}: current value is ${raw}`);
  }
  return found;
}

/**
 * Runs a script's `main`, turning a {@linkcode UsageError} into exit code 2 with the usage text,
 * and any other error into its message (stack with `DEBUG=1`) and exit code 1.
 *
 * @param main The script body.
 * @param usageText Printed after a usage error.
 * @param reporter Where the error goes. @default consoleReporter()
 */
export async function runMain(
  main: () => Promise<void>,
  usageText: string,
  reporter: Reporter = consoleReporter(),
): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof UsageError) {
      reporter.error(`${error.message}\n\n${usageText}`);
      Deno.exit(2);
    }
    const debug = Deno.env.get("DEBUG");
    reporter.error(`${error instanceof Error ? (debug ? error.stack : error.message) : error}`);
    Deno.exit(1);
  }
}
