/**
 * Graph surgery on a decoded ONNX model (no copies of tensor payloads):
 * cutting the graph at mask tensors so they become inputs we feed, adding
 * intermediate tensors as outputs, keeping only some outputs, and removing
 * whatever no output needs any more.
 */
import { DataType, type GraphProto, type ModelProto, type NodeProto, type ValueInfoProto } from '../onnx/proto';

/** A shallow copy of the model with its own graph arrays (nodes and tensors are shared, never mutated). */
function cloneModel(model: ModelProto): ModelProto & { graph: Required<Pick<GraphProto, 'node' | 'input' | 'output' | 'initializer' | 'value_info'>> & GraphProto } {
  const g = model.graph ?? {};
  return {
    ...model,
    graph: {
      ...g,
      node: [...(g.node ?? [])],
      input: [...(g.input ?? [])],
      output: [...(g.output ?? [])],
      initializer: [...(g.initializer ?? [])],
      value_info: [...(g.value_info ?? [])],
    },
  };
}

/** Type info of a tensor from outputs / value_info / inputs; float32 without shape when unknown. */
function valueInfoOf(graph: GraphProto, name: string): ValueInfoProto {
  const found = [...(graph.output ?? []), ...(graph.value_info ?? []), ...(graph.input ?? [])].find((v) => v.name === name);
  return found ? { ...found } : { name, type: { tensor_type: { elem_type: DataType.FLOAT } } };
}

/** Every tensor name read by a node, including outer-scope names read inside its subgraphs. */
function nodeReads(node: NodeProto): string[] {
  const names = [...(node.input ?? [])];
  for (const a of node.attribute ?? []) {
    for (const g of [a.g, ...(a.graphs ?? [])]) {
      if (!g) continue;
      for (const n of g.node ?? []) names.push(...nodeReads(n));
    }
  }
  return names.filter((n) => n !== '');
}

/**
 * Removes nodes none of whose outputs is needed by a graph output, then
 * initializers and inputs nothing reads (graph input `keepInputs` stay).
 */
export function pruneDeadNodes(model: ModelProto, keepInputs: string[] = []): ModelProto {
  const m = cloneModel(model);
  const needed = new Set(m.graph.output.map((o) => o.name ?? ''));
  const kept: NodeProto[] = [];
  for (let i = m.graph.node.length - 1; i >= 0; i--) {
    const node = m.graph.node[i];
    if ((node.output ?? []).some((o) => needed.has(o))) {
      kept.push(node);
      for (const name of nodeReads(node)) needed.add(name);
    }
  }
  m.graph.node = kept.reverse();
  m.graph.initializer = m.graph.initializer.filter((t) => needed.has(t.name ?? ''));
  const inits = new Set(m.graph.initializer.map((t) => t.name ?? ''));
  m.graph.input = m.graph.input.filter((v) => needed.has(v.name ?? '') || keepInputs.includes(v.name ?? '') || inits.has(v.name ?? ''));
  const present = new Set([...m.graph.node.flatMap((n) => n.output ?? []), ...m.graph.input.map((v) => v.name ?? '')]);
  m.graph.value_info = m.graph.value_info.filter((v) => present.has(v.name ?? ''));
  return m;
}

/**
 * Cuts the graph at `tensors`: their producer nodes are removed, the tensors
 * become graph inputs (same type and shape as before) and stop being outputs,
 * and everything that only served the removed producers is pruned. Throws when
 * a name is not produced by a node of the graph.
 */
export function cutAtTensors(model: ModelProto, tensors: string[]): ModelProto {
  const m = cloneModel(model);
  const cut = new Set(tensors);
  for (const name of tensors) {
    if (!m.graph.node.some((n) => (n.output ?? []).includes(name))) {
      throw new Error(`graph surgery: tensor '${name}' is not produced by any node of the graph`);
    }
  }
  const infos = tensors.map((t) => valueInfoOf(m.graph, t));
  m.graph.node = m.graph.node.filter((n) => !(n.output ?? []).some((o) => cut.has(o)));
  m.graph.output = m.graph.output.filter((o) => !cut.has(o.name ?? ''));
  m.graph.input.push(...infos);
  return pruneDeadNodes(m, tensors.concat(m.graph.input.map((v) => v.name ?? '')));
}

/** Adds intermediate tensors as graph outputs (float32 unless their type is known). */
export function addOutputs(model: ModelProto, tensors: string[]): ModelProto {
  const m = cloneModel(model);
  const existing = new Set(m.graph.output.map((o) => o.name ?? ''));
  for (const t of tensors) {
    if (existing.has(t)) continue;
    const info = valueInfoOf(m.graph, t);
    m.graph.output.push(info);
  }
  return m;
}

/** Keeps only the named outputs (in that order) and prunes what they do not need. */
export function keepOutputs(model: ModelProto, outputs: string[]): ModelProto {
  const m = cloneModel(model);
  const byName = new Map(m.graph.output.map((o) => [o.name ?? '', o]));
  m.graph.output = outputs.map((name) => {
    const o = byName.get(name);
    if (!o) throw new Error(`graph surgery: '${name}' is not an output of the graph (outputs: ${[...byName.keys()].join(', ')})`);
    return o;
  });
  return pruneDeadNodes(m, m.graph.input.map((v) => v.name ?? ''));
}
