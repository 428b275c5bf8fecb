/**
 * Helpers over a decoded ONNX graph: typed attribute getters, initializer map,
 * tensor payload decoding (raw_data or typed fields, external data honoured),
 * producer/consumer maps, opset lookup and subgraph walking.
 */
import type { LoadedModel } from './reader';
import { isExternal } from './externalData';
import {
  AttributeType, DataType,
  type AttributeProto, type GraphProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto,
} from './proto';

/** The attribute named `name`, or undefined. */
export function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

/** An INT attribute, or `fallback`. */
export function attrInt(node: NodeProto, name: string, fallback: number): number;
export function attrInt(node: NodeProto, name: string): number | undefined;
export function attrInt(node: NodeProto, name: string, fallback?: number): number | undefined {
  const a = attr(node, name);
  return a ? Number(a.i ?? 0) : fallback;
}

/** An INTS attribute, or `fallback`. */
export function attrInts(node: NodeProto, name: string, fallback: number[]): number[];
export function attrInts(node: NodeProto, name: string): number[] | undefined;
export function attrInts(node: NodeProto, name: string, fallback?: number[]): number[] | undefined {
  const a = attr(node, name);
  return a ? (a.ints ?? []).map(Number) : fallback;
}

/** A FLOAT attribute, or `fallback`. */
export function attrFloat(node: NodeProto, name: string, fallback: number): number;
export function attrFloat(node: NodeProto, name: string): number | undefined;
export function attrFloat(node: NodeProto, name: string, fallback?: number): number | undefined {
  const a = attr(node, name);
  return a ? (a.f ?? 0) : fallback;
}

/** A FLOATS attribute, or `fallback`. */
export function attrFloats(node: NodeProto, name: string, fallback?: number[]): number[] | undefined {
  const a = attr(node, name);
  return a ? [...(a.floats ?? [])] : fallback;
}

/** A STRING attribute decoded as UTF-8, or `fallback`. */
export function attrString(node: NodeProto, name: string, fallback: string): string;
export function attrString(node: NodeProto, name: string): string | undefined;
export function attrString(node: NodeProto, name: string, fallback?: string): string | undefined {
  const a = attr(node, name);
  return a?.s ? Buffer.from(a.s).toString('utf8') : fallback;
}

/** A TENSOR attribute, or undefined. */
export function attrTensor(node: NodeProto, name: string): TensorProto | undefined {
  const a = attr(node, name);
  return a?.t ?? undefined;
}

/** Name -> initializer of one graph. */
export function initializerMap(graph: GraphProto): Map<string, TensorProto> {
  return new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
}

/** A tensor's dims as plain numbers. */
export function tensorDims(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map(Number);
}

/** Element count of a tensor (product of dims; 1 for a scalar). */
export function tensorSize(tensor: TensorProto): number {
  return tensorDims(tensor).reduce((a, b) => a * b, 1);
}

export { dataTypeSize } from './tensorChecks';

/** Payload bytes of a tensor stored as raw_data or externally; undefined when stored in typed fields. */
export function tensorRawBytes(tensor: TensorProto, model?: Pick<LoadedModel, 'external'>): Uint8Array | undefined {
  if (isExternal(tensor)) {
    if (!model?.external) throw new Error(`tensor '${tensor.name ?? ''}' has external data, but the model was read without it`);
    return model.external.bytes(tensor);
  }
  const raw = tensor.raw_data;
  return raw && raw.length > 0 ? raw : undefined;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Reads element i of raw little-endian bytes of `type` as a JS number. */
function readRaw(view: DataView, type: number, i: number): number {
  switch (type) {
    case DataType.FLOAT: return view.getFloat32(i * 4, true);
    case DataType.DOUBLE: return view.getFloat64(i * 8, true);
    case DataType.INT64: return Number(view.getBigInt64(i * 8, true));
    case DataType.UINT64: return Number(view.getBigUint64(i * 8, true));
    case DataType.INT32: return view.getInt32(i * 4, true);
    case DataType.UINT32: return view.getUint32(i * 4, true);
    case DataType.INT16: return view.getInt16(i * 2, true);
    case DataType.UINT16: return view.getUint16(i * 2, true);
    case DataType.FLOAT16: return halfToFloat(view.getUint16(i * 2, true));
    case DataType.BFLOAT16: {
      const b = new DataView(new ArrayBuffer(4));
      b.setUint16(0, view.getUint16(i * 2, true), false);
      return b.getFloat32(0, false);
    }
    case DataType.INT8: return view.getInt8(i);
    case DataType.UINT8: case DataType.BOOL: return view.getUint8(i);
    default: throw new Error(`unsupported tensor data type ${type}`);
  }
}

/** The typed-field array holding a tensor's values when it has no raw_data. */
function typedField(tensor: TensorProto): number[] {
  switch (tensor.data_type) {
    case DataType.FLOAT: case DataType.COMPLEX64: return tensor.float_data ?? [];
    case DataType.DOUBLE: case DataType.COMPLEX128: return tensor.double_data ?? [];
    case DataType.INT64: return tensor.int64_data ?? [];
    case DataType.UINT32: case DataType.UINT64: return tensor.uint64_data ?? [];
    case DataType.FLOAT16: case DataType.BFLOAT16:
      // stored as uint16 bit patterns in int32_data
      return (tensor.int32_data ?? []).map((h) => (tensor.data_type === DataType.FLOAT16 ? halfToFloat(h) : bf16(h)));
    default: return tensor.int32_data ?? [];
  }
}

function bf16(h: number): number {
  const b = new DataView(new ArrayBuffer(4));
  b.setUint16(0, h, false);
  return b.getFloat32(0, false);
}

/**
 * A tensor's values as Float32Array. float32 raw_data at an aligned offset is a
 * zero-copy view; anything else is converted.
 */
export function tensorToFloat32(tensor: TensorProto, model?: Pick<LoadedModel, 'external'>): Float32Array {
  const n = tensorSize(tensor);
  const raw = tensorRawBytes(tensor, model);
  const type = tensor.data_type ?? DataType.UNDEFINED;
  if (raw) {
    if (type === DataType.FLOAT && raw.byteOffset % 4 === 0) return new Float32Array(raw.buffer, raw.byteOffset, Math.min(n, raw.byteLength >> 2));
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = readRaw(view, type, i);
    return out;
  }
  return Float32Array.from(typedField(tensor));
}

/** A tensor's values as JS numbers (int64 values beyond 2^53 lose precision). */
export function tensorToInt64(tensor: TensorProto, model?: Pick<LoadedModel, 'external'>): number[] {
  return tensorToNumbers(tensor, model);
}

/** A tensor's values (any numeric type) as a plain number array. */
export function tensorToNumbers(tensor: TensorProto, model?: Pick<LoadedModel, 'external'>): number[] {
  const n = tensorSize(tensor);
  const raw = tensorRawBytes(tensor, model);
  const type = tensor.data_type ?? DataType.UNDEFINED;
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = readRaw(view, type, i);
    return out;
  }
  return typedField(tensor).map(Number);
}

/** Output name -> the node producing it (one graph level). */
export function producerMap(graph: GraphProto): Map<string, NodeProto> {
  const m = new Map<string, NodeProto>();
  for (const node of graph.node ?? []) for (const o of node.output ?? []) if (o) m.set(o, node);
  return m;
}

/** Tensor name -> the nodes reading it (one graph level). */
export function consumerMap(graph: GraphProto): Map<string, NodeProto[]> {
  const m = new Map<string, NodeProto[]>();
  for (const node of graph.node ?? []) {
    for (const i of node.input ?? []) {
      if (!i) continue;
      const list = m.get(i);
      if (list) list.push(node);
      else m.set(i, [node]);
    }
  }
  return m;
}

/** Opset version imported for `domain` ('' or 'ai.onnx' = the default domain), or undefined. */
export function opsetVersion(model: ModelProto, domain = ''): number | undefined {
  const want = domain === 'ai.onnx' ? '' : domain;
  const o = (model.opset_import ?? []).find((x) => ((x.domain ?? '') === 'ai.onnx' ? '' : x.domain ?? '') === want);
  return o ? Number(o.version ?? 0) : undefined;
}

/** A subgraph held by a node attribute (If then/else, Loop/Scan body). */
export interface Subgraph {
  /** The node owning it. */
  owner: NodeProto;
  /** The attribute name (then_branch, else_branch, body, ...). */
  attribute: string;
  graph: GraphProto;
  /** Nesting depth (1 = directly under the main graph). */
  depth: number;
}

/** Every subgraph below `graph`, depth first. */
export function subgraphs(graph: GraphProto, depth = 1): Subgraph[] {
  const out: Subgraph[] = [];
  for (const node of graph.node ?? []) {
    for (const a of node.attribute ?? []) {
      const gs = a.type === AttributeType.GRAPH || a.g ? (a.g ? [a.g] : []) : a.graphs ?? [];
      for (const g of gs) {
        out.push({ owner: node, attribute: a.name ?? '', graph: g, depth });
        out.push(...subgraphs(g, depth + 1));
      }
    }
  }
  return out;
}

/** Shape of a ValueInfo: numbers for fixed dims, strings for symbolic ones, undefined when unknown. */
export function valueInfoShape(v: ValueInfoProto): (number | string | undefined)[] | undefined {
  const shape = v.type?.tensor_type?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => {
    if (d.dim_param) return d.dim_param;
    if (Object.prototype.hasOwnProperty.call(d, 'dim_value') || d.dim_value) return Number(d.dim_value);
    return undefined;
  });
}

/** Element type of a ValueInfo (TensorProto.DataType), or undefined. */
export function valueInfoType(v: ValueInfoProto): number | undefined {
  return v.type?.tensor_type?.elem_type;
}

/** Graph inputs that are real inputs (not initializers listed as inputs, as old exports do). */
export function realInputs(graph: GraphProto): ValueInfoProto[] {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? []).filter((i) => !inits.has(i.name));
}

/** A readable name for a node: its name, else `op_type(first output)`. */
export function nodeLabel(node: NodeProto): string {
  return node.name || `${node.op_type ?? '?'}(${(node.output ?? [])[0] ?? ''})`;
}
