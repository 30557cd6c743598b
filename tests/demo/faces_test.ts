import assert from "node:assert/strict";
import {
  drawFace,
  type FaceParams,
  IDENTITY_RANGES,
  identityParams,
  imageVariation,
  perturbFace,
  VARIATION_RANGES,
} from "../../lib/demo/_faces.ts";
import type { RgbImage } from "../../lib/image/mod.ts";
import { streamRng } from "../../lib/random/mod.ts";
import { meanAbsDiff } from "./_pixels.ts";

function face(identity: number, image: number): FaceParams {
  return {
    identity: identityParams(streamRng(1, `id/${identity}`)),
    variation: imageVariation(streamRng(1, `image/${identity}/${image}`)),
  };
}

function mirrored(image: RgbImage): Uint8Array {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3, to = (y * width + width - 1 - x) * 3;
      out[to] = data[from]!;
      out[to + 1] = data[from + 1]!;
      out[to + 2] = data[from + 2]!;
    }
  }
  return out;
}

/** A face with no noise, no lighting gradient and a frontal, centred pose. */
function frontal(params: FaceParams): FaceParams {
  return {
    identity: { ...params.identity, hairSweep: 0, mole: 0 },
    variation: {
      ...params.variation,
      dx: 0,
      dy: 0,
      rotation: 0,
      yaw: 0,
      gaze: 0,
      lightStrength: 0,
      noise: 0,
    },
  };
}

Deno.test("drawFace(params) returns identical bytes for identical parameters", () => {
  const params = face(0, 0);
  const a = drawFace(params), b = drawFace(structuredClone(params));
  assert.equal(a.width, 112);
  assert.equal(a.height, 112);
  assert.equal(a.data.length, 112 * 112 * 3);
  assert.deepEqual(a.data, b.data);
});

Deno.test("drawFace(params) with another noise seed differs by about the noise only", () => {
  const params = face(1, 0);
  const other = {
    ...params,
    variation: { ...params.variation, noiseSeed: params.variation.noiseSeed ^ 1 },
  };
  const diff = meanAbsDiff(drawFace(params).data, drawFace(other).data);
  assert.ok(diff > 0, "noise pattern did not change");
  assert.ok(
    diff < 2.5 * params.variation.noise,
    `diff ${diff} for noise ${params.variation.noise}`,
  );
});

Deno.test("drawFace(params, {width, height}) rejects sizes that are not positive integers", () => {
  const params = face(0, 0);
  assert.throws(() => drawFace(params, { width: 0 }), RangeError);
  assert.throws(() => drawFace(params, { height: 1.5 }), RangeError);
});

Deno.test("drawFace(params, {width: 96}) is the centre crop of the 112-wide picture without noise", () => {
  const params = frontal(face(2, 1));
  const wide = drawFace(params, { width: 112, height: 112 });
  const narrow = drawFace(params, { width: 96, height: 112 });
  for (let y = 0; y < 112; y++) {
    const row = narrow.data.subarray(y * 96 * 3, (y + 1) * 96 * 3);
    const crop = wide.data.subarray((y * 112 + 8) * 3, (y * 112 + 104) * 3);
    assert.deepEqual(row, crop, `row ${y}`);
  }
});

Deno.test("drawFace(params) is left-right symmetric in a frontal pose and not when turned", () => {
  for (let i = 0; i < 4; i++) {
    const params = frontal(face(i, 0));
    const image = drawFace(params);
    const symmetric = meanAbsDiff(image.data, mirrored(image));
    const turned = drawFace({
      identity: params.identity,
      variation: { ...params.variation, rotation: 0.08, yaw: 0.05 },
    });
    const asymmetric = meanAbsDiff(turned.data, mirrored(turned));
    assert.ok(symmetric < 1, `identity ${i}: frontal face differs from its mirror by ${symmetric}`);
    assert.ok(
      asymmetric > 4 * symmetric + 2,
      `identity ${i}: turned ${asymmetric}, frontal ${symmetric}`,
    );
  }
});

Deno.test("drawFace(params) draws skin-toned pixels (r > g > b) over the middle of the picture", () => {
  for (let i = 0; i < 6; i++) {
    const params = frontal(face(i, 2));
    const { data, width } = drawFace(params);
    // Both cheeks: a fifth of the width either side of the centre, just below the middle.
    for (const x of [Math.round(width * 0.3), Math.round(width * 0.7)]) {
      const o = (Math.round(width * 0.55) * width + x) * 3;
      const [r = 0, g = 0, b = 0] = data.subarray(o, o + 3);
      assert.ok(r > g && g > b, `identity ${i} at x=${x}: ${r},${g},${b}`);
    }
  }
});

Deno.test("drawFace antialiases edges: a row through the head has values between background and skin", () => {
  const params = frontal(face(3, 0));
  const { data, width } = drawFace(params, { width: 112, height: 112 });
  const y = 56;
  const green = (x: number) => data[(y * width + x) * 3 + 1]!;
  const background = green(0);
  const skin = green(56);
  assert.notEqual(background, skin);
  let between = 0;
  for (let x = 1; x < 40; x++) {
    const g = green(x);
    if (g > Math.min(background, skin) + 2 && g < Math.max(background, skin) - 2) between++;
  }
  assert.ok(between >= 1, "no intermediate pixel at the head outline");
});

Deno.test("images of one identity are closer in pixel space than images of different identities", () => {
  const ids = 8, per = 4;
  const images = Array.from(
    { length: ids },
    (_, i) => Array.from({ length: per }, (_, k) => drawFace(face(i, k)).data),
  );
  let within = 0, between = 0, nw = 0, nb = 0;
  for (let i = 0; i < ids; i++) {
    let wi = 0, bi = 0, nwi = 0, nbi = 0;
    for (let j = 0; j < ids; j++) {
      for (let k = 0; k < per; k++) {
        for (let l = 0; l < per; l++) {
          if (j === i && l <= k) continue;
          const d = meanAbsDiff(images[i]![k]!, images[j]![l]!);
          if (j === i) (wi += d, nwi++);
          else (bi += d, nbi++);
        }
      }
    }
    assert.ok(wi / nwi < bi / nbi, `identity ${i}: within ${wi / nwi}, between ${bi / nbi}`);
    within += wi, nw += nwi, between += bi, nb += nbi;
  }
  assert.ok(between / nb > 1.4 * (within / nw), `between ${between / nb}, within ${within / nw}`);
});

Deno.test("perturbFace(params, rng) makes a copy closer than another image of the identity", () => {
  for (let i = 0; i < 6; i++) {
    const original = face(i, 0);
    const copy = perturbFace(original, streamRng(5, `copy/${i}`));
    assert.equal(copy.identity.hairStyle, original.identity.hairStyle);
    assert.equal(copy.identity.glasses, original.identity.glasses);
    assert.equal(copy.identity.beard, original.identity.beard);
    const a = drawFace(original).data;
    const near = meanAbsDiff(a, drawFace(copy).data);
    const sibling = meanAbsDiff(a, drawFace(face(i, 1)).data);
    assert.ok(near < sibling, `identity ${i}: copy ${near}, sibling ${sibling}`);
  }
});

Deno.test("perturbFace(params, rng, {0, 0}) changes only the noise pattern", () => {
  const original = face(4, 3);
  const copy = perturbFace(original, streamRng(5, "zero"), {
    identityAmount: 0,
    variationAmount: 0,
  });
  assert.deepEqual(copy.identity, original.identity);
  assert.deepEqual({ ...copy.variation, noiseSeed: 0 }, { ...original.variation, noiseSeed: 0 });
  assert.notEqual(copy.variation.noiseSeed, original.variation.noiseSeed);
});

function assertInRanges(record: object, ranges: Record<string, readonly [number, number]>) {
  const values = record as Record<string, number>;
  for (const [key, [lo, hi]] of Object.entries(ranges)) {
    assert.ok(
      values[key]! >= lo && values[key]! <= hi,
      `${key} = ${values[key]} outside [${lo}, ${hi}]`,
    );
  }
}

Deno.test("identityParams(rng) and imageVariation(rng) draw inside their ranges", () => {
  for (let i = 0; i < 50; i++) {
    const params = face(i, 0);
    assertInRanges(params.identity, IDENTITY_RANGES);
    assertInRanges(params.variation, VARIATION_RANGES);
    assert.ok([0, 1, 2, 3].includes(params.identity.hairStyle));
  }
});

Deno.test("perturbFace(params, rng, {identityAmount: 10}) clamps parameters to their ranges", () => {
  const original = face(5, 0);
  const widths = new Set<number>();
  for (let i = 0; i < 20; i++) {
    const copy = perturbFace(original, streamRng(i, "wild"), {
      identityAmount: 10,
      variationAmount: 10,
    });
    assertInRanges(copy.identity, IDENTITY_RANGES);
    assertInRanges(copy.variation, VARIATION_RANGES);
    widths.add(copy.identity.headWidth);
  }
  const [lo, hi] = IDENTITY_RANGES.headWidth;
  assert.ok(widths.has(lo) && widths.has(hi), "large steps should hit both bounds");
});

Deno.test("perturbFace(params, rng, {identityAmount: -1}) throws a RangeError", () => {
  assert.throws(
    () => perturbFace(face(0, 0), streamRng(0, "x"), { identityAmount: -1 }),
    RangeError,
  );
  assert.throws(
    () => perturbFace(face(0, 0), streamRng(0, "x"), { variationAmount: NaN }),
    RangeError,
  );
});
