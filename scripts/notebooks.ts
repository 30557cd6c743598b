/**
 * `deno task notebooks [--html] [NOTEBOOK...]`: executes every notebook (default `notebooks/*.ipynb`)
 * headless on the Deno kernel with the GraceClient runner (`tools/run_nb.py`), failing on any cell
 * error or a code cell without output, and writes the executed copies under `Metrics/notebooks/`
 * (never over the committed notebooks). With `--html`, also exports each executed notebook to a
 * standalone HTML page (`.../html/`) and screenshots it in headless Chromium (`.../screenshots/`),
 * failing when a page's figures are missing or the page renders blank.
 *
 * Needs Debian's `python3-nbclient` and `python3-ipykernel` (and `jupyter-nbconvert`, `chromium`
 * for `--html`).
 *
 * @module
 */
import { join, resolve } from "node:path";
import { parseFlags, runMain, usage, UsageError } from "../lib/cli/mod.ts";
import {
  findRepoRoot,
  listNotebooks,
  missingNotebookTools,
  runNotebooks,
} from "../lib/notebook/mod.ts";

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
  {
    writes: [
      "OUT/<notebook>.ipynb: each executed copy",
      "OUT/html/<notebook>.html and OUT/screenshots/<notebook>.png with --html",
    ],
  },
);

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
  const [missing] = await missingNotebookTools(Boolean(values.html));
  if (missing !== undefined) {
    throw new Error(
      `${missing} is missing: apt-get install python3-nbclient python3-ipykernel jupyter-nbconvert chromium`,
    );
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
