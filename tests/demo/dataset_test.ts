import assert from "node:assert/strict";
import { decode as decodePng } from "fast-png";
import decodeJpeg from "@jsquash/jpeg/decode.js";
import {
  demoDatasetPlan,
  demoIdentityParams,
  type DemoImage,
  writeDemoDataset,
} from "../../lib/demo/_dataset.ts";
import { drawFace } from "../../lib/demo/_faces.ts";
import { isImageName } from "../../lib/data/_dataset.ts";
import { runPython, skipUnlessPython } from "../_python.ts";
import { meanAbsDiff } from "./_pixels.ts";

function kindOf(image: DemoImage): string {
  const ext = image.imageName.slice(image.imageName.lastIndexOf("."));
  return `${ext} ${image.width}x${image.height}${image.grey ? " grey" : ""}${
    image.progressive ? " progressive" : ""
  }`;
}

async function readTree(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for await (const identity of Deno.readDir(dir)) {
    assert.ok(identity.isDirectory, `${identity.name} is not a folder`);
    for await (const file of Deno.readDir(`${dir}/${identity.name}`)) {
      files.set(
        `${identity.name}/${file.name}`,
        await Deno.readFile(`${dir}/${identity.name}/${file.name}`),
      );
    }
  }
  return files;
}

Deno.test("demoDatasetPlan() makes 40 identities of 8 images with the documented file mix", () => {
  const plan = demoDatasetPlan();
  assert.equal(plan.length, 320);
  assert.equal(new Set(plan.map((e) => e.identity)).size, 40);
  assert.equal(plan[0]!.identity, "id_000");
  assert.equal(plan[319]!.identity, "id_039");
  const counts = new Map<string, number>();
  for (const image of plan) counts.set(kindOf(image), (counts.get(kindOf(image)) ?? 0) + 1);
  // Each cycle of 16: ten 112x112 PNG (one grey in the whole set), two .jpg, one progressive .JPG,
  // one .jpeg, one 96x112 PNG and one 250x250 .jpg; 320 images are 20 cycles.
  assert.deepEqual(Object.fromEntries([...counts].sort()), {
    ".JPG 112x112 progressive": 20,
    ".jpeg 112x112": 20,
    ".jpg 112x112": 40,
    ".jpg 250x250": 20,
    ".png 112x112": 199,
    ".png 112x112 grey": 1,
    ".png 96x112": 20,
  });
  for (const image of plan) {
    assert.ok(isImageName(image.imageName), image.imageName);
    assert.equal(image.format, image.imageName.endsWith(".png") ? "png" : "jpeg");
  }
});

Deno.test("demoDatasetPlan({seed}) is deterministic and identities keep their parameters when the size changes", () => {
  const a = demoDatasetPlan({ identities: 3, images: 2, seed: 5 });
  const b = demoDatasetPlan({ identities: 3, images: 2, seed: 5 });
  assert.deepEqual(a, b);
  const bigger = demoDatasetPlan({ identities: 5, images: 4, seed: 5 });
  assert.deepEqual(bigger[4]!.params.identity, a[2]!.params.identity);
  assert.deepEqual(bigger[4]!.params.variation, a[2]!.params.variation);
  assert.deepEqual(demoIdentityParams(1, 5), a[2]!.params.identity);
  const other = demoDatasetPlan({ identities: 3, images: 2, seed: 6 });
  assert.notDeepEqual(other[0]!.params, a[0]!.params);
});

Deno.test("demoDatasetPlan pads names to the counts", () => {
  const many = demoDatasetPlan({ identities: 1001, images: 1 });
  assert.equal(many[0]!.identity, "id_0000");
  assert.equal(many.at(-1)!.identity, "id_1000");
  assert.equal(many[0]!.imageName, "00.png");
  const long = demoDatasetPlan({ identities: 1, images: 101 });
  assert.equal(long[0]!.imageName, "000.png");
  assert.equal(long.at(-1)!.imageName, "100.png");
});

Deno.test("demoDatasetPlan rejects counts that are not positive integers", () => {
  assert.throws(() => demoDatasetPlan({ identities: 0 }), RangeError);
  assert.throws(() => demoDatasetPlan({ images: 2.5 }), RangeError);
  assert.throws(() => demoDatasetPlan({ images: NaN }), RangeError);
});

Deno.test("writeDemoDataset(dir) writes readable files of the planned kinds, byte-identical for a seed", async () => {
  const options = { identities: 2, images: 8, seed: 3 };
  const dirA = await Deno.makeTempDir(),
    dirB = await Deno.makeTempDir(),
    dirC = await Deno.makeTempDir();
  try {
    assert.deepEqual(await writeDemoDataset(dirA, options), { identities: 2, images: 16 });
    await writeDemoDataset(dirB, options);
    await writeDemoDataset(dirC, { ...options, seed: 4 });
    const [a, b, c] = await Promise.all([readTree(dirA), readTree(dirB), readTree(dirC)]);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [path, bytes] of a) {
      assert.deepEqual(bytes, b.get(path), `${path} differs between runs`);
      assert.notDeepEqual(bytes, c.get(path), `${path} does not depend on the seed`);
    }
    const plan = demoDatasetPlan(options);
    assert.equal(a.size, plan.length);
    for (const image of plan) {
      const bytes = a.get(`${image.identity}/${image.imageName}`);
      assert.ok(bytes, `${image.identity}/${image.imageName} missing`);
      if (image.format === "png") {
        const png = decodePng(bytes);
        assert.deepEqual([png.width, png.height, png.channels], [
          image.width,
          image.height,
          image.grey ? 1 : 3,
        ]);
        if (!image.grey) {
          const drawn = drawFace(image.params, { width: image.width, height: image.height });
          assert.deepEqual(new Uint8Array(png.data), drawn.data);
        }
      } else {
        const decoded = await decodeJpeg(bytes.slice().buffer);
        assert.deepEqual([decoded.width, decoded.height], [image.width, image.height]);
      }
    }
  } finally {
    for (const dir of [dirA, dirB, dirC]) await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "writeDemoDataset(dir) files open in PIL with the planned mode and size",
  ignore: skipUnlessPython("PIL"),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const options = { identities: 2, images: 8 };
      await writeDemoDataset(dir, options);
      const code = [
        "import json, os, sys",
        "from PIL import Image",
        "root = sys.argv[1]",
        "for d in sorted(os.listdir(root)):",
        "  for f in sorted(os.listdir(os.path.join(root, d))):",
        "    im = Image.open(os.path.join(root, d, f))",
        "    print(json.dumps([d + '/' + f, im.format, im.mode, list(im.size)]))",
      ].join("\n");
      const lines = (await runPython(["-c", code, dir])).trim().split("\n").map((l) =>
        JSON.parse(l)
      );
      const plan = demoDatasetPlan(options);
      assert.equal(lines.length, plan.length);
      const byPath = new Map(lines.map((l) => [l[0], l.slice(1)]));
      for (const image of plan) {
        assert.deepEqual(byPath.get(`${image.identity}/${image.imageName}`), [
          image.format === "png" ? "PNG" : "JPEG",
          image.grey ? "L" : "RGB",
          [image.width, image.height],
        ]);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("demo identities are closer to themselves than to each other in pixel space", () => {
  const identities = 10, images = 4;
  const plan = demoDatasetPlan({ identities, images });
  const pixels = plan.map((e) => drawFace(e.params).data);
  for (let i = 0; i < identities; i++) {
    let within = 0, between = 0, nw = 0, nb = 0;
    for (let k = 0; k < images; k++) {
      for (let j = 0; j < plan.length; j++) {
        const same = Math.floor(j / images) === i;
        if (same && j <= i * images + k) continue;
        const d = meanAbsDiff(pixels[i * images + k]!, pixels[j]!);
        if (same) (within += d, nw++);
        else (between += d, nb++);
      }
    }
    assert.ok(
      within / nw < between / nb,
      `${plan[i * images]!.identity}: within ${within / nw}, between ${between / nb}`,
    );
  }
});
