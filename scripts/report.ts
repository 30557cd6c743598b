/**
 * `deno task report [--metrics DIR] [--datasets DIR...] [--casia DIR] [--out FILE]`: one
 * self-contained HTML page of an audit (tables, figures, leakage, closest pairs with the faces),
 * readable offline.
 *
 * @module
 */
import { consoleReporter, intFlag, parseFlags, runMain, usage } from "../lib/cli/mod.ts";
import { DEFAULT_METRICS_ROOT } from "../lib/formats/mod.ts";
import { runReport } from "../lib/tasks/mod.ts";

const FLAGS = {
  metrics: {
    type: "string",
    description: "results folder of the audit",
    default: DEFAULT_METRICS_ROOT,
  },
  out: { type: "string", description: "the HTML file (default METRICS/report.html)" },
  datasets: {
    type: "string",
    description:
      "image dataset folder or archive; more may follow as arguments (default those of METRICS/Dataset, else of Dataset)",
  },
  casia: { type: "string", description: "the CASIA-WebFace images, when the name does not say so" },
  pairs: {
    type: "string",
    description: "closest pairs shown with faces per dataset",
    default: "10",
  },
  title: { type: "string", description: "title of the page" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage(
  "deno task report [--metrics DIR] [--datasets DIR...] [--casia DIR] [--out FILE]",
  FLAGS,
  { writes: ["METRICS/report.html (--out) and its .manifest.json"] },
);

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) return console.log(USAGE);
  const datasets = [...(values.datasets ? [String(values.datasets)] : []), ...positionals];
  const reporter = consoleReporter({ info: (line) => console.error(line) });
  const report = await runReport({
    metrics: values.metrics as string,
    ...(values.out ? { out: String(values.out) } : {}),
    datasets: datasets.length ? datasets : undefined,
    casia: values.casia as string | undefined,
    pairs: intFlag(values, "pairs", { min: 0 }),
    ...(values.title ? { title: String(values.title) } : {}),
    reporter,
  });
  console.log(report.path);
}

if (import.meta.main) runMain(main, USAGE);
