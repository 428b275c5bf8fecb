/**
 * The model graph of the Graph view as boxes and arrows, built from a
 * checkpoint's node list and its inspect counts (pure, no layout: the webview
 * lays the result out with ELK).
 *
 * By default only compute layers (Conv, ConvTranspose, Gemm, MatMul,
 * LSTM/GRU/RNN) and the graph's inputs and outputs are nodes; every other op
 * (elementwise, shape arithmetic, Constant) is collapsed into the edges that
 * pass through it, and each edge says how many ops it hides. With `allNodes`
 * every ONNX node is drawn. Nodes of the mask generator and the gate heads
 * (the contract's `overhead_nodes`) are marked as overhead; layers bound to a
 * gated unit carry the unit.
 */

/** Ops whose MACs the headline counts (docs/spec/counting.md). */
export const COMPUTE_OPS: ReadonlySet<string> = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'LSTM', 'GRU', 'RNN']);

/** One ONNX node: its name (unique in the graph), op and tensor names. */
export interface GraphSourceNode {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
}

/** Dense counts and shapes of one node (a row of the inspect report). */
export interface GraphSourceLayer {
  name: string;
  macs: number;
  inputShapes: number[][];
  outputShape: number[];
}

/** A gated unit of the contract. */
export interface GraphUnit {
  id: number;
  name: string;
  /** Filters (output channels) the unit gates. */
  channels: number;
}

/** What {@link buildGraph} reads: the graph's nodes in file order plus the inspect report's facts. */
export interface GraphSource {
  /** Checkpoint file name (title). */
  model: string;
  nodes: GraphSourceNode[];
  /** Real graph inputs (initializers excluded) and outputs. */
  inputs: string[];
  outputs: string[];
  layers: GraphSourceLayer[];
  /** Dense MACs of the whole graph (the shares' denominator). */
  denseMacs: number;
  units: GraphUnit[];
  /** Contract layers: node name and the unit that gates its output filters (null: not gated). */
  boundLayers: { node: string; outUnit: number | null }[];
  /** The contract's mask generator and gate-head nodes. */
  overheadNodes: string[];
}

/** What a drawn node is. */
export type GraphNodeKind = 'compute' | 'op' | 'input' | 'output';

/** One drawn node. */
export interface GraphNode {
  /** Node name (or tensor name for inputs/outputs), unique. */
  id: string;
  /** Short label: the last two path segments of the name, without the op's own segment. */
  label: string;
  op: string;
  kind: GraphNodeKind;
  macs: number;
  /** `macs` over the graph's dense MACs. */
  share: number;
  inputShapes: number[][];
  outputShape: number[] | null;
  /** Mask generator or gate head (counted as overhead). */
  overhead: boolean;
  /** The gated unit of the layer's output filters, if any. */
  unit: GraphUnit | null;
  /** Bound in the contract (mask-aware MACs are counted for it). */
  bound: boolean;
}

/** One drawn edge. */
export interface GraphEdge {
  from: string;
  to: string;
  /** Ops collapsed into this edge (0: a direct tensor). */
  hidden: number;
  /** The edge leaves an overhead node (it carries a mask or gate, not features). */
  mask: boolean;
}

/** The graph of the view. */
export interface GraphModel {
  model: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** ONNX nodes in the file, and how many the view does not draw. */
  totalNodes: number;
  hiddenNodes: number;
  denseMacs: number;
}

/** Options of {@link buildGraph}. */
export interface BuildGraphOptions {
  /** Draw every ONNX node instead of collapsing non-compute ops into edges. */
  allNodes?: boolean;
}

/** Short label of a node name such as `/m/backbone/enc0/conv/Conv` (`enc0/conv`). */
export function shortLabel(name: string, op: string): string {
  const parts = name.split('/').filter((p) => p.length > 0);
  const last = parts.at(-1) ?? name;
  if (parts.length > 1 && (last === op || last.startsWith(`${op}_`))) parts.pop();
  return parts.slice(-2).join('/') || name;
}

/** Builds the view's nodes and edges. */
export function buildGraph(source: GraphSource, opts: BuildGraphOptions = {}): GraphModel {
  const keep = (n: GraphSourceNode) => opts.allNodes === true || COMPUTE_OPS.has(n.op);
  const nodes = [...terminalNodes(source, 'input'), ...source.nodes.filter(keep).map((n) => drawnNode(source, n)), ...terminalNodes(source, 'output')];
  const drawn = new Set(nodes.map((n) => n.id));
  const overhead = new Set(source.overheadNodes);
  const edges = collapsedEdges(source, drawn).map((e) => ({ ...e, mask: overhead.has(e.from) }));
  return { model: source.model, nodes, edges, totalNodes: source.nodes.length, hiddenNodes: source.nodes.length - nodes.filter((n) => n.kind === 'compute' || n.kind === 'op').length, denseMacs: source.denseMacs };
}

function drawnNode(source: GraphSource, n: GraphSourceNode): GraphNode {
  const layer = layerIndex(source).get(n.name);
  const bound = boundIndex(source).get(n.name);
  const unit = bound === undefined || bound === null ? null : (source.units.find((u) => u.id === bound) ?? null);
  const macs = layer?.macs ?? 0;
  return {
    id: n.name,
    label: shortLabel(n.name, n.op),
    op: n.op,
    kind: COMPUTE_OPS.has(n.op) ? 'compute' : 'op',
    macs,
    share: source.denseMacs > 0 ? macs / source.denseMacs : 0,
    inputShapes: layer?.inputShapes ?? [],
    outputShape: layer?.outputShape ?? null,
    overhead: source.overheadNodes.includes(n.name),
    unit,
    bound: bound !== undefined,
  };
}

function terminalNodes(source: GraphSource, kind: 'input' | 'output'): GraphNode[] {
  return (kind === 'input' ? source.inputs : source.outputs).map((t) => ({
    id: `${kind}:${t}`,
    label: t,
    op: kind === 'input' ? 'Input' : 'Output',
    kind,
    macs: 0,
    share: 0,
    inputShapes: [],
    outputShape: null,
    overhead: false,
    unit: null,
    bound: false,
  }));
}

const layerCache = new WeakMap<GraphSource, Map<string, GraphSourceLayer>>();
function layerIndex(source: GraphSource): Map<string, GraphSourceLayer> {
  let m = layerCache.get(source);
  if (!m) layerCache.set(source, (m = new Map(source.layers.map((l) => [l.name, l]))));
  return m;
}

const boundCache = new WeakMap<GraphSource, Map<string, number | null>>();
function boundIndex(source: GraphSource): Map<string, number | null> {
  let m = boundCache.get(source);
  if (!m) boundCache.set(source, (m = new Map(source.boundLayers.map((l) => [l.node, l.outUnit]))));
  return m;
}

/**
 * Edges between drawn nodes: from each drawn node (and each graph input),
 * follow consumers through undrawn nodes until drawn ones (or graph outputs)
 * are reached; `hidden` is the fewest undrawn ops on such a path.
 */
function collapsedEdges(source: GraphSource, drawn: Set<string>): Omit<GraphEdge, 'mask'>[] {
  const consumers = new Map<string, GraphSourceNode[]>();
  for (const n of source.nodes) for (const t of n.inputs) if (t) (consumers.get(t) ?? consumers.set(t, []).get(t)!).push(n);
  const outputs = new Set(source.outputs);
  const edges: Omit<GraphEdge, 'mask'>[] = [];
  const starts: { id: string; tensors: string[] }[] = [
    ...source.inputs.map((t) => ({ id: `input:${t}`, tensors: [t] })),
    ...source.nodes.filter((n) => drawn.has(n.name)).map((n) => ({ id: n.name, tensors: n.outputs })),
  ];
  for (const start of starts) {
    for (const [to, hidden] of reachable(start.tensors, consumers, drawn, outputs)) edges.push({ from: start.id, to, hidden });
  }
  return edges;
}

/** Drawn nodes (and `output:` terminals) reached from tensors through undrawn nodes, with the fewest undrawn ops on the way (breadth-first). */
function reachable(tensors: string[], consumers: Map<string, GraphSourceNode[]>, drawn: Set<string>, outputs: Set<string>): Map<string, number> {
  const found = new Map<string, number>();
  const seen = new Set<string>();
  let frontier = tensors.map((t) => ({ tensor: t, hidden: 0 }));
  while (frontier.length > 0) {
    const next: { tensor: string; hidden: number }[] = [];
    for (const { tensor, hidden } of frontier) {
      if (seen.has(tensor)) continue;
      seen.add(tensor);
      if (outputs.has(tensor) && !found.has(`output:${tensor}`)) found.set(`output:${tensor}`, hidden);
      for (const c of consumers.get(tensor) ?? []) {
        if (drawn.has(c.name)) {
          if (!found.has(c.name)) found.set(c.name, hidden);
        } else {
          for (const t of c.outputs) if (t) next.push({ tensor: t, hidden: hidden + 1 });
        }
      }
    }
    frontier = next;
  }
  return found;
}

/**
 * The model without the edges that carry masks and gates into the backbone
 * (edges inside the mask generator and gate heads stay), and without the
 * outputs left with no incoming edge (the exported masks and scores).
 */
export function withoutMaskEdges(model: GraphModel): GraphModel {
  const overhead = new Set(model.nodes.filter((n) => n.overhead).map((n) => n.id));
  const edges = model.edges.filter((e) => !e.mask || overhead.has(e.to));
  const reached = new Set(edges.map((e) => e.to));
  return { ...model, edges, nodes: model.nodes.filter((n) => n.kind !== 'output' || reached.has(n.id)) };
}
