/**
 * A small JSON-lines embeddings file in the original format, generated for script tests:
 * identities with controlled spread around random centres.
 *
 * @module
 */
import { createRng, uniformFloat } from "../../lib/random/mod.ts";

/**
 * Writes `identities` x `per` unit embeddings of dimension `dim` to `path`.
 *
 * @param path Output file.
 * @param options Identities, images per identity, dimension, spread, seed.
 */
export async function writeEmbeddingsFixture(
  path: string,
  options: { identities: number; per: number; dim?: number; spread?: number; seed?: number },
): Promise<void> {
  const { identities, per, dim = 16, spread = 0.4, seed = 1 } = options;
  const rng = createRng(seed);
  const lines: string[] = [];
  for (let k = 0; k < identities; k++) {
    const centre = Array.from({ length: dim }, () => uniformFloat(rng) - 0.5);
    for (let j = 0; j < per; j++) {
      const v = centre.map((c) => c + spread * (uniformFloat(rng) - 0.5));
      const n = Math.hypot(...v);
      lines.push(JSON.stringify({
        identity: `person_${k}`,
        image_name: `${j}.jpg`,
        embedding: v.map((x) => Math.round((x / n) * 1e5) / 1e5),
      }));
    }
  }
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}
