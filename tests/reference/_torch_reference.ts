/**
 * Runs `torch_reference.py` (Debian's `/usr/bin/python3` with torch, torchvision, PIL) into a
 * temporary folder and reads what it wrote, for the `.pth` reader and parity tests.
 *
 * @module
 */
import { hasPython, runPython, skipUnlessPython } from "../_python.ts";

/** Whether the reference script can run here. */
export const torchAvailable: boolean = hasPython("torch", "torchvision", "PIL", "numpy");

/** The `ignore` value for a test that runs the reference script (skips outside CI, fails in it). */
export function skipUnlessTorchReference(): boolean {
  return skipUnlessPython("torch", "torchvision", "PIL", "numpy");
}

/** One tensor of a checkpoint as the script described it. */
export interface ReferenceTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** SHA-256 of the tensor's contiguous little-endian bytes. */
  sha256: string;
  /** The first (up to 6) values; int64 as decimal strings. */
  head: (number | string)[];
}

/** One test image. */
export interface ReferenceImage {
  file: string;
  mode: string;
  width: number;
  height: number;
}

/** `manifest.json` of the script. */
export interface ReferenceManifest {
  depth: number;
  layers: number[];
  width: number;
  widths: number[];
  embedding_size: number;
  seed: number;
  torch: string;
  keys: ReferenceTensor[];
  /** Tensors of the extra checkpoints (`iresnet18.pth`, `linear.pth`, ...) by file name. */
  checkpoints: Record<string, ReferenceTensor[]>;
  images: ReferenceImage[];
  timings: Record<string, number>;
}

/** A generated reference folder. */
export interface Reference {
  dir: string;
  manifest: ReferenceManifest;
  /** `dir` joined with `name`. */
  path(name: string): string;
  /** A float32 little-endian file of the folder. */
  readF32(name: string): Promise<Float32Array>;
  /** Removes the folder. */
  remove(): Promise<void>;
}

const SCRIPT = new URL("./torch_reference.py", import.meta.url).pathname;

/**
 * Runs the reference script with `flags` (besides `--out`) into a new temporary folder.
 *
 * @param flags Script flags, e.g. `["--depth", "50", "--onnx"]`.
 * @returns The folder and its manifest.
 */
export async function generateReference(flags: string[]): Promise<Reference> {
  const dir = await Deno.makeTempDir({ prefix: "torch_reference_" });
  try {
    await runPython([SCRIPT, "--out", dir, ...flags]);
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
  const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`)) as ReferenceManifest;
  return {
    dir,
    manifest,
    path: (name) => `${dir}/${name}`,
    readF32: async (name) => {
      const bytes = await Deno.readFile(`${dir}/${name}`);
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    },
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}

/**
 * SHA-256 of a typed array's bytes, as lowercase hex.
 *
 * @param data Any typed array.
 * @returns The digest.
 */
export async function sha256Hex(data: ArrayBufferView): Promise<string> {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}
