import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { interactive, mimeBundle } from "../../lib/notebook/mod.ts";
import {
  bestMatchesDensityFigure,
  densityData,
  metricsDensityFigure,
  newDocument,
} from "../../lib/plots/mod.ts";
import { mulberry32 } from "../../lib/random/mod.ts";
import { skipUnless } from "../_prereq.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

function scores(n: number, mean: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  return Float64Array.from({ length: n }, () => mean + 0.15 * (next() + next() + next() - 1.5));
}

const mated = scores(400, 0.7, 1);
const nonMated = scores(400, 0.2, 2);

function densityOutput(inlineScripts: boolean) {
  const figure = metricsDensityFigure(
    { ...densityData(mated, nonMated), thresholds: { eer: 0.45, fmr100: 0.5, fmr1000: 0.55 } },
    { document: newDocument() },
  );
  return mimeBundle(interactive(figure, {
    kind: "density",
    data: { mated, nonMated },
    options: { title: "toy", rules: [{ value: 0.45, label: "EER threshold 0.450" }] },
  }, { inlineScripts, alt: "toy density" }));
}

Deno.test("interactive(figure, spec) carries the static SVG, the data and, once, the scripts", () => {
  const first = densityOutput(true);
  const later = densityOutput(false);
  for (const out of [first, later]) {
    assert.equal(out["text/plain"], "toy density");
    assert.match(out["image/svg+xml"] ?? "", /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const html = out["text/html"] ?? "";
    assert.ok(html.includes('<div class="brf-static">'), "the static figure is in the HTML");
    const spec = JSON.parse(
      html.match(/<script type="application\/json" class="brf-spec">(.*?)<\/script>/s)![1]!,
    );
    assert.equal(spec.kind, "density");
    assert.deepEqual(spec.data.mated, Array.from(mated), "the scores travel exactly");
  }
  const scripts = (html: string) => (html.match(/<script[ >]/g) ?? []).length;
  assert.equal(scripts(first["text/html"]!), 5, "spec, d3, Plot, figures, redraw");
  assert.equal(scripts(later["text/html"]!), 2, "spec and redraw only");
  assert.ok(first["text/html"]!.length > 300_000 && later["text/html"]!.length < 100_000);
  const closers = (first["text/html"]!.match(/<\/script>/g) ?? []).length;
  assert.equal(closers, 5, "no inlined code closes its script early");
});

Deno.test({
  name:
    "interactive(figure, spec) redraws with tips in a browser and keeps the SVG without scripts",
  ignore: skipUnless("chromium", hasChromium, `${CHROMIUM} is missing (Debian's chromium)`),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const html = `<!doctype html><body>${densityOutput(true)["text/html"]}${
      mimeBundle(interactive(bestMatchesDensityFigure(mated, { document: newDocument() }), {
        kind: "bestMatches",
        data: { scores: mated },
      }, { inlineScripts: false }))["text/html"]
    }</body>`;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.route("**/*", (route) => route.abort());
      await page.setContent(html);
      await page.waitForFunction(() =>
        document.querySelectorAll(".brf-interactive[data-interactive=true]").length === 2
      );
      assert.equal(
        await page.locator(".brf-static").count(),
        0,
        "the static figures were replaced",
      );
      const box = await page.locator(".brf-interactive").first().locator("svg").last()
        .boundingBox();
      assert.ok(box);
      let tip = "";
      for (const fx of [0.3, 0.5, 0.7]) {
        await page.mouse.move(box.x + box.width * fx, box.y + box.height * 0.8);
        await page.waitForTimeout(100);
        tip = await page.$$eval(
          '[aria-label="tip"]',
          (gs) => gs.map((g) => g.textContent ?? "").join(""),
        );
        if (tip.trim()) break;
      }
      assert.match(tip, /kind|Cosine similarity/);
      assert.deepEqual(errors, []);

      const still = await browser.newPage({ javaScriptEnabled: false });
      await still.setContent(html);
      assert.equal(
        await still.locator(".brf-static svg").count() >= 2,
        true,
        "without scripts the SVGs stay",
      );
    } finally {
      await browser.close();
    }
  },
});
