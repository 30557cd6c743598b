/**
 * Opens any dataset source the kit reads, by its path.
 *
 * @module
 */
import type { DatasetReader } from "./_dataset.ts";
import { type FolderDatasetOptions, openFolderDataset } from "./_folder.ts";

/** Options of {@linkcode openDataset}. */
export type OpenDatasetOptions = FolderDatasetOptions;

/**
 * Opens a dataset: a folder of identity sub-folders, or an archive of one (`.zip`, `.tar`,
 * `.tar.gz`/`.tgz`, MXNet RecordIO `.rec` with its `.idx`).
 *
 * @param path Folder or archive.
 * @param options Listing order for folders.
 * @returns The reader.
 * @throws {Deno.errors.NotFound} When the path does not exist.
 */
export async function openDataset(
  path: string,
  options: OpenDatasetOptions = {},
): Promise<DatasetReader> {
  const lower = path.toLowerCase();
  if (lower.endsWith(".zip")) return (await import("./_zip.ts")).openZipDataset(path);
  if (lower.endsWith(".tar") || lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) {
    return (await import("./_tar.ts")).openTarDataset(path);
  }
  if (lower.endsWith(".rec") || lower.endsWith(".idx")) {
    return (await import("./_recordio.ts")).openRecordIODataset(path);
  }
  return await openFolderDataset(path, options);
}
