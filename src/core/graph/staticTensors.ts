/**
 * Tensors of a graph whose values depend only on the batch size, never on the
 * values of the input: initializers, Constant outputs, Shape/Size outputs (the
 * shape of any activation follows from the input's shape), and every output of
 * a deterministic node all of whose inputs are such tensors. Constant masks
 * folded by `materializeConstantMasks` (`Expand(row, [N, ...])`) and whatever
 * is derived from them (MaxPool/Pad/Resize/Slice at other resolutions) are
 * static in this sense.
 */
import type { GraphProto } from '../onnx/proto';

/** Ops whose outputs are static whatever their inputs (they read shapes only). */
const SHAPE_OPS = new Set(['Shape', 'Size']);

/** Ops that are never static: their outputs change between runs. */
function isNondeterministic(op: string): boolean {
  return op.startsWith('Random') || op === 'Multinomial' || op === 'Bernoulli';
}

/** The static tensors of one graph level (names), in the sense of this file. */
export function staticTensors(graph: GraphProto): Set<string> {
  const known = new Set<string>((graph.initializer ?? []).map((t) => t.name ?? ''));
  for (const node of graph.node ?? []) {
    const op = node.op_type ?? '';
    if (isNondeterministic(op) || (node.attribute ?? []).some((a) => a.g || (a.graphs ?? []).length > 0)) continue;
    const inputs = (node.input ?? []).filter((i) => i !== '');
    if (op === 'Constant' || SHAPE_OPS.has(op) || inputs.every((i) => known.has(i))) {
      for (const o of node.output ?? []) if (o) known.add(o);
    }
  }
  return known;
}
