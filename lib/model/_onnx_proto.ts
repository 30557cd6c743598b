/**
 * ONNX protobuf for the kit: an encoder for the messages that a plain inference graph needs
 * (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto) and a decoder
 * that reads a model's opsets, graph inputs and outputs (names, element types, shapes),
 * initializer names and node names/op types from any `.onnx` file without materialising tensor
 * payloads.
 *
 * What comes from libraries: the wire format is protobufjs's `Writer` and `Reader` (the runtime
 * that `onnx-proto` is generated for), and the decoder hands the messages it reads whole
 * (`NodeProto`, `ValueInfoProto`, `OperatorSetIdProto`) to `onnx-proto`'s generated decoders.
 * The tests decode the encoder's bytes with `onnx-proto` as an independent codec.
 *
 * What stays written out here, field by field after `onnx/onnx.proto`, and why:
 *
 * - The encoder's message layout. `onnx-proto` is generated from `onnx.proto3`, so its encoders
 *   write repeated scalars packed (`TensorProto.dims`, `AttributeProto.ints` and `floats`), where
 *   `onnx.proto` (proto2) and this kit write one field per value. ONNX Runtime reads both, but
 *   the bytes differ (IResNet-100: 162 bytes fewer), and one graph builder version must keep
 *   writing the same bytes (the demo's model file is one of its outputs). Speed and memory were
 *   not the reason. Measured on the full-width IResNet-100 graph (260,664,155 bytes, 454
 *   initializers), in one process on a loaded 2-core machine, encoding the same graph in four
 *   alternating rounds: `onnx-proto`'s `ModelProto.encode` 0.31-0.59 s, this layout on
 *   protobufjs's `Writer` 0.23-0.43 s, the chunk-list encoder this module had before 0.32-0.62 s;
 *   after a GC, each of the three raised the RSS by the 261 MB of its output and no more (from
 *   331 to 592 MB: every tensor's `raw_data` is copied once, into the result).
 * - The walk over ModelProto, GraphProto and TensorProto in the decoder, which skips tensor
 *   payloads. `onnx-proto`'s `ModelProto.decode` keeps `raw_data` as views of the input (15 ms on
 *   the same graph), but turns `float_data`, which older exporters write, into arrays of
 *   JavaScript numbers: with the same weights in `float_data` it took 2.3 s and 1.17 GB more
 *   memory, where this walk takes 20 ms and 5 MB (raw_data or float_data alike).
 *
 * The encoder writes tensors as `raw_data` (little-endian) and repeated attribute scalars
 * unpacked; the decoder accepts packed and unpacked.
 *
 * @module
 */
import onnxProto from "onnx-proto";
import protobuf from "protobufjs/minimal";

const { onnx } = onnxProto;

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
  /** Initializer name that node inputs refer to (unique in the graph); a label on attributes. */
  name: string;
  /** An {@linkcode OnnxDataType} code; must match `data`. */
  dataType: number;
  /** Shape, outermost first (`[]` for a scalar); its product must equal `data.length`. */
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
  /** Operator name in its domain, e.g. `Conv` or `Relu`. */
  opType: string;
  /** Names of the values the node consumes, in input order (`""` skips an optional input). */
  inputs: readonly string[];
  /** Names of the values the node produces, in the operator's output order. */
  outputs: readonly string[];
  /** Node name, unique in the graph; not written when absent or empty. */
  name?: string;
  /** Empty for the default ONNX domain. */
  domain?: string;
  /** Attributes by ONNX attribute name, e.g. `kernel_shape`; none when absent. */
  attributes?: Record<string, OnnxAttribute>;
}

/** A dimension: a fixed size or a symbolic name such as `"N"`. */
export type OnnxDim = number | string;

/** A typed tensor value: graph input, output or intermediate. */
export interface OnnxValueInfo {
  /** Value name, as node inputs and outputs refer to it, e.g. `data` or `input.1`. */
  name: string;
  /** An {@linkcode OnnxDataType} code. */
  elemType: number;
  /** `undefined` when the model leaves the shape out. */
  shape?: OnnxDim[];
}

/** A graph: nodes in topological order, constant initializers, inputs and outputs. */
export interface OnnxGraph {
  /** Graph name (`GraphProto.name`), e.g. `iresnet_3_13_30_3` from the IResNet builder. */
  name: string;
  /** Operator calls in topological order (inputs: graph inputs, initializers, earlier outputs). */
  nodes: readonly OnnxNode[];
  /** Constant tensors (weights) that node inputs refer to by name; not listed again in `inputs`. */
  initializers: readonly OnnxTensor[];
  /** Values the caller feeds at run time, in order (initializers excluded). */
  inputs: readonly OnnxValueInfo[];
  /** Values the model returns, in order, each named after the node output that produces it. */
  outputs: readonly OnnxValueInfo[];
}

/** A model: one graph plus version metadata. */
export interface OnnxModel {
  /** The model's one graph. */
  graph: OnnxGraph;
  /** Default-domain opset version. */
  opsetVersion: number;
  /** ONNX IR version, written as `ModelProto.ir_version`. @default {8} */
  irVersion?: number;
  /**
   * Tool that made the file, written as `ModelProto.producer_name`.
   * @default {"synthetic-face-audit-kit"}
   */
  producerName?: string;
  /** Version of that tool, as `ModelProto.producer_version`; left out when absent or empty. */
  producerVersion?: string;
}

// ---------------------------------------------------------------------------------------------
// Encoder: onnx.proto's field numbers, one field per repeated scalar, on protobufjs's Writer
// (nested messages are forked, so a tensor's raw_data is copied once, into the result).

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

type Writer = protobuf.Writer;

function tag(w: Writer, field: number, wire: number): Writer {
  return w.uint32(field * 8 + wire);
}

/** An int32/int64 field; negative values take ten bytes (two's complement), as protobuf says. */
function varint(w: Writer, field: number, value: number): void {
  if (!Number.isInteger(value)) {
    throw new TypeError(`Cannot encode a varint as protobuf: current value is ${value}`);
  }
  tag(w, field, WIRE_VARINT).int64(value);
}

function float(w: Writer, field: number, value: number): void {
  tag(w, field, WIRE_I32).float(value);
}

function bytes(w: Writer, field: number, value: Uint8Array): void {
  tag(w, field, WIRE_LEN).bytes(value);
}

/** UTF-8 as `TextEncoder` writes it (lone surrogates become U+FFFD). */
function string(w: Writer, field: number, value: string): void {
  bytes(w, field, textEncoder.encode(value));
}

/** A nested message: `write` fills it, protobufjs prefixes its length. */
function message(w: Writer, field: number, write: (w: Writer) => void): void {
  tag(w, field, WIRE_LEN).fork();
  write(w);
  w.ldelim();
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function rawBytes(data: OnnxTensor["data"]): Uint8Array {
  if (!LITTLE_ENDIAN && data.BYTES_PER_ELEMENT > 1) {
    throw new RangeError("Cannot encode tensors on a big-endian host: current host is big-endian");
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8 };

function checkTensor(t: OnnxTensor): void {
  const count = t.dims.reduce((a, b) => a * b, 1);
  const expectedBytes = count * (ELEMENT_BYTES[t.dataType] ?? Number.NaN);
  if (t.data.byteLength !== expectedBytes) {
    throw new RangeError(
      `Cannot encode tensor "${t.name}" with dims [${t.dims}] and data type ${t.dataType}: ` +
        `current byte length is ${t.data.byteLength}, expected ${expectedBytes}`,
    );
  }
}

function writeTensor(w: Writer, t: OnnxTensor): void {
  for (const d of t.dims) varint(w, 1, d);
  varint(w, 2, t.dataType);
  string(w, 8, t.name);
  bytes(w, 9, rawBytes(t.data));
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

function writeAttribute(w: Writer, name: string, a: OnnxAttribute): void {
  string(w, 1, name);
  switch (a.type) {
    case "float":
      float(w, 2, a.value);
      break;
    case "int":
      varint(w, 3, a.value);
      break;
    case "string":
      string(w, 4, a.value);
      break;
    case "tensor":
      message(w, 5, (t) => writeTensor(t, a.value));
      break;
    case "floats":
      for (const v of a.value) float(w, 7, v);
      break;
    case "ints":
      for (const v of a.value) varint(w, 8, v);
      break;
  }
  varint(w, 20, ATTRIBUTE_TYPE[a.type]);
}

function writeNode(w: Writer, n: OnnxNode): void {
  for (const i of n.inputs) string(w, 1, i);
  for (const o of n.outputs) string(w, 2, o);
  if (n.name) string(w, 3, n.name);
  string(w, 4, n.opType);
  for (const [k, v] of Object.entries(n.attributes ?? {})) {
    message(w, 5, (m) => writeAttribute(m, k, v));
  }
  if (n.domain) string(w, 7, n.domain);
}

function writeValueInfo(w: Writer, v: OnnxValueInfo): void {
  string(w, 1, v.name);
  message(w, 2, (type) =>
    message(type, 1, (tensorType) => {
      varint(tensorType, 1, v.elemType);
      if (!v.shape) return;
      const shape = v.shape;
      message(tensorType, 2, (s) => {
        for (const d of shape) {
          message(s, 1, (dim) => typeof d === "number" ? varint(dim, 1, d) : string(dim, 2, d));
        }
      });
    }));
}

function writeGraph(w: Writer, g: OnnxGraph): void {
  for (const n of g.nodes) message(w, 1, (m) => writeNode(m, n));
  string(w, 2, g.name);
  for (const t of g.initializers) message(w, 5, (m) => writeTensor(m, t));
  for (const i of g.inputs) message(w, 11, (m) => writeValueInfo(m, i));
  for (const o of g.outputs) message(w, 12, (m) => writeValueInfo(m, o));
}

/** Every tensor the model holds, initializers and attribute values. */
function* tensorsOf(g: OnnxGraph): Generator<OnnxTensor> {
  yield* g.initializers;
  for (const n of g.nodes) {
    for (const a of Object.values(n.attributes ?? {})) if (a.type === "tensor") yield a.value;
  }
}

/**
 * Serialises a model to ONNX protobuf bytes.
 *
 * @param model The graph and version metadata.
 * @returns The `.onnx` file contents.
 * @throws {RangeError} When a tensor's data length does not match its dims and data type.
 * @throws {TypeError} When a dimension or integer attribute is not an integer.
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
 * if (info.inputs[0]?.shape?.join() !== "N,4" || info.nodes[0]?.opType !== "Relu") {
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
  for (const t of tensorsOf(graph)) checkTensor(t);
  const w = new protobuf.Writer();
  varint(w, 1, irVersion);
  string(w, 2, producerName);
  if (producerVersion) string(w, 3, producerVersion);
  message(w, 7, (g) => writeGraph(g, graph));
  message(w, 8, (o) => {
    string(o, 1, "");
    varint(o, 2, opsetVersion);
  });
  const out = w.finish();
  // protobufjs's Writer hands out small results (up to 4 KiB) as views of a shared 8 KiB slab:
  // give callers an array that owns its buffer.
  return out.byteOffset === 0 && out.byteLength === out.buffer.byteLength
    ? new Uint8Array(out.buffer, 0, out.byteLength)
    : new Uint8Array(out);
}

// ---------------------------------------------------------------------------------------------
// Decoder

/** What {@linkcode decodeOnnxInfo} reads from a model. */
export interface OnnxInfo {
  /** `ModelProto.ir_version`; 0 when the file leaves it out. */
  irVersion: number;
  /** `ModelProto.producer_name`, e.g. `pytorch`; `""` when the file leaves it out. */
  producerName: string;
  /** Opset imports; the default domain is `""`. */
  opsets: { domain: string; version: number }[];
  /** `GraphProto.name` as the exporter wrote it; `""` when the file leaves it out. */
  graphName: string;
  /** Graph inputs that are not initializers (older exporters list weights as inputs too). */
  inputs: OnnxValueInfo[];
  /** Graph outputs in order, with element types and shapes as the file declares them. */
  outputs: OnnxValueInfo[];
  /** Node names and op types, in graph order. */
  nodes: { name: string; opType: string }[];
  /** Names of the initializers (weights) in file order; their payloads are skipped, not read. */
  initializerNames: string[];
}

type Reader = protobuf.Reader;

/** An int64 as protobufjs hands it out: a number, or a `Long` (signed high and low words). */
function toNumber(value: number | { low: number; high: number }): number {
  return typeof value === "number" ? value : value.high * 4294967296 + (value.low >>> 0);
}

/** The field number and wire type of the next field. */
function nextTag(r: Reader): [number, number] {
  const t = r.uint32();
  const field = t >>> 3;
  if (field === 0) {
    throw new SyntaxError(
      `Cannot read the ONNX model as protobuf: current field number is 0 at byte ${r.pos}`,
    );
  }
  return [field, t & 7];
}

/** Reads a length prefix and returns where that field ends. */
function fieldEnd(r: Reader): number {
  const end = r.uint32() + r.pos;
  if (end > r.len) {
    throw new SyntaxError(
      `Cannot read the ONNX model as protobuf: data ends at byte ${r.len} inside a field`,
    );
  }
  return end;
}

/** A length-delimited string as `TextDecoder` reads it (bad UTF-8 becomes U+FFFD). */
function readString(r: Reader): string {
  return textDecoder.decode(r.bytes());
}

/** Reads a TensorProto's name, skipping its payload (`raw_data`, `float_data`, ...). */
function readTensorName(r: Reader, end: number): string {
  let name = "";
  while (r.pos < end) {
    const [f, w] = nextTag(r);
    if (f === 8 && w === WIRE_LEN) name = readString(r);
    else r.skipType(w);
  }
  return name;
}

function toValueInfo(v: ReturnType<typeof onnx.ValueInfoProto.decode>): OnnxValueInfo {
  const tensor = v.type?.tensorType;
  const info: OnnxValueInfo = { name: v.name, elemType: tensor?.elemType ?? 0 };
  if (tensor?.shape) info.shape = (tensor.shape.dim ?? []).map(toDim);
  return info;
}

/** A fixed size, a symbolic name, or `"?"` when the dimension gives neither. */
function toDim(d: object): OnnxDim {
  if (!(d instanceof onnx.TensorShapeProto.Dimension)) return "?";
  if (d.value === "dimValue") return toNumber(d.dimValue);
  if (d.value === "dimParam") return d.dimParam ?? "?";
  return "?";
}

function readGraph(r: Reader, end: number, info: OnnxInfo): void {
  while (r.pos < end) {
    const [f, w] = nextTag(r);
    if (w !== WIRE_LEN) r.skipType(w);
    else if (f === 1) {
      const node = onnx.NodeProto.decode(r, fieldEnd(r) - r.pos);
      info.nodes.push({ name: node.name, opType: node.opType });
    } else if (f === 2) info.graphName = readString(r);
    else if (f === 5) info.initializerNames.push(readTensorName(r, fieldEnd(r)));
    else if (f === 11) {
      info.inputs.push(toValueInfo(onnx.ValueInfoProto.decode(r, fieldEnd(r) - r.pos)));
    } else if (f === 12) {
      info.outputs.push(toValueInfo(onnx.ValueInfoProto.decode(r, fieldEnd(r) - r.pos)));
    } else r.skipType(w);
  }
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
  const r = protobuf.Reader.create(bytes);
  let sawGraph = false;
  try {
    while (r.pos < r.len) {
      const [f, w] = nextTag(r);
      if (f === 1 && w === WIRE_VARINT) info.irVersion = toNumber(r.int64());
      else if (f === 2 && w === WIRE_LEN) info.producerName = readString(r);
      else if (f === 8 && w === WIRE_LEN) {
        const opset = onnx.OperatorSetIdProto.decode(r, fieldEnd(r) - r.pos);
        info.opsets.push({ domain: opset.domain, version: toNumber(opset.version) });
      } else if (f === 7 && w === WIRE_LEN) {
        sawGraph = true;
        readGraph(r, fieldEnd(r), info);
      } else r.skipType(w);
    }
  } catch (error) {
    if (error instanceof SyntaxError) throw error;
    throw new SyntaxError(
      `Cannot read the ONNX model as protobuf: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  if (!sawGraph) {
    throw new SyntaxError("Cannot read the file as an ONNX model: current contents have no graph");
  }
  const initializers = new Set(info.initializerNames);
  info.inputs = info.inputs.filter((i) => !initializers.has(i.name));
  return info;
}
