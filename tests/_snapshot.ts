/**
 * A small snapshot helper for figures (jsr's `@std/testing/snapshot` cannot be fetched here):
 * the SVG is normalised (numbers rounded to 3 decimals, generated ids re-indexed in order of
 * appearance) and compared with `tests/__snapshots__/<name>.svg`. The snapshot is written when
 * missing or when `UPDATE=1`; on a mismatch `<name>-changed.svg` is written beside it.
 *
 * @module
 */
import { AssertionError } from "node:assert/strict";

const SNAPSHOT_DIR = new URL("./__snapshots__/", import.meta.url);

/**
 * Normalises SVG text for comparison: numbers to 3 decimals, ids re-indexed.
 *
 * @param svg SVG markup.
 * @returns Normalised markup.
 */
export function normalizeSvg(svg: string): string {
  const ids = new Map<string, string>();
  const rename = (id: string) => {
    let v = ids.get(id);
    if (v === undefined) {
      v = `id-${ids.size}`;
      ids.set(id, v);
    }
    return v;
  };
  let out = svg.replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${rename(id)}"`);
  out = out.replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${rename(id)})`);
  out = out.replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${rename(id)}"`);
  out = out.replace(/class="(plot-[0-9a-f]+)"/g, (_, c: string) => `class="${rename(c)}"`);
  out = out.replace(/\.(plot-[0-9a-f]+)/g, (_, c: string) => `.${rename(c)}`);
  out = out.replace(/-?\d+\.\d+(?:e[+-]?\d+)?/gi, (m) => {
    const r = Number(Number(m).toFixed(3));
    return String(Object.is(r, -0) ? 0 : r);
  });
  return out.replace(/></g, ">\n<");
}

/**
 * Compares normalised SVG with its stored snapshot.
 *
 * @param name Snapshot file name without `.svg`.
 * @param svg The SVG produced now.
 * @throws {AssertionError} When it differs from the stored snapshot (and `UPDATE` is not set).
 */
export async function assertSvgSnapshot(name: string, svg: string): Promise<void> {
  const actual = normalizeSvg(svg);
  const file = new URL(`${name}.svg`, SNAPSHOT_DIR);
  const changed = new URL(`${name}-changed.svg`, SNAPSHOT_DIR);
  let expected: string | null = null;
  try {
    expected = await Deno.readTextFile(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (expected === null || Deno.env.get("UPDATE") === "1") {
    await Deno.mkdir(SNAPSHOT_DIR, { recursive: true });
    await Deno.writeTextFile(file, actual);
    await Deno.remove(changed).catch(() => {});
    return;
  }
  if (expected !== actual) {
    await Deno.writeTextFile(changed, actual);
    throw new AssertionError({
      message: `SVG snapshot ${name} differs: see ${changed.pathname} (UPDATE=1 to accept)`,
    });
  }
  await Deno.remove(changed).catch(() => {});
}
