/**
 * Dataset sources: a folder of identity sub-folders, zip (with ZIP64), tar, tar.gz and MXNet
 * RecordIO, read in place as {@linkcode DatasetReader}s, plus random access by entry path for
 * drawing image grids, and an in-memory zip reader with zero-copy stored entries (for `.pth`).
 *
 * @example
 * ```ts
 * import { isImageName, openDataset } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/alice`);
 * await Deno.writeFile(`${dir}/alice/1.jpg`, new Uint8Array([0xff, 0xd8]));
 * const keys = await (await openDataset(dir)).list();
 * if (keys.length !== 1 || !isImageName(keys[0].imageName)) throw new Error("unexpected");
 * ```
 *
 * @module
 */
export * from "./_archive.ts";
export * from "./_dataset.ts";
export * from "./_folder.ts";
export * from "./_open.ts";
export * from "./_recordio.ts";
export * from "./_tar.ts";
export * from "./_zip.ts";
export * from "./_zip_reader.ts";
