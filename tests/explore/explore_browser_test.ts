/**
 * End-to-end tests of `deno task explore` in a real browser: Debian's chromium driven by
 * playwright-core, headless, every request outside the explorer aborted. The demo's results are
 * made in a temporary folder; the expected numbers are counted here from its files.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { memoryReporter } from "../../lib/cli/mod.ts";
import { readBestMatches, readScoreFile } from "../../lib/formats/mod.ts";
import { runDemo, runExplore } from "../../lib/tasks/mod.ts";
import { skipUnless } from "../_prereq.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

/** Where the screenshots go (git-ignored); the closing note of the explorer issue names them. */
const SHOTS = "tests/.tmp/explore";

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test({
  name: "deno task explore: overview, threshold counts, leakage faces, tips and 404s in chromium",
  ignore: skipUnless("chromium", hasChromium, `${CHROMIUM} is missing (Debian's chromium)`),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const out = await Deno.makeTempDir({ prefix: "explore-" });
    await runDemo({ out, backend: "cpu", reporter: memoryReporter() });
    const outside = await Deno.makeTempDir({ prefix: "explore-outside-" });
    await Deno.writeTextFile(join(outside, "secret.png"), "not to be served");
    const demoImages = join(out, "Dataset", "Demo");
    await Deno.symlink(join(outside, "secret.png"), join(demoImages, "id_000", "link_out.png"));
    const reporter = memoryReporter();
    const explorer = await runExplore({ metrics: [out], reporter });
    const external: string[] = [];
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(explorer.url) || url.startsWith("data:")) return route.continue();
        external.push(url);
        return route.abort();
      });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await Deno.mkdir(SHOTS, { recursive: true });

      await t.step("the overview lists every dataset of the results", async () => {
        await page.goto(explorer.url);
        await page.waitForSelector("body[data-view=overview] #overview tbody tr");
        const names = await page.$$eval(
          "#overview td.dataset",
          (cells) => cells.map((c) => c.textContent),
        );
        assert.deepEqual(names, explorer.catalog.datasets.map((d) => d.name));
        assert.ok(names.includes("Demo"));
        await page.waitForSelector("#overview td.spark svg");
        await page.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true });
      });

      await t.step("the threshold shows the FMR and FNMR counts of the score files", async () => {
        const mated = await readScoreFile(
          join(out, "SimilarityScores", "Demo_mated_similarities.txt"),
        );
        const nonMated = await readScoreFile(
          join(out, "SimilarityScores", "Demo_non_mated_similarities.txt"),
        );
        await page.goto(`${explorer.url}#/dataset/0`);
        await page.waitForSelector("body[data-view=dataset] .density svg");
        // A round value, and a value that is itself a non-mated score (the tie counts as a match).
        for (const threshold of [0.8, nonMated[17]!]) {
          await page.fill("#threshold", String(threshold));
          await page.press("#threshold", "Enter");
          await page.waitForFunction(
            (x) => document.getElementById("rates")?.dataset.threshold === String(x),
            threshold,
          );
          const shown = await page.$eval("#rates", (e) => ({ ...(e as HTMLElement).dataset }));
          const fmr = nonMated.filter((s) => s >= threshold).length;
          const fnmr = mated.filter((s) => s < threshold).length;
          assert.equal(Number(shown.fmrCount), fmr, `FMR count at ${threshold}`);
          assert.equal(Number(shown.fnmrCount), fnmr, `FNMR count at ${threshold}`);
          assert.equal(Number(shown.mated), mated.length);
          assert.equal(Number(shown.nonMated), nonMated.length);
          const text = await page.textContent("#rates");
          assert.ok(
            text?.includes(
              `FMR ${fmr.toLocaleString("en-US")} / ${nonMated.length.toLocaleString("en-US")}`,
            ),
            text ?? "",
          );
        }
        await page.screenshot({ path: `${SHOTS}/dataset.png`, fullPage: true });
      });

      await t.step("hovering a figure shows a tip", async () => {
        // The figure's plot, not a legend swatch: the widest svg in the density figure.
        const svgs = page.locator(".density svg");
        let box = null;
        for (let i = 0; i < await svgs.count(); i++) {
          const b = await svgs.nth(i).boundingBox();
          if (b && (!box || b.width > box.width)) box = b;
        }
        assert.ok(box);
        let tip = "";
        for (const fx of [0.5, 0.6, 0.7, 0.4, 0.8]) {
          await page.mouse.move(box.x + box.width * fx, box.y + box.height * 0.75);
          await page.waitForTimeout(100);
          tip = await page.$$eval(
            '.density [aria-label="tip"]',
            (gs) => gs.map((g) => g.textContent ?? "").join(""),
          );
          if (tip.trim()) break;
        }
        assert.match(tip, /score|kind|proportion/i, "a tip with the bin's values");
        await page.screenshot({ path: `${SHOTS}/dataset-tip.png` });
      });

      await t.step(
        "a leakage row shows the sample and its best match, the right files",
        async () => {
          const table = await readBestMatches(
            join(out, "Best_Matches", "Demo_BestMatches_320.csv"),
          );
          await page.goto(`${explorer.url}#/leakage/0/0`);
          await page.waitForSelector("body[data-view=leakage] #leak-table tbody tr");
          const top = Array.from(table.similarity.keys()).sort((a, b) =>
            table.similarity[b]! - table.similarity[a]!
          )[0]!;
          const row = page.locator("#leak-table tbody tr").first();
          const images = row.locator("img");
          assert.equal(await images.count(), 2);
          await page.waitForFunction(() =>
            [...document.querySelectorAll("#leak-table tbody tr:first-child img")]
              .every((i) =>
                (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0
              )
          );
          const shown = await images.evaluateAll(async (imgs) =>
            await Promise.all(imgs.map(async (img) => {
              const i = img as HTMLImageElement;
              const bytes = new Uint8Array(await (await fetch(i.src)).arrayBuffer());
              return { path: i.dataset.path, width: i.naturalWidth, bytes: Array.from(bytes) };
            }))
          );
          const expected = [
            { path: `${table.sampleIdentity[top]}/${table.sampleImageName[top]}`, dir: demoImages },
            {
              path: `${table.bestMatchIdentity[top]}/${table.bestMatchImageName[top]}`,
              dir: join(out, "Dataset", "DemoCASIA"),
            },
          ];
          for (const [k, e] of expected.entries()) {
            assert.equal(shown[k]!.path, e.path);
            assert.ok(shown[k]!.width > 0);
            assert.equal(
              await sha256(new Uint8Array(shown[k]!.bytes)),
              await sha256(await Deno.readFile(join(e.dir, e.path))),
              `${e.path}: the bytes served are the file's`,
            );
          }
          await page.screenshot({ path: `${SHOTS}/leakage.png`, fullPage: true });
        },
      );

      await t.step("closest pairs and the comparison draw", async () => {
        await page.goto(`${explorer.url}#/closest/0/0`);
        await page.waitForSelector("body[data-view=closest] #closest-grid .card img");
        await page.hover("#closest-grid .card >> nth=0");
        assert.ok(await page.isVisible("#closest-grid .card:hover .details"));
        await page.screenshot({ path: `${SHOTS}/closest.png`, fullPage: true });
        await page.goto(`${explorer.url}#/compare`);
        await page.waitForSelector("body[data-view=compare] #compare-figure svg");
        await page.screenshot({ path: `${SHOTS}/compare.png`, fullPage: true });
      });

      await t.step("paths outside the served folders get 404, however encoded", async () => {
        const good = await fetch(`${explorer.url}image/0/id_000/00.png`);
        await good.body?.cancel();
        assert.equal(good.status, 200, "a listed image is served");
        const attempts = [
          "image/0/..%2F..%2F..%2Fetc%2Fpasswd",
          "image/0/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
          "image/0/%252e%252e/%252e%252e/etc/passwd",
          "image/0/id_000/..%5C..%5Csecret.png",
          "image/0/%2Fetc/passwd",
          "image/0/id_000/%00.png",
          "image/0/id_000/link_out.png",
          `image/0/${encodeURIComponent(outside)}/secret.png`,
          "image/9/id_000/00.png",
          "api/scores/7",
          "api/best-matches/0/5",
          "lib/explore/_server.ts",
          "..%2F..%2Fetc%2Fpasswd",
          "etc/passwd",
        ];
        for (const path of attempts) {
          const r = await fetch(explorer.url + path);
          await r.body?.cancel();
          assert.equal(r.status, 404, path);
        }
        const put = await fetch(explorer.url, { method: "POST", body: "x" });
        await put.body?.cancel();
        assert.equal(put.status, 405);
      });
      assert.deepEqual(errors, [], "no script errors in the page");
      assert.deepEqual(external, [], "the page asks for nothing outside the explorer");
    } finally {
      await browser.close();
      await explorer.close();
      await Deno.remove(out, { recursive: true });
      await Deno.remove(outside, { recursive: true });
    }
  },
});
