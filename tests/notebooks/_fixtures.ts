/** Shared pieces of the notebook tests: tool detection and one-cell notebooks. */

/**
 * Whether every file exists and `/usr/bin/python3` imports every module; prints the skip reason
 * once when not.
 */
export function toolsPresent(files: string[], pythonModules: string[] = []): boolean {
  const missing = files.find((p) => {
    try {
      return !Deno.statSync(p).isFile;
    } catch {
      return true;
    }
  });
  if (missing) {
    console.log(`skip reason: ${missing} is missing`);
    return false;
  }
  if (pythonModules.length === 0) return true;
  const ok = new Deno.Command("/usr/bin/python3", {
    args: ["-c", `import ${pythonModules.join(", ")}`],
    stderr: "null",
  }).outputSync().success;
  if (!ok) console.log(`skip reason: /usr/bin/python3 cannot import ${pythonModules.join(", ")}`);
  return ok;
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
