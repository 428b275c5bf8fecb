/**
 * Records the static shape of every tensor of a model in its value_info (and
 * its outputs' declared shapes), from the project's own shape inference
 * (src/core/shapes). For graphs whose shapes are all known before they run
 * (the TopK form of the sparse export): consumers that do not fold PyTorch's
 * Shape -> Gather -> Concat subgraphs themselves (onnx's own inference, a
 * TensorRT parser) then see concrete dims everywhere.
 */
import { inferStatic, resolveInputShapes } from '../shapes/infer';
import type { ModelProto, ValueInfoProto } from '../onnx/proto';

/** `model` with concrete value_info for every node output; throws naming the tensors whose shape is not static. */
export function withStaticValueInfo(model: ModelProto, file: string): ModelProto {
  const loaded = { file, dir: '.', proto: model, bytes: new Uint8Array(0), sizeBytes: 0 };
  const table = inferStatic(loaded, resolveInputShapes(loaded));
  if (table.unresolved.length) throw new Error(`${file}: ${table.unresolved.length} tensors have no static shape (first '${table.unresolved[0]}')`);
  const info = (name: string, elem?: number): ValueInfoProto => ({
    name,
    type: { tensor_type: { elem_type: table.dtypes?.get(name) ?? elem, shape: { dim: table.shapes.get(name)!.map((d) => ({ dim_value: d })) } } },
  });
  const graph = model.graph ?? {};
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const produced = (graph.node ?? []).flatMap((n) => n.output ?? []).filter((o) => o !== '' && !outputs.has(o) && table.shapes.has(o));
  const output = (graph.output ?? []).map((o) => (table.shapes.has(o.name ?? '') ? info(o.name ?? '', o.type?.tensor_type?.elem_type) : o));
  return { ...model, graph: { ...graph, output, value_info: produced.map((o) => info(o)) } };
}
