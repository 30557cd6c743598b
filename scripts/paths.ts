/**
 * `deno task paths [FILES or folders]`: the `query_path,casia_path,similarity_score` CSV of
 * closest-pairs JSON files (what `get_paths.sh` made with jq), one `<name>_matches.csv` per file.
 *
 * @module
 */
import { parseFlags, runMain, usage } from "../lib/cli/_flags.ts";
import { readClosest } from "../lib/formats/_closest_json.ts";
import { closestPathsCsv } from "../lib/formats/_leakage_files.ts";

const FLAGS = {
  out: { type: "string", description: "output folder", default: "Metrics/Extracted_paths" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage("deno task paths [FILES or folders of *.json] [flags]", FLAGS);

/** Options of {@linkcode runPaths}. */
export interface RunPathsOptions {
  /** Closest-pairs JSON files, or folders of them. @default ["Metrics/Closest"] */
  inputs?: string[];
  /** Output folder. @default "Metrics/Extracted_paths" */
  outDir?: string;
}

/**
 * Writes `<outDir>/<base>_matches.csv` for every closest-pairs JSON given or found in a folder.
 *
 * @param options Inputs and output folder.
 * @returns The CSV paths written.
 * @throws {SyntaxError} When a JSON file is not a closest-pairs file.
 */
export async function runPaths(options: RunPathsOptions = {}): Promise<string[]> {
  const { inputs = ["Metrics/Closest"], outDir = "Metrics/Extracted_paths" } = options;
  const files: string[] = [];
  for (const input of inputs) {
    if ((await Deno.stat(input)).isDirectory) {
      const found: string[] = [];
      for await (const e of Deno.readDir(input)) {
        if (e.isFile && e.name.endsWith(".json")) found.push(`${input}/${e.name}`);
      }
      files.push(...found.sort());
    } else files.push(input);
  }
  await Deno.mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const file of files) {
    const pairs = await readClosest(file);
    const rows = pairs.queryPath.map((queryPath, i) => ({
      queryPath,
      casiaPath: pairs.casiaPath[i],
      similarity: pairs.similarity[i],
    }));
    const base = (file.split("/").pop() ?? file).replace(/\.json$/, "");
    const out = `${outDir}/${base}_matches.csv`;
    await Deno.writeTextFile(out, closestPathsCsv(rows));
    written.push(out);
  }
  return written;
}

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) return console.log(USAGE);
  const written = await runPaths({
    inputs: positionals.length > 0 ? positionals : undefined,
    outDir: values.out as string,
  });
  for (const w of written) console.log(`Saved: ${w}`);
}

if (import.meta.main) runMain(main, USAGE);
