/**
 * Checks of every stored tensor (initializers and tensor attributes, subgraphs
 * included) made right after decoding, before any payload is read: dims are
 * non-negative integers, the element count is a safe integer, and the stored
 * payload (raw_data or the typed field) holds exactly the declared number of
 * elements. External payloads are checked against their files in externalData.ts.
 */
import { allTensors, isExternal } from './tensorWalk';
import { ModelFileError } from './modelFileError';
import { DataType, type ModelProto, type TensorProto } from './proto';

/** Bytes per element for fixed-size types; 0 for STRING, UNDEFINED and sub-byte or unknown types. */
export function dataTypeSize(type: number): number {
  switch (type) {
    case DataType.FLOAT: case DataType.INT32: case DataType.UINT32: return 4;
    case DataType.DOUBLE: case DataType.INT64: case DataType.UINT64: case DataType.COMPLEX64: return 8;
    case DataType.FLOAT16: case DataType.BFLOAT16: case DataType.INT16: case DataType.UINT16: return 2;
    case DataType.INT8: case DataType.UINT8: case DataType.BOOL: return 1;
    case DataType.COMPLEX128: return 16;
    default: return 0;
  }
}

/** "tensor 'w' dims [3,-5]" (for messages). */
export function tensorLabel(t: TensorProto): string {
  return `tensor '${t.name ?? ''}' dims [${(t.dims ?? []).map(Number).join(',')}]`;
}

/** Element count of checked dims; throws when a dim is not a non-negative integer or the count is not a safe integer. */
export function checkedElementCount(file: string, t: TensorProto): number {
  let n = 1;
  for (const raw of t.dims ?? []) {
    const d = Number(raw);
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ModelFileError(file, `${tensorLabel(t)}: expected non-negative integer dims, found ${String(raw)}`);
    }
    n *= d;
  }
  if (!Number.isSafeInteger(n)) {
    throw new ModelFileError(file, `${tensorLabel(t)}: ${n} elements, expected at most 2^53 (Number.MAX_SAFE_INTEGER)`);
  }
  return n;
}

/** The typed field holding a tensor's values when it has no raw_data, and how many entries one element takes. */
function typedPayload(t: TensorProto): { field: string; length: number; perElement: number } {
  switch (t.data_type) {
    case DataType.FLOAT: return { field: 'float_data', length: t.float_data?.length ?? 0, perElement: 1 };
    case DataType.COMPLEX64: return { field: 'float_data', length: t.float_data?.length ?? 0, perElement: 2 };
    case DataType.DOUBLE: return { field: 'double_data', length: t.double_data?.length ?? 0, perElement: 1 };
    case DataType.COMPLEX128: return { field: 'double_data', length: t.double_data?.length ?? 0, perElement: 2 };
    case DataType.INT64: return { field: 'int64_data', length: t.int64_data?.length ?? 0, perElement: 1 };
    case DataType.UINT32: case DataType.UINT64: return { field: 'uint64_data', length: t.uint64_data?.length ?? 0, perElement: 1 };
    case DataType.STRING: return { field: 'string_data', length: t.string_data?.length ?? 0, perElement: 1 };
    default: return { field: 'int32_data', length: t.int32_data?.length ?? 0, perElement: 1 };
  }
}

/** Total entries across every typed field (to tell "no data" from "data in another field"). */
function anyTypedEntries(t: TensorProto): number {
  return (t.float_data?.length ?? 0) + (t.double_data?.length ?? 0) + (t.int32_data?.length ?? 0) +
    (t.int64_data?.length ?? 0) + (t.uint64_data?.length ?? 0) + (t.string_data?.length ?? 0);
}

/** Checks one embedded tensor's payload size against its dims and type. */
export function checkTensorPayload(file: string, t: TensorProto): void {
  const n = checkedElementCount(file, t);
  if (isExternal(t)) return;
  const type = t.data_type ?? DataType.UNDEFINED;
  const raw = t.raw_data?.length ?? 0;
  if (raw > 0) {
    const size = dataTypeSize(type);
    if (size > 0 && raw !== n * size) {
      throw new ModelFileError(file, `${tensorLabel(t)}: raw_data holds ${raw} bytes, expected ${n * size} (${n} elements of ${size} bytes)`);
    }
    return;
  }
  const typed = typedPayload(t);
  if (typed.length > 0 && typed.length !== n * typed.perElement) {
    throw new ModelFileError(file, `${tensorLabel(t)}: ${typed.field} holds ${typed.length} values, expected ${n * typed.perElement}`);
  }
  if (typed.length === 0 && n > 0 && anyTypedEntries(t) > 0) {
    throw new ModelFileError(file, `${tensorLabel(t)}: data type ${type} expects its values in ${typed.field}, found them in another field`);
  }
}

/** Checks every tensor stored in the model (see the file comment). Throws ModelFileError naming the file and tensor. */
export function checkTensors(file: string, proto: ModelProto): void {
  for (const t of allTensors(proto.graph)) checkTensorPayload(file, t);
}
