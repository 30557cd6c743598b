// The kit's interactive figures, drawn in a browser with Observable Plot (tips on hover). A classic
// script: it defines `globalThis.brfFigures`, used by the explorer's page (lib/explore) and by the
// notebooks' interactive outputs (lib/notebook interactive()), so both show the same figures.
// Each function takes the page's `Plot` and plain data (arrays of numbers and strings).
(() => {
  const KIND_COLORS = { domain: ["mated", "non-mated"], range: ["#2c7bb6", "#d7191c"] };
  const percentTick = (d) => `${+(100 * d).toPrecision(2)}%`;
  const pct = (x, digits = 2) => (100 * x).toFixed(digits);

  /** Mated against non-mated scores, each kind normalised to its own count, with threshold rules. */
  function density(Plot, data, options = {}) {
    const { width = 560, height = 300, title, threshold, rules = [] } = options;
    const mark = (values, kind) =>
      Plot.rectY(
        values.map((score) => ({ score, kind })),
        Plot.binX({ y2: "proportion" }, {
          x: "score",
          fill: "kind",
          fillOpacity: 0.5,
          thresholds: 60,
          tip: true,
        }),
      );
    return Plot.plot({
      width,
      height,
      title,
      x: { label: "Cosine similarity" },
      y: { label: "Share of the kind's comparisons", grid: true },
      color: { ...KIND_COLORS, legend: true },
      marks: [
        mark(data.mated, "mated"),
        data.nonMated.length ? mark(data.nonMated, "non-mated") : null,
        threshold === undefined
          ? null
          : Plot.ruleX([threshold], { stroke: "#222", strokeDasharray: "4 3" }),
        Plot.ruleX(rules, {
          x: "value",
          stroke: "#555",
          strokeDasharray: "2 3",
          tip: true,
          title: "label",
        }),
        Plot.ruleY([0]),
      ],
    });
  }

  /** DET: FNMR against FMR on log axes, with a pointer tip and the current operating point. */
  function det(Plot, points, options = {}) {
    const { width = 420, height = 300, current } = options;
    return Plot.plot({
      width,
      height,
      title: "DET: FNMR against FMR",
      x: { type: "log", label: "FMR", grid: true, tickFormat: percentTick },
      y: { type: "log", label: "FNMR", grid: true, tickFormat: percentTick },
      marks: [
        Plot.line(points, { x: "fmr", y: "fnmr", stroke: "#20324a" }),
        Plot.dot(points, Plot.pointer({ x: "fmr", y: "fnmr", r: 3, fill: "#20324a" })),
        Plot.tip(
          points,
          Plot.pointer({
            x: "fmr",
            y: "fnmr",
            title: (p) =>
              `threshold ${p.t.toFixed(4)}\nFMR ${pct(p.fmr, 3)}%\nFNMR ${pct(p.fnmr, 3)}%`,
          }),
        ),
        current && current.fmr > 0 && current.fnmr > 0
          ? Plot.dot([current], { x: "fmr", y: "fnmr", r: 5, stroke: "#d7191c", strokeWidth: 2 })
          : null,
      ],
    });
  }

  /** A small line of each kind's binned scores, for tables. */
  function sparkline(Plot, data) {
    const rows = [
      ...data.mated.map((score) => ({ score, kind: "mated" })),
      ...data.nonMated.map((score) => ({ score, kind: "non-mated" })),
    ];
    return Plot.plot({
      width: 160,
      height: 36,
      margin: 2,
      axis: null,
      color: KIND_COLORS,
      marks: [
        Plot.lineY(
          rows,
          Plot.binX({ y: "proportion-facet" }, { x: "score", stroke: "kind", thresholds: 40 }),
        ),
      ],
    });
  }

  /** Histogram of best-match similarities, with the threshold as a red rule. */
  function bestMatches(Plot, data, options = {}) {
    const { width = 720, height = 260, title, threshold } = options;
    return Plot.plot({
      width,
      height,
      title,
      x: { label: "Similarity to the best CASIA-WebFace match" },
      y: { label: "Samples", grid: true },
      marks: [
        Plot.rectY(
          data.scores.map((score) => ({ score })),
          Plot.binX({ y: "count" }, { x: "score", fill: "#8c6bb1", thresholds: 60, tip: true }),
        ),
        threshold === undefined
          ? null
          : Plot.ruleX([threshold], { stroke: "#d7191c", strokeWidth: 2 }),
        Plot.ruleY([0]),
      ],
    });
  }

  /** The closest pairs' scores per dataset as dots, each with its pair in the tip. */
  function closestStrip(Plot, data, options = {}) {
    const { width = 760, title, threshold } = options;
    const rows = data.pairs;
    return Plot.plot({
      width,
      height: 40 + 28 * new Set(rows.map((r) => r.dataset)).size,
      marginLeft: 130,
      title,
      x: { label: "Similarity of the closest pairs", grid: true },
      y: { label: null },
      marks: [
        threshold === undefined
          ? null
          : Plot.ruleX([threshold], { stroke: "#d7191c", strokeDasharray: "4 3" }),
        Plot.dot(rows, {
          x: "similarity",
          y: "dataset",
          r: 3,
          fill: "#20324a",
          fillOpacity: 0.6,
          tip: true,
          channels: { rank: "rank", synthetic: "query", real: "casia" },
        }),
      ],
    });
  }

  globalThis.brfFigures = { density, det, sparkline, bestMatches, closestStrip };
})();
