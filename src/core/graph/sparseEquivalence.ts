/**
 * Checks the contract's sparse-equivalence on the real graph: for every bound
 * layer, follows its output forward through elementwise nodes until the Mul
 * nodes that apply its masks (tensors derived from dp_data_mask /
 * dp_gate_mask_<i>), and reports the masked tensor, and any node outside that
 * chain (other than overhead nodes) that reads an unmasked intermediate.
 */
import type { DynaPrunerContract } from '../contract/contract';
import type { GraphProto } from '../onnx/proto';
import { DATA_MASK } from '../checkpoint/checkpoint';

/** Ops that keep positions and channels aligned (elementwise or channel slicing). */
const POSITIONWISE = new Set([
  'Relu', 'LeakyRelu', 'Gelu', 'Sigmoid', 'Tanh', 'Erf', 'Div', 'Add', 'Mul', 'Sub', 'Pow', 'Sqrt', 'Identity', 'Cast',
  'HardSigmoid', 'HardSwish', 'Clip', 'Elu', 'Selu', 'Softplus', 'PRelu', 'Neg', 'Abs', 'Exp', 'Log', 'Split', 'Slice',
]);

/** Positionwise ops that map 0 to 0 (a masked input stays masked). Div keeps the numerator's zeros. */
const ZERO_PRESERVING = new Set([
  'Relu', 'LeakyRelu', 'Gelu', 'Tanh', 'Erf', 'Sqrt', 'Identity', 'Cast', 'HardSwish', 'Elu', 'Selu', 'PRelu', 'Neg', 'Abs', 'Split', 'Slice',
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

/**
 * Traces every bound layer of the contract (layers with spatial_mask or
 * out_unit) through the whole graph in topological order: which masks each
 * tensor derived from the conv output carries (Mul by a mask-derived tensor
 * adds it; Add/Sub keep only what every operand carries; zero-preserving ops
 * keep it; other positionwise ops drop it). Every non-positionwise,
 * non-overhead node that reads a tensor of the chain lacking a required mask is
 * a leak; tracking stops at tensors that carry every required mask.
 */
export function traceMaskedChains(graph: GraphProto, contract: DynaPrunerContract): MaskedChain[] {
  const nodes = graph.node ?? [];
  const index = new Map(nodes.map((n, i) => [n.name ?? '', i]));
  const overhead = new Set(contract.overhead_nodes);
  const dataDerived = derivedFrom(graph, [DATA_MASK]);
  const gateDerived = new Map(contract.units.map((u) => [u.id, derivedFrom(graph, [u.mask])]));
  const out: MaskedChain[] = [];
  for (const layer of contract.layers) {
    if (!layer.spatial_mask && layer.out_unit === null) continue;
    const at = index.get(layer.node);
    if (at === undefined) continue;
    const conv = nodes[at];
    const convOutput = conv.output?.[0] ?? '';
    const needGate = layer.out_unit !== null ? gateDerived.get(layer.out_unit) ?? null : null;
    type Carried = { sp: boolean; gate: boolean };
    const full = (c: Carried) => c.sp && c.gate;
    // Per chain tensor: which masks it already carries.
    const state = new Map<string, Carried>([[convOutput, { sp: !layer.spatial_mask, gate: needGate === null }]]);
    const chain: string[] = [];
    const leaks: string[] = [];
    let maskedOutput: string | null = null;
    for (let i = at + 1; i < nodes.length; i++) {
      const c = nodes[i];
      const cname = c.name ?? '';
      const ins = c.input ?? [];
      const carried = ins.map((x) => state.get(x));
      if (!carried.some((x) => x !== undefined)) continue;
      if (carried.every((x) => x === undefined || full(x))) continue; // reads masked tensors only
      if (overhead.has(cname)) continue;
      const op = c.op_type ?? '';
      if (!POSITIONWISE.has(op)) {
        ins.forEach((x, k) => {
          const st = carried[k];
          if (st && !full(st)) leaks.push(`${cname} (${op}) reads unmasked '${x}'`);
        });
        continue;
      }
      chain.push(cname);
      let result: Carried;
      if (op === 'Mul') {
        result = { sp: false, gate: false };
        ins.forEach((x, k) => {
          const st = carried[k];
          if (st) {
            result.sp ||= st.sp;
            result.gate ||= st.gate;
          }
          if (dataDerived.has(x)) result.sp = true;
          if (needGate?.has(x)) result.gate = true;
        });
      } else if (op === 'Add' || op === 'Sub') {
        result = { sp: true, gate: true };
        for (const st of carried) {
          result.sp &&= st?.sp ?? false;
          result.gate &&= st?.gate ?? false;
        }
      } else if (ZERO_PRESERVING.has(op) || (op === 'Div' && carried[0] !== undefined)) {
        const st = carried[0] ?? carried.find((x) => x !== undefined)!;
        result = { ...st };
      } else {
        result = { sp: !layer.spatial_mask, gate: needGate === null };
      }
      for (const o of c.output ?? []) {
        if (o === '') continue;
        state.set(o, result);
        if (full(result) && maskedOutput === null) maskedOutput = o;
      }
    }
    out.push({ node: layer.node, convOutput, maskedOutput, chain, leaks, outUnit: layer.out_unit, spatial: layer.spatial_mask });
  }
  return out;
}
