import assert from "node:assert/strict";
import {
  cellsWithOutputs,
  notebookToModule,
  parseNotebook,
} from "../../lib/notebook/_notebook_cells.ts";

Deno.test("notebookToModule(nb) keeps code cells in order, drops markdown, adds the DOM lib and export {}", () => {
  const ts = notebookToModule(parseNotebook(
    JSON.stringify({
      cells: [
        { cell_type: "code", source: ["const a = 1;\n", "a;"] },
        { cell_type: "markdown", source: "const notCode = 2;" },
        { cell_type: "code", source: "console.log(a);" },
      ],
    }),
    "x.ipynb",
  ));
  assert.equal(
    ts,
    '/// <reference lib="dom" />\n// cell 1\nconst a = 1;\na;\n// cell 3\nconsole.log(a);\nexport {};\n',
  );
});

Deno.test("cellsWithOutputs(nb) flags outputs and execution counts; parseNotebook rejects non-notebooks", () => {
  const nb = {
    cells: [
      { cell_type: "code", source: "", outputs: [], execution_count: null },
      { cell_type: "code", source: "", outputs: [], execution_count: 3 },
      { cell_type: "code", source: "", outputs: [{ output_type: "stream" }] },
    ],
  };
  assert.deepEqual(cellsWithOutputs(nb), [2, 3]);
  assert.throws(() => parseNotebook("{}", "bad.ipynb"), /bad\.ipynb as a notebook: no cells/);
  assert.throws(() => parseNotebook("{", "bad.ipynb"), SyntaxError);
});
