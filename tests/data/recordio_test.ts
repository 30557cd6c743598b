import assert from "node:assert/strict";
import { openDataset } from "../../lib/data/_open.ts";
import { RecordIOFile } from "../../lib/data/_recordio.ts";
import { irRecord, MAGIC_BYTES, recordIO } from "./_archive_writers.ts";
import { datasetNameOf } from "../../lib/formats/mod.ts";

/** Bytes that start with a JPEG signature, which a dataset reader looks at first. */
const bytes = (n: number, seed: number) =>
  Uint8Array.from(
    { length: n },
    (_, i) => (i < 3 ? [0xff, 0xd8, 0xff][i]! : (i * 13 + seed) & 255),
  );

/** A payload with the magic word planted at two 4-aligned offsets of the record (multi-part). */
function withMagic(): Uint8Array {
  const p = bytes(101, 5);
  p.set(MAGIC_BYTES, 24 - 24 + 16); // record offset 24 + 16 = 40 (aligned)
  p.set(MAGIC_BYTES, 60); // record offset 84
  return p;
}

/** insightface layout: header record 0 written last in the .idx, images 1..3, identity records 4..5. */
async function writeInsightface(dir: string): Promise<{ payloads: readonly Uint8Array[] }> {
  const payloads = [bytes(50, 1), withMagic(), bytes(7, 3)] as const;
  const records = [
    irRecord([4, 6], new Uint8Array(0)),
    irRecord(10, payloads[0]),
    irRecord([11, 1], payloads[1]), // face2rec2 style: labels [class, aligned]
    irRecord(10, payloads[2]),
    irRecord([1, 3], new Uint8Array(0)),
    irRecord([3, 4], new Uint8Array(0)),
  ];
  const { rec, offsets } = recordIO(records);
  await Deno.writeFile(`${dir}/train.rec`, rec);
  const order = [1, 2, 3, 4, 5, 0];
  await Deno.writeTextFile(`${dir}/train.idx`, order.map((k) => `${k}\t${offsets[k]}\n`).join(""));
  return { payloads };
}

Deno.test("openDataset(rec) reads insightface records: header last in .idx, labels, multi-part", async () => {
  const dir = await Deno.makeTempDir();
  const { payloads } = await writeInsightface(dir);
  const reader = await openDataset(`${dir}/train.idx`);
  assert.equal(datasetNameOf(`${dir}/train.idx`), "train");
  assert.deepEqual(
    (await reader.list()).map((k) => `${k.identity}/${k.imageName}`),
    ["10/1.jpg", "11/2.jpg", "10/3.jpg"],
  );
  const got = [];
  for await (const r of reader.read()) got.push(r.bytes);
  assert.deepEqual(got, payloads);
  await reader.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("RecordIOFile.read(key) joins cflag 1/2/3 parts with the magic word", async () => {
  const dir = await Deno.makeTempDir();
  await writeInsightface(dir);
  const head = new DataView((await Deno.readFile(`${dir}/train.rec`)).buffer);
  const rec = await RecordIOFile.open(`${dir}/train.rec`);
  const at = rec.index.get(2)!;
  assert.equal(head.getUint32(at + 4, true) >>> 29, 1, "record 2 is written in parts");
  const r = (await rec.read(2))!;
  assert.deepEqual(r.payload, withMagic());
  assert.deepEqual(Array.from(r.labels), [11, 1]);
  assert.equal(await rec.label(1), 10);
  rec.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openDataset(rec) names images from list.txt when present (no header record)", async () => {
  const dir = await Deno.makeTempDir();
  const { rec, offsets } = recordIO([irRecord(0, bytes(9, 1)), irRecord(1, bytes(9, 2))]);
  await Deno.writeFile(`${dir}/file.rec`, rec);
  await Deno.writeTextFile(`${dir}/file.idx`, `0\t${offsets[0]}\n1\t${offsets[1]}\n`);
  await Deno.writeTextFile(`${dir}/list.txt`, "0\t8949/35.jpg\n1\t12/0.jpg\n");
  const reader = await openDataset(`${dir}/file.rec`);
  assert.deepEqual((await reader.list()).map((k) => `${k.identity}/${k.imageName}`), [
    "8949/35.jpg",
    "12/0.jpg",
  ]);
  await reader.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("RecordIOFile reports truncated and corrupt records as SyntaxErrors naming file and record", async () => {
  const dir = await Deno.makeTempDir();
  await writeInsightface(dir);
  const data = await Deno.readFile(`${dir}/train.rec`);
  const rec0 = await RecordIOFile.open(`${dir}/train.rec`);
  const offset3 = rec0.index.get(3)!;
  rec0.close();
  await Deno.writeFile(`${dir}/train.rec`, data.subarray(0, offset3 + 20));
  const rec = await RecordIOFile.open(`${dir}/train.rec`);
  await assert.rejects(
    () => rec.read(3),
    (e) =>
      e instanceof SyntaxError && e.message.includes("record 3 of") &&
      e.message.includes("train.rec"),
  );
  rec.close();
  await Deno.writeTextFile(`${dir}/train.idx`, `1\t3\n`);
  await Deno.writeFile(`${dir}/train.rec`, data);
  const shifted = await RecordIOFile.open(`${dir}/train.rec`);
  await assert.rejects(() => shifted.read(1), /no RecordIO magic at offset 3/);
  shifted.close();
  await Deno.writeTextFile(`${dir}/train.idx`, `1\t${data.length + 10}\nx 1\n`);
  await assert.rejects(() => RecordIOFile.open(`${dir}/train.rec`), /train\.idx line 2/);
  await Deno.writeTextFile(`${dir}/train.idx`, `1\t${data.length + 10}\n`);
  const past = await RecordIOFile.open(`${dir}/train.rec`);
  await assert.rejects(
    () => past.read(1),
    /record 1 of .*train\.rec: .*train\.idx line 1 .*truncated/,
  );
  past.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openDataset(rec) refuses a header record whose label is +inf or NaN, naming the record", async () => {
  for (const label of [Infinity, NaN]) {
    const dir = await Deno.makeTempDir();
    const { rec, offsets } = recordIO([
      irRecord([label, 2], new Uint8Array(0)),
      irRecord(1, bytes(9, 1)),
    ]);
    await Deno.writeFile(`${dir}/train.rec`, rec);
    await Deno.writeTextFile(`${dir}/train.idx`, offsets.map((o, k) => `${k}\t${o}\n`).join(""));
    await assert.rejects(() => openDataset(`${dir}/train.rec`), (e) => {
      assert.ok(e instanceof SyntaxError);
      assert.equal(
        e.message,
        `Cannot read record 0 of ${dir}/train.rec: its header label is ${label}, expected the ` +
          "number that ends the image records (a corrupt header record)",
      );
      return true;
    });
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openDataset(rec) names the .idx line of an offset past the end of the .rec", async () => {
  const dir = await Deno.makeTempDir();
  const { rec, offsets } = recordIO([irRecord(1, bytes(9, 1)), irRecord(2, bytes(9, 2))]);
  await Deno.writeFile(`${dir}/train.rec`, rec);
  await Deno.writeTextFile(`${dir}/train.idx`, `0\t${offsets[0]}\n1\t${rec.length + 4096}\n`);
  const reader = await openDataset(`${dir}/train.rec`);
  await assert.rejects(
    () => reader.list(),
    new SyntaxError(
      `Cannot read record 1 of ${dir}/train.rec: ${dir}/train.idx line 2 gives offset ${
        rec.length + 4096
      }, past the end of the ${rec.length}-byte file (a truncated .rec, or an .idx of another .rec)`,
    ),
  );
  await reader.close();
  await Deno.writeTextFile(`${dir}/train.idx`, `0\t-40\n`);
  await assert.rejects(
    () => openDataset(`${dir}/train.rec`),
    /train\.idx line 1: expected 'key<TAB>offset'/,
  );
  await Deno.remove(dir, { recursive: true });
});
