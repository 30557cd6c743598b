/**
 * Runs every committed notebook on the Deno kernel through the GraceClient runner, as
 * `deno task notebooks` does, and checks the runner itself fails on an erroring or silent cell.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { memoryReporter } from "../../lib/cli/mod.ts";
import {
  cellsWithOutputs,
  checkNotebooks,
  listNotebooks,
  parseNotebook,
  runNotebooks,
} from "../../lib/notebook/mod.ts";
import { oneCellNotebook, skipUnlessTools } from "./_fixtures.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const skipWithoutJupyter = skipUnlessTools(
  ["/usr/bin/jupyter-nbconvert", "/usr/bin/python3"],
  ["nbclient", "ipykernel"],
);

const notebooks = await listNotebooks(join(ROOT, "notebooks"));

Deno.test("notebooks/ holds notebooks 01 to 06, committed without outputs", async () => {
  const numbers = notebooks.map((p) => basename(p).slice(0, 3));
  assert.deepEqual(numbers, ["01_", "02_", "03_", "04_", "05_", "06_"]);
  for (const path of notebooks) {
    assert.deepEqual(
      cellsWithOutputs(parseNotebook(await Deno.readTextFile(path), path)),
      [],
      path,
    );
  }
});

Deno.test("check-notebooks: every notebook's cells type-check and lint", async () => {
  assert.deepEqual(await checkNotebooks(notebooks), []);
});

Deno.test({
  name: "every notebook runs on the Deno kernel with every code cell showing output",
  ignore: skipWithoutJupyter,
  fn: async () => {
    const out = await Deno.makeTempDir();
    try {
      const env = { BRF_EMBED_OUT: join(out, "Embeddings", "notebook.jsonl") };
      assert.ok(await runNotebooks(notebooks, { out, env }), "see the runner's output above");
      for (const path of notebooks) {
        const executed = parseNotebook(await Deno.readTextFile(join(out, basename(path))), path);
        const code = executed.cells.filter((c) => c.cell_type === "code");
        assert.ok(code.every((c) => (c.outputs?.length ?? 0) > 0), path);
        const committed = parseNotebook(await Deno.readTextFile(path), path);
        assert.deepEqual(cellsWithOutputs(committed), [], `${path} stays clean`);
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "runNotebooks(paths) fails on a cell that throws and on a code cell without output",
  ignore: skipWithoutJupyter,
  fn: async () => {
    const dir = await Deno.makeTempDir({ dir: join(ROOT, "tests"), prefix: ".nb-" });
    try {
      await Deno.writeTextFile(
        join(dir, "throws.ipynb"),
        oneCellNotebook('throw new Error("planted");'),
      );
      await Deno.writeTextFile(join(dir, "silent.ipynb"), oneCellNotebook("const quiet = 1;"));
      await Deno.writeTextFile(join(dir, "fine.ipynb"), oneCellNotebook('console.log("shown");'));
      const out = join(dir, "out");
      const paths = ["throws", "silent", "fine"].map((name) => join(dir, `${name}.ipynb`));
      const reporter = memoryReporter();
      assert.equal(await runNotebooks(paths, { out, reporter }), false);
      const report = reporter.infos.join("\n");
      assert.match(report, /throws\.ipynb/);
      assert.match(report, /silent\.ipynb: code cells \[0\] produced no output/);
      assert.match(report, /^1 passed, 2 failed$/m);
      const written = [];
      for await (const e of Deno.readDir(out)) written.push(e.name);
      assert.deepEqual(written, ["fine.ipynb"], "only the notebook that passed is written");
      const fine = parseNotebook(await Deno.readTextFile(join(out, "fine.ipynb")), "fine");
      type StreamOutput = { output_type: string; text: string | string[] };
      const [output] = (fine.cells[0]?.outputs ?? []) as StreamOutput[];
      assert.ok(output, "fine.ipynb's cell has an output");
      assert.equal(output.output_type, "stream");
      assert.equal([output.text].flat().join(""), "shown\n");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
