/**
 * The contract between dataset sources (a folder of identity sub-folders, or an archive of one)
 * and the embedding pipeline.
 *
 * @module
 */

/** Where an image sits in a dataset: `<identity>/<imageName>`. */
export interface ImageKey {
  /** Identity folder name; for RecordIO, the class label as an integer string. */
  identity: string;
  /** File name inside the identity folder, extension included, e.g. `0001.jpg`. */
  imageName: string;
}

/** An image's bytes, or the reason they could not be read. */
export type ImageRecord =
  | (ImageKey & { bytes: Uint8Array; error?: undefined })
  | (ImageKey & { bytes?: undefined; error: string });

/** Options of {@linkcode DatasetReader.read}. */
export interface ReadOptions {
  /** Keys for which this returns true are not read (resume). */
  skip?: (key: ImageKey) => boolean;
}

/** A dataset source. */
export interface DatasetReader {
  /** The path the user gave, for messages. */
  source: string;
  /** Every image key in reading order, without reading image bytes where the format allows. */
  list(): Promise<ImageKey[]>;
  /** Streams the images in the order of {@linkcode DatasetReader.list}. */
  read(options?: ReadOptions): AsyncIterable<ImageRecord>;
  /** Releases open files. */
  close(): Promise<void>;
}

/** File extensions (lower case) of the images a dataset may hold, as the original package. */
export const IMAGE_EXTENSIONS: readonly string[] = [".png", ".jpg", ".jpeg"];

/**
 * Whether a file name is an image of a dataset (`.png`, `.jpg`, `.jpeg`, any letter case).
 *
 * @param name File name.
 * @returns True for an image.
 *
 * @example
 * ```ts
 * import { isImageName } from "./_dataset.ts";
 * if (!isImageName("a/B.JPG") || isImageName("notes.txt")) throw new Error("unexpected");
 * ```
 */
export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}
