/**
 * The image lookup of `plot-similar`, {@linkcode openImageSource}: images of a dataset by entry
 * path, whatever holds them (a folder, `.zip`, `.tar`, `.tar.gz`/`.tgz` or RecordIO `.rec` +
 * `.idx`), through {@linkcode openContainer}. Used to show a few images of huge archives (the
 * closest-pairs grids) without extracting anything: only the entries asked for are read. When a
 * path does not match exactly, {@linkcode resolveImagePath} falls back to the search by file name
 * of the original `plot_similar.py`.
 *
 * @module
 */
import type { Reporter } from "../cli/mod.ts";
import { openContainer } from "./_container.ts";
import { isImageName } from "./_dataset.ts";

/** Images of a dataset addressed by `/`-separated entry path. */
export interface ImageSource {
  /** The path the user gave (for RecordIO, the `.rec` file). */
  source: string;
  /** Every file entry path (for RecordIO: `<label>/<key>.jpg` or the `list.txt` names). */
  paths(): Promise<string[]>;
  /**
   * The entry for a wanted path: exact, else the source's fallback (RecordIO: the record whose
   * key is the last number of the file name), else {@linkcode resolveImagePath}.
   */
  resolve(wanted: string): Promise<string | undefined>;
  /** The bytes of one entry, or `undefined` when there is none. */
  get(path: string): Promise<Uint8Array | undefined>;
  /** The bytes of several entries (one pass over a compressed tar); missing ones are absent. */
  getMany(paths: readonly string[]): Promise<Map<string, Uint8Array>>;
  /** Releases open files. */
  close(): Promise<void>;
}

/** Options of {@linkcode openImageSource}. */
export interface ImageSourceOptions {
  /** Receives warnings (unsafe archive entries). @default consoleReporter() */
  reporter?: Reporter;
}

/**
 * Opens a folder or archive for reads by entry path, its kind chosen by the extension table of
 * {@linkcode openContainer}.
 *
 * @param path Folder or archive.
 * @param options The reporter.
 * @returns The source; close it after use.
 * @throws {Deno.errors.NotFound} When the path does not exist, saying what was expected.
 * @throws {TypeError} When the path is a file of no known archive kind.
 * @throws {SyntaxError} When an archive is corrupt or truncated.
 *
 * @example
 * ```ts
 * import { zipSync } from "fflate";
 * import { openImageSource } from "./_archive.ts";
 * const path = await Deno.makeTempFile({ suffix: ".zip" });
 * await Deno.writeFile(path, zipSync({ "CASIA/0001/image_5.jpg": new Uint8Array([5]) }));
 * const source = await openImageSource(path);
 * const found = await source.resolve("0001/image_5.jpg");
 * const bytes = await source.get("CASIA/0001/image_5.jpg");
 * await source.close();
 * if (found !== "CASIA/0001/image_5.jpg" || bytes?.[0] !== 5) throw new Error("unexpected");
 * ```
 */
export async function openImageSource(
  path: string,
  options: ImageSourceOptions = {},
): Promise<ImageSource> {
  const container = await openContainer(path, options);
  return {
    source: container.source,
    paths: () => container.list(),
    async resolve(wanted) {
      const own = await container.lookup?.(wanted);
      return own ?? resolveImagePath(await container.list(), wanted);
    },
    get: (p) => container.read(p),
    getMany: (paths) => container.readMany(paths),
    close: () => container.close(),
  };
}

/**
 * Finds the entry for a wanted `<identity>/<image>` path, as `plot_similar.py` searched an
 * extracted archive: the exact path, or the exact path under one top-level folder; otherwise,
 * among the images in the deepest folders, the first whose file name equals the wanted one
 * ignoring case, then the first whose name contains it or is contained in it.
 *
 * @param paths Entry paths of the source.
 * @param wanted The path from the closest-pairs file.
 * @returns The matching entry path, or `undefined`.
 *
 * @example
 * ```ts
 * import { resolveImagePath } from "./_archive.ts";
 * const paths = ["Set/a/1.jpg", "Set/b/IMG_2.JPG"];
 * if (resolveImagePath(paths, "a/1.jpg") !== "Set/a/1.jpg") throw new Error("wrapped");
 * if (resolveImagePath(paths, "x/img_2.jpg") !== "Set/b/IMG_2.JPG") throw new Error("by name");
 * if (resolveImagePath(paths, "x/3.jpg") !== undefined) throw new Error("missing");
 * ```
 */
export function resolveImagePath(paths: readonly string[], wanted: string): string | undefined {
  const target = wanted.replaceAll("\\", "/").replace(/^\/+/, "");
  const exact = paths.find((p) =>
    p === target || p.endsWith(`/${target}`) && p.split("/").length === target.split("/").length + 1
  );
  if (exact) return exact;
  const depth = (p: string) => p.split("/").length - 1;
  let max = 0;
  for (const p of paths) max = Math.max(max, depth(p));
  const deepest = paths.filter((p) => depth(p) === max && isImageName(p));
  const name = (target.split("/").pop() ?? target).toLowerCase();
  const base = (p: string) => (p.split("/").pop() ?? p).toLowerCase();
  return deepest.find((p) => base(p) === name) ??
    deepest.find((p) => base(p).includes(name) || name.includes(base(p)));
}
