/**
 * A baseline and progressive Huffman JPEG decoder that reproduces libjpeg-turbo's default output
 * stage (accurate integer "islow" IDCT with its range-limit table, fancy upsampling, YCCK to CMYK
 * conversion), used for the 4-component (CMYK/YCCK) JPEGs that the wasm libjpeg build cannot
 * convert. It returns the component planes as libjpeg hands them to Pillow.
 *
 * Like Pillow (which stops with "image file is truncated" when libjpeg asks for more data at the
 * end of the file), any need for bytes past the end of the file, or a file that ends before its
 * EOI marker, is an error. Not reproduced: arithmetic coding, 12-bit samples, block smoothing of
 * progressive files whose scans leave low-frequency coefficients incomplete, and libjpeg's
 * resynchronisation on damaged restart markers.
 *
 * @module
 */

/** Decoded planes before colour conversion to RGB. */
export interface JpegPlanes {
  width: number;
  height: number;
  /** One `width * height` plane per output component (CMYK for 4-component files). */
  planes: Uint8Array[];
}

/** Zigzag position to natural (row-major) index, padded as libjpeg pads it for corrupt data. */
const NATURAL_ORDER = new Int32Array([
  0,
  1,
  8,
  16,
  9,
  2,
  3,
  10,
  17,
  24,
  32,
  25,
  18,
  11,
  4,
  5,
  12,
  19,
  26,
  33,
  40,
  48,
  41,
  34,
  27,
  20,
  13,
  6,
  7,
  14,
  21,
  28,
  35,
  42,
  49,
  56,
  57,
  50,
  43,
  36,
  29,
  22,
  15,
  23,
  30,
  37,
  44,
  51,
  58,
  59,
  52,
  45,
  38,
  31,
  39,
  46,
  53,
  60,
  61,
  54,
  47,
  55,
  62,
  63,
  63,
  63,
  63,
  63,
  63,
  63,
  63,
  63,
  63,
  63,
  63,
  63,
  63,
  63,
  63,
  63,
]);

/** libjpeg's post-IDCT range limit: index `(x + 128) & 1023`, see jdmaster.c. */
const IDCT_LIMIT = (() => {
  const t = new Uint8Array(1024);
  for (let i = 0; i < 1024; i++) {
    // t[i] is the sample for an IDCT output x with (x & 1023) === i, before the +128 level shift.
    t[i] = i < 128 ? i + 128 : i < 512 ? 255 : i < 896 ? 0 : i - 896;
  }
  return t;
})();

interface HuffmanTable {
  /** Largest code of each length (1..16), -1 when none. */
  maxcode: Int32Array;
  /** `valptr[l] - mincode[l]`: add a code of length l to index `values`. */
  offset: Int32Array;
  values: Uint8Array;
  /** 9-bit lookahead: `(length << 8) | value`, 0 when the code is longer. */
  lookup: Int32Array;
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  quant?: Int32Array;
  blocksPerLine: number;
  blocksPerColumn: number;
  /** Blocks of the component that hold image samples (non-interleaved scans cover only these). */
  usedBlocksPerLine: number;
  usedBlocksPerColumn: number;
  coefficients: Int16Array;
  dcTable?: HuffmanTable | undefined;
  acTable?: HuffmanTable | undefined;
  pred: number;
}

const LOOKAHEAD = 9;

function buildHuffman(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const maxcode = new Int32Array(18).fill(-1);
  const offset = new Int32Array(18);
  const lookup = new Int32Array(1 << LOOKAHEAD);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1]!;
    if (n > 0) {
      offset[len] = k - code;
      for (let i = 0; i < n; i++, k++, code++) {
        if (len <= LOOKAHEAD) {
          const shift = LOOKAHEAD - len;
          const base = code << shift;
          for (let j = 0; j < 1 << shift; j++) lookup[base + j] = (len << 8) | values[k]!;
        }
      }
      maxcode[len] = code - 1;
    }
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  return { maxcode, offset, values, lookup };
}

/** The entropy-coded data reader, with libjpeg's handling of stuffed bytes and markers. */
class BitReader {
  pos: number;
  private buffer = 0;
  private bits = 0;
  /** A marker was met inside entropy data: libjpeg feeds zero bits from then on. */
  private markerHit = false;

  constructor(private readonly data: Uint8Array, pos: number, private readonly fail: FailFn) {
    this.pos = pos;
  }

  private fill(): void {
    let byte = 0;
    if (!this.markerHit) {
      const d = this.data;
      if (this.pos >= d.length) throw this.fail("the file is truncated in the image data");
      byte = d[this.pos]!;
      if (byte === 0xff) {
        let p = this.pos + 1;
        while (p < d.length && d[p] === 0xff) p++;
        if (p >= d.length) throw this.fail("the file is truncated in the image data");
        if (d[p] === 0) {
          this.pos = p + 1;
        } else {
          this.markerHit = true;
          this.pos = p - 1;
          byte = 0;
        }
      } else {
        this.pos++;
      }
    }
    this.buffer = ((this.buffer << 8) | byte) & 0xffffff;
    this.bits += 8;
  }

  bit(): number {
    if (this.bits === 0) this.fill();
    this.bits--;
    return (this.buffer >> this.bits) & 1;
  }

  receive(n: number): number {
    while (this.bits < n) this.fill();
    this.bits -= n;
    return (this.buffer >> this.bits) & ((1 << n) - 1);
  }

  /** `receive` then sign-extend as HUFF_EXTEND. */
  extend(n: number): number {
    if (n === 0) return 0;
    const v = this.receive(n);
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
  }

  decode(t: HuffmanTable): number {
    while (this.bits < LOOKAHEAD) this.fill();
    const look = t.lookup[(this.buffer >> (this.bits - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)]!;
    if (look !== 0) {
      this.bits -= look >> 8;
      return look & 255;
    }
    let code = this.receive(LOOKAHEAD);
    let len = LOOKAHEAD;
    while (code > t.maxcode[len]!) {
      code = (code << 1) | this.bit();
      len++;
      // libjpeg: a code longer than 16 bits is corrupt data; it warns and returns symbol 0.
      if (len > 16) return 0;
    }
    return t.values[(code + t.offset[len]!) & 255]!;
  }

  /** Restart: drop buffered bits and consume an RSTn marker if it is next. */
  restart(): void {
    this.bits = 0;
    this.markerHit = false;
    const d = this.data;
    let p = this.pos;
    while (p + 1 < d.length && !(d[p] === 0xff && d[p + 1] !== 0 && d[p + 1] !== 0xff)) p++;
    if (p + 1 >= d.length) throw this.fail("the file is truncated in the image data");
    if (d[p + 1]! >= 0xd0 && d[p + 1]! <= 0xd7) p += 2;
    this.pos = p;
  }
}

type FailFn = (reason: string) => Error;

function u16(d: Uint8Array, p: number): number {
  return (d[p]! << 8) | d[p + 1]!;
}

/**
 * Decodes a JPEG to its component planes (CMYK for 4-component files, YCCK converted).
 *
 * @param data The file.
 * @param fail Builds the error to throw from a reason.
 * @returns The planes at the image size.
 */
export function decodeJpegPlanes(data: Uint8Array, fail: FailFn): JpegPlanes {
  const quant: (Int32Array | undefined)[] = [];
  const dcTables: (HuffmanTable | undefined)[] = [];
  const acTables: (HuffmanTable | undefined)[] = [];
  let components: Component[] = [];
  let width = 0;
  let height = 0;
  let progressive = false;
  let restartInterval = 0;
  let adobeTransform = -1;
  let hmax = 1;
  let vmax = 1;
  let mcusPerLine = 0;
  let mcusPerColumn = 0;
  let sawEoi = false;
  if (data[0] !== 0xff || data[1] !== 0xd8) throw fail("the JPEG SOI marker is missing");
  let pos = 2;
  while (!sawEoi) {
    // Find the next marker, skipping junk as libjpeg's next_marker does.
    while (pos < data.length && data[pos] !== 0xff) pos++;
    while (pos < data.length && data[pos] === 0xff) pos++;
    if (pos >= data.length) throw fail("the file is truncated (no EOI marker)");
    const marker = data[pos++]!;
    if (marker === 0) continue;
    if (marker === 0xd9) {
      sawEoi = true;
      break;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xd8) continue;
    if (pos + 2 > data.length) throw fail("the file is truncated in a marker segment");
    const length = u16(data, pos);
    const start = pos + 2;
    const end = pos + length;
    if (length < 2 || end > data.length) throw fail("the file is truncated in a marker segment");
    pos = end;
    switch (marker) {
      case 0xdb: {
        let p = start;
        while (p < end) {
          const pq = data[p]! >> 4;
          const tq = data[p]! & 15;
          p++;
          if (tq > 3) throw fail(`bad quantization table id ${tq}`);
          const table = new Int32Array(64);
          for (let k = 0; k < 64; k++) {
            table[NATURAL_ORDER[k]!] = pq ? u16(data, p + 2 * k) : data[p + k]!;
          }
          p += pq ? 128 : 64;
          quant[tq] = table;
        }
        break;
      }
      case 0xc4: {
        let p = start;
        while (p < end) {
          const tc = data[p]! >> 4;
          const th = data[p]! & 15;
          const counts = data.subarray(p + 1, p + 17);
          let total = 0;
          for (let i = 0; i < 16; i++) total += counts[i]!;
          if (total > 256 || th > 3) throw fail("bad Huffman table");
          const table = buildHuffman(counts, data.slice(p + 17, p + 17 + total));
          (tc === 0 ? dcTables : acTables)[th] = table;
          p += 17 + total;
        }
        break;
      }
      case 0xc0:
      case 0xc1:
      case 0xc2: {
        progressive = marker === 0xc2;
        if (data[start] !== 8) throw fail(`cannot handle ${data[start]}-bit samples`);
        height = u16(data, start + 1);
        width = u16(data, start + 3);
        const n = data[start + 5]!;
        if (width === 0 || height === 0) throw fail(`unsupported image size ${width}x${height}`);
        components = [];
        for (let i = 0; i < n; i++) {
          const p = start + 6 + 3 * i;
          const h = data[p + 1]! >> 4;
          const v = data[p + 1]! & 15;
          if (h < 1 || h > 4 || v < 1 || v > 4) throw fail("bad sampling factors");
          components.push({
            id: data[p]!,
            h,
            v,
            tq: data[p + 2]! & 3,
            blocksPerLine: 0,
            blocksPerColumn: 0,
            usedBlocksPerLine: 0,
            usedBlocksPerColumn: 0,
            coefficients: new Int16Array(0),
            pred: 0,
          });
        }
        hmax = Math.max(...components.map((c) => c.h));
        vmax = Math.max(...components.map((c) => c.v));
        mcusPerLine = Math.ceil(width / (8 * hmax));
        mcusPerColumn = Math.ceil(height / (8 * vmax));
        for (const c of components) {
          c.blocksPerLine = mcusPerLine * c.h;
          c.blocksPerColumn = mcusPerColumn * c.v;
          c.usedBlocksPerLine = Math.ceil(Math.ceil((width * c.h) / hmax) / 8);
          c.usedBlocksPerColumn = Math.ceil(Math.ceil((height * c.v) / vmax) / 8);
          c.coefficients = new Int16Array(c.blocksPerLine * c.blocksPerColumn * 64);
        }
        break;
      }
      case 0xdd:
        restartInterval = u16(data, start);
        break;
      case 0xee:
        if (
          length - 2 >= 12 && data[start] === 0x41 && data[start + 1] === 0x64 &&
          data[start + 2] === 0x6f && data[start + 3] === 0x62 && data[start + 4] === 0x65
        ) {
          adobeTransform = data[start + 11]!;
        }
        break;
      case 0xda: {
        if (components.length === 0) throw fail("a scan comes before the frame header");
        const ns = data[start]!;
        const scan: Component[] = [];
        for (let i = 0; i < ns; i++) {
          const id = data[start + 1 + 2 * i];
          const c = components.find((x) => x.id === id);
          if (c === undefined) throw fail(`the scan names an unknown component ${id}`);
          const t = data[start + 2 + 2 * i]!;
          c.dcTable = dcTables[t >> 4];
          c.acTable = acTables[t & 15];
          if (c.quant === undefined) {
            const q = quant[c.tq];
            if (q === undefined) throw fail(`quantization table ${c.tq} is missing`);
            c.quant = q.slice();
          }
          scan.push(c);
        }
        const p = start + 1 + 2 * ns;
        const ss = data[p]!;
        const se = data[p + 1]!;
        const ah = data[p + 2]! >> 4;
        const al = data[p + 2]! & 15;
        pos = decodeScan(data, end, {
          scan,
          progressive,
          ss,
          se,
          ah,
          al,
          restartInterval,
          mcusPerLine,
          mcusPerColumn,
          fail,
        });
        break;
      }
      default:
        if ((marker >= 0xc3 && marker <= 0xcf) && marker !== 0xc4 && marker !== 0xc8) {
          throw fail(`unsupported JPEG process (marker 0xFF${marker.toString(16).toUpperCase()})`);
        }
    }
  }
  if (components.length === 0) throw fail("the file has no image");
  const planes = components.map((c) => upsample(c, { width, height, hmax, vmax }, fail));
  if (components.length === 4 && adobeTransform >= 0 && adobeTransform !== 0) {
    ycckToCmyk(planes);
  }
  return { width, height, planes };
}

interface ScanSpec {
  scan: Component[];
  progressive: boolean;
  ss: number;
  se: number;
  ah: number;
  al: number;
  restartInterval: number;
  mcusPerLine: number;
  mcusPerColumn: number;
  fail: FailFn;
}

/** Decodes one scan; returns the position after its entropy-coded data. */
function decodeScan(data: Uint8Array, start: number, spec: ScanSpec): number {
  const { scan, progressive, ss, se, ah, al, restartInterval, fail } = spec;
  const reader = new BitReader(data, start, fail);
  for (const c of scan) c.pred = 0;
  let eobrun = 0;
  type BlockFn = (c: Component, offset: number) => void;
  let decodeBlock: BlockFn;
  if (!progressive) {
    decodeBlock = (c, o) => {
      const coef = c.coefficients;
      const s = reader.decode(c.dcTable ?? missingTable(fail));
      c.pred += reader.extend(s);
      coef[o] = c.pred;
      const ac = c.acTable ?? missingTable(fail);
      for (let k = 1; k < 64; k++) {
        const rs = reader.decode(ac);
        const r = rs >> 4;
        const size = rs & 15;
        if (size !== 0) {
          k += r;
          coef[o + NATURAL_ORDER[k]!] = reader.extend(size);
        } else {
          if (r !== 15) break;
          k += 15;
        }
      }
    };
  } else if (ss === 0) {
    decodeBlock = ah === 0
      ? (c, o) => {
        const s = reader.decode(c.dcTable ?? missingTable(fail));
        c.pred += reader.extend(s);
        c.coefficients[o] = c.pred * (1 << al);
      }
      : (c, o) => {
        if (reader.bit()) c.coefficients[o]! |= 1 << al;
      };
  } else if (ah === 0) {
    decodeBlock = (c, o) => {
      if (eobrun > 0) {
        eobrun--;
        return;
      }
      const coef = c.coefficients;
      const ac = c.acTable ?? missingTable(fail);
      for (let k = ss; k <= se; k++) {
        const rs = reader.decode(ac);
        const r = rs >> 4;
        const size = rs & 15;
        if (size !== 0) {
          k += r;
          coef[o + NATURAL_ORDER[k]!] = reader.extend(size) * (1 << al);
        } else if (r === 15) {
          k += 15;
        } else {
          eobrun = 1 << r;
          if (r !== 0) eobrun += reader.receive(r);
          eobrun--;
          break;
        }
      }
    };
  } else {
    const p1 = 1 << al;
    const m1 = -1 << al;
    decodeBlock = (c, o) => {
      const coef = c.coefficients;
      const ac = c.acTable ?? missingTable(fail);
      let k = ss;
      if (eobrun <= 0) {
        for (; k <= se; k++) {
          const rs = reader.decode(ac);
          let r = rs >> 4;
          const size = rs & 15;
          let value = 0;
          if (size !== 0) {
            value = reader.bit() ? p1 : m1;
          } else if (r !== 15) {
            eobrun = 1 << r;
            if (r !== 0) eobrun += reader.receive(r);
            break;
          }
          do {
            const z = o + NATURAL_ORDER[k]!;
            if (coef[z] !== 0) {
              if (reader.bit() && (coef[z]! & p1) === 0) coef[z]! += coef[z]! >= 0 ? p1 : m1;
            } else {
              if (--r < 0) break;
            }
            k++;
          } while (k <= se);
          if (value !== 0) coef[o + NATURAL_ORDER[k]!] = value;
        }
      }
      if (eobrun > 0) {
        for (; k <= se; k++) {
          const z = o + NATURAL_ORDER[k]!;
          if (coef[z] !== 0) {
            if (reader.bit() && (coef[z]! & p1) === 0) coef[z]! += coef[z]! >= 0 ? p1 : m1;
          }
        }
        eobrun--;
      }
    };
  }
  let mcu = 0;
  const visit = (fn: () => void) => {
    if (restartInterval > 0 && mcu > 0 && mcu % restartInterval === 0) {
      reader.restart();
      for (const c of scan) c.pred = 0;
      eobrun = 0;
    }
    fn();
    mcu++;
  };
  if (scan.length === 1) {
    const c = scan[0]!;
    for (let by = 0; by < c.usedBlocksPerColumn; by++) {
      for (let bx = 0; bx < c.usedBlocksPerLine; bx++) {
        visit(() => decodeBlock(c, (by * c.blocksPerLine + bx) * 64));
      }
    }
  } else {
    for (let my = 0; my < spec.mcusPerColumn; my++) {
      for (let mx = 0; mx < spec.mcusPerLine; mx++) {
        visit(() => {
          for (const c of scan) {
            for (let v = 0; v < c.v; v++) {
              for (let h = 0; h < c.h; h++) {
                const bx = mx * c.h + h;
                const by = my * c.v + v;
                decodeBlock(c, (by * c.blocksPerLine + bx) * 64);
              }
            }
          }
        });
      }
    }
  }
  return reader.pos;
}

function missingTable(fail: FailFn): never {
  throw fail("a scan uses a Huffman table that was not defined");
}

/** libjpeg-turbo's jpeg_idct_islow of one block into `out` at `o` with row stride `stride`. */
function idctIslow(
  coef: Int16Array,
  c0: number,
  q: Int32Array,
  target: { out: Uint8Array; o: number; stride: number; ws: Int32Array },
): void {
  const { out, o, stride, ws } = target;
  // Pass 1: columns, results scaled up by 2^PASS1_BITS (2).
  for (let col = 0; col < 8; col++) {
    const i = c0 + col;
    if (
      coef[i + 8] === 0 && coef[i + 16] === 0 && coef[i + 24] === 0 && coef[i + 32] === 0 &&
      coef[i + 40] === 0 && coef[i + 48] === 0 && coef[i + 56] === 0
    ) {
      const dc = (coef[i]! * q[col]!) << 2;
      for (let r = 0; r < 8; r++) ws[r * 8 + col] = dc;
      continue;
    }
    let z2 = coef[i + 16]! * q[col + 16]!;
    let z3 = coef[i + 48]! * q[col + 48]!;
    let z1 = (z2 + z3) * 4433;
    let tmp2 = z1 + z3 * -15137;
    let tmp3 = z1 + z2 * 6270;
    z2 = coef[i]! * q[col]!;
    z3 = coef[i + 32]! * q[col + 32]!;
    let tmp0 = (z2 + z3) << 13;
    let tmp1 = (z2 - z3) << 13;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    tmp0 = coef[i + 56]! * q[col + 56]!;
    tmp1 = coef[i + 40]! * q[col + 40]!;
    tmp2 = coef[i + 24]! * q[col + 24]!;
    tmp3 = coef[i + 8]! * q[col + 8]!;
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * 9633;
    tmp0 *= 2446;
    tmp1 *= 16819;
    tmp2 *= 25172;
    tmp3 *= 12299;
    z1 *= -7373;
    z2 *= -20995;
    z3 = z3 * -16069 + z5;
    z4 = z4 * -3196 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    const R = 1 << 10;
    ws[col] = (tmp10 + tmp3 + R) >> 11;
    ws[56 + col] = (tmp10 - tmp3 + R) >> 11;
    ws[8 + col] = (tmp11 + tmp2 + R) >> 11;
    ws[48 + col] = (tmp11 - tmp2 + R) >> 11;
    ws[16 + col] = (tmp12 + tmp1 + R) >> 11;
    ws[40 + col] = (tmp12 - tmp1 + R) >> 11;
    ws[24 + col] = (tmp13 + tmp0 + R) >> 11;
    ws[32 + col] = (tmp13 - tmp0 + R) >> 11;
  }
  // Pass 2: rows, descaled by 2^(13 + 2 + 3) with the +128 level shift in the limit table.
  const limit = IDCT_LIMIT;
  const R2 = 1 << 17;
  for (let row = 0; row < 8; row++) {
    const w = row * 8;
    const d = o + row * stride;
    let z2 = ws[w + 2]!;
    let z3 = ws[w + 6]!;
    let z1 = (z2 + z3) * 4433;
    let tmp2 = z1 + z3 * -15137;
    let tmp3 = z1 + z2 * 6270;
    let tmp0 = (ws[w]! + ws[w + 4]!) << 13;
    let tmp1 = (ws[w]! - ws[w + 4]!) << 13;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    tmp0 = ws[w + 7]!;
    tmp1 = ws[w + 5]!;
    tmp2 = ws[w + 3]!;
    tmp3 = ws[w + 1]!;
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * 9633;
    tmp0 *= 2446;
    tmp1 *= 16819;
    tmp2 *= 25172;
    tmp3 *= 12299;
    z1 *= -7373;
    z2 *= -20995;
    z3 = z3 * -16069 + z5;
    z4 = z4 * -3196 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    out[d] = limit[((tmp10 + tmp3 + R2) >> 18) & 1023]!;
    out[d + 7] = limit[((tmp10 - tmp3 + R2) >> 18) & 1023]!;
    out[d + 1] = limit[((tmp11 + tmp2 + R2) >> 18) & 1023]!;
    out[d + 6] = limit[((tmp11 - tmp2 + R2) >> 18) & 1023]!;
    out[d + 2] = limit[((tmp12 + tmp1 + R2) >> 18) & 1023]!;
    out[d + 5] = limit[((tmp12 - tmp1 + R2) >> 18) & 1023]!;
    out[d + 3] = limit[((tmp13 + tmp0 + R2) >> 18) & 1023]!;
    out[d + 4] = limit[((tmp13 - tmp0 + R2) >> 18) & 1023]!;
  }
}

interface Frame {
  width: number;
  height: number;
  hmax: number;
  vmax: number;
}

/** IDCT of a component, then libjpeg's fancy upsampling to the image size. */
function upsample(c: Component, f: Frame, fail: FailFn): Uint8Array {
  const stride = c.blocksPerLine * 8;
  const samples = new Uint8Array(stride * c.blocksPerColumn * 8);
  const ws = new Int32Array(64);
  const q = c.quant ?? new Int32Array(64);
  const target = { out: samples, o: 0, stride, ws };
  for (let by = 0; by < c.usedBlocksPerColumn; by++) {
    for (let bx = 0; bx < c.usedBlocksPerLine; bx++) {
      target.o = by * 8 * stride + bx * 8;
      idctIslow(c.coefficients, (by * c.blocksPerLine + bx) * 64, q, target);
    }
  }
  const { width, height, hmax, vmax } = f;
  const dsW = Math.ceil((width * c.h) / hmax);
  const dsH = Math.ceil((height * c.v) / vmax);
  const out = new Uint8Array(width * height);
  const hx = hmax / c.h;
  const vx = vmax / c.v;
  if (hx === 1 && vx === 1) {
    for (let y = 0; y < height; y++) {
      out.set(samples.subarray(y * stride, y * stride + width), y * width);
    }
    return out;
  }
  if (!Number.isInteger(hx) || !Number.isInteger(vx)) {
    throw fail("fractional sampling factors are not supported (as in libjpeg)");
  }
  const row = new Uint8Array(dsW * 2 + 2);
  if (hx === 2 && vx === 1 && dsW > 2) {
    for (let y = 0; y < height; y++) {
      h2v1Fancy(samples, y * stride, dsW, row);
      out.set(row.subarray(0, width), y * width);
    }
    return out;
  }
  if (hx === 1 && vx === 2) {
    for (let y = 0; y < height; y++) {
      const i = y >> 1;
      const near = i * stride;
      const upper = (y & 1) === 0;
      const far = (upper ? Math.max(i - 1, 0) : Math.min(i + 1, dsH - 1)) * stride;
      const bias = upper ? 1 : 2;
      for (let x = 0; x < width; x++) {
        out[y * width + x] = (samples[near + x]! * 3 + samples[far + x]! + bias) >> 2;
      }
    }
    return out;
  }
  if (hx === 2 && vx === 2 && dsW > 2) {
    for (let y = 0; y < height; y++) {
      const i = y >> 1;
      const near = i * stride;
      const far = ((y & 1) === 0 ? Math.max(i - 1, 0) : Math.min(i + 1, dsH - 1)) * stride;
      h2v2Fancy(samples, near, far, dsW, row);
      out.set(row.subarray(0, width), y * width);
    }
    return out;
  }
  // Box replication (libjpeg's h2v1/h2v2 plain upsampling and int_upsample).
  for (let y = 0; y < height; y++) {
    const src = Math.floor(y / vx) * stride;
    for (let x = 0; x < width; x++) out[y * width + x] = samples[src + Math.floor(x / hx)]!;
  }
  return out;
}

function h2v1Fancy(s: Uint8Array, p: number, dsW: number, row: Uint8Array): void {
  let o = 0;
  let v = s[p]!;
  row[o++] = v;
  row[o++] = (v * 3 + s[p + 1]! + 2) >> 2;
  for (let i = 1; i < dsW - 1; i++) {
    v = s[p + i]! * 3;
    row[o++] = (v + s[p + i - 1]! + 1) >> 2;
    row[o++] = (v + s[p + i + 1]! + 2) >> 2;
  }
  v = s[p + dsW - 1]!;
  row[o++] = (v * 3 + s[p + dsW - 2]! + 1) >> 2;
  row[o++] = v;
}

function h2v2Fancy(s: Uint8Array, near: number, far: number, dsW: number, row: Uint8Array): void {
  let o = 0;
  let thiscolsum = s[near]! * 3 + s[far]!;
  let nextcolsum = s[near + 1]! * 3 + s[far + 1]!;
  row[o++] = (thiscolsum * 4 + 8) >> 4;
  row[o++] = (thiscolsum * 3 + nextcolsum + 7) >> 4;
  let lastcolsum = thiscolsum;
  thiscolsum = nextcolsum;
  for (let i = 2; i < dsW; i++) {
    nextcolsum = s[near + i]! * 3 + s[far + i]!;
    row[o++] = (thiscolsum * 3 + lastcolsum + 8) >> 4;
    row[o++] = (thiscolsum * 3 + nextcolsum + 7) >> 4;
    lastcolsum = thiscolsum;
    thiscolsum = nextcolsum;
  }
  row[o++] = (thiscolsum * 3 + lastcolsum + 8) >> 4;
  row[o++] = (thiscolsum * 4 + 7) >> 4;
}

/**
 * libjpeg's ycck_cmyk_convert (jdcolor.c), in place: C, M, Y from inverted YCbCr->RGB, K kept.
 * `planes` are the four planes of a 4-component file.
 */
function ycckToCmyk(planes: Uint8Array[]): void {
  const fix = (x: number) => Math.trunc(x * 65536 + 0.5);
  const half = 1 << 15;
  const crR = new Int32Array(256);
  const cbB = new Int32Array(256);
  const crG = new Int32Array(256);
  const cbG = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    const x = i - 128;
    crR[i] = (fix(1.402) * x + half) >> 16;
    cbB[i] = (fix(1.772) * x + half) >> 16;
    crG[i] = -fix(0.71414) * x;
    cbG[i] = -fix(0.34414) * x + half;
  }
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  const y = planes[0]!;
  const cb = planes[1]!;
  const cr = planes[2]!;
  for (let i = 0; i < y.length; i++) {
    const yy = y[i]!;
    const b = cb[i]!;
    const r = cr[i]!;
    y[i] = clamp(255 - (yy + crR[r]!));
    cb[i] = clamp(255 - (yy + ((cbG[b]! + crG[r]!) >> 16)));
    cr[i] = clamp(255 - (yy + cbB[b]!));
  }
}
