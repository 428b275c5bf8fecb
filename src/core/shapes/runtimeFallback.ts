/**
 * Runtime shape fallback: one onnxruntime-node run on zero inputs with the
 * unresolved intermediate tensors added as graph outputs. Used only where static
 * inference cannot determine a shape (data-dependent ops, subgraph ops).
 *
 * `shapeRunRequest` prepares the run (patched model bytes, zero-input specs);
 * `runOnZeros` performs it. Untrusted models run them in a budgeted child
 * process (budgetedRun.ts); `runtimeShapes` runs in this process, for models
 * the caller trusts (tests of the shape rules).
 */
import type { LoadedModel } from '../onnx/reader';
import { allTensors, isExternal } from '../onnx/externalData';
import { realInputs, tensorRawBytes, valueInfoType } from '../onnx/graph';
import { DataType, encodeModelProto, type ModelProto, type TensorProto } from '../onnx/proto';

const ortTypes: Partial<Record<number, string>> = {
  [DataType.FLOAT]: 'float32', [DataType.DOUBLE]: 'float64', [DataType.INT64]: 'int64', [DataType.INT32]: 'int32',
  [DataType.INT8]: 'int8', [DataType.UINT8]: 'uint8', [DataType.BOOL]: 'bool', [DataType.FLOAT16]: 'float16',
  [DataType.INT16]: 'int16', [DataType.UINT16]: 'uint16',
};

/** One zero-filled graph input of the run. */
export interface ZeroInput {
  name: string;
  /** onnxruntime tensor type ('float32', 'int64', ...). */
  type: string;
  shape: number[];
}

/** Everything one shape run needs (plain data: it crosses a process boundary). */
export interface ShapeRunRequest {
  /** The model with the wanted tensors added as graph outputs and external data inlined. */
  model: Uint8Array;
  inputs: ZeroInput[];
  /** Tensors whose shapes are wanted. */
  tensors: string[];
}

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

/** Builds the run: the model re-encoded with `tensors` as extra outputs, and zero inputs of `inputShapes`. */
export function shapeRunRequest(model: LoadedModel, inputShapes: Map<string, number[]>, tensors: string[]): ShapeRunRequest {
  const base = inlineExternal(model);
  const graph = base.graph ?? {};
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  const extra = tensors.filter((t) => !existing.has(t)).map((name) => ({ name }));
  const patched: ModelProto = { ...base, graph: { ...graph, output: [...(graph.output ?? []), ...extra] } };
  const inputs = realInputs(graph).map((input): ZeroInput => {
    const name = input.name ?? '';
    const shape = inputShapes.get(name);
    if (!shape) throw new Error(`input '${name}' has no known shape; pass --input-shape ${name}=...`);
    return { name, type: ortTypes[valueInfoType(input) ?? DataType.FLOAT] ?? 'float32', shape };
  });
  return { model: encodeModelProto(patched), inputs, tensors };
}

/** A zero-filled typed array of `n` elements for an onnxruntime tensor type. */
function zeros(type: string, n: number): ArrayBufferView {
  switch (type) {
    case 'int64': return new BigInt64Array(n);
    case 'bool': case 'uint8': return new Uint8Array(n);
    case 'float64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
    case 'float16': case 'uint16': return new Uint16Array(n);
    case 'int16': return new Int16Array(n);
    case 'int8': return new Int8Array(n);
    default: return new Float32Array(n);
  }
}

/** Runs the request's model once on zero inputs; returns the shapes of the wanted tensors the run produced. */
export async function runOnZeros(req: ShapeRunRequest, signal?: AbortSignal): Promise<Map<string, number[]>> {
  const ort = await import('onnxruntime-node');
  signal?.throwIfAborted();
  const session = await ort.InferenceSession.create(req.model, {
    graphOptimizationLevel: 'disabled', logSeverityLevel: 3, intraOpNumThreads: 1, interOpNumThreads: 1,
    enableCpuMemArena: false, enableMemPattern: false,
  });
  try {
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const input of req.inputs) {
      const n = input.shape.reduce((a, b) => a * b, 1);
      feeds[input.name] = new ort.Tensor(input.type as 'float32', zeros(input.type, n) as Float32Array, input.shape);
    }
    signal?.throwIfAborted();
    const wanted = req.tensors.filter((t) => session.outputNames.includes(t));
    const result = await session.run(feeds, wanted);
    const out = new Map<string, number[]>();
    for (const name of wanted) if (result[name]) out.set(name, [...result[name].dims].map(Number));
    return out;
  } finally {
    await session.release();
  }
}

/**
 * Runs the model once, in this process and without limits, on zero inputs of
 * `inputShapes`; returns the shapes of `tensors`. Only for trusted models: an
 * untrusted one goes through budgetedRuntimeShapes (budgetedRun.ts).
 */
export async function runtimeShapes(
  model: LoadedModel,
  inputShapes: Map<string, number[]>,
  tensors: string[],
  signal?: AbortSignal,
): Promise<Map<string, number[]>> {
  return runOnZeros(shapeRunRequest(model, inputShapes, tensors), signal);
}
