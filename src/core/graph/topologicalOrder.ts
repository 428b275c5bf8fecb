/**
 * Orders nodes so every node comes after the producers of its inputs (ONNX
 * requires it), keeping the given order wherever it already holds. Names in
 * `available` (graph inputs, initializers) need no producer; a node reading a
 * name nothing produces, or a cycle, is an error naming the node.
 */
import type { NodeProto } from '../onnx/proto';

/** Reads of a node, including outer-scope names read inside its subgraphs. */
function reads(node: NodeProto): string[] {
  const names = [...(node.input ?? [])];
  for (const a of node.attribute ?? []) {
    for (const g of [a.g, ...(a.graphs ?? [])]) {
      if (!g) continue;
      const inner = new Set([...(g.node ?? []).flatMap((n) => n.output ?? []), ...(g.input ?? []).map((v) => v.name ?? ''), ...(g.initializer ?? []).map((t) => t.name ?? '')]);
      for (const n of g.node ?? []) names.push(...reads(n).filter((r) => !inner.has(r)));
    }
  }
  return names.filter((n) => n !== '');
}

/** `nodes` in a topological order (stable: a node moves only behind the producers it waits for). */
export function topologicalOrder(nodes: NodeProto[], available: Iterable<string>): NodeProto[] {
  const ready = new Set(available);
  const producedBy = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) if (o) producedBy.set(o, n);
  const out: NodeProto[] = [];
  const state = new Map<NodeProto, 'visiting' | 'done'>();
  const visit = (n: NodeProto): void => {
    const s = state.get(n);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`graph order: a cycle through '${n.name}'`);
    state.set(n, 'visiting');
    for (const r of reads(n)) {
      if (ready.has(r)) continue;
      const p = producedBy.get(r);
      if (!p) throw new Error(`graph order: '${n.name}' reads '${r}', which no node produces`);
      visit(p);
    }
    state.set(n, 'done');
    for (const o of n.output ?? []) if (o) ready.add(o);
    out.push(n);
  };
  for (const n of nodes) visit(n);
  return out;
}
