/**
 * Procedurally drawn face-like pictures for the demo: an identity (head shape, skin and hair
 * colour, feature positions and sizes, glasses, beard) and a per-image variation (pose, lighting,
 * expression, background, clothing, noise) become an antialiased RGB image.
 *
 * Coordinates: the picture is drawn in "face units", where the image height is 2 and the origin is
 * the image centre (x right, y down); the pose maps image points to face points. Shapes are
 * signed-distance functions, blended with a coverage of one pixel's width for antialiasing.
 *
 * @module
 */
import { createRng, normal, type Rng, uniformFloat } from "../random/mod.ts";
import type { RgbImage } from "../image/mod.ts";

/** What stays the same across the images of one identity. Lengths are in face units. */
export interface IdentityParams {
  /** Half-width of the head ellipse. */
  headWidth: number;
  /** Half-height of the head ellipse. */
  headHeight: number;
  /** How much the jaw narrows towards the chin, 0 (round) to 1 (pointed). */
  chin: number;
  /** Skin tone from light (0) to dark (1). */
  skinTone: number;
  /** Skin undertone from cool (0) to warm (1). */
  skinWarmth: number;
  /** Hair colour from black (0) through brown to blond (1). */
  hairShade: number;
  /** Red tint of the hair; only values above 0.6 show. */
  hairRed: number;
  /** Hair style: 0 short, 1 long, 2 cropped/receding, 3 curly. */
  hairStyle: number;
  /** Whether the hair is grey. */
  greyHair: boolean;
  /** Height of the hairline at the middle of the forehead (negative is up). */
  hairline: number;
  /** How far the hair stands out of the head outline. */
  hairVolume: number;
  /** Tilt of the hairline (side parting), -1 to 1. */
  hairSweep: number;
  /** Half the distance between the eye centres. */
  eyeSpacing: number;
  /** Height of the eye centres. */
  eyeY: number;
  /** Half-width of an eye. */
  eyeWidth: number;
  /** Eye height over eye width when fully open. */
  eyeAspect: number;
  /** Iris colour from brown (0) through hazel and green to blue (1). */
  irisShade: number;
  /** Distance from the eye centre up to the eyebrow. */
  browGap: number;
  /** Half-thickness of an eyebrow. */
  browThickness: number;
  /** Eyebrow tilt in radians (positive raises the outer end). */
  browTilt: number;
  /** Distance from the eye line down to the nose tip. */
  noseLength: number;
  /** Half-width of the nose tip. */
  noseWidth: number;
  /** Height of the mouth centre line. */
  mouthY: number;
  /** Half-width of the mouth. */
  mouthWidth: number;
  /** Lip thickness. */
  lipThickness: number;
  /** Lip redness, 0 to 1. */
  lipRed: number;
  /** Ear half-height. */
  earSize: number;
  /** Whether the person wears glasses. */
  glasses: boolean;
  /** Glasses frame darkness, 0 (metal grey) to 1 (black). */
  frameShade: number;
  /** Whether the person has a beard. */
  beard: boolean;
  /** Beard opacity. */
  beardDensity: number;
  /** Mole position as a signed horizontal fraction of the head; |value| < 0.25 means no mole. */
  mole: number;
}

/** What changes from one image of an identity to the next. */
export interface ImageVariation {
  /** Horizontal shift of the face in face units. */
  dx: number;
  /** Vertical shift of the face in face units. */
  dy: number;
  /** In-plane rotation in radians. */
  rotation: number;
  /** Scale of the face. */
  scale: number;
  /** Head turn: shifts the inner features sideways, in face units. */
  yaw: number;
  /** Direction of the light, radians. */
  lightAngle: number;
  /** Strength of the lighting gradient across the image. */
  lightStrength: number;
  /** Overall brightness factor. */
  brightness: number;
  /** Colour temperature, -1 (cool) to 1 (warm). */
  warmth: number;
  /** Mouth curvature, negative (frown) to 1 (smile). */
  smile: number;
  /** How far the mouth is open, 0 to 1. */
  mouthOpen: number;
  /** Eye openness, 0 (closed) to 1. */
  eyeOpen: number;
  /** Horizontal gaze as a fraction of the eye width. */
  gaze: number;
  /** Background hue, 0 to 1. */
  bgHue: number;
  /** Background saturation. */
  bgSaturation: number;
  /** Background lightness. */
  bgLightness: number;
  /** Vertical background gradient. */
  bgGradient: number;
  /** Clothing hue, 0 to 1. */
  clothHue: number;
  /** Clothing saturation. */
  clothSaturation: number;
  /** Clothing lightness. */
  clothLightness: number;
  /** Standard deviation of the per-pixel noise, in grey levels. */
  noise: number;
  /** Seed of the noise pattern. */
  noiseSeed: number;
}

/** Everything {@linkcode drawFace} needs. */
export interface FaceParams {
  /** What the identity's images share. */
  identity: IdentityParams;
  /** What changes from image to image. */
  variation: ImageVariation;
}

/** Options of {@linkcode drawFace}. */
export interface DrawFaceOptions {
  /** Width in pixels. @default {112} */
  width?: number;
  /** Height in pixels. @default {112} */
  height?: number;
}

/** Closed `[low, high]` ranges of the continuous (numeric, not `hairStyle` or `noiseSeed`) parameters of `T`. */
export type Ranges<T> = Record<
  Exclude<{ [K in keyof T]: T[K] extends number ? K : never }[keyof T], "hairStyle" | "noiseSeed">,
  readonly [number, number]
>;

/**
 * Ranges of the continuous identity parameters: {@linkcode identityParams} draws uniformly inside
 * them and {@linkcode perturbFace} clamps to them.
 */
export const IDENTITY_RANGES: Ranges<IdentityParams> = {
  headWidth: [0.5, 0.6],
  headHeight: [0.7, 0.8],
  chin: [0, 1],
  skinTone: [0, 1],
  skinWarmth: [0, 1],
  hairShade: [0, 1],
  hairRed: [0, 1],
  hairline: [-0.5, -0.3],
  hairVolume: [0.04, 0.14],
  hairSweep: [-1, 1],
  eyeSpacing: [0.19, 0.25],
  eyeY: [-0.14, -0.04],
  eyeWidth: [0.085, 0.115],
  eyeAspect: [0.38, 0.55],
  irisShade: [0, 1],
  browGap: [0.09, 0.14],
  browThickness: [0.015, 0.032],
  browTilt: [-0.2, 0.2],
  noseLength: [0.2, 0.3],
  noseWidth: [0.05, 0.08],
  mouthY: [0.32, 0.44],
  mouthWidth: [0.15, 0.22],
  lipThickness: [0.026, 0.045],
  lipRed: [0, 1],
  earSize: [0.1, 0.14],
  frameShade: [0, 1],
  beardDensity: [0.55, 0.9],
  mole: [-1, 1],
};

/**
 * Ranges of the continuous per-image parameters: {@linkcode imageVariation} draws uniformly inside
 * them and {@linkcode perturbFace} clamps to them.
 */
export const VARIATION_RANGES: Ranges<ImageVariation> = {
  dx: [-0.04, 0.04],
  dy: [-0.04, 0.04],
  rotation: [-0.09, 0.09],
  scale: [0.94, 1.06],
  yaw: [-0.06, 0.06],
  lightAngle: [0, 2 * Math.PI],
  lightStrength: [0, 0.18],
  brightness: [0.9, 1.1],
  warmth: [-1, 1],
  smile: [-0.3, 1],
  mouthOpen: [0, 0.8],
  eyeOpen: [0.55, 1],
  gaze: [-0.25, 0.25],
  bgHue: [0, 1],
  bgSaturation: [0, 0.22],
  bgLightness: [0.42, 0.72],
  bgGradient: [-0.15, 0.15],
  clothHue: [0, 1],
  clothSaturation: [0.1, 0.6],
  clothLightness: [0.15, 0.65],
  noise: [1.5, 6],
};

function uniform(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * uniformFloat(rng);
}

/**
 * Draws the parameters of a new identity.
 *
 * @param rng The generator (`createRng` of `lib/random/mod.ts`).
 * @returns Identity parameters inside their documented ranges.
 *
 * @example
 * ```ts
 * import { identityParams } from "./_faces.ts";
 * import { createRng } from "../random/mod.ts";
 * const id = identityParams(createRng(1));
 * if (!(id.headWidth > 0 && id.headWidth < 1)) throw new Error("unexpected");
 * ```
 */
export function identityParams(rng: Rng): IdentityParams {
  const out = {} as Record<string, number | boolean>;
  for (const [key, range] of Object.entries(IDENTITY_RANGES)) out[key] = uniform(rng, range);
  out.hairStyle = Math.floor(uniformFloat(rng) * 4);
  out.greyHair = uniformFloat(rng) < 0.1;
  out.glasses = uniformFloat(rng) < 0.22;
  out.beard = uniformFloat(rng) < 0.2;
  return out as unknown as IdentityParams;
}

/**
 * Draws the variation of one image of an identity.
 *
 * @param rng The generator (`createRng` of `lib/random/mod.ts`).
 * @returns Per-image parameters inside their documented ranges.
 *
 * @example
 * ```ts
 * import { imageVariation } from "./_faces.ts";
 * import { createRng } from "../random/mod.ts";
 * const v = imageVariation(createRng(1));
 * if (!(v.eyeOpen > 0 && v.eyeOpen <= 1)) throw new Error("unexpected");
 * ```
 */
export function imageVariation(rng: Rng): ImageVariation {
  const out = {} as Record<string, number>;
  for (const [key, range] of Object.entries(VARIATION_RANGES)) out[key] = uniform(rng, range);
  out.noiseSeed = rng.nextUint32();
  return out as unknown as ImageVariation;
}

/** Options of {@linkcode perturbFace}. */
export interface PerturbFaceOptions {
  /** Standard deviation of each identity parameter's change, as a fraction of its range. @default {0.03} */
  identityAmount?: number;
  /** Standard deviation of each variation parameter's change, as a fraction of its range. @default {0.05} */
  variationAmount?: number;
}

function perturbRecord<T extends object>(
  record: T,
  ranges: Record<string, readonly [number, number]>,
  rng: Rng,
  amount: number,
): T {
  const out = { ...record } as Record<string, unknown>;
  for (const [key, [lo, hi]] of Object.entries(ranges)) {
    const value = (out[key] as number) + normal(rng) * amount * (hi - lo);
    out[key] = Math.min(hi, Math.max(lo, value));
  }
  return out as T;
}

/**
 * A near-copy of a face: every continuous parameter moved by a small normal step (clamped to its
 * range), categorical ones (hair style, glasses, beard) kept, and a fresh noise pattern.
 *
 * @param params The face to copy.
 * @param rng The generator.
 * @param options Step sizes.
 * @returns New parameters; `params` is not modified.
 * @throws {RangeError} When an amount is negative or not finite.
 *
 * @example
 * ```ts
 * import { identityParams, imageVariation, perturbFace } from "./_faces.ts";
 * import { createRng } from "../random/mod.ts";
 * const rng = createRng(3);
 * const face = { identity: identityParams(rng), variation: imageVariation(rng) };
 * const copy = perturbFace(face, rng);
 * if (copy.identity.glasses !== face.identity.glasses) throw new Error("categorical changed");
 * if (Math.abs(copy.identity.headWidth - face.identity.headWidth) > 0.02) throw new Error("too far");
 * ```
 */
export function perturbFace(
  params: FaceParams,
  rng: Rng,
  options: PerturbFaceOptions = {},
): FaceParams {
  const { identityAmount = 0.03, variationAmount = 0.05 } = options;
  for (
    const [name, value] of [["identityAmount", identityAmount], [
      "variationAmount",
      variationAmount,
    ]]
  ) {
    if (!(Number.isFinite(value) && (value as number) >= 0)) {
      throw new RangeError(
        `Cannot perturb a face by ${name} as a non-negative number: current value is ${value}`,
      );
    }
  }
  const identity = perturbRecord(params.identity, IDENTITY_RANGES, rng, identityAmount);
  const variation = perturbRecord(params.variation, VARIATION_RANGES, rng, variationAmount);
  variation.noiseSeed = rng.nextUint32();
  return { identity, variation };
}

type Rgb = [number, number, number];

function lerpPalette(stops: readonly (readonly [number, Rgb])[], t: number): Rgb {
  if (t <= stops[0]![0]) return [...stops[0]![1]];
  for (let i = 1; i < stops.length; i++) {
    const [t1, c1] = stops[i]!;
    if (t <= t1) {
      const [t0, c0] = stops[i - 1]!;
      const f = (t - t0) / (t1 - t0);
      return [
        c0[0] + (c1[0] - c0[0]) * f,
        c0[1] + (c1[1] - c0[1]) * f,
        c0[2] + (c1[2] - c0[2]) * f,
      ];
    }
  }
  return [...stops[stops.length - 1]![1]];
}

function mix(a: Rgb, b: Rgb, f: number): Rgb {
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

function scaleRgb(a: Rgb, f: number): Rgb {
  return [a[0] * f, a[1] * f, a[2] * f];
}

function hsl(h: number, s: number, l: number): Rgb {
  const channel = (n: number) => {
    const k = (n + h * 12) % 12;
    const a = s * Math.min(l, 1 - l);
    return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [channel(0), channel(8), channel(4)];
}

const SKIN: readonly (readonly [number, Rgb])[] = [
  [0, [245, 214, 192]],
  [0.25, [230, 186, 152]],
  [0.5, [200, 146, 106]],
  [0.75, [150, 100, 70]],
  [1, [96, 64, 46]],
];
const HAIR: readonly (readonly [number, Rgb])[] = [
  [0, [24, 20, 18]],
  [0.35, [60, 40, 28]],
  [0.6, [112, 76, 46]],
  [0.8, [160, 118, 70]],
  [1, [214, 184, 126]],
];
const IRIS: readonly (readonly [number, Rgb])[] = [
  [0, [70, 42, 26]],
  [0.5, [110, 82, 44]],
  [0.75, [84, 110, 70]],
  [1, [78, 118, 165]],
];

/** Approximate signed distance to an axis-aligned ellipse centred at the origin (negative inside). */
function ellipseDistance(x: number, y: number, a: number, b: number): number {
  const k = Math.sqrt((x * x) / (a * a) + (y * y) / (b * b));
  const gx = x / (a * a), gy = y / (b * b);
  const grad = Math.sqrt(gx * gx + gy * gy);
  if (k < 1e-9 || grad < 1e-9) return -Math.min(a, b);
  return (k - 1) * k / grad;
}

/** Euclidean length of (x, y); `Math.hypot` is several times slower in V8. */
function length2(x: number, y: number): number {
  return Math.sqrt(x * x + y * y);
}

/** Coverage of a pixel of size `px` by a shape at signed distance `d`. */
function coverage(d: number, px: number): number {
  const c = 0.5 - d / px;
  return c <= 0 ? 0 : c >= 1 ? 1 : c;
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/** Colours and derived sizes, computed once per image. */
interface Scene {
  id: IdentityParams;
  va: ImageVariation;
  skin: Rgb;
  hair: Rgb;
  brow: Rgb;
  iris: Rgb;
  lip: Rgb;
  bgTop: Rgb;
  bgBottom: Rgb;
  cloth: Rgb;
  frame: Rgb;
  eyeHalfHeight: number;
  shift: number;
  capCy: number;
  capA: number;
  capB: number;
  curlAmp: number;
  shadowSide: number;
}

function makeScene(id: IdentityParams, va: ImageVariation): Scene {
  let skin = lerpPalette(SKIN, id.skinTone);
  skin = [skin[0] + (id.skinWarmth - 0.5) * 14, skin[1], skin[2] - (id.skinWarmth - 0.5) * 14];
  let hair = lerpPalette(HAIR, id.hairShade);
  if (id.hairRed > 0.6) hair = mix(hair, [150, 62, 32], (id.hairRed - 0.6) * 1.6);
  if (id.greyHair) hair = mix(hair, [178, 175, 170], 0.8);
  const brow = mix(hair, [30, 24, 20], id.hairShade > 0.7 ? 0.45 : 0.15);
  const iris = lerpPalette(IRIS, id.irisShade * id.irisShade);
  const lip = mix(scaleRgb(skin, 0.92), [176, 72, 78], 0.3 + 0.35 * id.lipRed);
  const bg = hsl(va.bgHue, va.bgSaturation, va.bgLightness);
  const bgTop = scaleRgb(bg, 1 - va.bgGradient);
  const bgBottom = scaleRgb(bg, 1 + va.bgGradient);
  const cloth = hsl(va.clothHue, va.clothSaturation, va.clothLightness);
  const frame = mix([150, 150, 155], [22, 20, 20], id.frameShade);
  const style = id.hairStyle;
  const volume = style === 2
    ? id.hairVolume * 0.3
    : style === 3
    ? id.hairVolume * 1.7
    : id.hairVolume;
  return {
    id,
    va,
    skin,
    hair,
    brow,
    iris,
    lip,
    bgTop,
    bgBottom,
    cloth,
    frame,
    eyeHalfHeight: id.eyeWidth * id.eyeAspect * va.eyeOpen,
    shift: va.yaw,
    capCy: -volume * 0.6,
    capA: id.headWidth + volume,
    capB: id.headHeight + volume * 0.8,
    curlAmp: style === 3 ? 0.025 : 0,
    shadowSide: Math.cos(va.lightAngle) >= 0 ? -1 : 1,
  };
}

/** Computes the colour of face point (u, v) for a pixel of size px into `out`. */
function shade(s: Scene, u: number, v: number, px: number, out: Float64Array): void {
  const id = s.id, va = s.va;
  const hw = id.headWidth, hh = id.headHeight;
  const t = Math.min(1, Math.max(0, (v + 1) / 2));
  let r = s.bgTop[0] + (s.bgBottom[0] - s.bgTop[0]) * t;
  let g = s.bgTop[1] + (s.bgBottom[1] - s.bgTop[1]) * t;
  let b = s.bgTop[2] + (s.bgBottom[2] - s.bgTop[2]) * t;
  let a: number;

  // Shoulders and clothing.
  a = v > 0.8 ? coverage(ellipseDistance(u, v - 1.62, 1.05, 0.78), px) : 0;
  if (a > 0) {
    const f = 0.85 + 0.15 * Math.min(1, Math.abs(u));
    r += (s.cloth[0] * f - r) * a;
    g += (s.cloth[1] * f - g) * a;
    b += (s.cloth[2] * f - b) * a;
  }

  // Long hair behind the head.
  if (id.hairStyle === 1 && v < 0.8) {
    const d = Math.max(
      ellipseDistance(u, v - 0.12, s.capA + 0.07, hh + 0.3),
      v - 0.78,
    );
    a = coverage(d, px * 1.5);
    if (a > 0) {
      const f = 0.8 + 0.05 * Math.sin(Math.atan2(v + 0.6, Math.abs(u)) * 90);
      r += (s.hair[0] * f - r) * a;
      g += (s.hair[1] * f - g) * a;
      b += (s.hair[2] * f - b) * a;
    }
  }

  // Neck, darker under the chin.
  if (v > 0.2 && v < 1.3) {
    a = coverage(Math.max(Math.abs(u) - hw * 0.52, 0.3 - v), px);
    if (a > 0) {
      const f = 0.72 + 0.12 * smoothstep(hh, hh + 0.25, v);
      r += (s.skin[0] * f - r) * a;
      g += (s.skin[1] * f - g) * a;
      b += (s.skin[2] * f - b) * a;
    }
  }

  // Ears.
  const earY = id.eyeY + 0.08;
  const nearEar = Math.abs(v - earY) < id.earSize + px && Math.abs(u) > hw - 0.1 - id.earSize;
  for (let side = -1; nearEar && side <= 1; side += 2) {
    a = coverage(
      ellipseDistance(u - side * (hw - 0.015), v - earY, id.earSize * 0.42, id.earSize),
      px,
    );
    if (a > 0) {
      r += (s.skin[0] * 0.88 - r) * a;
      g += (s.skin[1] * 0.88 - g) * a;
      b += (s.skin[2] * 0.88 - b) * a;
    }
  }

  // Head: an ellipse whose lower half narrows towards the chin.
  const below = v > 0 ? v / hh : 0;
  const headA = hw * (1 - id.chin * 0.22 * below * below);
  const headD = ellipseDistance(u, v, headA, hh);
  a = coverage(headD, px);
  if (a > 0) {
    const q = (u * u) / (hw * hw) + (v * v) / (hh * hh);
    const f = 1.04 - 0.2 * q * q;
    r += (s.skin[0] * f - r) * a;
    g += (s.skin[1] * f - g) * a;
    b += (s.skin[2] * f - b) * a;
  }

  // Mole.
  if (Math.abs(id.mole) >= 0.25) {
    a = coverage(length2(u - id.mole * hw * 0.55, v - id.mouthY + 0.12) - 0.012, px);
    if (a > 0) {
      r += (s.skin[0] * 0.55 - r) * a;
      g += (s.skin[1] * 0.5 - g) * a;
      b += (s.skin[2] * 0.5 - b) * a;
    }
  }

  // Beard and moustache, under the mouth.
  if (id.beard && v > id.mouthY - 0.3) {
    const top = id.mouthY - 0.06 - 0.16 * (u / hw) * (u / hw);
    const d = Math.max(ellipseDistance(u, v, headA + 0.02, hh + 0.04), top - v);
    const moustache = ellipseDistance(
      u - s.shift * 1.3,
      v - (id.mouthY - id.lipThickness - 0.03),
      id.mouthWidth * 1.15,
      0.03,
    );
    a = Math.max(coverage(d, px * 2), coverage(moustache, px * 1.5)) * id.beardDensity;
    if (a > 0) {
      const au = Math.abs(u);
      const f = 0.85 + 0.12 * Math.sin(au * 110 + 40 * v) * Math.sin(v * 95 - 30 * au);
      r += (s.hair[0] * f - r) * a;
      g += (s.hair[1] * f - g) * a;
      b += (s.hair[2] * f - b) * a;
    }
  }

  // Hair on top: inside the cap and above the hairline, which drops to the temples at the sides.
  if (v < id.eyeY + 0.2) {
    const angle = Math.atan2(v - s.capCy, Math.abs(u));
    const capD = ellipseDistance(u, v - s.capCy, s.capA, s.capB) + s.curlAmp * Math.sin(angle * 14);
    const side = Math.min(1, Math.abs(u) / hw);
    const hairline = id.hairStyle === 2 ? id.hairline - 0.12 : id.hairline;
    const edge = hairline + id.hairSweep * 0.07 * (u / hw) +
      (id.eyeY - 0.04 - hairline) * side * side * side * side;
    a = Math.min(coverage(capD, px * 1.2), coverage(v - edge, px * 2));
    if (a > 0) {
      const strand = Math.sin(Math.atan2(v - s.capCy + 0.5, Math.abs(u)) * 90);
      const f = 0.95 + 0.03 * strand - 0.1 * smoothstep(0.1, 0.0, v - edge);
      r += (s.hair[0] * f - r) * a;
      g += (s.hair[1] * f - g) * a;
      b += (s.hair[2] * f - b) * a;
    }
  }

  // Eyes: socket shadow, white, iris, pupil, highlight, upper lid line; then the brow.
  const eh = s.eyeHalfHeight, ew = id.eyeWidth;
  for (let side = -1; side <= 1; side += 2) {
    const ex = side * id.eyeSpacing + s.shift;
    const du = u - ex, dv = v - id.eyeY;
    if (Math.abs(du) < ew * 1.9 && Math.abs(dv) < 0.2 + id.browGap) {
      a = coverage(ellipseDistance(du, dv + eh * 0.3, ew * 1.25, eh + 0.035), px * 3) * 0.35;
      r += (s.skin[0] * 0.7 - r) * a;
      g += (s.skin[1] * 0.66 - g) * a;
      b += (s.skin[2] * 0.66 - b) * a;
      const eye = coverage(ellipseDistance(du, dv, ew, eh), px);
      if (eye > 0) {
        r += (232 - r) * eye;
        g += (228 - g) * eye;
        b += (222 - b) * eye;
        const ir = ew * 0.47;
        const iu = du - va.gaze * ew;
        a = Math.min(eye, coverage(length2(iu, dv) - ir, px));
        r += (s.iris[0] - r) * a;
        g += (s.iris[1] - g) * a;
        b += (s.iris[2] - b) * a;
        a = Math.min(eye, coverage(length2(iu, dv) - ir * 0.45, px));
        r += (14 - r) * a;
        g += (12 - g) * a;
        b += (12 - b) * a;
        a = Math.min(eye, coverage(length2(iu - ir * 0.35, dv + ir * 0.35) - ir * 0.2, px));
        r += (250 - r) * a;
        g += (250 - g) * a;
        b += (250 - b) * a;
      }
      if (dv < eh * 0.3) {
        a = coverage(Math.abs(ellipseDistance(du, dv, ew, eh)) - 0.006, px);
        r += (40 - r) * a;
        g += (28 - g) * a;
        b += (26 - b) * a;
      }
      // Eyebrow: a rotated, arched ellipse.
      const bu = u - (side * (id.eyeSpacing + 0.012) + s.shift);
      const bv = v - (id.eyeY - id.browGap - eh * 0.5);
      const c = Math.cos(id.browTilt * side), sn = Math.sin(id.browTilt * side);
      const ru = c * bu + sn * bv, rv = -sn * bu + c * bv;
      const bw = ew * 1.3;
      a = coverage(
        ellipseDistance(ru, rv + 0.03 * (1 - (ru / bw) * (ru / bw)), bw, id.browThickness),
        px,
      ) *
        0.92;
      if (a > 0) {
        r += (s.brow[0] - r) * a;
        g += (s.brow[1] - g) * a;
        b += (s.brow[2] - b) * a;
      }
    }
  }

  // Nose: shadow along the bridge on the side away from the light, tip, shadow under it, nostrils.
  {
    const nu = u - s.shift * 1.4;
    const tipV = id.eyeY + id.noseLength;
    const nw = id.noseWidth;
    if (Math.abs(nu) < nw * 2 && v > id.eyeY && v < tipV + nw) {
      const ridge = Math.abs(nu - s.shadowSide * nw * 0.7) / (nw * 0.45);
      a = Math.exp(-ridge * ridge) * 0.22 * smoothstep(id.eyeY + 0.04, tipV - 0.02, v);
      r += (s.skin[0] * 0.6 - r) * a;
      g += (s.skin[1] * 0.55 - g) * a;
      b += (s.skin[2] * 0.55 - b) * a;
      a = coverage(ellipseDistance(nu, v - tipV + nw * 0.45, nw * 1.05, nw * 0.38), px * 2.5) *
        0.55;
      r += (s.skin[0] * 0.7 - r) * a;
      g += (s.skin[1] * 0.66 - g) * a;
      b += (s.skin[2] * 0.66 - b) * a;
      a = coverage(ellipseDistance(nu, v - tipV, nw, nw * 0.62), px * 2.5) * 0.45;
      r += (Math.min(255, s.skin[0] * 1.08) - r) * a;
      g += (Math.min(255, s.skin[1] * 1.08) - g) * a;
      b += (Math.min(255, s.skin[2] * 1.08) - b) * a;
      for (let side = -1; side <= 1; side += 2) {
        a = coverage(
          ellipseDistance(nu - side * nw * 0.5, v - tipV - nw * 0.38, nw * 0.3, nw * 0.16),
          px,
        );
        r += (s.skin[0] * 0.42 - r) * a;
        g += (s.skin[1] * 0.38 - g) * a;
        b += (s.skin[2] * 0.38 - b) * a;
      }
    }
  }

  // Mouth: lips around a centre line curved by the smile, a dark opening with teeth when open.
  {
    const mw = id.mouthWidth;
    const tu = (u - s.shift * 1.3) / mw;
    if (Math.abs(tu) < 1.2) {
      const across = Math.max(0, 1 - tu * tu);
      const line = id.mouthY + va.smile * 0.035 * (1 - tu * tu) - va.smile * 0.012;
      const dv = v - line;
      const half = va.mouthOpen * id.lipThickness * 0.9 * Math.sqrt(across);
      const lipT = id.lipThickness * (dv < 0 ? 0.8 : 1.05) * Math.sqrt(across);
      const lips = Math.max(Math.abs(dv) - half - lipT, (Math.abs(tu) - 1) * mw);
      a = coverage(lips, px);
      if (a > 0) {
        const f = dv < 0 ? 0.9 : 1.05;
        r += (s.lip[0] * f - r) * a;
        g += (s.lip[1] * f - g) * a;
        b += (s.lip[2] * f - b) * a;
      }
      const gap = Math.max(Math.abs(dv) - Math.max(half, 0.004), (Math.abs(tu) - 0.98) * mw);
      a = coverage(gap, px);
      if (a > 0) {
        const teeth = half > 0.006 && dv < -half * 0.2;
        r += ((teeth ? 225 : 70) - r) * a;
        g += ((teeth ? 220 : 28) - g) * a;
        b += ((teeth ? 210 : 32) - b) * a;
      }
    }
  }

  // Glasses: two rims, lens tint, bridge and temples.
  if (id.glasses && Math.abs(v - id.eyeY) < ew * 1.25 + 0.04) {
    const ew2 = ew * 1.6, eh2 = ew * 1.2, th = 0.011;
    let rim = Infinity, lens = Infinity;
    for (let side = -1; side <= 1; side += 2) {
      const d = ellipseDistance(u - (side * id.eyeSpacing + s.shift), v - id.eyeY - 0.01, ew2, eh2);
      rim = Math.min(rim, Math.abs(d) - th);
      lens = Math.min(lens, d);
    }
    const barV = Math.abs(v - (id.eyeY - 0.03)) - th * 0.8;
    const inner = id.eyeSpacing - ew2;
    const bridge = Math.max(barV, Math.abs(u - s.shift) - inner - 0.01);
    const temple = Math.max(
      barV,
      id.eyeSpacing + ew2 - 0.01 - Math.abs(u - s.shift),
      Math.abs(u) - hw,
    );
    a = coverage(lens, px) * 0.12;
    r += (200 - r) * a;
    g += (215 - g) * a;
    b += (235 - b) * a;
    a = coverage(Math.min(rim, bridge, temple), px);
    r += (s.frame[0] - r) * a;
    g += (s.frame[1] - g) * a;
    b += (s.frame[2] - b) * a;
  }

  out[0] = r;
  out[1] = g;
  out[2] = b;
}

/**
 * Draws one face-like picture: background, shoulders, hair, ears, head, eyes, brows, nose,
 * mouth, optional beard, glasses and mole, then the lighting gradient, colour temperature and
 * per-pixel noise of the image. Deterministic: the same parameters give the same bytes.
 *
 * @param params Identity and per-image variation.
 * @param options Image size.
 * @returns A new RGB image.
 * @throws {RangeError} When the width or height is not a positive integer.
 *
 * @example
 * ```ts
 * import { drawFace, identityParams, imageVariation } from "./_faces.ts";
 * import { createRng } from "../random/mod.ts";
 * const rng = createRng(5);
 * const params = { identity: identityParams(rng), variation: imageVariation(rng) };
 * const img = drawFace(params, { width: 32, height: 40 });
 * if (img.data.length !== 32 * 40 * 3) throw new Error("wrong size");
 * const again = drawFace(params, { width: 32, height: 40 });
 * if (!img.data.every((x, i) => x === again.data[i])) throw new Error("not deterministic");
 * ```
 */
export function drawFace(params: FaceParams, options: DrawFaceOptions = {}): RgbImage {
  const { width = 112, height = 112 } = options;
  for (const [name, value] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(
        `Cannot draw a face with ${name} as a positive integer: current value is ${value}`,
      );
    }
  }
  const { identity, variation: va } = params;
  const scene = makeScene(identity, va);
  const data = new Uint8Array(width * height * 3);
  const unit = 2 / height;
  const zoom = 0.85;
  const cos = Math.cos(va.rotation), sin = Math.sin(va.rotation);
  const k = unit * zoom / va.scale;
  const px = k;
  const lx = Math.cos(va.lightAngle) * va.lightStrength,
    ly = Math.sin(va.lightAngle) * va.lightStrength;
  const warmR = 1 + va.warmth * 0.05, warmB = 1 - va.warmth * 0.05;
  const noise = va.noise;
  const bits = new Uint32Array(width * height * 3);
  createRng(va.noiseSeed).fillUint32(bits);
  const colour = new Float64Array(3);
  for (let y = 0; y < height; y++) {
    const iy = (y + 0.5 - height / 2) * unit;
    for (let x = 0; x < width; x++) {
      const ix = (x + 0.5 - width / 2) * unit;
      const sx = ix * zoom - va.dx, sy = iy * zoom - va.dy;
      const u = (cos * sx + sin * sy) / va.scale;
      const v = (-sin * sx + cos * sy) / va.scale;
      shade(scene, u, v, px, colour);
      const light = va.brightness * (1 + lx * ix + ly * iy);
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        // The sum of three bytes of one 32-bit draw: roughly normal noise (sd ~128).
        const z = bits[o + c]!;
        const n = (z & 255) + ((z >>> 8) & 255) + ((z >>> 16) & 255);
        const tint = c === 0 ? warmR : c === 2 ? warmB : 1;
        const value = colour[c]! * light * tint + (n - 382.5) / 128 * noise;
        data[o + c] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
      }
    }
  }
  return { width, height, data };
}
