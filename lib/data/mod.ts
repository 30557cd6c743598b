/**
 * Dataset containers: a folder of identity sub-folders, zip (with ZIP64), tar, tar.gz and MXNet
 * RecordIO, each one {@linkcode Container} behind {@linkcode openContainer} and its one extension
 * table. On top of it: {@linkcode openDataset}, the `<identity>/<image>` reader that `embed`
 * streams, and {@linkcode openImageSource}, the lookup by entry path that draws image grids.
 * Also the kit's one zip reader, {@linkcode ZipReader} (zero-copy stored entries for `.pth`), and
 * the RecordIO record reader.
 *
 * @example
 * ```ts
 * import { zipSync } from "fflate";
 * import { openContainer, openDataset, openImageSource } from "./mod.ts";
 * const path = await Deno.makeTempFile({ suffix: ".zip" });
 * await Deno.writeFile(path, zipSync({ "Set/alice/1.jpg": new Uint8Array([0xff, 0xd8]) }));
 * const container = await openContainer(path);
 * if ((await container.list()).join() !== "Set/alice/1.jpg") throw new Error("entries");
 * await container.close();
 * const dataset = await openDataset(path);
 * const keys = await dataset.list();
 * await dataset.close();
 * if (keys[0]?.identity !== "alice" || keys[0]?.imageName !== "1.jpg") throw new Error("keys");
 * const images = await openImageSource(path);
 * const found = await images.resolve("alice/1.jpg");
 * await images.close();
 * if (found !== "Set/alice/1.jpg") throw new Error("lookup");
 * ```
 *
 * @module
 */
export * from "./_archive.ts";
export * from "./_container.ts";
export * from "./_dataset.ts";
export * from "./_open.ts";
export { decodeIRHeader, RecordIOFile, type RecordIORecord } from "./_recordio.ts";
export { openZip, type ZipBytes, type ZipEntry, ZipReader, type ZipReaderOptions } from "./_zip.ts";
