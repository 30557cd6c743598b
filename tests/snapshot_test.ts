import assert from "node:assert/strict";
import { AssertionError } from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { assertSvgSnapshot, normalizeSvg } from "./_snapshot.ts";

const SVG = '<svg id="plot-1a"><path d="M0.12345,1.00049"/></svg>';

async function withDir(fn: (dir: URL) => Promise<void>): Promise<void> {
  const path = await Deno.makeTempDir();
  try {
    await fn(pathToFileURL(`${path}/`));
  } finally {
    await Deno.remove(path, { recursive: true });
  }
}

function exists(url: URL): boolean {
  try {
    return Deno.statSync(url).isFile;
  } catch {
    return false;
  }
}

Deno.test("assertSvgSnapshot(name, svg) fails on a missing snapshot and writes nothing", async () => {
  await withDir(async (dir) => {
    await assert.rejects(
      assertSvgSnapshot("absent", SVG, { dir, update: false }),
      (e: Error) => e instanceof AssertionError && /absent\.svg is missing/.test(e.message),
    );
    assert.equal(exists(new URL("absent.svg", dir)), false);
  });
});

Deno.test("assertSvgSnapshot(name, svg, {update}) writes the snapshot, which then passes", async () => {
  await withDir(async (dir) => {
    await assertSvgSnapshot("fig", SVG, { dir, update: true });
    assert.equal(await Deno.readTextFile(new URL("fig.svg", dir)), normalizeSvg(SVG));
    await assertSvgSnapshot("fig", SVG, { dir, update: false });
  });
});

Deno.test("assertSvgSnapshot(name, svg) fails on a change and writes <name>-changed.svg", async () => {
  await withDir(async (dir) => {
    await assertSvgSnapshot("fig", SVG, { dir, update: true });
    const other = SVG.replace("1.00049", "1.002");
    await assert.rejects(assertSvgSnapshot("fig", other, { dir, update: false }), AssertionError);
    assert.equal(await Deno.readTextFile(new URL("fig-changed.svg", dir)), normalizeSvg(other));
    assert.equal(await Deno.readTextFile(new URL("fig.svg", dir)), normalizeSvg(SVG));
  });
});
