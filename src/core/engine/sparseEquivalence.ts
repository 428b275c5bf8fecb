/**
 * Checks the contract's sparse-equivalence on the real graph: for every bound
 * layer, follows its output forward through elementwise nodes until the Mul
 * nodes that apply its masks (tensors derived from dp_data_mask /
 * dp_gate_mask_<i>), and reports the masked tensor, and any node outside that
 * chain (other than overhead nodes) that reads an unmasked intermediate.
 */
import type { DynaPrunerContract } from '../contract/contract';
import type { GraphProto, NodeProto } from '../onnx/proto';
import { DATA_MASK } from './checkpoint';

/** Ops that keep positions and channels aligned (elementwise or channel slicing). */
const POSITIONWISE = new Set([
  'Relu', 'LeakyRelu', 'Gelu', 'Sigmoid', 'Tanh', 'Erf', 'Div', 'Add', 'Mul', 'Sub', 'Pow', 'Sqrt', 'Identity', 'Cast',
  'HardSigmoid', 'HardSwish', 'Clip', 'Elu', 'Selu', 'Softplus', 'PRelu', 'Neg', 'Abs', 'Exp', 'Log', 'Split', 'Slice',
]);

/** Result for one bound layer. */
export interface MaskedChain {
  node: string;
  /** The conv-like node's output. */
  convOutput: string;
  /** First tensor downstream where every bound mask has been applied (null if never). */
  maskedOutput: string | null;
  /** Nodes between the conv and the masked output. */
  chain: string[];
  /** Non-overhead nodes outside the chain that read an unmasked intermediate (should be empty). */
  leaks: string[];
  /** Unit whose gate masks it (null: none). */
  outUnit: number | null;
  spatial: boolean;
}

/** Tensors derived only from `sources` and constants (e.g. every spatial mask computed from dp_data_mask). */
export function derivedFrom(graph: GraphProto, sources: string[]): Set<string> {
  const constants = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const derived = new Set(sources);
  for (const n of graph.node ?? []) {
    const ins = (n.input ?? []).filter((i) => i !== '');
    // Constant folding by reachability: a node fed only by constants is constant.
    if (ins.every((i) => constants.has(i))) {
      for (const o of n.output ?? []) constants.add(o);
      continue;
    }
    if (ins.some((i) => derived.has(i)) && ins.every((i) => derived.has(i) || constants.has(i))) for (const o of n.output ?? []) derived.add(o);
  }
  return derived;
}

/** Traces every bound layer of the contract (layers with spatial_mask or out_unit). */
export function traceMaskedChains(graph: GraphProto, contract: DynaPrunerContract): MaskedChain[] {
  const nodes = graph.node ?? [];
  const byName = new Map(nodes.map((n) => [n.name ?? '', n]));
  const consumers = new Map<string, NodeProto[]>();
  for (const n of nodes) for (const i of n.input ?? []) (consumers.get(i) ?? consumers.set(i, []).get(i)!).push(n);
  const overhead = new Set(contract.overhead_nodes);
  const dataDerived = derivedFrom(graph, [DATA_MASK]);
  const gateDerived = new Map(contract.units.map((u) => [u.id, derivedFrom(graph, [u.mask])]));
  const out: MaskedChain[] = [];
  for (const layer of contract.layers) {
    if (!layer.spatial_mask && layer.out_unit === null) continue;
    const conv = byName.get(layer.node);
    if (!conv) continue;
    const convOutput = conv.output?.[0] ?? '';
    const needGate = layer.out_unit !== null ? gateDerived.get(layer.out_unit) ?? null : null;
    // Per tensor: which masks it already carries.
    const state = new Map<string, { sp: boolean; gate: boolean }>([[convOutput, { sp: !layer.spatial_mask, gate: needGate === null }]]);
    const chain: string[] = [];
    const leaks: string[] = [];
    let maskedOutput: string | null = null;
    const queue = [convOutput];
    const seen = new Set<string>();
    while (queue.length > 0 && maskedOutput === null) {
      const t = queue.shift()!;
      for (const c of consumers.get(t) ?? []) {
        const cname = c.name ?? '';
        if (seen.has(cname)) continue;
        if (overhead.has(cname)) continue;
        if (!POSITIONWISE.has(c.op_type ?? '')) {
          leaks.push(`${cname} (${c.op_type}) reads unmasked '${t}'`);
          continue;
        }
        seen.add(cname);
        chain.push(cname);
        const s = { sp: false, gate: false };
        let fromChain = 0;
        for (const i of c.input ?? []) {
          const st = state.get(i);
          if (st) {
            s.sp ||= st.sp;
            s.gate ||= st.gate;
            fromChain++;
          }
          if (c.op_type === 'Mul') {
            if (dataDerived.has(i)) s.sp = true;
            if (needGate?.has(i)) s.gate = true;
          }
        }
        if (fromChain === 0) continue;
        for (const o of c.output ?? []) {
          state.set(o, s);
          if (s.sp && s.gate) {
            maskedOutput = o;
            break;
          }
          queue.push(o);
        }
        if (maskedOutput !== null) break;
      }
    }
    out.push({ node: layer.node, convOutput, maskedOutput, chain, leaks, outUnit: layer.out_unit, spatial: layer.spatial_mask });
  }
  return out;
}
