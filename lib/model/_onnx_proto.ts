/**
 * A minimal protobuf codec for ONNX models: an encoder for the messages that a plain inference
 * graph needs (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto) and
 * a decoder that reads a model's opsets, graph inputs and outputs (names, element types, shapes),
 * initializer names and node names/op types from any `.onnx` file, skipping tensor payloads.
 *
 * Field numbers follow `onnx/onnx.proto` (proto2). The encoder writes tensors as `raw_data`
 * (little-endian) and repeated attribute scalars unpacked; the decoder accepts packed and unpacked.
 *
 * @module
 */

/** ONNX `TensorProto.DataType` codes used by this kit. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

/** A constant tensor (initializer or attribute value). */
export interface OnnxTensor {
  name: string;
  /** An {@linkcode OnnxDataType} code; must match `data`. */
  dataType: number;
  dims: readonly number[];
  /** Values in C order; written little-endian as `raw_data`. */
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;
}

/** An attribute value, tagged with its ONNX attribute type. */
export type OnnxAttribute =
  | { type: "float"; value: number }
  | { type: "int"; value: number }
  | { type: "string"; value: string }
  | { type: "tensor"; value: OnnxTensor }
  | { type: "floats"; value: readonly number[] }
  | { type: "ints"; value: readonly number[] };

/** One operator call. */
export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  /** Empty for the default ONNX domain. */
  domain?: string;
  attributes?: Record<string, OnnxAttribute>;
}

/** A dimension: a fixed size or a symbolic name such as `"N"`. */
export type OnnxDim = number | string;

/** A typed tensor value: graph input, output or intermediate. */
export interface OnnxValueInfo {
  name: string;
  /** An {@linkcode OnnxDataType} code. */
  elemType: number;
  /** `undefined` when the model leaves the shape out. */
  shape?: OnnxDim[];
}

/** A graph: nodes in topological order, constant initializers, inputs and outputs. */
export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

/** A model: one graph plus version metadata. */
export interface OnnxModel {
  graph: OnnxGraph;
  /** Default-domain opset version. */
  opsetVersion: number;
  /** @default {8} */
  irVersion?: number;
  /** @default {"synthetic-face-audit-kit"} */
  producerName?: string;
  producerVersion?: string;
}

// ---------------------------------------------------------------------------------------------
// Encoder: messages are lists of chunks so that nesting never copies large tensor payloads.

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

class Message {
  chunks: Uint8Array[] = [];
  length = 0;
  private scratch: number[] = [];

  private flush(): void {
    if (this.scratch.length === 0) return;
    const bytes = Uint8Array.from(this.scratch);
    this.scratch = [];
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private pushVarint(value: number | bigint): void {
    let v = typeof value === "bigint" ? BigInt.asUintN(64, value) : value;
    if (typeof v === "number") {
      if (!Number.isInteger(v)) {
        throw new TypeError(`Cannot encode a varint as protobuf: current value is ${v}`);
      }
      if (v < 0 || v > Number.MAX_SAFE_INTEGER) v = BigInt.asUintN(64, BigInt(v));
    }
    if (typeof v === "number") {
      while (v >= 0x80) {
        this.scratch.push((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
      }
      this.scratch.push(v);
    } else {
      while (v >= 0x80n) {
        this.scratch.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.scratch.push(Number(v));
    }
  }

  private tag(field: number, wire: number): void {
    this.pushVarint(field * 8 + wire);
  }

  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.pushVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.scratch.push(...b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.pushVarint(value.length);
    this.flush();
    this.chunks.push(value);
    this.length += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, value: Message): this {
    value.flush();
    this.tag(field, WIRE_LEN);
    this.pushVarint(value.length);
    this.flush();
    for (const c of value.chunks) this.chunks.push(c);
    this.length += value.length;
    return this;
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function rawBytes(data: OnnxTensor["data"]): Uint8Array {
  if (!LITTLE_ENDIAN && data.BYTES_PER_ELEMENT > 1) {
    throw new RangeError("Cannot encode tensors on a big-endian host: current host is big-endian");
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8 };

function encodeTensor(t: OnnxTensor): Message {
  const count = t.dims.reduce((a, b) => a * b, 1);
  const expectedBytes = count * (ELEMENT_BYTES[t.dataType] ?? Number.NaN);
  if (t.data.byteLength !== expectedBytes) {
    throw new RangeError(
      `Cannot encode tensor "${t.name}" with dims [${t.dims}] and data type ${t.dataType}: ` +
        `current byte length is ${t.data.byteLength}, expected ${expectedBytes}`,
    );
  }
  const m = new Message();
  for (const d of t.dims) m.varint(1, d);
  m.varint(2, t.dataType);
  m.string(8, t.name);
  m.bytes(9, rawBytes(t.data));
  return m;
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

function encodeAttribute(name: string, a: OnnxAttribute): Message {
  const m = new Message();
  m.string(1, name);
  switch (a.type) {
    case "float":
      m.float(2, a.value);
      break;
    case "int":
      m.varint(3, a.value);
      break;
    case "string":
      m.string(4, a.value);
      break;
    case "tensor":
      m.message(5, encodeTensor(a.value));
      break;
    case "floats":
      for (const v of a.value) m.float(7, v);
      break;
    case "ints":
      for (const v of a.value) m.varint(8, v);
      break;
  }
  m.varint(20, ATTRIBUTE_TYPE[a.type]);
  return m;
}

function encodeNode(n: OnnxNode): Message {
  const m = new Message();
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  if (n.name) m.string(3, n.name);
  m.string(4, n.opType);
  for (const [k, v] of Object.entries(n.attributes ?? {})) m.message(5, encodeAttribute(k, v));
  if (n.domain) m.string(7, n.domain);
  return m;
}

function encodeValueInfo(v: OnnxValueInfo): Message {
  const tensorType = new Message().varint(1, v.elemType);
  if (v.shape) {
    const shape = new Message();
    for (const d of v.shape) {
      const dim = new Message();
      if (typeof d === "number") dim.varint(1, d);
      else dim.string(2, d);
      shape.message(1, dim);
    }
    tensorType.message(2, shape);
  }
  const type = new Message().message(1, tensorType);
  return new Message().string(1, v.name).message(2, type);
}

function encodeGraph(g: OnnxGraph): Message {
  const m = new Message();
  for (const n of g.nodes) m.message(1, encodeNode(n));
  m.string(2, g.name);
  for (const t of g.initializers) m.message(5, encodeTensor(t));
  for (const i of g.inputs) m.message(11, encodeValueInfo(i));
  for (const o of g.outputs) m.message(12, encodeValueInfo(o));
  return m;
}

/**
 * Serialises a model to ONNX protobuf bytes.
 *
 * @param model The graph and version metadata.
 * @returns The `.onnx` file contents.
 * @throws {RangeError} When a tensor's data length does not match its dims and data type.
 *
 * @example
 * ```ts
 * import { decodeOnnxInfo, encodeOnnxModel, OnnxDataType } from "./_onnx_proto.ts";
 * const bytes = encodeOnnxModel({
 *   opsetVersion: 13,
 *   graph: {
 *     name: "g",
 *     nodes: [{ opType: "Relu", inputs: ["x"], outputs: ["y"], name: "relu" }],
 *     initializers: [],
 *     inputs: [{ name: "x", elemType: OnnxDataType.FLOAT, shape: ["N", 4] }],
 *     outputs: [{ name: "y", elemType: OnnxDataType.FLOAT, shape: ["N", 4] }],
 *   },
 * });
 * const info = decodeOnnxInfo(bytes);
 * if (info.inputs[0].shape?.join() !== "N,4" || info.nodes[0].opType !== "Relu") {
 *   throw new Error("round trip failed");
 * }
 * ```
 */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const {
    graph,
    opsetVersion,
    irVersion = 8,
    producerName = "synthetic-face-audit-kit",
    producerVersion,
  } = model;
  const m = new Message();
  m.varint(1, irVersion);
  m.string(2, producerName);
  if (producerVersion) m.string(3, producerVersion);
  m.message(7, encodeGraph(graph));
  m.message(8, new Message().string(1, "").varint(2, opsetVersion));
  return m.finish();
}

// ---------------------------------------------------------------------------------------------
// Decoder

/** What {@linkcode decodeOnnxInfo} reads from a model. */
export interface OnnxInfo {
  irVersion: number;
  producerName: string;
  /** Opset imports; the default domain is `""`. */
  opsets: { domain: string; version: number }[];
  graphName: string;
  /** Graph inputs that are not initializers (older exporters list weights as inputs too). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Node names and op types, in graph order. */
  nodes: { name: string; opType: string }[];
  initializerNames: string[];
}

class Reader {
  pos: number;
  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.truncated();
      const b = this.buf[this.pos++];
      if (i === 9 || (i >= 7 && scale * (b & 0x7f) > Number.MAX_SAFE_INTEGER)) {
        // Large values are two's-complement negatives (int64 -1 etc.): redo in BigInt.
        return this.bigVarintFrom(this.pos - i - 1);
      }
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new SyntaxError(`Cannot read a varint as protobuf: more than 10 bytes at ${this.pos}`);
  }

  private bigVarintFrom(start: number): number {
    this.pos = start;
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.truncated();
      const b = this.buf[this.pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(64, v));
      shift += 7n;
    }
    throw new SyntaxError(`Cannot read a varint as protobuf: more than 10 bytes at ${this.pos}`);
  }

  truncated(): SyntaxError {
    return new SyntaxError(
      `Cannot read the ONNX model as protobuf: data ends at byte ${this.end} inside a field`,
    );
  }

  /** Returns [field, wire type]. */
  tag(): [number, number] {
    const t = this.varint();
    const field = Math.floor(t / 8);
    const wire = t % 8;
    if (field === 0) {
      throw new SyntaxError(
        `Cannot read the ONNX model as protobuf: current field number is 0 at byte ${this.pos}`,
      );
    }
    return [field, wire];
  }

  sub(): Reader {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw this.truncated();
    this.pos += len;
    return new Reader(this.buf, start, start + len);
  }

  string(): string {
    const r = this.sub();
    return textDecoder.decode(this.buf.subarray(r.pos, r.end));
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.sub();
        return;
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        throw new SyntaxError(
          `Cannot read the ONNX model as protobuf: current wire type is ${wire} at byte ${this.pos}`,
        );
    }
    if (this.pos > this.end) throw this.truncated();
  }

  get done(): boolean {
    return this.pos >= this.end;
  }
}

function decodeValueInfo(r: Reader): OnnxValueInfo {
  const info: OnnxValueInfo = { name: "", elemType: 0 };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_LEN) info.name = r.string();
    else if (f === 2 && w === WIRE_LEN) {
      const type = r.sub();
      while (!type.done) {
        const [tf, tw] = type.tag();
        if (tf !== 1 || tw !== WIRE_LEN) {
          type.skip(tw);
          continue;
        }
        const tensor = type.sub();
        while (!tensor.done) {
          const [ef, ew] = tensor.tag();
          if (ef === 1 && ew === WIRE_VARINT) info.elemType = tensor.varint();
          else if (ef === 2 && ew === WIRE_LEN) info.shape = decodeShape(tensor.sub());
          else tensor.skip(ew);
        }
      }
    } else r.skip(w);
  }
  return info;
}

function decodeShape(r: Reader): OnnxDim[] {
  const dims: OnnxDim[] = [];
  while (!r.done) {
    const [f, w] = r.tag();
    if (f !== 1 || w !== WIRE_LEN) {
      r.skip(w);
      continue;
    }
    const d = r.sub();
    let dim: OnnxDim = "?";
    while (!d.done) {
      const [df, dw] = d.tag();
      if (df === 1 && dw === WIRE_VARINT) dim = d.varint();
      else if (df === 2 && dw === WIRE_LEN) dim = d.string();
      else d.skip(dw);
    }
    dims.push(dim);
  }
  return dims;
}

function decodeNameAndOp(r: Reader): { name: string; opType: string } {
  const node = { name: "", opType: "" };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 3 && w === WIRE_LEN) node.name = r.string();
    else if (f === 4 && w === WIRE_LEN) node.opType = r.string();
    else r.skip(w);
  }
  return node;
}

function decodeTensorName(r: Reader): string {
  let name = "";
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 8 && w === WIRE_LEN) name = r.string();
    else r.skip(w);
  }
  return name;
}

/**
 * Reads the metadata of an ONNX model without materialising its weights.
 *
 * @param bytes The `.onnx` file contents.
 * @returns Opsets, graph inputs/outputs (initializers removed from the inputs), node names and
 *   op types, initializer names.
 * @throws {SyntaxError} When the bytes are not an ONNX protobuf with a graph.
 *
 * @example
 * ```ts
 * import { decodeOnnxInfo } from "./_onnx_proto.ts";
 * let threw = false;
 * try {
 *   decodeOnnxInfo(new TextEncoder().encode("not a model"));
 * } catch (e) {
 *   threw = e instanceof SyntaxError;
 * }
 * if (!threw) throw new Error("expected a SyntaxError");
 * ```
 */
export function decodeOnnxInfo(bytes: Uint8Array): OnnxInfo {
  const info: OnnxInfo = {
    irVersion: 0,
    producerName: "",
    opsets: [],
    graphName: "",
    inputs: [],
    outputs: [],
    nodes: [],
    initializerNames: [],
  };
  const r = new Reader(bytes);
  let sawGraph = false;
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_VARINT) info.irVersion = r.varint();
    else if (f === 2 && w === WIRE_LEN) info.producerName = r.string();
    else if (f === 8 && w === WIRE_LEN) {
      const o = r.sub();
      const opset = { domain: "", version: 0 };
      while (!o.done) {
        const [of, ow] = o.tag();
        if (of === 1 && ow === WIRE_LEN) opset.domain = o.string();
        else if (of === 2 && ow === WIRE_VARINT) opset.version = o.varint();
        else o.skip(ow);
      }
      info.opsets.push(opset);
    } else if (f === 7 && w === WIRE_LEN) {
      sawGraph = true;
      const g = r.sub();
      while (!g.done) {
        const [gf, gw] = g.tag();
        if (gw !== WIRE_LEN) g.skip(gw);
        else if (gf === 1) info.nodes.push(decodeNameAndOp(g.sub()));
        else if (gf === 2) info.graphName = g.string();
        else if (gf === 5) info.initializerNames.push(decodeTensorName(g.sub()));
        else if (gf === 11) info.inputs.push(decodeValueInfo(g.sub()));
        else if (gf === 12) info.outputs.push(decodeValueInfo(g.sub()));
        else g.skip(gw);
      }
    } else r.skip(w);
  }
  if (!sawGraph) {
    throw new SyntaxError("Cannot read the file as an ONNX model: current contents have no graph");
  }
  const initializers = new Set(info.initializerNames);
  info.inputs = info.inputs.filter((i) => !initializers.has(i.name));
  return info;
}
