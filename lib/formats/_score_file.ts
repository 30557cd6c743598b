/**
 * Score files: one similarity per line, as the original wrote them (`f"{sim}\n"`, Python's
 * shortest float repr) and read them (blank lines skipped). Reading is strict: a line that is not
 * a finite decimal number, or a file without scores, is an error naming the file and line.
 *
 * @module
 */
import { pythonFloatRepr } from "./_python_float.ts";

/** Options of {@linkcode parseScores}. */
export interface ParseScoresOptions {
  /** Name of the source in messages. @default "scores" */
  source?: string;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses score-file text.
 *
 * @param text The file's text.
 * @param options The source name for messages.
 * @returns The scores in file order.
 * @throws {SyntaxError} When a non-blank line is not a finite decimal number (NaN and inf
 *   included), or no line holds a score; the message names the source and line.
 *
 * @example
 * ```ts
 * import { parseScores } from "./_score_file.ts";
 * if (parseScores("0.5\n\n-1e-05\n").join() !== "0.5,-0.00001") throw new Error("unexpected");
 * ```
 */
export function parseScores(text: string, options: ParseScoresOptions = {}): Float64Array {
  const { source = "scores" } = options;
  const lines = text.split("\n");
  const out = new Float64Array(lines.length);
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const value = Number(line);
    if (!DECIMAL.test(line) || !Number.isFinite(value)) {
      throw new SyntaxError(
        `Cannot read ${source}: line ${i + 1} is not a finite number: ${
          JSON.stringify(line.slice(0, 40))
        }`,
      );
    }
    out[n++] = value;
  }
  if (n === 0) throw new SyntaxError(`Cannot read ${source}: the file holds no scores`);
  return out.slice(0, n);
}

/**
 * Reads a score file.
 *
 * @param path The file.
 * @returns The scores.
 * @throws {SyntaxError} On a bad line or an empty file (message names the path and line).
 * @throws {Deno.errors.NotFound} When the file does not exist.
 *
 * @example
 * ```ts
 * import { readScoreFile } from "./_score_file.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "0.25\n0.5\n");
 * if ((await readScoreFile(path)).length !== 2) throw new Error("unexpected");
 * ```
 */
export async function readScoreFile(path: string): Promise<Float64Array> {
  return parseScores(await Deno.readTextFile(path), { source: path });
}

/**
 * Formats scores one per line in Python's float repr, each line ending with a newline.
 *
 * @param scores The scores.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { scoresText } from "./_score_file.ts";
 * if (scoresText([1, 0.5, 1e-5]) !== "1.0\n0.5\n1e-05\n") throw new Error("unexpected");
 * ```
 */
export function scoresText(scores: ArrayLike<number>): string {
  const parts = new Array<string>(scores.length);
  for (let i = 0; i < scores.length; i++) parts[i] = pythonFloatRepr(scores[i]!) + "\n";
  return parts.join("");
}
