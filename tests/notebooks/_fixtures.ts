/** Shared pieces of the notebook tests: tool detection and one-cell notebooks. */
import { skipUnless } from "../_prereq.ts";

/**
 * Whether every file exists and `/usr/bin/python3` imports every module, as the `ignore` value of
 * a test: false when all are there; when not, true with the reason printed once outside CI, and an
 * error under `CI=true` (through `skipUnless`).
 */
export function skipUnlessTools(files: string[], pythonModules: string[] = []): boolean {
  const why = toolsMissing(files, pythonModules);
  return skipUnless("notebook tools", why === null, why ?? "");
}

function toolsMissing(files: string[], pythonModules: string[]): string | null {
  const missing = files.find((p) => {
    try {
      return !Deno.statSync(p).isFile;
    } catch {
      return true;
    }
  });
  if (missing) return `${missing} is missing`;
  if (pythonModules.length === 0) return null;
  const ok = new Deno.Command("/usr/bin/python3", {
    args: ["-c", `import ${pythonModules.join(", ")}`],
    stderr: "null",
  }).outputSync().success;
  return ok ? null : `/usr/bin/python3 cannot import ${pythonModules.join(", ")}`;
}

/** An nbformat 4.5 notebook on the Deno kernel holding one code cell. */
export function oneCellNotebook(source: string): string {
  return JSON.stringify({
    cells: [{
      cell_type: "code",
      execution_count: null,
      id: "a",
      metadata: {},
      outputs: [],
      source,
    }],
    metadata: { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}
