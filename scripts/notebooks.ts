/**
 * `deno task notebooks [--html] [NOTEBOOK...]`: executes every notebook (default `notebooks/*.ipynb`)
 * headless on the Deno kernel with the GraceClient runner (`tools/run_nb.py`, which keeps the
 * outputs stock nbconvert can drop), fails on any cell error or a code cell without output, and
 * writes the executed copies under `Metrics/notebooks/` (never over the committed notebooks).
 * With `--html`, also exports each executed notebook to a standalone HTML page
 * (`Metrics/notebooks/html/`) and screenshots it in headless Chromium (`.../screenshots/`),
 * failing when a page's figures are missing or the page renders blank.
 *
 * Needs Debian's `python3-nbclient` and `python3-ipykernel` (and `jupyter-nbconvert`, `chromium`
 * for `--html`). The kernelspec is written to `.jupyter/` (git-ignored) for the Deno running this.
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { decode as decodePng } from "fast-png";
import { parseHTML } from "linkedom";
import { parseFlags, runMain, usage, UsageError } from "../lib/cli/_flags.ts";
import { findRepoRoot, jupyterEnv, parseNotebook, writeKernelspec } from "../lib/notebook/mod.ts";
import { listNotebooks } from "./check_notebooks.ts";

const FLAGS = {
  html: { type: "boolean", description: "also export HTML and check it in headless Chromium" },
  out: {
    type: "string",
    description: "folder of the executed copies",
    default: "Metrics/notebooks",
  },
  data: {
    type: "string",
    description: "the paper's published Data/ folder (sets BRF_DATA; `none`: no published data)",
  },
  metrics: { type: "string", description: "the kit's results folder (sets BRF_METRICS)" },
  timeout: { type: "string", description: "seconds per cell", default: "120" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage(
  "deno task notebooks [--html] [--data DIR] [--metrics DIR] [NOTEBOOK...]",
  FLAGS,
);

/** Debian's interpreter (a `python3` earlier on PATH may lack nbclient). */
export const PYTHON = "/usr/bin/python3";
/** Debian's nbconvert. */
export const NBCONVERT = "/usr/bin/jupyter-nbconvert";
/** Debian's Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

async function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  onOutput?: (text: string) => void,
): Promise<boolean> {
  const mode = onOutput ? "piped" : "inherit";
  const result = await new Deno.Command(cmd, { args, env, stdout: mode, stderr: mode }).output();
  if (onOutput) {
    const decoder = new TextDecoder();
    onOutput(decoder.decode(result.stdout) + decoder.decode(result.stderr));
  }
  return result.success;
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
  /** Receives the runner's output instead of the terminal. @default undefined (inherit) */
  onOutput?: (text: string) => void;
}

/**
 * Executes notebooks and, optionally, exports and checks their HTML.
 *
 * @param paths Notebook files.
 * @param options Output folder, HTML, timeout, environment.
 * @returns True when every notebook ran and every check passed.
 */
export async function runNotebooks(
  paths: string[],
  options: RunNotebooksOptions = {},
): Promise<boolean> {
  const { out = "Metrics/notebooks", html = false, timeout = 120, env: extra = {}, onOutput } =
    options;
  const root = findRepoRoot();
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
    onOutput,
  );
  if (!ok || !html) return ok;

  const executed = paths.map((p) => join(outDir, basename(p)));
  const htmlDir = join(outDir, "html");
  if (!await run(NBCONVERT, ["--to", "html", "--output-dir", htmlDir, ...executed], env)) {
    return false;
  }
  const shots = join(outDir, "screenshots");
  await Deno.mkdir(shots, { recursive: true });
  let allShown = true;
  for (const nbPath of executed) {
    const name = basename(nbPath, ".ipynb");
    const page = join(htmlDir, `${name}.html`);
    const problems = await checkPage(nbPath, page, join(shots, `${name}.png`));
    for (const p of problems) console.error(`FAILED ${page}: ${p}`);
    if (problems.length === 0) {
      console.error(`ok     ${page} (screenshot ${join(shots, `${name}.png`)})`);
    }
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
  const png = decodePng(await Deno.readFile(screenshot));
  const channels = png.channels;
  let inked = 0;
  for (let i = 0; i < png.data.length; i += channels) {
    if (png.data[i] < 200 || png.data[i + 1] < 200 || png.data[i + 2] < 200) inked++;
  }
  if (figures > 0 && inked < 500) problems.push(`the screenshot is blank (${inked} dark pixels)`);
  return problems;
}

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const timeout = Number(values.timeout);
  if (!Number.isInteger(timeout) || timeout <= 0) {
    throw new UsageError(
      `--timeout must be a positive integer: current value is ${values.timeout}`,
    );
  }
  const needs = values.html ? [PYTHON, NBCONVERT, CHROMIUM] : [PYTHON];
  for (const exe of needs) {
    try {
      await Deno.stat(exe);
    } catch {
      throw new Error(
        `${exe} is missing: apt-get install python3-nbclient python3-ipykernel jupyter-nbconvert chromium`,
      );
    }
  }
  const env: Record<string, string> = {};
  if (values.data) env.BRF_DATA = values.data === "none" ? "none" : resolve(String(values.data));
  if (values.metrics) env.BRF_METRICS = resolve(String(values.metrics));
  const paths = positionals.length
    ? positionals
    : await listNotebooks(join(findRepoRoot(), "notebooks"));
  const ok = await runNotebooks(paths, {
    out: String(values.out),
    html: Boolean(values.html),
    timeout,
    env,
  });
  if (!ok) Deno.exit(1);
}

if (import.meta.main) runMain(main, USAGE);
