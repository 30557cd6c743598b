/**
 * Checks the rules that keep the house in order (DESIGN.md "Inside lib/"), on the source text:
 *
 * - every `lib/` folder has a `mod.ts`, and its other files are `_`-prefixed;
 * - arrows point down: a `lib/` folder imports only folders below it in {@linkcode LAYERS}, and
 *   `lib/similarity`, `lib/metrics`, `lib/embeddings` and `lib/data` reach neither `lib/plots`,
 *   `lib/tasks` nor `linkedom` (followed through every import, transitively);
 * - scripts and notebooks import `lib/` only through `mod.ts` files, and no script imports
 *   another script;
 * - `console.` appears in `lib/` only in the reporter (`lib/cli/_reporter.ts`), and `Deno.` not
 *   at all in the pure folders `lib/similarity`, `lib/metrics` and `lib/random`;
 * - the `Metrics/` folder and file names appear in `lib/` and `scripts/` only in
 *   `lib/formats/_layout.ts`.
 *
 * Comments (doc examples included) are not code and are skipped. Run `deno task check-style`;
 * exits 1 listing every problem with file and line.
 *
 * @module
 */
import { dirname, join, relative, resolve } from "node:path";

/** `lib/` folders from the bottom up; a folder may import only folders earlier in the list. */
export const LAYERS: readonly (readonly string[])[] = [
  ["random", "cli"],
  ["image"],
  ["data"],
  ["metrics"],
  ["formats"],
  ["embeddings"],
  ["model"],
  ["similarity"],
  ["plots"],
  ["demo"],
  ["notebook"],
  ["explore"],
  ["tasks"],
];

/** Folders that must stay pure of figures, tasks and the DOM. */
const PURE = ["similarity", "metrics", "embeddings", "data"];
/** What the pure folders must not reach. */
const FORBIDDEN_FOR_PURE = ["lib/plots", "lib/tasks", "linkedom"];
/** Folders of pure functions: no files, no processes, no `Deno` at all. */
const NO_DENO = ["similarity", "metrics", "random"];
/** The only files of `lib/` that may write to the console. */
const CONSOLE_ALLOWED = ["lib/cli/_reporter.ts"];
/** Names of the `Metrics/` tree, owned by lib/formats/_layout.ts. */
const LAYOUT_LITERALS = [
  /["'`]SimilarityScores["'`/]/,
  /["'`]Best_Matches["'`/]/,
  /["'`]Extracted_paths["'`/]/,
  /["'`]Figures_with_metrics["'`/]/,
  /["'`]All_Datasets_metrics\.csv["'`]/,
  /_BestMatches_/,
  /_mated_similarities/,
  /Global_\$\{/,
];
const LAYOUT_FILE = "lib/formats/_layout.ts";

/** One broken rule. */
export interface Problem {
  /** File, relative to the checked root. */
  file: string;
  /** 1-based line, 0 when the rule is about the whole file. */
  line: number;
  /** What is wrong. */
  message: string;
}

/** An import found in a source file. */
interface ImportSite {
  specifier: string;
  line: number;
}

/** Blanks out comments, keeping line breaks so line numbers stay right. */
export function stripComments(source: string): string {
  return source.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`/g,
    (m) => (m.startsWith("/*") || m.startsWith("//") ? m.replace(/[^\n]/g, " ") : m),
  );
}

function importsOf(code: string): ImportSite[] {
  const out: ImportSite[] = [];
  const pattern =
    /(?:\bimport\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?|\bexport\s+(?:type\s+)?[^'"`;]*?\sfrom\s+|\bimport\s*\(\s*)["']([^"']+)["']/g;
  for (const m of code.matchAll(pattern)) {
    const line = code.slice(0, m.index).split("\n").length;
    out.push({ specifier: m[1]!, line });
  }
  return out;
}

async function walk(dir: string, out: string[] = []): Promise<string[]> {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return out;
    throw error;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory) await walk(path, out);
    else if (e.isFile) out.push(path);
  }
  return out;
}

function layerOf(folder: string): number {
  return LAYERS.findIndex((names) => names.includes(folder));
}

/**
 * Checks a project folder (the repository root) against the rules of this module.
 *
 * @param root The repository root.
 * @returns Every problem found, in file order; empty when the house is in order.
 */
export async function checkStyle(root: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const rel = (p: string) => relative(root, p).split("\\").join("/");
  const libFiles = (await walk(join(root, "lib"))).filter((p) => p.endsWith(".ts"));
  const graph = new Map<string, string[]>();

  const folders = new Set(libFiles.map((p) => rel(p).split("/")[1]!));
  for (const folder of folders) {
    if (layerOf(folder) < 0) {
      problems.push({ file: `lib/${folder}`, line: 0, message: "folder has no layer in LAYERS" });
    }
    if (!libFiles.some((p) => rel(p) === `lib/${folder}/mod.ts`)) {
      problems.push({ file: `lib/${folder}`, line: 0, message: "folder has no mod.ts" });
    }
  }

  for (const path of libFiles) {
    const file = rel(path);
    const [, folder, ...rest] = file.split("/");
    const name = rest[rest.length - 1]!;
    if (name !== "mod.ts" && !name.startsWith("_")) {
      problems.push({ file, line: 0, message: "implementation files are _-prefixed" });
    }
    const code = stripComments(await Deno.readTextFile(path));
    const edges: string[] = [];
    for (const { specifier, line } of importsOf(code)) {
      if (!specifier.startsWith(".")) {
        edges.push(specifier);
        continue;
      }
      const target = rel(resolve(dirname(path), specifier));
      edges.push(target);
      const [top, targetFolder] = target.split("/");
      if (top !== "lib" || targetFolder === undefined || targetFolder === folder) continue;
      if (layerOf(targetFolder) >= layerOf(folder!)) {
        problems.push({
          file,
          line,
          message: `lib/${folder} imports lib/${targetFolder}, which is not below it`,
        });
      }
    }
    graph.set(file, edges);
    const lines = code.split("\n");
    lines.forEach((text, i) => {
      if (/\bconsole\./.test(text) && !CONSOLE_ALLOWED.includes(file)) {
        problems.push({ file, line: i + 1, message: "console is used outside the reporter" });
      }
      if (/\bDeno\./.test(text) && NO_DENO.includes(folder!)) {
        problems.push({ file, line: i + 1, message: `lib/${folder} is pure: no Deno` });
      }
      if (file !== LAYOUT_FILE && LAYOUT_LITERALS.some((re) => re.test(text))) {
        problems.push({
          file,
          line: i + 1,
          message: `Metrics/ path literal outside ${LAYOUT_FILE}`,
        });
      }
    });
  }

  for (const file of graph.keys()) {
    const folder = file.split("/")[1]!;
    if (!PURE.includes(folder)) continue;
    const seen = new Set<string>();
    const stack = [file];
    while (stack.length > 0) {
      const at = stack.pop()!;
      for (const next of graph.get(at) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        const bad = FORBIDDEN_FOR_PURE.find((f) => next === f || next.startsWith(`${f}/`));
        if (bad) {
          problems.push({ file, line: 0, message: `lib/${folder} reaches ${bad} (via ${at})` });
        } else if (graph.has(next)) stack.push(next);
      }
    }
  }

  const scripts = (await walk(join(root, "scripts"))).filter((p) => p.endsWith(".ts"));
  for (const path of scripts) {
    const file = rel(path);
    const code = stripComments(await Deno.readTextFile(path));
    for (const { specifier, line } of importsOf(code)) {
      if (!specifier.startsWith(".")) continue;
      const target = rel(resolve(dirname(path), specifier));
      if (target.startsWith("scripts/")) {
        problems.push({ file, line, message: `a script imports another script (${target})` });
      } else if (target.startsWith("lib/") && !target.endsWith("/mod.ts")) {
        problems.push({ file, line, message: `imports ${target}; import lib/ through mod.ts` });
      }
    }
    code.split("\n").forEach((text, i) => {
      if (LAYOUT_LITERALS.some((re) => re.test(text))) {
        problems.push({
          file,
          line: i + 1,
          message: `Metrics/ path literal outside ${LAYOUT_FILE}`,
        });
      }
    });
  }

  const notebooks = (await walk(join(root, "notebooks"))).filter((p) => p.endsWith(".ipynb"));
  for (const path of notebooks) {
    const file = rel(path);
    const notebook = JSON.parse(await Deno.readTextFile(path)) as {
      cells: { cell_type: string; source: string | string[] }[];
    };
    notebook.cells.forEach((cell, index) => {
      if (cell.cell_type !== "code") return;
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      for (const { specifier } of importsOf(stripComments(source))) {
        if (specifier.includes("lib/") && !specifier.endsWith("/mod.ts")) {
          problems.push({
            file,
            line: 0,
            message: `cell ${index + 1} imports ${specifier}; import lib/ through mod.ts`,
          });
        }
      }
    });
  }
  return problems;
}

async function main(): Promise<void> {
  const root = Deno.args[0] ?? resolve(dirname(new URL(import.meta.url).pathname), "..");
  const problems = await checkStyle(root);
  for (const p of problems) {
    console.error(`${p.file}${p.line > 0 ? `:${p.line}` : ""}: ${p.message}`);
  }
  if (problems.length > 0) {
    console.error(`${problems.length} style problem${problems.length === 1 ? "" : "s"}`);
    Deno.exit(1);
  }
  console.log("style: lib layers, mod.ts imports, reporter and layout rules hold");
}

if (import.meta.main) await main();
