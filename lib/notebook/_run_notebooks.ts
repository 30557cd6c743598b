/**
 * Executing notebooks headless on the Deno kernel, as `deno task notebooks` and the notebook tests
 * do: the GraceClient runner (`tools/run_nb.py`, which keeps the outputs stock nbconvert can drop)
 * fails on any cell error or a code cell without output and writes the executed copies to a folder
 * of their own (never over the committed notebooks). Optionally each executed notebook is exported
 * to a standalone HTML page and screenshot in headless Chromium, failing when a page's figures are
 * missing or the page renders blank.
 *
 * Needs Debian's `python3-nbclient` and `python3-ipykernel` (and `jupyter-nbconvert`, `chromium`
 * for HTML). The kernelspec is written to the repository's `.jupyter/` (git-ignored) for the Deno
 * running this. What the tools print goes, line by line as it comes, to the reporter.
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { decode as decodePng } from "fast-png";
import { parseHTML } from "linkedom";
import { consoleReporter, type Reporter } from "../cli/mod.ts";
import { jupyterEnv, writeKernelspec } from "./_kernelspec.ts";
import { parseNotebook } from "./_notebook_cells.ts";
import { findRepoRoot } from "./_repo_root.ts";

/** Debian's interpreter (a `python3` earlier on PATH may lack nbclient). */
export const PYTHON = "/usr/bin/python3";
/** Debian's nbconvert. */
export const NBCONVERT = "/usr/bin/jupyter-nbconvert";
/** Debian's Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * The tools {@linkcode runNotebooks} needs that are not installed.
 *
 * @param html Whether the HTML export and browser check will run.
 * @returns The missing executables' paths (empty when all are there).
 *
 * @example
 * ```ts
 * import { missingNotebookTools, PYTHON } from "./_run_notebooks.ts";
 * const missing = await missingNotebookTools(false);
 * if (missing.some((path) => path !== PYTHON)) throw new Error("only Python is needed");
 * ```
 */
export async function missingNotebookTools(html: boolean): Promise<string[]> {
  const missing: string[] = [];
  for (const exe of html ? [PYTHON, NBCONVERT, CHROMIUM] : [PYTHON]) {
    try {
      await Deno.stat(exe);
    } catch {
      missing.push(exe);
    }
  }
  return missing;
}

/** Options of {@linkcode runNotebooks}. */
export interface RunNotebooksOptions {
  /** Folder of executed copies. @default "Metrics/notebooks" */
  out?: string;
  /** Export and browser-check HTML. @default false */
  html?: boolean;
  /** Seconds per cell. @default 120 */
  timeout?: number;
  /** Extra environment for the kernels (BRF_DATA, BRF_METRICS). @default {} */
  env?: Record<string, string>;
  /** Receives each line the runner, nbconvert and the page checks print. @default consoleReporter() */
  reporter?: Reporter;
}

/** Calls `onLine` with each line of a byte stream as it arrives. */
async function forwardLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of stream) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  }
  rest += decoder.decode();
  if (rest) onLine(rest);
}

async function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  reporter: Reporter,
): Promise<boolean> {
  const child = new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).spawn();
  const info = (line: string) => reporter.info(line);
  await Promise.all([forwardLines(child.stdout, info), forwardLines(child.stderr, info)]);
  return (await child.status).success;
}

/**
 * Executes notebooks and, optionally, exports and checks their HTML.
 *
 * @param paths Notebook files.
 * @param options Output folder, HTML, timeout, environment, reporter.
 * @returns True when every notebook ran and every check passed.
 */
export async function runNotebooks(
  paths: readonly string[],
  options: RunNotebooksOptions = {},
): Promise<boolean> {
  const {
    out = "Metrics/notebooks",
    html = false,
    timeout = 120,
    env: extra = {},
    reporter = consoleReporter(),
  } = options;
  const root = findRepoRoot(import.meta.url);
  const jupyterDir = join(root, ".jupyter");
  await writeKernelspec(jupyterDir);
  const env = { ...jupyterEnv(jupyterDir), ...extra };
  const outDir = resolve(out);
  const ok = await run(
    PYTHON,
    [
      join(root, "tools", "run_nb.py"),
      "--require-outputs",
      "--timeout",
      String(timeout),
      "--out",
      outDir,
      ...paths,
    ],
    env,
    reporter,
  );
  if (!ok || !html) return ok;

  const executed = paths.map((p) => join(outDir, basename(p)));
  const htmlDir = join(outDir, "html");
  if (
    !await run(NBCONVERT, ["--to", "html", "--output-dir", htmlDir, ...executed], env, reporter)
  ) {
    return false;
  }
  const shots = join(outDir, "screenshots");
  await Deno.mkdir(shots, { recursive: true });
  let allShown = true;
  for (const nbPath of executed) {
    const name = basename(nbPath, ".ipynb");
    const page = join(htmlDir, `${name}.html`);
    const screenshot = join(shots, `${name}.png`);
    const problems = await checkPage(nbPath, page, screenshot);
    for (const p of problems) reporter.info(`FAILED ${page}: ${p}`);
    if (problems.length === 0) reporter.info(`ok     ${page} (screenshot ${screenshot})`);
    allShown &&= problems.length === 0;
  }
  return allShown;
}

/** Counts the figures of an executed notebook: SVG outputs, and HTML outputs holding SVG or images. */
function countFigures(nbText: string, source: string): number {
  const nb = parseNotebook(nbText, source);
  let n = 0;
  for (const cell of nb.cells) {
    for (const output of (cell.outputs ?? []) as { data?: Record<string, unknown> }[]) {
      const data = output.data ?? {};
      const htmlText = String(data["text/html"] ?? "");
      if ("image/svg+xml" in data || /<svg|<img/.test(htmlText)) n++;
    }
  }
  return n;
}

/** A window height (pixels) that fits the whole page: code and text, figures, table rows. */
function pageHeight(figures: number, tableRows: number): number {
  return Math.min(16000, 2400 + 560 * figures + 24 * tableRows);
}

/** Pixels of an RGB(A) image with a channel below 200: ink on a white page. */
function inkedPixels(png: { data: ArrayLike<number>; channels: number }): number {
  const { data, channels } = png;
  let inked = 0;
  for (let i = 0; i + 2 < data.length; i += channels) {
    if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) inked++;
  }
  return inked;
}

/**
 * Checks an exported page: it draws at least as many figures (an `<svg>` with shapes in it, or an
 * `<img>` with data) as the notebook has figure outputs, and its screenshot in headless Chromium is
 * not blank.
 */
async function checkPage(nbPath: string, page: string, screenshot: string): Promise<string[]> {
  const problems: string[] = [];
  const figures = countFigures(await Deno.readTextFile(nbPath), nbPath);
  const { document: pageDoc } = parseHTML(await Deno.readTextFile(page));
  const drawn =
    [...pageDoc.querySelectorAll(".jp-OutputArea-output svg")].filter((svg) =>
      svg.querySelector("path, circle, line, rect, polygon, polyline") !== null
    ).length;
  const images =
    [...pageDoc.querySelectorAll(".jp-OutputArea-output img")].filter((img) =>
      (img.getAttribute("src") ?? "").startsWith("data:image/")
    ).length;
  if (drawn + images < figures) {
    problems.push(
      `${figures} figure outputs but ${drawn} drawn <svg> and ${images} <img> in the page`,
    );
  }
  const profile = await Deno.makeTempDir({ prefix: "chromium-" });
  try {
    const { success, stderr } = await new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
        "--hide-scrollbars",
        `--window-size=1280,${pageHeight(figures, pageDoc.querySelectorAll("tr").length)}`,
        "--virtual-time-budget=5000",
        `--screenshot=${screenshot}`,
        `file://${resolve(page)}`,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) {
      problems.push(
        `chromium failed: ${new TextDecoder().decode(stderr).trim().split("\n").pop()}`,
      );
      return problems;
    }
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
  const inked = inkedPixels(decodePng(await Deno.readFile(screenshot)));
  if (figures > 0 && inked < 500) problems.push(`the screenshot is blank (${inked} dark pixels)`);
  return problems;
}
