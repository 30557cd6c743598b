/**
 * A project-local Jupyter kernelspec for the Deno kernel, and the environment that makes Jupyter
 * find it and keep its runtime files inside the repository (`.jupyter/`, git-ignored).
 *
 * @module
 */
import { join } from "node:path";

/** Options of {@linkcode writeKernelspec}. */
export interface WriteKernelspecOptions {
  /** The Deno executable the kernel runs. @default Deno.execPath() */
  deno?: string;
  /** Kernel name. @default "deno" */
  name?: string;
}

/** The environment variables Jupyter needs to use a project-local kernelspec. */
export interface JupyterEnv {
  /** Where Jupyter looks for `kernels/`: the project-local folder (e.g. `<repo>/.jupyter`). */
  JUPYTER_PATH: string;
  /** Folder for connection files and other runtime state, `<jupyterDir>/runtime`. */
  JUPYTER_RUNTIME_DIR: string;
  /** `"1"`: no ANSI colour codes in the kernel's and Jupyter's output. */
  NO_COLOR: string;
  /** Further variables a caller merges in, all strings as a process environment takes them. */
  [key: string]: string;
}

/**
 * Writes `<jupyterDir>/kernels/<name>/kernel.json` for `deno jupyter --kernel`, pointing at the
 * Deno executable in use (rewritten on every call: the clone's path may change).
 *
 * @param jupyterDir The folder given to Jupyter as `JUPYTER_PATH` (e.g. `<repo>/.jupyter`).
 * @param options Deno executable and kernel name.
 * @returns The path of the kernel.json written.
 *
 * @example
 * ```ts
 * import { writeKernelspec } from "./_kernelspec.ts";
 * const dir = await Deno.makeTempDir();
 * const path = await writeKernelspec(dir, { deno: "/opt/deno" });
 * const spec = JSON.parse(await Deno.readTextFile(path));
 * await Deno.remove(dir, { recursive: true });
 * if (spec.argv[0] !== "/opt/deno" || spec.argv[2] !== "--kernel") throw new Error("unexpected");
 * ```
 */
export async function writeKernelspec(
  jupyterDir: string,
  options: WriteKernelspecOptions = {},
): Promise<string> {
  const { deno = Deno.execPath(), name = "deno" } = options;
  const dir = join(jupyterDir, "kernels", name);
  await Deno.mkdir(dir, { recursive: true });
  const spec = {
    argv: [deno, "jupyter", "--kernel", "--quiet", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
    env: { NO_COLOR: "1" },
  };
  const path = join(dir, "kernel.json");
  await Deno.writeTextFile(path, JSON.stringify(spec, null, 1) + "\n");
  return path;
}

/**
 * The environment for Jupyter processes: the project-local kernelspec folder and a runtime folder
 * inside it, with colour codes off.
 *
 * @param jupyterDir The folder holding `kernels/`.
 * @returns Variables to merge into the child process environment.
 *
 * @example
 * ```ts
 * import { jupyterEnv } from "./_kernelspec.ts";
 * const env = jupyterEnv("/repo/.jupyter");
 * if (env.JUPYTER_RUNTIME_DIR !== "/repo/.jupyter/runtime") throw new Error("unexpected");
 * ```
 */
export function jupyterEnv(jupyterDir: string): JupyterEnv {
  return {
    JUPYTER_PATH: jupyterDir,
    JUPYTER_RUNTIME_DIR: join(jupyterDir, "runtime"),
    NO_COLOR: "1",
  };
}
