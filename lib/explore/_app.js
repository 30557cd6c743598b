// The explorer's page: views of the catalog served by lib/explore/_server.ts, drawn with
// Observable Plot (the global `Plot`, loaded from the kit's own packages). Routes are hashes:
// #/ overview, #/dataset/<id>, #/leakage/<id>/<file>, #/closest/<id>/<file>, #/compare.
// Rates at a threshold are counted exactly on the scores of the files (binary search on sorted
// copies): FMR = non-mated scores >= t, FNMR = mated scores < t, as pyeer counts them.
/* global Plot, brfFigures */

const app = document.getElementById("app");
const cache = new Map();

function api(path) {
  if (!cache.has(path)) {
    cache.set(
      path,
      fetch(path).then((r) => {
        if (!r.ok) throw new Error(`${path}: ${r.status}`);
        return r.json();
      }),
    );
  }
  return cache.get(path);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/** `parent.replaceChildren` without the nulls of optional parts. */
function put(parent, ...children) {
  parent.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
}

const fmtInt = (n) => n.toLocaleString("en-US");
const pct = (x, digits = 2) => (x === null || x === undefined ? "–" : (100 * x).toFixed(digits));
const fixed = (x, digits = 3) => (x === null || x === undefined ? "–" : x.toFixed(digits));

/** Index of the first element >= t in an ascending Float64Array. */
function lowerBound(sorted, t) {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sortedCopy(values) {
  return Float64Array.from(values).sort();
}

/** Counts at threshold t: FMR (non-mated >= t), FNMR (mated < t). */
function ratesAt(mated, nonMated, t) {
  const fnmr = lowerBound(mated, t);
  const fmr = nonMated.length - lowerBound(nonMated, t);
  return { fmr, fnmr, mated: mated.length, nonMated: nonMated.length };
}

/** DET points (FMR, FNMR) at every distinct score, thinned to at most `max` points. */
function detPoints(mated, nonMated, max = 1500) {
  const all = sortedCopy([...mated, ...nonMated]);
  const points = [];
  let last = NaN;
  for (const t of all) {
    if (t === last) continue;
    last = t;
    const r = ratesAt(mated, nonMated, t);
    points.push({ t, fmr: r.fmr / r.nonMated, fnmr: r.fnmr / r.mated });
  }
  const step = Math.max(1, Math.ceil(points.length / max));
  return points.filter((p, i) => i % step === 0 && p.fmr > 0 && p.fnmr > 0);
}

const { density, det, sparkline: sparkFigure, bestMatches: bestMatchFigure } =
  globalThis.brfFigures;

function densityFigure(scores, threshold, options = {}) {
  return density(Plot, scores, { ...options, threshold });
}

function detFigure(points, current) {
  return det(Plot, points, { current });
}

function sparkline(scores) {
  return sparkFigure(Plot, scores);
}

let imageSetNames = [];
const catalogImageName = (i) => imageSetNames[i] ?? "the dataset";

function face(catalogDataset, which, identity, image) {
  const set = which === "casia" ? catalogDataset.casiaImages : catalogDataset.images;
  const label = `${identity}/${image}`;
  const picture = set === null
    ? el("div", { class: "missing", text: "no --datasets" })
    : el("img", {
      src: `/image/${set}/${encodeURIComponent(identity)}/${encodeURIComponent(image)}`,
      alt: label,
      title: label,
      loading: "lazy",
      "data-path": label,
      onerror: (e) =>
        e.target.replaceWith(
          el("div", { class: "missing", text: `not in ${catalogImageName(set)}` }),
        ),
    });
  return el("span", { class: "face" }, picture, el("span", { text: label }));
}

function sortableTable(columns, rows, { initial, id } = {}) {
  let sortKey = initial?.key ?? columns[0].key;
  let sortDir = initial?.dir ?? "asc";
  const tbody = el("tbody");
  const head = el("tr");
  const table = el("table", { id }, el("thead", {}, head), tbody);
  const draw = () => {
    const sorted = rows.slice().sort((a, b) => {
      const x = a[sortKey], y = b[sortKey];
      const c = x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
      return sortDir === "asc" ? c : -c;
    });
    tbody.replaceChildren(...sorted.map((r) => el("tr", {}, columns.map((c) => c.cell(r)))));
    for (const th of head.children) {
      th.setAttribute("data-sort", th.dataset.key === sortKey ? sortDir : "");
    }
  };
  for (const c of columns) {
    if (c.sortable === false) {
      head.append(el("th", { text: c.label, class: "unsorted" }));
      continue;
    }
    head.append(el("th", {
      "data-key": c.key,
      text: c.label,
      onclick: () => {
        sortDir = sortKey === c.key && sortDir === "asc" ? "desc" : "asc";
        sortKey = c.key;
        draw();
      },
    }));
  }
  draw();
  return table;
}

function metric(d, name) {
  return d.metrics.find((m) => m.name === name) ?? null;
}

function overview(catalog) {
  const metricCell = (name, percent) => (row) => {
    const m = metric(row.d, name);
    const f = percent ? (x) => pct(x) : (x) => fixed(x, 3);
    const text = m === null
      ? "–"
      : `${f(m.value)}${m.lower === null ? "" : ` [${f(m.lower)}, ${f(m.upper)}]`}`;
    return el("td", { class: "num", text });
  };
  const rows = catalog.datasets.map((d) => ({
    d,
    name: d.name,
    root: catalog.roots[d.root],
    eer: metric(d, "EER")?.value ?? null,
    fmr100: metric(d, "FMR100")?.value ?? null,
    fmr1000: metric(d, "FMR1000")?.value ?? null,
    fdr: metric(d, "FDR")?.value ?? null,
  }));
  const links = (d) => {
    const views = [
      d.scores ? el("a", { href: `#/dataset/${d.id}`, text: "scores" }) : null,
      d.bestMatches.length ? el("a", { href: `#/leakage/${d.id}/0`, text: "leakage" }) : null,
      d.closest.length ? el("a", { href: `#/closest/${d.id}/0`, text: "closest" }) : null,
    ].filter(Boolean);
    return el("td", {}, views.flatMap((v, i) => (i ? [" · ", v] : [v])));
  };
  const spark = (d) => {
    const cell = el("td", { class: "spark" });
    if (d.scores) {
      api(`/api/scores/${d.id}`).then((s) => cell.append(sparkline(s)));
    }
    return cell;
  };
  const table = sortableTable(
    [
      { key: "name", label: "Dataset", cell: (r) => el("td", { class: "dataset", text: r.name }) },
      { key: "root", label: "Results", cell: (r) => el("td", { class: "muted", text: r.root }) },
      { key: "eer", label: "EER % [95% CI]", cell: metricCell("EER", true) },
      { key: "fmr100", label: "FNMR@FMR=1% %", cell: metricCell("FMR100", true) },
      { key: "fmr1000", label: "FNMR@FMR=0.1% %", cell: metricCell("FMR1000", true) },
      { key: "fdr", label: "FDR", cell: metricCell("FDR", false) },
      { key: "spark", label: "mated / non-mated", sortable: false, cell: (r) => spark(r.d) },
      { key: "views", label: "views", sortable: false, cell: (r) => links(r.d) },
    ],
    rows,
    { id: "overview" },
  );
  app.replaceChildren(
    el("h1", { text: "Datasets" }),
    el("p", {
      class: "muted",
      text: `${catalog.datasets.length} datasets from ${catalog.roots.join(", ")}. ` +
        "Click a column to sort. Intervals are the bootstrap 95% intervals of the CI tables.",
    }),
    table,
  );
}

function thresholdControls(id, value, min, max, onChange) {
  const number = el("input", { type: "number", id, step: "any", value: String(value) });
  const range = el("input", {
    type: "range",
    id: `${id}-range`,
    min,
    max,
    step: (max - min) / 1000 || 0.001,
    value,
  });
  number.addEventListener("change", () => {
    const t = Number(number.value);
    if (!Number.isFinite(t)) return;
    range.value = String(t);
    onChange(t);
  });
  range.addEventListener("input", () => {
    const t = Number(range.value);
    number.value = String(t);
    onChange(t);
  });
  return el(
    "div",
    { class: "controls" },
    el("label", { for: id, text: "Threshold" }),
    number,
    range,
  );
}

async function datasetView(catalog, id) {
  const d = catalog.datasets[id];
  const scores = await api(`/api/scores/${id}`);
  const mated = sortedCopy(scores.mated), nonMated = sortedCopy(scores.nonMated);
  const eer = metric(d, "EER Threshold") ?? null;
  const all = [...mated, ...nonMated];
  const min = Math.min(...all), max = Math.max(...all);
  let t = eer?.value ?? Math.round(5000 * (min + max)) / 10000;
  const rates = el("div", { class: "rates", id: "rates" });
  const figures = el("div", { class: "figures" });
  const det = nonMated.length && mated.length ? detPoints(mated, nonMated) : [];
  const draw = () => {
    const r = ratesAt(mated, nonMated, t);
    Object.assign(rates.dataset, {
      threshold: String(t),
      fmrCount: String(r.fmr),
      fnmrCount: String(r.fnmr),
      nonMated: String(r.nonMated),
      mated: String(r.mated),
    });
    const fmrText = r.nonMated
      ? `FMR ${fmtInt(r.fmr)} / ${fmtInt(r.nonMated)} = ${
        pct(r.fmr / r.nonMated, 3)
      }% (non-mated scores ≥ t)`
      : "FMR – (no non-mated scores)";
    rates.textContent = `at ${t}: ${fmrText} · FNMR ${fmtInt(r.fnmr)} / ${fmtInt(r.mated)} = ` +
      `${pct(r.fnmr / r.mated, 3)}% (mated scores < t)`;
    const current = r.nonMated ? { fmr: r.fmr / r.nonMated, fnmr: r.fnmr / r.mated } : null;
    put(
      figures,
      el(
        "div",
        { class: "density" },
        densityFigure(scores, t, {
          title: `${d.name}: ${fmtInt(r.mated)} mated and ${
            fmtInt(r.nonMated)
          } non-mated comparisons`,
        }),
      ),
      det.length ? el("div", { class: "det" }, detFigure(det, current)) : null,
    );
  };
  app.replaceChildren(
    el("h1", { text: `${d.name} (${catalog.roots[d.root]})` }),
    thresholdControls("threshold", t, min, max, (value) => {
      t = value;
      draw();
    }),
    rates,
    figures,
  );
  draw();
}

async function leakageView(catalog, id, file) {
  const d = catalog.datasets[id];
  const table = await api(`/api/best-matches/${id}/${file}`);
  const n = table.similarity.length;
  const rows = table.similarity.map((score, i) => ({
    i,
    score,
    sample: `${table.sampleIdentity[i]}/${table.sampleImageName[i]}`,
    match: `${table.bestMatchIdentity[i]}/${table.bestMatchImageName[i]}`,
  }));
  const sortedScores = sortedCopy(table.similarity);
  let t = Math.floor(10000 * (sortedScores[Math.floor(0.99 * (n - 1))] ?? 0.5)) / 10000;
  const summary = el("div", { class: "rates", id: "leak-summary" });
  const figure = el("div");
  const list = el("div", { id: "leak-list" });
  let shown = 50;
  const draw = () => {
    const above = n - lowerBound(sortedScores, t);
    summary.dataset.above = String(above);
    summary.textContent = `${fmtInt(above)} of ${fmtInt(n)} samples (${pct(above / n)}%) have a ` +
      `best CASIA match with similarity ≥ ${t}`;
    figure.replaceChildren(bestMatchFigure(Plot, { scores: table.similarity }, {
      title: `${d.name}: best-match similarity of ${fmtInt(n)} samples (${d.bestMatches[file]})`,
      threshold: t,
    }));
    const selected = rows.filter((r) => r.score >= t);
    const columns = [
      {
        key: "score",
        label: "Similarity",
        cell: (r) => el("td", { class: "num", text: r.score.toFixed(6) }),
      },
      {
        key: "sample",
        label: `${d.name} sample`,
        cell: (r) =>
          el("td", {}, face(d, "query", table.sampleIdentity[r.i], table.sampleImageName[r.i])),
      },
      {
        key: "match",
        label: "Best CASIA-WebFace match",
        cell: (r) =>
          el(
            "td",
            {},
            face(d, "casia", table.bestMatchIdentity[r.i], table.bestMatchImageName[r.i]),
          ),
      },
    ];
    const more = selected.length > shown
      ? el("button", {
        text: `show ${Math.min(50, selected.length - shown)} more of ${
          fmtInt(selected.length - shown)
        }`,
        onclick: () => {
          shown += 50;
          draw();
        },
      })
      : null;
    put(
      list,
      sortableTable(columns, selected.slice().sort((a, b) => b.score - a.score).slice(0, shown), {
        initial: { key: "score", dir: "desc" },
        id: "leak-table",
      }),
      more,
    );
  };
  app.replaceChildren(
    el("h1", { text: `${d.name}: identity leakage` }),
    thresholdControls(
      "leak-threshold",
      t,
      sortedScores[0] ?? 0,
      sortedScores[n - 1] ?? 1,
      (value) => {
        t = value;
        shown = 50;
        draw();
      },
    ),
    summary,
    figure,
    el("h2", { text: "Samples at or above the threshold, with their best match" }),
    list,
  );
  draw();
}

async function closestView(catalog, id, file) {
  const d = catalog.datasets[id];
  const c = await api(`/api/closest/${id}/${file}`);
  const cards = c.rank.map((rank, i) =>
    el(
      "div",
      { class: "card", title: `rank ${rank}, similarity ${c.similarity[i]}` },
      el("div", { class: "muted", text: `#${rank} · ${c.similarity[i].toFixed(4)}` }),
      el(
        "div",
        { class: "pair" },
        face(d, "query", c.queryIdentity[i], c.queryImageName[i]),
        face(d, "casia", c.casiaIdentity[i], c.casiaImageName[i]),
      ),
      el("div", {
        class: "details",
        text: `rank ${rank}: ${c.queryIdentity[i]}/${c.queryImageName[i]} ↔ CASIA ` +
          `${c.casiaIdentity[i]}/${c.casiaImageName[i]}, similarity ${c.similarity[i]}`,
      }),
    )
  );
  app.replaceChildren(
    el("h1", { text: `${d.name}: the ${c.rank.length} closest pairs` }),
    el("p", {
      class: "muted",
      text: `${d.closest[file]}: ${fmtInt(c.metadata.nSamplesCompared)} samples searched, ` +
        `${fmtInt(c.metadata.totalPairsConsidered)} pairs considered. Hover a pair for details.`,
    }),
    el("div", { class: "grid", id: "closest-grid" }, cards),
  );
}

async function compareView(catalog) {
  const withScores = catalog.datasets.filter((d) => d.scores);
  const chosen = new Set(withScores.slice(0, 4).map((d) => d.id));
  const figure = el("div", { id: "compare-figure" });
  const draw = async () => {
    const marks = [];
    for (const id of chosen) {
      const s = await api(`/api/scores/${id}`);
      const name = `${catalog.datasets[id].name} (${catalog.roots[catalog.datasets[id].root]})`;
      // One line per dataset and kind, each normalised to its own count.
      for (
        const [kind, values, dash] of [["mated", s.mated, null], ["non-mated", s.nonMated, "5 3"]]
      ) {
        if (!values.length) continue;
        marks.push(Plot.lineY(
          values.map((score) => ({ score, kind, name })),
          Plot.binX({ y: "proportion" }, {
            x: "score",
            stroke: "name",
            strokeDasharray: dash,
            thresholds: 60,
            tip: true,
          }),
        ));
      }
    }
    put(
      figure,
      Plot.plot({
        width: 900,
        height: 380,
        title: "Mated (solid) and non-mated (dashed) similarity distributions",
        x: { label: "Cosine similarity" },
        y: { label: "Share of the kind's comparisons", grid: true },
        color: { legend: true },
        marks,
      }),
    );
  };
  const checks = el(
    "div",
    { class: "checks" },
    withScores.map((d) =>
      el(
        "label",
        {},
        el("input", {
          type: "checkbox",
          checked: chosen.has(d.id),
          onchange: (e) => {
            if (e.target.checked) chosen.add(d.id);
            else chosen.delete(d.id);
            draw();
          },
        }),
        ` ${d.name}`,
      )
    ),
  );
  app.replaceChildren(el("h1", { text: "Compare datasets" }), checks, figure);
  await draw();
}

async function render() {
  const catalog = await api("/api/catalog");
  imageSetNames = catalog.imageSets.map((s) => s.name);
  const [, view, a, b] = (location.hash || "#/").slice(1).split("/");
  try {
    if (view === "dataset") await datasetView(catalog, Number(a));
    else if (view === "leakage") await leakageView(catalog, Number(a), Number(b ?? 0));
    else if (view === "closest") await closestView(catalog, Number(a), Number(b ?? 0));
    else if (view === "compare") await compareView(catalog);
    else overview(catalog);
    document.body.dataset.view = view || "overview";
  } catch (error) {
    app.replaceChildren(el("p", { class: "error", text: String(error) }));
  }
}

addEventListener("hashchange", render);
render();
