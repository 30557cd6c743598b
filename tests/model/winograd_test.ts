import assert from "node:assert/strict";
import { winogradConv3x3, winogradFilters } from "../../lib/model/_winograd.ts";
import { encodeOnnxModel, OnnxDataType } from "../../lib/model/_onnx_proto.ts";
import { createSession } from "../../lib/model/_backend.ts";

// Winograd graphs against a plain float64 stride-1, pad-1 3x3 cross-correlation.

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const next = seeded(seed);
  return Float32Array.from({ length: n }, () => next() * scale);
}

interface Case {
  n: number;
  c: number;
  k: number;
  h: number;
  w: number;
}

function referenceConv(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  { n, c, k, h, w }: Case,
): Float64Array {
  const out = new Float64Array(n * k * h * w);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < k; o++) {
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) {
          let acc = bias ? bias[o]! : 0;
          for (let i = 0; i < c; i++) {
            for (let dy = 0; dy < 3; dy++) {
              const sy = y + dy - 1;
              if (sy < 0 || sy >= h) continue;
              for (let dx = 0; dx < 3; dx++) {
                const sx = xx + dx - 1;
                if (sx < 0 || sx >= w) continue;
                acc += weight[((o * c + i) * 3 + dy) * 3 + dx]! *
                  x[((b * c + i) * h + sy) * w + sx]!;
              }
            }
          }
          out[((b * k + o) * h + y) * w + xx] = acc;
        }
      }
    }
  }
  return out;
}

async function runWinograd(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | undefined,
  shape: Case,
  tile: 2 | 4,
): Promise<Float32Array> {
  const { n, c, k, h, w } = shape;
  const f = winogradConv3x3("x", {
    name: "conv",
    weight,
    outChannels: k,
    inChannels: c,
    height: h,
    width: w,
    bias,
    tile,
  });
  const bytes = encodeOnnxModel({
    opsetVersion: 13,
    graph: {
      name: "winograd",
      nodes: [...f.nodes, { opType: "Identity", inputs: [f.output], outputs: ["y"] }],
      initializers: f.initializers,
      inputs: [{ name: "x", elemType: OnnxDataType.FLOAT, shape: ["N", c, h, w] }],
      outputs: [{ name: "y", elemType: OnnxDataType.FLOAT, shape: ["N", k, h, w] }],
    },
  });
  const session = await createSession(bytes, "cpu");
  try {
    const { y } = await session.run({ x: { data: x, dims: [n, c, h, w] } });
    assert.ok(y);
    assert.deepEqual([...y.dims], [n, k, h, w]);
    assert.ok(y.data instanceof Float32Array);
    return y.data;
  } finally {
    await session.release();
  }
}

const cases: (Case & { tile: 2 | 4; bias: boolean })[] = [
  { n: 2, c: 3, k: 5, h: 8, w: 8, tile: 2, bias: true }, // m divides the size
  { n: 1, c: 4, k: 2, h: 7, w: 7, tile: 2, bias: false }, // odd: last tile padded, cropped
  { n: 3, c: 2, k: 3, h: 6, w: 9, tile: 2, bias: true }, // non-square, odd width only
  { n: 2, c: 3, k: 4, h: 8, w: 8, tile: 4, bias: true },
  { n: 2, c: 5, k: 3, h: 14, w: 14, tile: 4, bias: true }, // 14 = 3·4 + 2
  { n: 1, c: 2, k: 2, h: 7, w: 5, tile: 4, bias: false },
  { n: 1, c: 1, k: 1, h: 1, w: 1, tile: 2, bias: true }, // one pixel: only the centre tap
];

for (const { tile, bias: withBias, ...shape } of cases) {
  const { n, c, k, h, w } = shape;
  Deno.test(`winogradConv3x3 F(${tile}x${tile}) matches a direct conv for N=${n} C=${c} K=${k} ${h}x${w}${withBias ? " with bias" : ""}`, async () => {
    const x = randomArray(n * c * h * w, 7 + h * w);
    const weight = randomArray(k * c * 9, 13 + c, 0.5);
    const bias = withBias ? randomArray(k, 17) : undefined;
    const want = referenceConv(x, weight, bias, shape);
    const got = await runWinograd(x, weight, bias, shape, tile);
    const scale = Math.max(...want.map(Math.abs));
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!));
    // float32 Winograd: F(2x2) keeps errors near float rounding, F(4x4) grows them ~10x.
    const tolerance = (tile === 2 ? 2e-6 : 2e-5) * Math.max(1, scale) * c;
    assert.ok(maxDiff <= tolerance, `max abs diff ${maxDiff} > ${tolerance} (scale ${scale})`);
  });
}

Deno.test("winogradFilters(g, K, m) equals G g Gᵀ computed by matrix products", () => {
  const g2 = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];
  const k = 2, c = 3;
  const weight = randomArray(k * c * 9, 5);
  const u = winogradFilters(weight, k, 2);
  assert.equal(u.length, 16 * k * c);
  for (let f = 0; f < k * c; f++) {
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let want = 0;
        for (let r = 0; r < 3; r++) {
          for (let s = 0; s < 3; s++) want += g2[i]![r]! * weight[f * 9 + r * 3 + s]! * g2[j]![s]!;
        }
        assert.ok(Math.abs(u[(i * 4 + j) * k * c + f]! - want) < 1e-6, `f ${f} e ${i * 4 + j}`);
      }
    }
  }
  // F(4x4): 36 values per filter; a filter of ones sums its taps, G[0] = [1/4, 0, 0] so
  // U[0] = g[0][0] / 16.
  const u4 = winogradFilters(new Float32Array(9).fill(1), 1, 4);
  assert.equal(u4.length, 36);
  assert.ok(Math.abs(u4[0]! - 1 / 16) < 1e-7);
});

Deno.test("winogradConv3x3 and winogradFilters throw RangeError for inconsistent shapes", () => {
  const params = {
    name: "c",
    weight: new Float32Array(2 * 3 * 9),
    outChannels: 2,
    inChannels: 3,
    height: 4,
    width: 4,
  };
  assert.throws(() => winogradConv3x3("x", { ...params, inChannels: 4 }), RangeError);
  assert.throws(() => winogradConv3x3("x", { ...params, height: 0 }), RangeError);
  assert.throws(() => winogradConv3x3("x", { ...params, bias: [1, 2, 3] }), RangeError);
  assert.throws(() => winogradConv3x3("x", { ...params, tile: 3 as 2 }), RangeError);
  assert.throws(() => winogradFilters(new Float32Array(10), 1), RangeError);
});
