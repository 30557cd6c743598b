import assert from "node:assert/strict";
import { cachedConversion, checkpointStamp } from "../../lib/model/_model_cache.ts";
import { memoryReporter } from "../../lib/cli/mod.ts";

interface Fixture {
  dir: string;
  checkpoint: string;
  calls: number;
  convert: () => Promise<Uint8Array>;
  run: (options?: { converterVersion?: number; fallbackDir?: string }) => ReturnType<
    typeof cachedConversion
  >;
}

async function fixture(contents: Uint8Array): Promise<Fixture> {
  const dir = await Deno.makeTempDir();
  const checkpoint = `${dir}/model.pth`;
  await Deno.writeFile(checkpoint, contents);
  const f: Fixture = {
    dir,
    checkpoint,
    calls: 0,
    convert: async () => {
      f.calls++;
      // The "conversion" depends on the checkpoint's bytes, as the real one does.
      const bytes = await Deno.readFile(checkpoint);
      return bytes.map((b) => b ^ 0xff);
    },
    run: (options = {}) =>
      cachedConversion(checkpoint, f.convert, {
        converterVersion: options.converterVersion ?? 1,
        fallbackDir: options.fallbackDir ?? `${dir}/fallback`,
        reporter: memoryReporter(),
      }),
  };
  return f;
}

function pseudoRandomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

Deno.test("cachedConversion(checkpoint, convert) converts once, then reads the cache beside the checkpoint", async () => {
  const f = await fixture(pseudoRandomBytes(3000, 1));
  try {
    const first = await f.run();
    assert.equal(first.rebuilt, true);
    assert.equal(first.path, `${f.checkpoint}.onnx`);
    const stamp = JSON.parse(await Deno.readTextFile(`${f.checkpoint}.onnx.json`));
    assert.equal(stamp.checkpointSize, 3000);
    assert.equal(stamp.modelSize, 3000);
    const second = await f.run();
    assert.equal(second.rebuilt, false);
    assert.equal(f.calls, 1);
    assert.deepEqual(second.bytes, first.bytes);
  } finally {
    await Deno.remove(f.dir, { recursive: true });
  }
});

Deno.test("cachedConversion(checkpoint, convert) rebuilds after the checkpoint is touched", async () => {
  const f = await fixture(pseudoRandomBytes(100, 2));
  try {
    await f.run();
    const later = new Date(Date.now() + 60_000);
    await Deno.utime(f.checkpoint, later, later);
    assert.equal((await f.run()).rebuilt, true);
    assert.equal((await f.run()).rebuilt, false);
    assert.equal(f.calls, 2);
  } finally {
    await Deno.remove(f.dir, { recursive: true });
  }
});

Deno.test("cachedConversion(checkpoint, convert) rebuilds when the content changes at the same size and time", async () => {
  // 3 MiB: larger than the sampled region, so the hash samples; the change sits in the first sample.
  const bytes = pseudoRandomBytes(3 * 1024 * 1024, 3);
  const f = await fixture(bytes);
  try {
    const first = await f.run();
    const { mtime } = await Deno.stat(f.checkpoint);
    bytes[10]! ^= 1;
    await Deno.writeFile(f.checkpoint, bytes);
    await Deno.utime(f.checkpoint, mtime!, mtime!);
    const second = await f.run();
    assert.equal(second.rebuilt, true);
    assert.notDeepEqual(second.bytes, first.bytes);
  } finally {
    await Deno.remove(f.dir, { recursive: true });
  }
});

Deno.test("cachedConversion(checkpoint, convert) rebuilds for a new converter version or a truncated cache", async () => {
  const f = await fixture(pseudoRandomBytes(500, 4));
  try {
    await f.run();
    assert.equal((await f.run({ converterVersion: 2 })).rebuilt, true);
    await Deno.truncate(`${f.checkpoint}.onnx`, 10);
    assert.equal((await f.run({ converterVersion: 2 })).rebuilt, true);
    assert.equal((await f.run({ converterVersion: 2 })).rebuilt, false);
    assert.equal(f.calls, 3);
  } finally {
    await Deno.remove(f.dir, { recursive: true });
  }
});

Deno.test("cachedConversion(checkpoint, convert) caches in the fallback folder when beside cannot be written", async () => {
  const f = await fixture(pseudoRandomBytes(200, 5));
  try {
    // A non-empty directory where the cache file should go makes the write fail (even as root).
    await Deno.mkdir(`${f.checkpoint}.onnx`);
    await Deno.writeTextFile(`${f.checkpoint}.onnx/blocker`, "x");
    const first = await f.run();
    assert.equal(first.rebuilt, true);
    assert.ok(first.path?.startsWith(`${f.dir}/fallback/model.pth-`), first.path ?? "null");
    const second = await f.run();
    assert.equal(second.rebuilt, false);
    assert.equal(second.path, first.path);
    assert.equal(f.calls, 1);
  } finally {
    await Deno.remove(f.dir, { recursive: true });
  }
});

Deno.test("cachedConversion(checkpoint, convert) rejects a missing checkpoint with NotFound", async () => {
  await assert.rejects(
    cachedConversion("no/such/model.pth", () => Promise.resolve(new Uint8Array()), {
      converterVersion: 1,
      reporter: memoryReporter(),
    }),
    Deno.errors.NotFound,
  );
});

Deno.test("checkpointStamp(path, version) hashes the last bytes of a large file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = pseudoRandomBytes(2 * 1024 * 1024 + 7, 6);
    await Deno.writeFile(`${dir}/a`, bytes);
    bytes[bytes.length - 1]! ^= 0x80;
    await Deno.writeFile(`${dir}/b`, bytes);
    const a = await checkpointStamp(`${dir}/a`, 1);
    const b = await checkpointStamp(`${dir}/b`, 1);
    assert.equal(a.checkpointSize, b.checkpointSize);
    assert.notEqual(a.checkpointHash, b.checkpointHash);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
