import { deepStrictEqual as assertEquals, rejects } from "node:assert/strict";
import { EmbeddingFileError, embeddingLine, readJsonLines } from "../../lib/embeddings/_jsonl.ts";
import { skipUnlessPython } from "../_python.ts";

async function tempFile(text: string): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(path, text);
  return path;
}

Deno.test("readJsonLines(path) reads lines written by embeddingLine across chunk boundaries", async () => {
  const dim = 512;
  const rows = 300;
  const lines: string[] = [];
  const expected = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const v = new Float32Array(dim);
    for (let i = 0; i < dim; i++) v[i] = Math.sin(r * 31 + i) * 0.1;
    lines.push(embeddingLine(`id${r % 7}`, `${r}.png`, v));
    for (let i = 0; i < dim; i++) {
      expected[r * dim + i] = Number(JSON.parse(lines[r]!).embedding[i]);
    }
  }
  const path = await tempFile(lines.join("\n") + "\n\n");
  const { set, skipped } = await readJsonLines(path, { chunkSize: 4096 });
  assertEquals(skipped, 0);
  assertEquals(set.dim, dim);
  assertEquals(set.identities.length, rows);
  assertEquals(set.imageNames[299], "299.png");
  assertEquals(set.vectors, expected);
  await Deno.remove(path);
});

Deno.test("readJsonLines(path) names file and line of a malformed line", async () => {
  const good = '{"identity": "a", "image_name": "1.png", "embedding": [1, 0]}';
  const cases: [string, RegExp][] = [
    [
      `${good}\n\n{"identity": "a", "image_name": "2.png", "embedding": [1, 0, 0]}\n`,
      /:3: expected 2 embedding values/,
    ],
    [`${good}\nnot json\n`, /:2: not valid JSON/],
    [`${good}\r\n{"identity": "a", "embedding": [1, 0]}\r\n`, /:2: expected "image_name"/],
    [
      `{"identity": "a", "image_name": "x", "embedding": [1, "NaN"]}\n`,
      /:1: embedding value 1 is not a finite number/,
    ],
  ];
  for (const [text, pattern] of cases) {
    const path = await tempFile(text);
    await rejects(readJsonLines(path), (error: unknown) => {
      assertEquals(error instanceof EmbeddingFileError, true);
      assertEquals(pattern.test((error as Error).message), true, (error as Error).message);
      assertEquals((error as Error).message.startsWith(path), true);
      return true;
    });
    await Deno.remove(path);
  }
});

Deno.test("readJsonLines(path, { lenient: true }) skips and counts malformed lines", async () => {
  const path = await tempFile(
    '{"identity": 5, "image_name": "1.png", "embedding": [1, 0]}\n{broken\n' +
      '{"identity": "b", "image_name": "2.png", "embedding": [0, 1]}',
  );
  const { set, skipped } = await readJsonLines(path, { lenient: true });
  assertEquals(skipped, 1);
  assertEquals(set.identities, ["5", "b"]);
  await Deno.remove(path);
});

Deno.test({
  name: "embeddingLine(identity, name, vector) equals json.dumps of np.round(float32, 5).tolist()",
  ignore: skipUnlessPython("numpy"),
  fn: async () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const vector = new Float32Array(2048);
    for (let i = 0; i < vector.length; i++) {
      const scale = [1, 1e-3, 1e-4, 1e-5, 1e-6][i % 5]!;
      vector[i] = (rand() * 2 - 1) * scale;
    }
    vector.set([0, -0, 0.015625, -0.046875, 1, 1 / 64 + 1 / 1024], 0);
    const py = `
import sys, json, numpy as np
v = np.frombuffer(sys.stdin.buffer.read(), dtype='<f4')
print(json.dumps({"identity": "id\\u00e9 7", "image_name": "a,b.JPG", "embedding": np.round(v, 5).tolist()}))
`;
    const child = new Deno.Command("/usr/bin/python3", {
      args: ["-c", py],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new Uint8Array(vector.buffer));
    await w.close();
    const expected = new TextDecoder().decode((await child.output()).stdout).trimEnd();
    assertEquals(embeddingLine("id\u00e9 7", "a,b.JPG", vector), expected);
  },
});
