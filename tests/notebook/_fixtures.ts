/** Small generated inputs for the notebook helper tests. */

/**
 * Writes a JSON-lines embedding file of `identities` x `perIdentity` rows of 4-d unit vectors,
 * seeded so that rows of one identity are close.
 */
export async function writeEmbeddingsJsonl(path: string, identities: number, perIdentity: number) {
  let seed = identities * 31 + perIdentity;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines: string[] = [];
  for (let k = 0; k < identities; k++) {
    const center = [next(), next(), next(), next()];
    for (let j = 0; j < perIdentity; j++) {
      const v = center.map((c) => c + 0.1 * next());
      const norm = Math.hypot(...v);
      const embedding = v.map((x) => Math.round((x / norm) * 1e5) / 1e5);
      lines.push(JSON.stringify({ identity: `id${k}`, image_name: `${j}.png`, embedding }));
    }
  }
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}
