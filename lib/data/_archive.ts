/**
 * Random access to the images of a dataset by entry path, whatever holds them: a folder, `.zip`,
 * `.tar`, `.tar.gz`/`.tgz` or RecordIO (`.rec` + `.idx`). Used to show a few images of huge
 * archives (the closest-pairs grids) without extracting anything: only the entries asked for are
 * read. When a path does not match exactly, {@linkcode resolveImagePath} falls back to the search
 * by file name of the original `plot_similar.py`.
 *
 * @module
 */
import { isImageName } from "./_dataset.ts";
import { safeEntryPath } from "./_archive_entries.ts";
import { RecordIOFile, recordIOLayout, recordKey } from "./_recordio.ts";
import { indexTar, isGzipTar, listTar, openTarStream, walkTar } from "./_tar.ts";
import { ZipFile } from "./_zip.ts";

/** Images of a dataset addressed by `/`-separated entry path. */
export interface ImageSource {
  /** The path the user gave. */
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

async function getEach(
  get: (p: string) => Promise<Uint8Array | undefined>,
  paths: readonly string[],
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const p of paths) {
    const bytes = await get(p);
    if (bytes) out.set(p, bytes);
  }
  return out;
}

function folderSource(root: string): ImageSource {
  const walk = async (dir: string, prefix: string, out: string[]) => {
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.isDirectory) await walk(`${dir}/${e.name}`, `${prefix}${e.name}/`, out);
      else if (e.isFile) out.push(`${prefix}${e.name}`);
    }
  };
  let listed: Promise<string[]> | undefined;
  const paths = () => {
    // One walk shared by concurrent callers: a half-filled list must never be returned.
    listed ??= (async () => {
      const out: string[] = [];
      await walk(root, "", out);
      return out;
    })();
    return listed;
  };
  const get = async (path: string) => {
    const safe = safeEntryPath(path);
    if (safe === undefined) return undefined;
    try {
      return await Deno.readFile(`${root}/${safe}`);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
        return undefined;
      }
      throw error;
    }
  };
  return withResolve({
    source: root,
    paths,
    get,
    getMany: (paths) => getEach(get, paths),
    close: () => Promise.resolve(),
  });
}

function withResolve(source: Omit<ImageSource, "resolve">): ImageSource {
  return { ...source, resolve: async (wanted) => resolveImagePath(await source.paths(), wanted) };
}

async function zipSource(path: string): Promise<ImageSource> {
  const zip = await ZipFile.open(path);
  const get = (p: string) => zip.read(p);
  return withResolve({
    source: path,
    paths: () => Promise.resolve(zip.entries().map((e) => e.path)),
    get,
    getMany: (paths) => getEach(get, paths),
    close: () => Promise.resolve(zip.close()),
  });
}

async function tarSource(path: string): Promise<ImageSource> {
  if (!isGzipTar(path)) {
    const index = await indexTar(path);
    return withResolve({
      source: path,
      paths: () => Promise.resolve([...index.entries.keys()]),
      get: (p) => index.read(p),
      getMany: (paths) => getEach((p) => index.read(p), paths),
      close: () => Promise.resolve(index.close()),
    });
  }
  await Deno.stat(path);
  let listed: Promise<string[]> | undefined;
  const getMany = async (paths: readonly string[]) => {
    const wanted = new Set(paths);
    const out = new Map<string, Uint8Array>();
    const walk = walkTar(await openTarStream(path), path, (e) => {
      if (out.size === wanted.size) return "stop";
      return wanted.has(e.path) ? "read" : "skip";
    });
    for await (const { entry, bytes } of walk) out.set(entry.path, bytes);
    return out;
  };
  return withResolve({
    source: path,
    paths() {
      listed ??= listTar(path).then((entries) => entries.map((e) => e.path));
      return listed;
    },
    get: async (p) => (await getMany([p])).get(p),
    getMany,
    close: () => Promise.resolve(),
  });
}

async function recordIOSource(path: string): Promise<ImageSource> {
  const rec = await RecordIOFile.open(path);
  const layout = await recordIOLayout(rec);
  const isImage = new Set(layout.keys);
  const named = new Map<string, number>();
  for (const [k, key] of layout.names ?? []) named.set(`${key.identity}/${key.imageName}`, k);
  /** Entry path of an image record, reading only its label when no list.txt names it. */
  const pathOf = async (k: number) => {
    const key = await recordKey(rec, layout, k);
    return `${key.identity}/${key.imageName}`;
  };
  /** Record key of an entry path, checked without reading the whole index. */
  const keyOf = async (p: string) => {
    if (layout.names) return named.get(p);
    const m = /^([^/]+)\/(\d+)\.jpg$/.exec(p);
    const k = m ? Number(m[2]) : NaN;
    return isImage.has(k) && (await pathOf(k)) === p ? k : undefined;
  };
  const get = async (p: string) => {
    const k = await keyOf(p);
    return k === undefined ? undefined : (await rec.read(k))?.payload;
  };
  const paths = async () => {
    const out: string[] = [];
    for (const k of layout.keys) out.push(await pathOf(k));
    return out;
  };
  return {
    source: rec.source,
    paths,
    async resolve(wanted) {
      if ((await keyOf(wanted)) !== undefined) return wanted;
      const m = /(\d+)\.[^./]+$/.exec(wanted);
      if (m && isImage.has(Number(m[1]))) return await pathOf(Number(m[1]));
      return resolveImagePath(await paths(), wanted);
    },
    get,
    getMany: (paths) => getEach(get, paths),
    close: () => Promise.resolve(rec.close()),
  };
}

/**
 * Opens a folder or archive for reads by entry path, chosen by extension (`.zip`, `.tar`,
 * `.tar.gz`, `.tgz`, `.rec`/`.idx`; anything else must be a folder).
 *
 * @param path Folder or archive.
 * @returns The source; close it after use.
 * @throws {Deno.errors.NotFound} When the path does not exist.
 * @throws {SyntaxError} When an archive is corrupt or truncated.
 *
 * @example
 * ```ts
 * import { zipSync } from "fflate";
 * import { openImageSource } from "./_archive.ts";
 * const path = await Deno.makeTempFile({ suffix: ".zip" });
 * await Deno.writeFile(path, zipSync({ "CASIA/0001/image_5.jpg": new Uint8Array([5]) }));
 * const source = await openImageSource(path);
 * const bytes = await source.get("CASIA/0001/image_5.jpg");
 * await source.close();
 * if (bytes?.[0] !== 5) throw new Error("unexpected");
 * ```
 */
export async function openImageSource(path: string): Promise<ImageSource> {
  const lower = path.toLowerCase();
  if (lower.endsWith(".zip")) return await zipSource(path);
  if (/\.(tar|tar\.gz|tgz)$/.test(lower)) return await tarSource(path);
  if (/\.(rec|idx)$/.test(lower)) return await recordIOSource(path);
  const info = await Deno.stat(path);
  if (!info.isDirectory) {
    throw new TypeError(
      `Cannot open ${path} as images: expected a folder, .zip, .tar, .tar.gz, .tgz or .rec, current value is a file`,
    );
  }
  return await folderSource(path);
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
