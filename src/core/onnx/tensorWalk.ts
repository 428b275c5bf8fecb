/** Where a model's tensors are: every stored TensorProto, and whether its payload is external. */
import type { GraphProto, TensorProto } from './proto';

/** DataLocation.EXTERNAL */
export const EXTERNAL = 1;

/** True when the tensor stores its payload in an external file. */
export function isExternal(tensor: TensorProto): boolean {
  return tensor.data_location === EXTERNAL;
}

/** Every TensorProto of a graph and its subgraphs that may carry data (initializers and tensor attributes). */
export function* allTensors(graph: GraphProto | undefined): Generator<TensorProto> {
  if (!graph) return;
  for (const t of graph.initializer ?? []) yield t;
  for (const node of graph.node ?? []) {
    for (const a of node.attribute ?? []) {
      if (a.t) yield a.t;
      for (const t of a.tensors ?? []) yield t;
      if (a.g) yield* allTensors(a.g);
      for (const g of a.graphs ?? []) yield* allTensors(g);
    }
  }
}
