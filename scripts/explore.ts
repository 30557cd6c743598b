/**
 * `deno task explore`: a local web page over the kit's results, with the faces behind every number.
 *
 * @module
 */
import { intFlag, parseFlags, runMain, usage } from "../lib/cli/mod.ts";
import { runExplore } from "../lib/tasks/mod.ts";

const FLAGS = {
  metrics: {
    type: "string",
    description:
      "results folders, comma-separated (default Metrics and its sub-folders with results)",
  },
  data: { type: "string", description: "the paper's published data folder, shown beside them" },
  datasets: {
    type: "string",
    description: "image dataset folder or archive; more may follow as arguments",
  },
  casia: { type: "string", description: "the CASIA-WebFace images, when the name does not say so" },
  port: { type: "string", description: "port on 127.0.0.1 (0: a free one)", default: "0" },
  open: { type: "boolean", description: "open the page in the default browser" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const;

const USAGE = usage(
  "deno task explore [--metrics DIR] [--data PAPER_DATA] [--datasets DIR...] [--port P] [--open]",
  FLAGS,
  { writes: ["nothing: it serves the folders named, read-only, until Ctrl-C"] },
);

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, FLAGS);
  if (values.help) return console.log(USAGE);
  const datasets = [...(values.datasets ? [String(values.datasets)] : []), ...positionals];
  const controller = new AbortController();
  Deno.addSignalListener("SIGINT", () => controller.abort());
  const explorer = await runExplore({
    metrics: values.metrics ? String(values.metrics).split(",") : undefined,
    paperData: values.data as string | undefined,
    datasets: datasets.length ? datasets : undefined,
    casia: values.casia as string | undefined,
    port: intFlag(values, "port", { min: 0, max: 65535 }),
    open: Boolean(values.open),
    signal: controller.signal,
  });
  await explorer.finished;
}

if (import.meta.main) runMain(main, USAGE);
