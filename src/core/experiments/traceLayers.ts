/**
 * Maps onnxruntime's profiled nodes back to the layers of the FLOPs
 * breakdown. A node keeps its ONNX name unless the optimiser replaced it:
 * fused and NCHWc-transformed convs are named after a tensor (e.g.
 * `<LeakyRelu output>_nchwc` for Conv+LeakyRelu), so the name is resolved
 * to the tensor's producer and walked up its first inputs to the node of
 * the event's op type. Nodes that reach no compute layer go to "other ops"
 * under their op type. TensorRT layers (recorded with op {@link TRT_LAYER_OP})
 * are mapped by their fused names instead ({@link trtLayerTarget}).
 */
import type { GraphProto, NodeProto } from '../onnx/proto';

/** Where one runtime node's time goes: a compute layer, or other ops of an op type. */
export type NodeTarget = { layer: string } | { other: string };

/** The `op` of a recorded node that is a TensorRT layer (`trtexec --exportProfile`): mapped by {@link trtLayerTarget}. */
export const TRT_LAYER_OP = 'TensorRT layer';

/** Suffixes and prefixes onnxruntime adds to the names of the nodes it rewrites. */
const SUFFIXES = ['_nchwc', '_fused', '_token'];
const PREFIXES = ['fused '];

/** The ONNX op a fused contrib op stands for (`FusedConv` -> `Conv`, `FusedGemm` -> `Gemm`, `FusedMatMul` -> `MatMul`). */
function unfused(op: string): string {
  return op.startsWith('Fused') ? op.slice('Fused'.length) : op;
}

/** Name forms to try for a runtime node name, most literal first. */
function nameForms(name: string): string[] {
  const forms = [name];
  for (const s of SUFFIXES) {
    const i = name.lastIndexOf(s);
    if (i > 0) forms.push(name.slice(0, i));
  }
  for (const p of PREFIXES) if (name.startsWith(p)) forms.push(name.slice(p.length));
  return forms;
}

/** Resolves runtime node names to graph nodes and compute layers of one model. */
export class TraceLayerMap {
  private readonly byName = new Map<string, NodeProto>();
  private readonly producer = new Map<string, NodeProto>();
  private readonly cache = new Map<string, NodeTarget>();
  private readonly ops = new Map<string, string>();

  /** `computeLayers`: names of the graph's nodes that carry MACs. */
  constructor(graph: GraphProto, private readonly computeLayers: Set<string>) {
    for (const n of graph.node ?? []) {
      if (n.name) this.byName.set(n.name, n);
      if (n.name) this.ops.set(n.name, n.op_type ?? '');
      for (const o of n.output ?? []) if (o) this.producer.set(o, n);
    }
  }

  /** Where the time of a runtime node named `name` running op `op` goes. */
  target(name: string, op: string): NodeTarget {
    const key = `${op}\u0000${name}`;
    let t = this.cache.get(key);
    if (!t) {
      t = op === TRT_LAYER_OP ? trtLayerTarget(name, this.computeLayers, this.ops) : this.nodeTarget(name, op);
      this.cache.set(key, t);
    }
    return t;
  }

  private nodeTarget(name: string, op: string): NodeTarget {
    const node = this.resolve(name, op);
    return node?.name && this.computeLayers.has(node.name) ? { layer: node.name } : { other: op };
  }

  private resolve(name: string, op: string): NodeProto | null {
    for (const form of nameForms(name)) {
      const start = this.byName.get(form) ?? this.producer.get(form);
      const found = start && this.walkToOp(start, op);
      if (found) return found;
    }
    return null;
  }

  /** `start`, or the nearest node up its chain of first inputs whose op type is `op` (fusions absorb a few nodes). */
  private walkToOp(start: NodeProto, op: string): NodeProto | null {
    let n: NodeProto | undefined = start;
    for (let step = 0; n && step < 4; step++) {
      if (n.op_type === op || n.op_type === unfused(op)) return n;
      n = this.producer.get((n.input ?? [])[0] ?? '');
    }
    return null;
  }
}

/**
 * Where a TensorRT layer's time goes: TensorRT names a fused layer by its
 * ONNX nodes joined with ` + ` (pointwise groups as `PWN(a, b)`); the first
 * compute layer among them takes it. Reformat copies go to other ops as
 * `Reformat`; the rest under the op of their first known node (`ops`), else `TensorRT`.
 */
export function trtLayerTarget(name: string, computeLayers: Set<string>, ops: Map<string, string>): NodeTarget {
  if (/^Reformatting CopyNode\b/.test(name)) return { other: 'Reformat' };
  const tokens = name.split(/ \+ |PWN\(|[(),]\s*/).map((t) => t.trim()).filter((t) => t !== '');
  const layer = tokens.find((t) => computeLayers.has(t));
  if (layer) return { layer };
  const known = tokens.find((t) => ops.has(t));
  return { other: known ? ops.get(known)! : 'TensorRT' };
}
