import assert from "node:assert/strict";
import { decode } from "fast-png";
import { densityData, metricsDensityFigure } from "../../lib/plots/_density.ts";
import { newDocument } from "../../lib/plots/_document.ts";
import { pairGridSvg } from "../../lib/plots/_pair_grid.ts";
import { svgToPdf, systemPdfFonts, writeFigureFiles } from "../../lib/plots/_render.ts";
import { encode } from "fast-png";
import { skipUnless } from "../_prereq.ts";

function onPath(command: string): boolean {
  try {
    return new Deno.Command(command, { args: ["-v"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}
const hasPoppler = onPath("pdftoppm") && onPath("pdftotext");
const hasFcMatch = onPath("fc-match");

/** Runs a poppler tool and returns its stdout. */
async function poppler(command: string, args: string[]): Promise<Uint8Array> {
  const { success, stdout, stderr } = await new Deno.Command(command, { args, stdout: "piped" })
    .output();
  assert.ok(success, `${command} ${args.join(" ")}: ${new TextDecoder().decode(stderr)}`);
  return stdout;
}

/** A PDF page rasterised by pdftoppm at `dpi`, decoded. */
async function rasterise(pdf: string, dpi: number) {
  const root = pdf.replace(/\.pdf$/, `_${dpi}dpi`);
  await poppler("pdftoppm", ["-png", "-r", String(dpi), "-singlefile", pdf, root]);
  return decode(await Deno.readFile(`${root}.png`));
}

const document = newDocument();
const mated = Array.from({ length: 300 }, (_, i) => 0.6 + 0.15 * Math.sin(i * 1.3));
const nonMated = Array.from({ length: 300 }, (_, i) => 0.05 + 0.08 * Math.sin(i * 2.1));

Deno.test(
  "svgToPdf(svg) keeps the SVG's size (1 px = 0.75 pt), draws shapes where the SVG has them and embeds images",
  {
    ignore: skipUnless("poppler-utils", hasPoppler, "pdftoppm/pdftotext are not on PATH"),
  },
  async () => {
    const dir = await Deno.makeTempDir();
    try {
      const image = encode({
        width: 2,
        height: 2,
        data: new Uint8Array([0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 255]),
        channels: 3,
      });
      const svg = pairGridSvg([{
        casia: { path: "0001/a.png", bytes: image },
        other: { path: "x/b.png" },
        score: 0.5,
      }], { size: 100, dataset: "Toy" });
      const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
      await Deno.writeFile(`${dir}/grid.pdf`, await svgToPdf(svg));
      // At 96 dpi a CSS pixel is one device pixel: the page has the SVG's size.
      const page = await rasterise(`${dir}/grid.pdf`, 96);
      assert.equal(page.width, w);
      assert.equal(page.height, h);
      // The blue image fills its box: sample its centre (x 44 + 20 + 50, y 40 + 44 + 50).
      const at = (x: number, y: number) => {
        const i = (y * page.width + x) * page.channels;
        return [page.data[i], page.data[i + 1], page.data[i + 2]];
      };
      const [r, g, b] = at(114, 134);
      assert.ok(b! > 200 && r! < 60 && g! < 60, `blue image pixel, got ${[r, g, b]}`);
      assert.deepEqual(at(2, h! - 2), [255, 255, 255], "white background");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "writeFigureFiles(stem, figure, {scale}) writes SVG, a PNG at that scale and a PDF whose text is text",
  {
    ignore: skipUnless("poppler-utils", hasPoppler, "pdftoppm/pdftotext are not on PATH"),
  },
  async () => {
    const dir = await Deno.makeTempDir();
    try {
      const figure = metricsDensityFigure({
        ...densityData(mated, nonMated),
        thresholds: { eer: 0.3, fmr100: 0.35, fmr1000: 0.4, eerRate: 0.177 },
      }, { document, dataset: "Toy", width: 800, height: 400 });
      const files = await writeFigureFiles(`${dir}/sub/fig`, figure, { scale: 3 });
      assert.deepEqual(files, {
        svg: `${dir}/sub/fig.svg`,
        png: `${dir}/sub/fig.png`,
        pdf: `${dir}/sub/fig.pdf`,
      });
      const png = decode(await Deno.readFile(files.png));
      assert.equal(png.width, 2400);
      assert.equal(png.height, 1200);
      const text = new TextDecoder().decode(await poppler("pdftotext", [files.pdf!, "-"]));
      for (const label of ["EER 17.70% at 0.300", "Toy: mated vs non-mated", "Cosine Similarity"]) {
        assert.ok(text.includes(label), `${label} in the PDF's text:\n${text}`);
      }
      const page = await rasterise(files.pdf!, 96);
      assert.equal(page.width, 800);
      // The EER threshold is a red vertical line: some pixels of the page are pure-ish red.
      let red = 0;
      for (let i = 0; i < page.data.length; i += page.channels) {
        if (page.data[i]! > 200 && page.data[i + 1]! < 50 && page.data[i + 2]! < 50) red++;
      }
      assert.ok(red > 100, `red threshold line drawn (${red} red pixels)`);
      const skipped = await writeFigureFiles(`${dir}/nopdf`, figure, { pdf: false });
      assert.equal(skipped.pdf, undefined);
      await assert.rejects(Deno.stat(`${dir}/nopdf.pdf`), Deno.errors.NotFound);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("svgToPdf(svg) embeds DejaVu Sans, so signs outside Latin-1 (≥, →, ●) stay in the text", {
  ignore: skipUnless("poppler-utils", hasPoppler, "pdftotext is not on PATH") ||
    skipUnless("fontconfig", hasFcMatch, "fc-match is not on PATH"),
}, async () => {
  assert.ok(await systemPdfFonts(), "fontconfig finds DejaVu Sans");
  const dir = await Deno.makeTempDir();
  try {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40">' +
      '<text x="4" y="20" font-size="14">cosine ≥ 0.4 → ● kept</text></svg>';
    await Deno.writeFile(`${dir}/t.pdf`, await svgToPdf(svg));
    const text = new TextDecoder().decode(await poppler("pdftotext", [`${dir}/t.pdf`, "-"]));
    assert.ok(text.includes("cosine ≥ 0.4 → ● kept"), text);
    const fonts = new TextDecoder().decode(await poppler("pdffonts", [`${dir}/t.pdf`]));
    assert.match(fonts, /DejaVuSans/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("svgToPdf(svg) gives the same bytes for the same SVG, at any time", async () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40">' +
    '<text x="4" y="20">EER</text><rect x="40" y="4" width="20" height="20" fill="red"/></svg>';
  const first = await svgToPdf(svg);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.deepEqual(await svgToPdf(svg), first);
  const dated = await svgToPdf(svg, { creationDate: new Date(2026, 0, 1) });
  assert.notDeepEqual(dated, first, "the date is in the bytes");
});

Deno.test("svgToPdf(svg) refuses an SVG without a size", async () => {
  await assert.rejects(
    svgToPdf('<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>'),
    RangeError,
  );
});
