/**
 * Principal component analysis of embeddings for a 2-D (or 3-D) picture of the embedding space,
 * equal to scikit-learn's `PCA(n_components).fit_transform` up to rounding: rows centred on their
 * mean, the sample covariance (`n - 1`) accumulated in float64, its leading eigenvectors by
 * orthogonal (simultaneous) iteration with Gram-Schmidt until they stop turning, the rows
 * projected on them, and each component's sign set as scikit-learn's `svd_flip(U, Vt)` sets it in
 * the versions Debian ships (1.2; u-based, up to 1.4): the row of largest absolute projection has a
 * positive one.
 *
 * Written by hand: two or three components of a 512 x 512 covariance are a few dozen lines, and
 * the kit's tests check them against scikit-learn.
 *
 * @module
 */
import type { EmbeddingRows } from "./_diversity.ts";

/** Options of {@linkcode pca}. */
export interface PcaOptions {
  /** Components kept, 1 to 3. @default 2 */
  components?: number;
  /** Most iterations. @default 5000 */
  maxIterations?: number;
  /** Stop once no entry of a component moves by more than this in an iteration. @default 1e-12 */
  tolerance?: number;
}

/** The components and the rows projected on them. */
export interface PcaResult {
  /** `components x dim`, row-major, unit rows. */
  components: Float64Array;
  /** `n x components`, row-major: each row's coordinates. */
  projections: Float64Array;
  /** Variance along each component (its eigenvalue, with `n - 1`). */
  explainedVariance: Float64Array;
  /** Share of the total variance along each component. */
  explainedVarianceRatio: Float64Array;
  /** Iterations made. */
  iterations: number;
}

/**
 * The leading principal components of the rows and each row's coordinates on them.
 *
 * @param embeddings Row-major rows and their dimension (at least two rows).
 * @param options Components (default 2), iteration bounds.
 * @returns Components, projections, explained variance and its ratio.
 * @throws {RangeError} When there are fewer than two rows, `components` is not 1 to 3 or above
 *   `dim`, or the values do not make rows of `dim`.
 *
 * @example
 * ```ts
 * import { pca } from "./_pca.ts";
 * // points on the line y = 2x: one component carries all the variance
 * const p = pca({ vectors: new Float64Array([0, 0, 1, 2, 2, 4, 10, 20]), dim: 2 }, { components: 1 });
 * if (Math.abs(p.components[1]! - 2 / Math.sqrt(5)) > 1e-12) throw new Error("unexpected");
 * if (Math.abs(p.explainedVarianceRatio[0]! - 1) > 1e-12) throw new Error("unexpected");
 * ```
 */
export function pca(embeddings: EmbeddingRows, options: PcaOptions = {}): PcaResult {
  const { components: c = 2, maxIterations = 5000, tolerance = 1e-12 } = options;
  const { vectors, dim } = embeddings;
  if (!Number.isInteger(dim) || dim <= 0 || vectors.length % dim !== 0) {
    throw new RangeError(
      `Cannot compute principal components: ${vectors.length} values do not make rows of ${dim}`,
    );
  }
  const n = vectors.length / dim;
  if (n < 2) {
    throw new RangeError(`Cannot compute principal components: ${n} rows, at least 2 needed`);
  }
  if (!(Number.isInteger(c) && c >= 1 && c <= 3 && c <= dim)) {
    throw new RangeError(
      `Cannot compute principal components: components must be 1 to 3 and at most ${dim}, current value is ${c}`,
    );
  }
  const mean = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let d = 0; d < dim; d++) mean[d]! += vectors[r * dim + d]!;
  for (let d = 0; d < dim; d++) mean[d]! /= n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    for (let d = 0; d < dim; d++) row[d] = vectors[r * dim + d]! - mean[d]!;
    for (let i = 0; i < dim; i++) {
      const x = row[i]!, o = i * dim;
      if (x === 0) continue;
      for (let j = i; j < dim; j++) cov[o + j]! += x * row[j]!;
    }
  }
  let trace = 0;
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = cov[i * dim + j]! / (n - 1);
      cov[i * dim + j] = v;
      cov[j * dim + i] = v;
    }
    trace += cov[i * dim + i]!;
  }
  // Start from fixed, well-spread vectors (deterministic): v_k[d] = cos((k + 1)(d + 1)) + 1/(d + 2).
  const v = new Float64Array(c * dim);
  for (let k = 0; k < c; k++) {
    for (let d = 0; d < dim; d++) v[k * dim + d] = Math.cos((k + 1) * (d + 1)) + 1 / (d + 2 + k);
  }
  orthonormalise(v, c, dim);
  const next = new Float64Array(c * dim);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    for (let k = 0; k < c; k++) {
      for (let i = 0; i < dim; i++) {
        let s = 0;
        const o = i * dim;
        for (let j = 0; j < dim; j++) s += cov[o + j]! * v[k * dim + j]!;
        next[k * dim + i] = s;
      }
    }
    orthonormalise(next, c, dim);
    let worst = 0;
    for (let k = 0; k < c; k++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += next[k * dim + d]! * v[k * dim + d]!;
      const sign = dot < 0 ? -1 : 1;
      for (let d = 0; d < dim; d++) {
        worst = Math.max(worst, Math.abs(next[k * dim + d]! - sign * v[k * dim + d]!));
      }
    }
    v.set(next);
    if (worst < tolerance) {
      iterations++;
      break;
    }
  }
  const explainedVariance = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    let quad = 0;
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += cov[i * dim + j]! * v[k * dim + j]!;
      quad += v[k * dim + i]! * s;
    }
    explainedVariance[k] = quad;
  }
  const projections = new Float64Array(n * c);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += (vectors[r * dim + d]! - mean[d]!) * v[k * dim + d]!;
      projections[r * c + k] = s;
    }
  }
  for (let k = 0; k < c; k++) {
    let big = 0;
    for (let r = 0; r < n; r++) {
      if (Math.abs(projections[r * c + k]!) > Math.abs(big)) big = projections[r * c + k]!;
    }
    if (big >= 0) continue;
    for (let d = 0; d < dim; d++) v[k * dim + d] = -v[k * dim + d]!;
    for (let r = 0; r < n; r++) projections[r * c + k] = -projections[r * c + k]!;
  }
  return {
    components: v,
    projections,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((e) => (trace > 0 ? e / trace : NaN)),
    iterations,
  };
}

/** Modified Gram-Schmidt on `c` rows of `dim`, in place (a zero row stays zero). */
function orthonormalise(v: Float64Array, c: number, dim: number): void {
  for (let k = 0; k < c; k++) {
    for (let p = 0; p < k; p++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += v[k * dim + d]! * v[p * dim + d]!;
      for (let d = 0; d < dim; d++) v[k * dim + d]! -= dot * v[p * dim + d]!;
    }
    let sq = 0;
    for (let d = 0; d < dim; d++) sq += v[k * dim + d]! ** 2;
    const norm = Math.sqrt(sq);
    if (norm > 0) { for (let d = 0; d < dim; d++) v[k * dim + d]! /= norm; }
  }
}
