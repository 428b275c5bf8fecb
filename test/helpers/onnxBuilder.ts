/**
 * A tiny ONNX model builder for tests: graph inputs/outputs, initializers
 * (stored as raw_data), nodes with typed attributes, metadata; encodes with the
 * project's codec (encodeModelProto) and can hand back a LoadedModel by a real
 * encode/decode round trip.
 *
 *   const b = new OnnxBuilder({ opset: 13 });
 *   b.input('x', [1, 3, 8, 8]);
 *   b.initializer('w', [4, 3, 3, 3], randomWeights(108));
 *   b.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] });
 *   b.output('y');
 *   const model = b.toLoadedModel();
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AttributeType, DataType, encodeModelProto,
  type AttributeProto, type GraphProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto,
} from '../../src/core/onnx/proto';
import { decodeModel, type LoadedModel } from '../../src/core/onnx/reader';

/** A float attribute (plain numbers are ints). */
export const float = (f: number) => ({ float: f });
/** A floats attribute. */
export const floats = (fs: number[]) => ({ floats: fs });
/** A graph attribute (If/Loop bodies). */
export const graphAttr = (g: GraphProto) => ({ graph: g });

/** Attribute values: int, ints, string, float(), floats(), a TensorProto, graphAttr(). */
export type AttrValue = number | number[] | string | { float: number } | { floats: number[] } | { graph: GraphProto } | TensorProto;

/** Encodes values of `dtype` as little-endian raw bytes. */
export function rawBytes(values: ArrayLike<number>, dtype: number): Uint8Array {
  const n = values.length;
  switch (dtype) {
    case DataType.FLOAT: return new Uint8Array(Float32Array.from(values).buffer);
    case DataType.DOUBLE: return new Uint8Array(Float64Array.from(values).buffer);
    case DataType.INT64: return new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v)))).buffer);
    case DataType.INT32: return new Uint8Array(Int32Array.from(values).buffer);
    case DataType.BOOL: case DataType.UINT8: return Uint8Array.from(values);
    case DataType.INT8: return new Uint8Array(Int8Array.from(values).buffer);
    default: throw new Error(`rawBytes: unsupported dtype ${dtype} (${n} values)`);
  }
}

/** A TensorProto holding `values` as raw_data. */
export function tensor(name: string, dims: number[], values: ArrayLike<number>, dtype: number = DataType.FLOAT): TensorProto {
  const n = dims.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new Error(`tensor ${name}: ${values.length} values for dims [${dims}] (${n})`);
  return { name, dims, data_type: dtype, raw_data: rawBytes(values, dtype) };
}

/** Deterministic pseudo-random values in [-1, 1) (LCG), for weights. */
export function seededValues(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function toAttribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'number') return { name, type: AttributeType.INT, i: v };
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: v };
  if ('float' in v) return { name, type: AttributeType.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: AttributeType.FLOATS, floats: v.floats };
  if ('graph' in v) return { name, type: AttributeType.GRAPH, g: v.graph };
  return { name, type: AttributeType.TENSOR, t: v as TensorProto };
}

function valueInfo(name: string, shape?: (number | string)[], dtype: number = DataType.FLOAT): ValueInfoProto {
  const vi: ValueInfoProto = { name, type: { tensor_type: { elem_type: dtype } } };
  if (shape) vi.type!.tensor_type!.shape = { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) };
  return vi;
}

/** Builds one ONNX graph / model. */
export class OnnxBuilder {
  readonly graph: Required<Pick<GraphProto, 'node' | 'input' | 'output' | 'initializer' | 'value_info'>> & { name: string } = {
    name: 'test', node: [], input: [], output: [], initializer: [], value_info: [],
  };
  private readonly metadata: { key: string; value: string }[] = [];
  private counter = 0;

  constructor(readonly opts: { opset?: number; irVersion?: number; producer?: string } = {}) {}

  /** Adds a graph input; string dims are symbolic. */
  input(name: string, shape: (number | string)[], dtype: number = DataType.FLOAT): this {
    this.graph.input.push(valueInfo(name, shape, dtype));
    return this;
  }

  /** Adds a graph output (shape optional: most exports leave it to inference). */
  output(name: string, shape?: (number | string)[], dtype: number = DataType.FLOAT): this {
    this.graph.output.push(valueInfo(name, shape, dtype));
    return this;
  }

  /** Adds an initializer stored as raw_data. */
  initializer(name: string, dims: number[], values?: ArrayLike<number>, dtype: number = DataType.FLOAT): this {
    const n = dims.reduce((a, b) => a * b, 1);
    this.graph.initializer.push(tensor(name, dims, values ?? seededValues(n, this.graph.initializer.length + 1), dtype));
    return this;
  }

  /** Adds an int64 initializer (shapes, axes, pads). */
  ints(name: string, values: number[], dims: number[] = [values.length]): this {
    return this.initializer(name, dims, values, DataType.INT64);
  }

  /** Adds a node; returns its (first) output name. */
  node(op: string, inputs: string[], outputs: string[] | number = 1, attrs: Record<string, AttrValue> = {}, name?: string): string[] {
    const id = this.counter++;
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, i) => `${op.toLowerCase()}_${id}_out${i}`) : outputs;
    const node: NodeProto = {
      name: name ?? `/${op}_${id}`,
      op_type: op,
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    };
    this.graph.node.push(node);
    return outs;
  }

  /** Sets a metadata_props entry. */
  meta(key: string, value: string): this {
    this.metadata.push({ key, value });
    return this;
  }

  /** The ModelProto. */
  build(): ModelProto {
    return {
      ir_version: this.opts.irVersion ?? 8,
      producer_name: this.opts.producer ?? 'onnxBuilder',
      producer_version: '1',
      opset_import: [{ domain: '', version: this.opts.opset ?? 13 }],
      graph: this.graph,
      metadata_props: this.metadata,
    };
  }

  /** Encoded model bytes. */
  encode(): Uint8Array {
    return encodeModelProto(this.build());
  }

  /** Writes the model to `file` (or a new temp file) and returns the path. */
  save(file?: string): string {
    const target = file ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'onnxb-')), 'model.onnx');
    writeFileSync(target, this.encode());
    return target;
  }

  /** A LoadedModel from an encode/decode round trip (no file written). */
  toLoadedModel(file = 'built.onnx'): LoadedModel {
    const bytes = this.encode();
    return { file, dir: os.tmpdir(), proto: decodeModel(file, bytes), bytes, sizeBytes: bytes.length };
  }
}
