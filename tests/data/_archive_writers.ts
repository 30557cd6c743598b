/** Small archive writers for the archive-reader tests (zip64, tar, RecordIO), following the specs. */
import { crc32 } from "../../lib/data/_archive_entries.ts";

const enc = new TextEncoder();

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A stored-only zip whose central directory uses ZIP64 for every size and offset (32-bit fields
 * saturated to 0xFFFFFFFF, values in the extra field 0x0001) and ends with ZIP64 end records.
 */
export function zip64(files: Record<string, Uint8Array>): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = enc.encode(name);
    const local = new Uint8Array(30 + nameBytes.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 45, true);
    lv.setUint32(14, crc32(data), true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const central = new Uint8Array(46 + nameBytes.length + 28);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 45, true);
    cv.setUint16(6, 45, true);
    cv.setUint32(16, crc32(data), true);
    cv.setUint32(20, 0xffffffff, true);
    cv.setUint32(24, 0xffffffff, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint16(30, 28, true);
    cv.setUint32(42, 0xffffffff, true);
    central.set(nameBytes, 46);
    const x = 46 + nameBytes.length;
    cv.setUint16(x, 1, true);
    cv.setUint16(x + 2, 24, true);
    cv.setBigUint64(x + 4, BigInt(data.length), true);
    cv.setBigUint64(x + 12, BigInt(data.length), true);
    cv.setBigUint64(x + 20, BigInt(offset), true);
    locals.push(local, data);
    centrals.push(central);
    offset += local.length + data.length;
  }
  const cd = concat(centrals);
  const end = new Uint8Array(56 + 20 + 22);
  const ev = new DataView(end.buffer);
  const count = centrals.length;
  ev.setUint32(0, 0x06064b50, true);
  ev.setBigUint64(4, 44n, true);
  ev.setBigUint64(24, BigInt(count), true);
  ev.setBigUint64(32, BigInt(count), true);
  ev.setBigUint64(40, BigInt(cd.length), true);
  ev.setBigUint64(48, BigInt(offset), true);
  ev.setUint32(56, 0x07064b50, true);
  ev.setBigUint64(64, BigInt(offset + cd.length), true);
  ev.setUint32(72, 1, true);
  ev.setUint32(76, 0x06054b50, true);
  // Classic end record (76 + 4): entries on this disk, entries, size and offset of the directory,
  // all saturated so readers must take the ZIP64 record; comment length 0.
  ev.setUint16(84, 0xffff, true);
  ev.setUint16(86, 0xffff, true);
  ev.setUint32(88, 0xffffffff, true);
  ev.setUint32(92, 0xffffffff, true);
  return concat([...locals, cd, end]);
}

function tarHeader(name: string, size: number, type: string): Uint8Array {
  const h = new Uint8Array(512);
  h.set(enc.encode(name.slice(0, 100)), 0);
  h.set(enc.encode("0000644\0"), 100);
  h.set(enc.encode(size.toString(8).padStart(11, "0") + "\0"), 124);
  h[156] = type.charCodeAt(0);
  h.set(enc.encode("ustar\x0000"), 257);
  h.fill(32, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
  return h;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

/** A ustar archive; names over 100 bytes get a GNU `L` long-name entry. Ends with two zero blocks. */
export function tar(files: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data] of files) {
    if (enc.encode(name).length > 100) {
      const long = enc.encode(name + "\0");
      parts.push(tarHeader("././@LongLink", long.length, "L"), padded(long));
    }
    parts.push(tarHeader(name, data.length, "0"), padded(data));
  }
  parts.push(new Uint8Array(1024));
  return concat(parts);
}

/** gzip of `data` through the platform's CompressionStream. */
export async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const MAGIC = 0xced7230a;

/** One RecordIO record: IRHeader (flag, label, id, id2), `labels` when flag > 0, then payload. */
export function irRecord(label: number | number[], payload: Uint8Array, id = 0): Uint8Array {
  const labels = Array.isArray(label) ? label : [];
  const out = new Uint8Array(24 + 4 * labels.length + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, labels.length, true);
  v.setFloat32(4, Array.isArray(label) ? 0 : label, true);
  v.setBigUint64(8, BigInt(id), true);
  labels.forEach((l, i) => v.setFloat32(24 + 4 * i, l, true));
  out.set(payload, 24 + 4 * labels.length);
  return out;
}

/**
 * Frames records as dmlc RecordIO: a record is split at every 4-aligned occurrence of the magic
 * word (cflag 1 first, 2 middle, 3 last; the magic itself dropped), parts padded to 4 bytes.
 * Returns the `.rec` bytes and the offset of each record.
 */
export function recordIO(records: Uint8Array[]): { rec: Uint8Array; offsets: number[] } {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  const push = (data: Uint8Array, cflag: number) => {
    const head = new Uint8Array(8);
    const v = new DataView(head.buffer);
    v.setUint32(0, MAGIC, true);
    v.setUint32(4, (cflag << 29) | data.length, true);
    const body = new Uint8Array(Math.ceil(data.length / 4) * 4);
    body.set(data);
    parts.push(head, body);
    at += 8 + body.length;
  };
  for (const r of records) {
    offsets.push(at);
    const v = new DataView(r.buffer, r.byteOffset, r.byteLength);
    const cuts: number[] = [];
    for (let i = 0; i + 4 <= r.length; i += 4) if (v.getUint32(i, true) === MAGIC) cuts.push(i);
    if (cuts.length === 0) {
      push(r, 0);
      continue;
    }
    let start = 0;
    cuts.forEach((c, k) => {
      push(r.subarray(start, c), k === 0 ? 1 : 2);
      start = c + 4;
    });
    push(r.subarray(start), 3);
  }
  return { rec: concat(parts), offsets };
}

/** The magic word as bytes, to plant inside payloads. */
export const MAGIC_BYTES: Uint8Array = new Uint8Array(new Uint32Array([MAGIC]).buffer);
