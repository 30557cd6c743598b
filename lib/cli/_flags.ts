/**
 * Command-line flags for the kit's scripts: `node:util` `parseArgs` in strict mode (jsr's
 * `@std/cli` cannot be fetched here), plus the original package's snake_case spellings as aliases
 * and errors that say what was expected.
 *
 * @module
 */
import { parseArgs } from "node:util";
import config from "../../deno.json" with { type: "json" };
import { consoleReporter, type Reporter } from "./_reporter.ts";

/** The kit's version, `version` of `deno.json` (what `--version` prints). */
export const KIT_VERSION: string = config.version;

/** The kit's package name, `name` of `deno.json`. */
export const KIT_NAME: string = config.name;

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

/** The last flags {@linkcode parseFlags} parsed in this process, for {@linkcode explainError}. */
let lastParsed: ParsedFlags | undefined;

/**
 * Edit distance (Levenshtein: insertions, deletions, substitutions) between two words.
 *
 * @param a One word.
 * @param b The other.
 * @returns The fewest single-character edits that turn `a` into `b`.
 *
 * @example
 * ```ts
 * import { editDistance } from "./_flags.ts";
 * if (editDistance("n-comparison", "n-comparisons") !== 1) throw new Error("unexpected");
 * ```
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known flag closest to an unknown one, when it is close enough to be a typo: at most 2
 * edits (a third of the name for longer names), or the same words in another order or spelling
 * (`_` for `-`).
 *
 * @param unknown The flag as typed, without dashes.
 * @param specs The accepted flags.
 * @returns The canonical name to suggest, or `undefined`.
 *
 * @example
 * ```ts
 * import { suggestFlag } from "./_flags.ts";
 * const specs = { "n-comparisons": { type: "string", description: "pairs" } } as const;
 * if (suggestFlag("n-comparsions", specs) !== "n-comparisons") throw new Error("unexpected");
 * if (suggestFlag("model", specs) !== undefined) throw new Error("unexpected");
 * ```
 */
export function suggestFlag(unknown: string, specs: FlagSpecs): string | undefined {
  const wanted = unknown.toLowerCase().replaceAll("_", "-");
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const [name, spec] of Object.entries(specs)) {
    for (const spelling of [name, ...(spec.aliases ?? [])]) {
      const d = editDistance(wanted, spelling.toLowerCase().replaceAll("_", "-"));
      if (d < bestDistance) {
        bestDistance = d;
        best = name;
      }
    }
  }
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return bestDistance <= limit ? best : undefined;
}

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * Parses `args` against `specs`: unknown flags (with "did you mean" for a near miss) and missing
 * values are {@linkcode UsageError}s. Aliases (`--n_comparisons`) are rewritten to their canonical
 * name first; a string flag takes a negative number as its value (`--seed -5`), so range checks
 * can say what is wrong with it. `--version` is accepted by every script (a boolean `version`).
 *
 * @param args The raw arguments (`Deno.args`).
 * @param specs The accepted flags.
 * @returns The values (defaults applied) and the positionals.
 * @throws {UsageError} On an unknown flag or a flag without its value.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./_flags.ts";
 * const { values } = parseFlags(["--n_comparisons", "-5"], {
 *   "n-comparisons": { type: "string", description: "pairs", aliases: ["n_comparisons"] },
 * });
 * if (values["n-comparisons"] !== "-5") throw new Error("unexpected");
 * ```
 */
export function parseFlags(args: string[], specs: FlagSpecs): ParsedFlags {
  const all: FlagSpecs = "version" in specs ? specs : {
    ...specs,
    version: { type: "boolean", description: "print the kit's version" },
  };
  const alias = new Map<string, string>();
  for (const [name, spec] of Object.entries(all)) {
    for (const a of spec.aliases ?? []) alias.set(a, name);
  }
  const shorts = new Set(Object.values(all).map((spec) => spec.short).filter(Boolean));
  const known = Object.keys(specs).map((k) => `--${k}`).join(", ");
  const rewritten: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      rewritten.push(...args.slice(i));
      break;
    }
    const m = /^--([^=]+)(=.*)?$/.exec(arg);
    if (!m || m[1] === undefined) {
      if (/^-[^-\d.]/.test(arg) && !shorts.has(arg.slice(1, 2))) {
        throw new UsageError(`unknown flag ${arg}. Known flags: ${known}`);
      }
      rewritten.push(arg);
      continue;
    }
    const name = alias.get(m[1]) ?? m[1];
    const spec = all[name];
    if (spec === undefined) {
      const guess = suggestFlag(m[1], specs);
      throw new UsageError(
        `unknown flag --${m[1]}${guess ? `: did you mean --${guess}?` : "."} Known flags: ${known}`,
      );
    }
    if (spec.type === "string" && m[2] === undefined) {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("-") && !NEGATIVE_NUMBER.test(next))) {
        throw new UsageError(
          `--${name} needs a value${next === undefined ? "" : ` before ${next}`}`,
        );
      }
      rewritten.push(`--${name}=${next}`);
      i++;
      continue;
    }
    rewritten.push(`--${name}${m[2] ?? ""}`);
  }
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; default?: string | boolean }
  > = {};
  for (const [name, spec] of Object.entries(all)) {
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
    lastParsed = { values: values as ParsedFlags["values"], positionals };
    return lastParsed;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${message.split("\n")[0]}. Known flags: ${known}`);
  }
}

/** Options of {@linkcode usage}. */
export interface UsageOptions {
  /** The files the task writes, one line each (paths with `<name>` placeholders). @default [] */
  writes?: readonly string[];
}

/**
 * Formats the usage text of a script: the synopsis, every flag (with `--version`), and the files
 * the task writes.
 *
 * @param synopsis First line, e.g. `deno task embed [flags]`.
 * @param specs The flags.
 * @param options The files written.
 * @returns Multi-line text.
 *
 * @example
 * ```ts
 * import { usage } from "./_flags.ts";
 * const text = usage("deno task x", { out: { type: "string", description: "where" } }, {
 *   writes: ["OUT/x.txt"],
 * });
 * if (!text.includes("--out") || !text.includes("--version") || !text.includes("  OUT/x.txt")) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function usage(synopsis: string, specs: FlagSpecs, options: UsageOptions = {}): string {
  const { writes = [] } = options;
  const lines = [`Usage: ${synopsis}`, "", "Flags:"];
  const all: FlagSpecs = "version" in specs ? specs : {
    ...specs,
    version: { type: "boolean", description: "print the kit's version" },
  };
  for (const [name, spec] of Object.entries(all)) {
    const value = spec.type === "string" ? ` <value>` : "";
    const def = spec.default !== undefined && spec.default !== false
      ? ` (default: ${spec.default})`
      : "";
    const also = spec.aliases?.length ? ` (also --${spec.aliases.join(", --")})` : "";
    lines.push(`  --${name}${value}`.padEnd(30) + `${spec.description}${def}${also}`);
  }
  if (writes.length > 0) lines.push("", "Writes:", ...writes.map((w) => `  ${w}`));
  return lines.join("\n");
}

/** Bounds of {@linkcode intFlag}. */
export interface IntFlagOptions {
  /** Smallest value allowed. @default 0 */
  min?: number;
  /** Largest value allowed. @default Number.MAX_SAFE_INTEGER */
  max?: number;
}

function boundsText(min: number, max: number): string {
  if (max >= Number.MAX_SAFE_INTEGER) return `at least ${min}`;
  if (min <= Number.MIN_SAFE_INTEGER) return `at most ${max}`;
  return `from ${min} to ${max}`;
}

/**
 * Reads a flag as an integer within bounds. The message says the bound that matters
 * (`--n-comparisons must be at least 1: current value is -5`), never the largest safe integer.
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
 * import assert from "node:assert/strict";
 * assert.equal(intFlag({ n: "3" }, "n"), 3);
 * assert.throws(() => intFlag({ n: "-5" }, "n", { min: 1 }), {
 *   message: "--n must be at least 1: current value is -5",
 * });
 * ```
 */
export function intFlag(
  values: ParsedFlags["values"],
  name: string,
  options: IntFlagOptions = {},
): number {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = options;
  const raw = values[name];
  const text = typeof raw === "string" ? raw.trim() : "";
  const n = Number(text);
  if (!/^[-+]?\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new UsageError(
      `--${name} must be an integer (${boundsText(min, max)}): current value is ${raw}`,
    );
  }
  if (n < min || n > max) {
    throw new UsageError(`--${name} must be ${boundsText(min, max)}: current value is ${raw}`);
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
 * An operating-system error with the path it happened on: Deno's errors of reads, writes and
 * syncs on an open file carry no path (`No space left on device (os error 28)`); this gives the
 * same kind of error with `: <op> '<path>'` added, as Deno words the errors of path calls, so
 * {@linkcode explainError} can name the file and its flag. Other errors come back unchanged.
 *
 * @param error What was thrown.
 * @param op The operation, e.g. `write`.
 * @param path The file.
 * @returns The error to throw.
 *
 * @example
 * ```ts
 * import { osErrorAt } from "./_flags.ts";
 * const error = osErrorAt(new Deno.errors.WriteZero("No space left on device (os error 28)"), "write", "E.jsonl");
 * if (!(error instanceof Deno.errors.WriteZero)) throw new Error("kind lost");
 * if (error.message !== "No space left on device (os error 28): write 'E.jsonl'") throw error;
 * ```
 */
export function osErrorAt(error: unknown, op: string, path: string): unknown {
  if (!(error instanceof Error) || !/\(os error \d+\)$/.test(error.message)) return error;
  const Kind = error.constructor as new (message: string, options?: ErrorOptions) => Error;
  return new Kind(`${error.message}: ${op} '${path}'`, { cause: error });
}

const OS_ERROR = /^(.*?\(os error \d+\))(?::\s*(\w+)\s+'(.*?)'(?:\s*->\s*'(.*?)')?)?$/s;

const VERBS: Record<string, string> = {
  open: "open",
  read: "read",
  write: "write",
  sync: "write",
  readfile: "read",
  writefile: "write",
  stat: "open",
  lstat: "open",
  realpath: "open",
  readdir: "list",
  mkdir: "create",
  remove: "remove",
  rename: "rename",
  copy: "copy",
  truncate: "truncate",
  chmod: "change",
};

/** Where a path came from on the command line: `--casia`, or `argument 1`. */
function originOf(path: string, parsed: ParsedFlags | undefined): string | undefined {
  if (parsed === undefined) return undefined;
  const candidates: [string, string][] = [];
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === "string" && value !== "") candidates.push([`--${name}`, value]);
  }
  parsed.positionals.forEach((value, i) => candidates.push([`argument ${i + 1}`, value]));
  const clean = (p: string) => p.replaceAll("\\", "/").replace(/\/+$/, "").replace(/^\.\//, "");
  const target = clean(path);
  let best: [string, number] | undefined;
  for (const [origin, value] of candidates) {
    const v = clean(value);
    if (v === "" || /^-?\d+(\.\d+)?$/.test(v)) continue;
    const fits = target === v || target.endsWith(`/${v}`) || target.startsWith(`${v}/`) ||
      target.includes(`/${v}/`);
    if (fits && (best === undefined || v.length > best[1])) best = [origin, v.length];
  }
  return best?.[0];
}

/**
 * The message a script prints for an error: an operating-system error (`Deno.errors.*`, whose
 * text reads `No such file or directory (os error 2): open 'CASIA.zip'`) is reworded to name
 * the flag the path came from, `--casia: cannot open CASIA.zip: No such file or directory (os
 * error 2)`; a message of the kit's own that names a flag's path gets the flag in front. Other
 * errors keep their message.
 *
 * @param error What was thrown.
 * @param parsed The script's flags. @default the flags {@linkcode parseFlags} parsed last
 * @returns The text to print.
 *
 * @example
 * ```ts
 * import { explainError } from "./_flags.ts";
 * const error = new Deno.errors.NotFound("No such file or directory (os error 2): open 'CASIA.zip'");
 * const text = explainError(error, { values: { casia: "CASIA.zip" }, positionals: [] });
 * if (text !== "--casia: cannot open CASIA.zip: No such file or directory (os error 2)") {
 *   throw new Error(text);
 * }
 * ```
 */
export function explainError(error: unknown, parsed: ParsedFlags | undefined = lastParsed): string {
  const message = error instanceof Error ? error.message : String(error);
  const os = OS_ERROR.exec(message);
  if (os) {
    const [, reason, op, path, to] = os;
    if (op === undefined || path === undefined) return message;
    const origin = originOf(path, parsed) ?? (to === undefined ? undefined : originOf(to, parsed));
    const verb = VERBS[op] ?? op;
    const what = to === undefined ? path : `${path} to ${to}`;
    return `${origin ? `${origin}: ` : ""}cannot ${verb} ${what}: ${reason}`;
  }
  const isOsKind = error instanceof Error &&
    Object.values(Deno.errors).some((kind) => error instanceof kind);
  if (!isOsKind) return message;
  for (const word of message.split(/[\s'"`()]+/)) {
    const cleaned = word.replace(/[:,;.]$/, "");
    // Only words that look like paths: a bare word (cpu, auto) says nothing about where it came from.
    if (!/[./\\]/.test(cleaned)) continue;
    const origin = originOf(cleaned, parsed);
    if (origin) return `${origin}: ${message}`;
  }
  return message;
}

/**
 * Runs a script's `main`: `--version` prints the kit's name and version; a
 * {@linkcode UsageError} becomes exit code 2 with the usage text; any other error its message
 * (reworded by {@linkcode explainError} to name the flag of a path; stack with `DEBUG=1`) and exit
 * code 1.
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
  const args = Deno.args;
  const end = args.indexOf("--");
  if ((end < 0 ? args : args.slice(0, end)).includes("--version")) {
    reporter.info(`${KIT_NAME} ${KIT_VERSION}`);
    return;
  }
  try {
    await main();
  } catch (error) {
    if (error instanceof UsageError) {
      reporter.error(`${error.message}\n\n${usageText}`);
      Deno.exit(2);
    }
    const debug = Deno.env.get("DEBUG");
    const text = explainError(error);
    reporter.error(debug && error instanceof Error ? `${text}\n${error.stack}` : text);
    Deno.exit(1);
  }
}
