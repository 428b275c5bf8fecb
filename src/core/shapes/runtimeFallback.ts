/**
 * Runtime shape fallback: one onnxruntime-node run on zero inputs with the
 * unresolved intermediate tensors added as graph outputs. Used only where static
 * inference cannot determine a shape (data-dependent ops, subgraph ops).
 */
import type { LoadedModel } from '../onnx/reader';
import { isExternal } from '../onnx/externalData';
import { allTensors } from '../onnx/externalData';
import { realInputs, tensorRawBytes, valueInfoType } from '../onnx/graph';
import { DataType, encodeModelProto, type ModelProto, type TensorProto } from '../onnx/proto';

const ortTypes: Partial<Record<number, string>> = {
  [DataType.FLOAT]: 'float32', [DataType.DOUBLE]: 'float64', [DataType.INT64]: 'int64', [DataType.INT32]: 'int32',
  [DataType.INT8]: 'int8', [DataType.UINT8]: 'uint8', [DataType.BOOL]: 'bool', [DataType.FLOAT16]: 'float16',
  [DataType.INT16]: 'int16', [DataType.UINT16]: 'uint16',
};

/**
 * Inlines external tensors as raw_data views (onnxruntime gets bytes, not a
 * path). This edits `model.proto` in place; the model stays equivalent.
 */
function inlineExternal(model: LoadedModel): ModelProto {
  if (!model.external) return model.proto;
  for (const t of allTensors(model.proto.graph)) {
    if (!isExternal(t)) continue;
    const bytes = tensorRawBytes(t, model)!;
    (t as TensorProto).raw_data = bytes;
    t.data_location = 0;
    t.external_data = [];
  }
  return model.proto;
}

/**
 * Runs the model once on zero inputs of `inputShapes` and returns the shapes of
 * `tensors` (those the run produced). The model proto is re-encoded with the
 * extra outputs (the LoadedModel's own graph outputs are not changed).
 */
export async function runtimeShapes(
  model: LoadedModel,
  inputShapes: Map<string, number[]>,
  tensors: string[],
  signal?: AbortSignal,
): Promise<Map<string, number[]>> {
  const ort = await import('onnxruntime-node');
  signal?.throwIfAborted();
  const base = inlineExternal(model);
  const graph = base.graph ?? {};
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  const extra = tensors.filter((t) => !existing.has(t)).map((name) => ({ name }));
  const patched: ModelProto = { ...base, graph: { ...graph, output: [...(graph.output ?? []), ...extra] } };
  const bytes = encodeModelProto(patched);
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
  try {
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const input of realInputs(graph)) {
      const name = input.name ?? '';
      const shape = inputShapes.get(name);
      if (!shape) throw new Error(`input '${name}' has no known shape; pass --input-shape ${name}=...`);
      const type = ortTypes[valueInfoType(input) ?? DataType.FLOAT] ?? 'float32';
      const n = shape.reduce((a, b) => a * b, 1);
      const data = type === 'int64' ? new BigInt64Array(n) : type === 'bool' ? new Uint8Array(n)
        : type === 'float64' ? new Float64Array(n) : type === 'int32' ? new Int32Array(n)
        : type === 'float16' ? new Uint16Array(n) : type === 'int8' ? new Int8Array(n)
        : type === 'uint8' ? new Uint8Array(n) : new Float32Array(n);
      feeds[name] = new ort.Tensor(type as 'float32', data as Float32Array, shape);
    }
    signal?.throwIfAborted();
    const wanted = tensors.filter((t) => session.outputNames.includes(t));
    const result = await session.run(feeds, wanted);
    const out = new Map<string, number[]>();
    for (const name of wanted) if (result[name]) out.set(name, [...result[name].dims].map(Number));
    return out;
  } finally {
    await session.release();
  }
}
