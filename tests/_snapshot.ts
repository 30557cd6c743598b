/**
 * A small snapshot helper for figures (jsr's `@std/testing/snapshot` cannot be fetched here):
 * the SVG is normalised (numbers rounded to 3 decimals, generated ids re-indexed in order of
 * appearance) and compared with `tests/__snapshots__/<name>.svg`. A snapshot is written only by an
 * explicit update run (`UPDATE_SNAPSHOTS=1 deno test ...` or `deno test -A tests/plots -- --update`);
 * otherwise a missing snapshot fails like a changed one, and on a mismatch `<name>-changed.svg` is
 * written beside it.
 *
 * @module
 */
import { AssertionError } from "node:assert/strict";

const SNAPSHOT_DIR = new URL("./__snapshots__/", import.meta.url);

/** Options of {@linkcode assertSvgSnapshot}. */
export interface SnapshotOptions {
  /**
   * Folder of the snapshots (a URL ending in `/`).
   * @default {new URL("./__snapshots__/", import.meta.url)}
   */
  dir?: URL;
  /**
   * Write the snapshot instead of comparing.
   * @default {isUpdateRun()}
   */
  update?: boolean;
}

/**
 * Whether this run was asked to update snapshots: `UPDATE_SNAPSHOTS=1` (or the older `UPDATE=1`)
 * in the environment, or `--update` after `--` on the `deno test` command line.
 *
 * @returns True for an explicit update run.
 */
export function isUpdateRun(): boolean {
  const env = (name: string) => Deno.env.get(name) === "1";
  return env("UPDATE_SNAPSHOTS") || env("UPDATE") || Deno.args.includes("--update");
}

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
 * @param options Snapshot folder and update switch.
 * @throws {AssertionError} When the snapshot is missing or differs, outside an update run.
 */
export async function assertSvgSnapshot(
  name: string,
  svg: string,
  options: SnapshotOptions = {},
): Promise<void> {
  const { dir = SNAPSHOT_DIR, update = isUpdateRun() } = options;
  const actual = normalizeSvg(svg);
  const file = new URL(`${name}.svg`, dir);
  const changed = new URL(`${name}-changed.svg`, dir);
  let expected: string | null = null;
  try {
    expected = await Deno.readTextFile(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (update) {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(file, actual);
    await Deno.remove(changed).catch(() => {});
    return;
  }
  if (expected === null) {
    throw new AssertionError({
      message: `SVG snapshot ${file.pathname} is missing: commit it, or write it with ` +
        "UPDATE_SNAPSHOTS=1 deno test -A <test file> (or `-- --update`) and review it",
    });
  }
  if (expected !== actual) {
    await Deno.writeTextFile(changed, actual);
    throw new AssertionError({
      message: `SVG snapshot ${name} differs: see ${changed.pathname} ` +
        "(UPDATE_SNAPSHOTS=1 to accept)",
    });
  }
  await Deno.remove(changed).catch(() => {});
}
