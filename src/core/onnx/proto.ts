/**
 * ONNX protobuf codec: decodes and encodes `onnx.ModelProto` with protobufjs.
 *
 * Decoding keeps `bytes` fields (`raw_data`) as views into the file buffer, so a
 * 100 MB model is not copied. 64-bit integers decode as JS numbers (ONNX dims
 * and attribute ints fit in 2^53).
 */
import * as protobuf from 'protobufjs/light';
import schema from './onnxSchema.json';

// int64 as plain numbers: without Long, protobufjs reads int64 into numbers.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

const root = protobuf.Root.fromJSON(schema as protobuf.INamespace);
const ModelType = root.lookupType('onnx.ModelProto');
const TensorType = root.lookupType('onnx.TensorProto');

/** TensorProto.DataType values. */
export enum DataType {
  UNDEFINED = 0, FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7,
  STRING = 8, BOOL = 9, FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13,
  COMPLEX64 = 14, COMPLEX128 = 15, BFLOAT16 = 16,
}

/** AttributeProto.AttributeType values. */
export enum AttributeType {
  UNDEFINED = 0, FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, SPARSE_TENSOR = 11,
  TYPE_PROTO = 13, FLOATS = 6, INTS = 7, STRINGS = 8, TENSORS = 9, GRAPHS = 10, SPARSE_TENSORS = 12,
  TYPE_PROTOS = 14,
}

export interface StringStringEntryProto { key?: string; value?: string }

export interface TensorProto {
  dims?: number[];
  data_type?: number;
  name?: string;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  uint64_data?: number[];
  string_data?: Uint8Array[];
  /** DEFAULT = 0, EXTERNAL = 1 */
  data_location?: number;
  external_data?: StringStringEntryProto[];
  doc_string?: string;
}

export interface DimensionProto { dim_value?: number; dim_param?: string; denotation?: string }
export interface TensorShapeProto { dim?: DimensionProto[] }
export interface TypeProto {
  tensor_type?: { elem_type?: number; shape?: TensorShapeProto };
  sequence_type?: { elem_type?: TypeProto };
  map_type?: { key_type?: number; value_type?: TypeProto };
  optional_type?: { elem_type?: TypeProto };
  sparse_tensor_type?: { elem_type?: number; shape?: TensorShapeProto };
}
export interface ValueInfoProto { name?: string; type?: TypeProto; doc_string?: string }

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
  ref_attr_name?: string;
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeProto[];
  doc_string?: string;
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  doc_string?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface OperatorSetIdProto { domain?: string; version?: number }

export interface FunctionProto {
  name?: string;
  input?: string[];
  output?: string[];
  node?: NodeProto[];
  opset_import?: OperatorSetIdProto[];
  domain?: string;
}

export interface ModelProto {
  ir_version?: number;
  opset_import?: OperatorSetIdProto[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: number;
  doc_string?: string;
  graph?: GraphProto;
  metadata_props?: StringStringEntryProto[];
  functions?: FunctionProto[];
}

/**
 * Decodes a ModelProto. Throws protobufjs' error on malformed bytes; callers
 * wrap it with the file name (see reader.ts).
 */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  return ModelType.decode(bytes) as unknown as ModelProto;
}

/** Encodes a ModelProto (for graph surgery: mask injection, added outputs). */
export function encodeModelProto(model: ModelProto): Uint8Array {
  return ModelType.encode(model as Record<string, unknown>).finish();
}

/** Encodes one TensorProto (used by tests and writers of small constants). */
export function encodeTensorProto(tensor: TensorProto): Uint8Array {
  return TensorType.encode(tensor as Record<string, unknown>).finish();
}
