/**
 * Images of a dataset folder or archive by `<identity>/<image>`, streamed to the explorer's page
 * without extracting anything: the container is opened once, its listing indexed, and only the
 * entries asked for are read. A wanted path matches an entry exactly, or under one top-level folder
 * (an archive of `DCFace/<identity>/<image>`); there is no search by file name, so a picture never
 * carries another image's label. In a folder, an entry whose real path leads out of the folder (a
 * symbolic link) is not served.
 *
 * @module
 */
import { join } from "node:path";
import { type Container, openContainer } from "../data/_container.ts";
import { memoryReporter } from "../cli/_reporter.ts";
import { isInside } from "./_safe_path.ts";

/** An opened image dataset. */
export interface ImageIndex {
  /** The image's bytes, or `undefined` when the dataset has no such entry (or it leads out). */
  get(identity: string, image: string): Promise<Uint8Array | undefined>;
  /** Entries indexed. */
  size(): number;
  /** Releases the container. */
  close(): Promise<void>;
}

/**
 * Opens a folder or archive and indexes its entries by `<identity>/<image>`.
 *
 * @param path Folder or archive (any kind `openContainer` reads).
 * @returns The index.
 * @throws {Deno.errors.NotFound} When the path does not exist.
 * @throws {SyntaxError} When an archive is corrupt.
 */
export async function openImageIndex(path: string): Promise<ImageIndex> {
  const container: Container = await openContainer(path, { reporter: memoryReporter() });
  const byKey = new Map<string, string>();
  const entries = await container.list();
  for (const entry of entries) {
    const parts = entry.split("/");
    const key = parts.slice(-2).join("/");
    if (parts.length === 2 || (parts.length === 3 && !byKey.has(key))) byKey.set(key, entry);
  }
  const root = container.kind === "folder" ? await Deno.realPath(path) : undefined;
  return {
    async get(identity, image) {
      const entry = byKey.get(`${identity}/${image}`);
      if (entry === undefined) return undefined;
      if (root !== undefined) {
        let real: string;
        try {
          real = await Deno.realPath(join(path, entry));
        } catch {
          return undefined;
        }
        if (!isInside(root, real)) return undefined;
      }
      return await container.read(entry);
    },
    size: () => byKey.size,
    close: () => container.close(),
  };
}

/** The MIME type of image bytes by their signature (`application/octet-stream` when unknown). */
export function imageMimeType(bytes: Uint8Array): string {
  const b = bytes;
  if (b[0] === 0xff && b[1] === 0xd8) return "image/jpeg";
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "image/png";
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return "image/gif";
  if (b[0] === 0x42 && b[1] === 0x4d) return "image/bmp";
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57) {
    return "image/webp";
  }
  return "application/octet-stream";
}
