/**
 * The planted bugs of `deno task mutate` (tools/mutate.ts): each one a small, plausible slip in
 * one file, with the tests that must catch it. Together they cover the rules the tests pin (the
 * pyeer tie rules, the bootstrap percentiles, the top-K tie rule, unit-length embeddings, Pillow's
 * resize, grey conversion and JPEG decoding, no silent skips, no silently written snapshots), the
 * file formats' writers and the search's exactness.
 *
 * To add one: pick text that occurs exactly once in the file (`tests/tools/mutations_test.ts`
 * checks that every `find` still does), a `replace` that still parses, and the test files that
 * should fail, most specific first (the runner stops at the first failing test and names it).
 *
 * @module
 */

/** One planted bug. */
export interface Mutation {
  /** Short kebab-case name, unique. */
  id: string;
  /** The rule or behaviour the slip breaks, in one line. */
  rule: string;
  /** Repository-relative path of the file to change. */
  file: string;
  /** Exact text that occurs once in the file. */
  find: string;
  /** What it becomes. */
  replace: string;
  /** Repository-relative test files (or folders) to run. */
  tests: string[];
  /** `deno test --filter` value, for a slow file where one test is enough. */
  filter?: string;
}

/** The list, grouped by what it protects. */
export const MUTATIONS: Mutation[] = [
  // Metrics: pyeer's rules and the bootstrap.
  {
    id: "eer-tie-goes-to-b",
    rule: "pyeer EER: a tie of FMR + FNMR at the crossing goes to a (issue 15)",
    file: "lib/metrics/_eer_stats.ts",
    find: "const idx = fmr[a]! + fnmr[a]! <= fmr[b]! + fnmr[b]! ? a : b;",
    replace: "const idx = fmr[a]! + fnmr[a]! < fmr[b]! + fnmr[b]! ? a : b;",
    tests: ["tests/metrics/eer_stats_test.ts"],
  },
  {
    id: "eer-crossing-strict",
    rule: "pyeer EER: b is the first index with FMR - FNMR <= 0, equality included",
    file: "lib/metrics/_eer_stats.ts",
    find: "if (fmr[t]! - fnmr[t]! <= 0) {",
    replace: "if (fmr[t]! - fnmr[t]! < 0) {",
    tests: ["tests/metrics/eer_stats_test.ts"],
  },
  {
    id: "nearest-fmr-tie-last",
    rule: "pyeer operating points: the first of equally near FMRs wins",
    file: "lib/metrics/_eer_stats.ts",
    find: "    if (d < bestDistance) {",
    replace: "    if (d <= bestDistance) {",
    tests: ["tests/metrics/eer_stats_test.ts"],
  },
  {
    id: "bootstrap-90-reported-as-95",
    rule: "bootstrap bounds are the (100 -/+ level)/2 percentiles (issue 15)",
    file: "lib/metrics/_bootstrap.ts",
    find: "const lowQ = (100 - level) / 2, highQ = (100 + level) / 2;",
    replace: "const lowQ = (100 - 90) / 2, highQ = (100 + 90) / 2;",
    tests: ["tests/metrics/bootstrap_test.ts"],
  },
  {
    id: "percentile-one-sided-lerp",
    rule: "numpy's linear percentile interpolates from the upper side when gamma >= 0.5",
    file: "lib/metrics/_percentile.ts",
    find: "return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;",
    replace: "return a + diff * gamma;",
    tests: ["tests/metrics/percentile_test.ts"],
  },
  {
    id: "kde-bandwidth-exponent",
    rule: "seaborn's KDE: Scott's factor n^(-1/5)",
    file: "lib/metrics/_kde.ts",
    find: "const factor = Math.pow(neff, -1 / 5) * bwAdjust;",
    replace: "const factor = Math.pow(neff, -1 / 4) * bwAdjust;",
    tests: ["tests/metrics/kde_test.ts"],
  },
  {
    id: "fdr-default-ddof-1",
    rule: "FDR uses the population variance (ddof 0) by default",
    file: "lib/metrics/_fdr.ts",
    find: "const { ddof = 0 } = options;",
    replace: "const { ddof = 1 } = options;",
    tests: ["tests/metrics/fdr_test.ts"],
  },
  {
    id: "numpy-sum-pairing",
    rule: "numpy's pairwise sum combines its 8 accumulators as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))",
    file: "lib/metrics/_numpy_sum.ts",
    find: "let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));",
    replace: "let res = (((r0 + r1) + (r2 + r3)) + (r4 + r5)) + (r6 + r7);",
    tests: ["tests/metrics/numpy_sum_test.ts"],
  },
  {
    id: "python-random-setsize",
    rule: "CPython's random.sample switches from the pool to the set strategy at its setsize",
    file: "lib/random/_python_random.ts",
    find: "let setsize = 21;",
    replace: "let setsize = 20;",
    tests: ["tests/random/python_random_test.ts"],
  },
  {
    id: "normalize-float64-norm",
    rule: "embeddings are divided by the float32-rounded norm, as the original pipeline",
    file: "lib/embeddings/_normalize.ts",
    find: "const divisor = roundNorm ? Math.fround(Math.sqrt(sum)) : Math.sqrt(sum);",
    replace: "const divisor = Math.sqrt(sum);",
    tests: ["tests/embeddings/normalize_test.ts"],
  },
  // Search: the heap's tie rule and exactness.
  {
    id: "topk-heap-keeps-later",
    rule: "the top-K heap keeps the first of equal pairs (issue 15)",
    file: "lib/similarity/_topk.ts",
    find: "if (!(score > this.#scores[0]!)) return false;",
    replace: "if (!(score >= this.#scores[0]!)) return false;",
    tests: ["tests/similarity/topk_test.ts"],
  },
  {
    id: "topk-heap-evicts-earlier",
    rule: "among equal scores the heap evicts the later offer first",
    file: "lib/similarity/_topk.ts",
    find: "return sa < sb || (sa === sb && oa > ob);",
    replace: "return sa < sb || (sa === sb && oa < ob);",
    tests: ["tests/similarity/topk_test.ts"],
  },
  {
    id: "block-topk-keeps-later",
    rule: "the search kernel's per-query top k keeps the first gallery row of a tie",
    file: "lib/similarity/_gemm.ts",
    find: "if (n === k && !(s > values[at + k - 1]!)) continue;",
    replace: "if (n === k && !(s >= values[at + k - 1]!)) continue;",
    tests: ["tests/similarity/gemm_test.ts", "tests/similarity/int8_search_test.ts"],
  },
  {
    id: "int8-bound-drops-a-term",
    rule: "the int8 prefilter's error bound covers both quantisation residuals (exact search)",
    file: "lib/similarity/_int8_search.ts",
    find:
      "return (q.codeNorm[i]! * g.residualNorm[j]! + q.residualNorm[i]! * g.norm[j]!) * BOUND_UP +",
    replace: "return (q.codeNorm[i]! * g.residualNorm[j]!) * BOUND_UP +",
    tests: ["tests/similarity/int8_bound_test.ts", "tests/similarity/int8_search_test.ts"],
  },
  {
    id: "int8-cap-drops-a-term",
    rule: "the cap over rows the prefilter left out covers the query residual (exact search)",
    file: "lib/similarity/_int8_search.ts",
    find:
      "return (q.codeNorm[i]! * this.galleryMaxResidual + q.residualNorm[i]! * this.galleryMaxNorm) *",
    replace: "return (q.codeNorm[i]! * this.galleryMaxResidual) *",
    tests: ["tests/similarity/int8_bound_test.ts", "tests/similarity/int8_search_test.ts"],
  },
  // Model and images.
  {
    id: "embeddings-not-l2-normalised",
    rule: "ArcFace embeddings are L2-normalised (norm 1, issue 15)",
    file: "lib/model/_arcface.ts",
    find: "return normalizeRows(Float32Array.from(out), dim!);",
    replace: "return Float32Array.from(out);",
    tests: ["tests/model/parity_test.ts"],
    filter: "torch ONNX export",
  },
  {
    id: "resize-rounding-half",
    rule: "Pillow's bilinear resize rounds its 22-bit fixed point at one half",
    file: "lib/image/_resize.ts",
    find: "const HALF = 1 << (PRECISION_BITS - 1);",
    replace: "const HALF = 1 << (PRECISION_BITS - 2);",
    tests: ["tests/image/pillow_fixtures_test.ts"],
  },
  {
    id: "jpeg-blue-from-green",
    rule: "decoded JPEG pixels keep their channels (Pillow's convert('RGB'))",
    file: "lib/image/_decode.ts",
    find: "rgb[i + 2] = data[s + 2]!;",
    replace: "rgb[i + 2] = data[s + 1]!;",
    tests: ["tests/image/pillow_fixtures_test.ts"],
  },
  {
    id: "grey-truncated-luma",
    rule: "toGrey is Pillow's (r*19595 + g*38470 + b*7471 + 0x8000) >> 16 (issue 15)",
    file: "lib/demo/_encode.ts",
    find:
      "out[i] = (data[j]! * 19595 + data[j + 1]! * 38470 + data[j + 2]! * 7471 + 0x8000) >> 16;",
    replace:
      "out[i] = Math.floor((data[j]! * 299 + data[j + 1]! * 587 + data[j + 2]! * 114) / 1000);",
    tests: ["tests/demo/encode_test.ts"],
  },
  // The test harness itself.
  {
    id: "prereq-skips-in-ci",
    rule: "a missing prerequisite fails under CI=true instead of skipping (issue 15)",
    file: "tests/_prereq.ts",
    find: "  if (inCi()) {",
    replace: "  if (inCi() && what === '') {",
    tests: ["tests/prereq_test.ts"],
  },
  {
    id: "snapshot-written-when-missing",
    rule: "a missing snapshot fails unless the run is an explicit update (issue 15)",
    file: "tests/_snapshot.ts",
    find: "  if (update) {",
    replace: "  if (update || expected === null) {",
    tests: ["tests/snapshot_test.ts"],
  },
  // File formats' writers.
  {
    id: "score-file-js-repr",
    rule: "score files hold Python's float repr (1.0, 1e-05), as the original wrote them",
    file: "lib/formats/_score_file.ts",
    find: 'parts[i] = pythonFloatRepr(scores[i]!) + "\\n";',
    replace: 'parts[i] = String(scores[i]!) + "\\n";',
    tests: ["tests/formats/score_file_test.ts"],
  },
  {
    id: "python-float-exponent-from-1e-5",
    rule: "Python's repr switches to exponent form below 1e-4",
    file: "lib/formats/_python_float.ts",
    find: "if (abs >= 1e-4 && abs < 1e16) {",
    replace: "if (abs >= 1e-5 && abs < 1e16) {",
    tests: ["tests/formats/python_float_test.ts"],
  },
  {
    id: "best-match-csv-columns-swapped",
    rule: "the best-match CSV writes its columns in the published order",
    file: "lib/formats/_best_match_csv.ts",
    find: "      columns.bestMatchIdentity[i]!,\n      columns.bestMatchImageName[i]!,",
    replace: "      columns.bestMatchImageName[i]!,\n      columns.bestMatchIdentity[i]!,",
    tests: ["tests/formats/best_match_csv_test.ts"],
  },
  {
    id: "fixed6-tie-to-odd",
    rule: 'f"{x:.6f}" rounds an exact tie to the even neighbour',
    file: "lib/formats/_best_match_csv.ts",
    find: "if (last % 2 === 0) text = down;",
    replace: "if (last % 2 === 1) text = down;",
    tests: ["tests/formats/best_match_csv_test.ts"],
  },
  {
    id: "closest-json-rank-from-0",
    rule: "the closest-pairs JSON ranks from 1",
    file: "lib/formats/_closest_json.ts",
    find: '`{"rank":${r + 1},',
    replace: '`{"rank":${r},',
    tests: ["tests/formats/closest_json_test.ts"],
  },
  {
    id: "closest-paths-csv-js-repr",
    rule: "the closest-paths CSV writes Python's float repr",
    file: "lib/formats/_closest_paths_csv.ts",
    find: "      pythonFloatRepr(pairs.similarity[i]!)\n",
    replace: "      String(pairs.similarity[i]!)\n",
    tests: ["tests/formats/closest_paths_csv_test.ts"],
  },
  {
    id: "metrics-table-counts-as-floats",
    rule: "count columns of the metrics table are integers, not Python floats",
    file: "lib/formats/_metrics_table.ts",
    find: "COUNT_COLUMNS.has(name) ? ",
    replace: "false ? ",
    tests: ["tests/formats/metrics_table_test.ts"],
  },
  {
    id: "ci-table-margin-full-width",
    rule: "the CI tables' margin is half the interval width",
    file: "lib/formats/_ci_tables.ts",
    find: "if (margin !== undefined) row.push(f((upper - lower) / 2));",
    replace: "if (margin !== undefined) row.push(f(upper - lower));",
    tests: ["tests/formats/ci_tables_test.ts"],
  },
  {
    id: "csv-quotes-only-commas",
    rule: "CSV fields holding a quote or a line break are quoted too",
    file: "lib/formats/_csv.ts",
    find: 'return /[",\\r\\n]/.test(v) ? `"${v.replaceAll(\'"\', \'""\')}"` : v;',
    replace: 'return /,/.test(v) ? `"${v.replaceAll(\'"\', \'""\')}"` : v;',
    tests: ["tests/formats/csv_test.ts"],
  },
  {
    id: "jsonl-not-rounded",
    rule: "embeddings JSON lines hold floats rounded to 5 decimals, as the original",
    file: "lib/embeddings/_jsonl.ts",
    find: "parts[i] = pythonFloatRepr(roundFloat32(vector[i]!, decimals));",
    replace: "parts[i] = pythonFloatRepr(vector[i]!);",
    tests: ["tests/embeddings/jsonl_test.ts"],
  },
  {
    id: "npy-shape-transposed",
    rule: "the .npy header's shape is (rows, dim)",
    file: "lib/embeddings/_npy.ts",
    find: "'shape': (${rows}, ${dim}), }`;",
    replace: "'shape': (${dim}, ${rows}), }`;",
    tests: ["tests/embeddings/npy_test.ts"],
  },
  // Diversity: Vec2Face's count, the threshold, the kernel's exactness, PCA's signs.
  {
    id: "vec2face-marks-the-earlier",
    rule:
      "Vec2Face's unique identities: of a pair above the threshold, the later identity is not unique",
    file: "lib/metrics/_diversity.ts",
    find: "hasEarlier[Math.max(a, b)] = 1;",
    replace: "hasEarlier[Math.min(a, b)] = 1;",
    tests: ["tests/metrics/diversity_test.ts"],
  },
  {
    id: "centre-pairs-at-threshold",
    rule: "class centres count as one identity strictly above the threshold, not at it",
    file: "lib/metrics/_diversity.ts",
    find: "    if (s > threshold) {",
    replace: "    if (s >= threshold) {",
    tests: ["tests/metrics/diversity_test.ts"],
  },
  {
    id: "diversity-kernel-unchecked",
    rule:
      "the diversity task rescores the kernel's float32 candidates in float64 before keeping them",
    file: "lib/tasks/_diversity.ts",
    find: "if (score > threshold) found.push([i, j, score]);",
    replace: "found.push([i, j, score]);",
    tests: ["tests/tasks/diversity_test.ts"],
  },
  {
    id: "pca-sign-flipped",
    rule: "PCA signs as scikit-learn's svd_flip: the largest absolute projection is positive",
    file: "lib/metrics/_pca.ts",
    find: "    if (big >= 0) continue;",
    replace: "    if (big <= 0) continue;",
    tests: ["tests/metrics/pca_test.ts"],
  },
];
