import assert from "node:assert/strict";
import {
  closestPathsName,
  datasetNameOf,
  metricsLayout,
  pairScoreFiles,
} from "../../lib/formats/_layout.ts";

Deno.test("metricsLayout(root) gives every output path of the original's tree", () => {
  const t = metricsLayout("M");
  assert.deepEqual(
    [
      t.embeddings("D"),
      t.embeddings("D", ".npy"),
      t.matedScores("D"),
      t.nonMatedScores("D"),
      t.bestMatchScores("D", 10),
      t.bestMatchCsv("D", 10),
      t.bestMatchFigure("D", 10),
      t.matedFigure("D", 1000),
      t.metricsFigure("D"),
      t.closestJson("D", 100, 10),
      t.closestPathsCsv("M/Closest/D_Top100Global_10.json"),
      t.comparisonFigure("D", 5),
      t.metricsTable(),
      t.ciTable("eer_95"),
    ],
    [
      "M/Embeddings/D.jsonl",
      "M/Embeddings/D.npy",
      "M/SimilarityScores/D_mated_similarities.txt",
      "M/SimilarityScores/D_non_mated_similarities.txt",
      "M/SimilarityScores/D_BestMatches_10.txt",
      "M/Best_Matches/D_BestMatches_10.csv",
      "M/Figures/D_BestMatches_10",
      "M/Figures/D_MatedVsNonmated_1000",
      "M/Figures_with_metrics/D_MatedVsNonmated",
      "M/Closest/D_Top100Global_10.json",
      "M/Extracted_paths/D_Top100Global_10_matches.csv",
      "M/Figures/comparison_D_5_samples",
      "M/All_Datasets_metrics.csv",
      "M/CI/eer_95.csv",
    ],
  );
  assert.deepEqual(metricsLayout().root, "Metrics");
});

Deno.test("datasetNameOf(path) names the dataset of every file and archive the kit touches", () => {
  const cases: [string, string][] = [
    ["Metrics/Embeddings/DCFace.jsonl", "DCFace"],
    ["Metrics/Embeddings/DCFace.json", "DCFace"],
    ["Metrics/Embeddings/DCFace.npy", "DCFace"],
    ["Metrics/Embeddings/DCFace.labels.tsv", "DCFace"],
    ["C:\\data\\Embeddings\\DCFace.JSONL", "DCFace"],
    ["Best_Matches/Syn-Multi-PIE_BestMatches_10000.csv", "Syn-Multi-PIE"],
    ["SimilarityScores/Syn-Multi-PIE_BestMatches_10000.txt", "Syn-Multi-PIE"],
    ["Closest/SDFD_Top100Global_1000.json", "SDFD"],
    ["Extracted_paths/SDFD_Top100Global_1000_matches.csv", "SDFD"],
    ["SimilarityScores/HSFace10k_mated_similarities.txt", "HSFace10k"],
    ["SimilarityScores/HSFace10k_non_mated_similarities.txt", "HSFace10k"],
    ["Figures_with_metrics/X_MatedVsNonmated.png", "X"],
    ["Dataset/IDiff-Face.tar.gz", "IDiff-Face"],
    ["Dataset/IDiff-Face.tgz", "IDiff-Face"],
    ["Dataset/faces.emore.rec", "faces.emore"],
    ["Dataset/CASIA.zip", "CASIA"],
    ["Dataset/GANDiffFace/", "GANDiffFace"],
    ["Dataset/Digi.Face.v2", "Digi.Face.v2"],
    [".jsonl", ".jsonl"],
  ];
  assert.deepEqual(cases.map(([p]) => datasetNameOf(p)), cases.map(([, n]) => n));
});

Deno.test("pairScoreFiles(names) pairs only a dataset's own two files and reports the rest", () => {
  const { pairs, unpaired } = pairScoreFiles([
    "b_mated_similarities.txt",
    "A_non_mated_similarities.txt",
    "A_mated_similarities.txt",
    "C_non_mated_similarities.txt",
    "b_BestMatches_10.txt",
    "README.md",
  ]);
  assert.deepEqual(pairs, [{
    dataset: "A",
    mated: "A_mated_similarities.txt",
    nonMated: "A_non_mated_similarities.txt",
  }]);
  assert.deepEqual(unpaired, [
    { dataset: "C", file: "C_non_mated_similarities.txt", missing: "C_mated_similarities.txt" },
    { dataset: "b", file: "b_mated_similarities.txt", missing: "b_non_mated_similarities.txt" },
  ]);
  assert.deepEqual(closestPathsName("x/D_Top5Global_9.json"), "D_Top5Global_9_matches.csv");
});
