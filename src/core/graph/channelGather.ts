/**
 * The channel-gathering executor of a checkpoint (the `sparse` export): the
 * model as exported, computing its own masks per input, rewritten so each
 * gated conv computes only the filters its gate keeps for that input.
 *
 * Per gated unit u the graph takes the active filter indices of its gate
 * (`idx_u = NonZero(gate_u)`, batch 1) and, per gated conv of the contract's
 * `layers` (chain `Conv -> [LeakyRelu] -> Mul(gate) -> [Mul(spatial)]`):
 * - the conv runs on `Gather(W, idx_u, axis 0)` and `Gather(b, idx_u)`; its
 *   gate Mul is dropped (the kept filters' gate is one, the others are not
 *   computed); activations and the spatial Mul act per channel and stay, so
 *   the chain's `masked_output` is compact, `|idx_u|` channels;
 * - a group-1 conv reading a compact tensor directly gets its weight's input
 *   channels gathered too (`Gather(., idx_v, axis 1)`);
 * - every other reader (Concat, Resize, gate heads, Add of the LSTM gates,
 *   grouped convs, ...) reads an exact full-width copy with zeros in the
 *   filters the gate switched off: `Gather(Pad(t, one zero channel), pos_u,
 *   axis 1)` with `pos_u[c]` = c's place in the compact tensor, or the zero
 *   channel.
 * Units whose conv is grouped, or whose chain does not have that form, run
 * as exported (reported with the reason). Exact: the same function as the
 * checkpoint up to float summation order. Takes batch 1 (the gathered
 * weights are per input).
 *
 * With `index: topk` (./topkIndex.ts) each unit selects a fixed `k_u` filters
 * instead (static shapes): the gate Mul stays, on the compact tensor, with
 * the selected filters' gate values; the input's batch is fixed to 1 and the
 * graph gains the output `dp_index_overflow` (true when a unit had more
 * active filters than `k_u`: then the output is not exact).
 */
import { type Checkpoint, PREDICTION, INPUT } from '../checkpoint/checkpoint';
import type { ContractLayer } from '../contract/contract';
import { attrInt, consumerMap, initializerMap, producerMap, tensorDims } from '../onnx/graph';
import { DataType, type GraphProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../onnx/proto';
import { keepOutputs, pruneDeadNodes } from './surgery';
import { topologicalOrder } from './topologicalOrder';
import { derivesFrom } from './derivesFrom';
import { withStaticValueInfo } from './staticValueInfo';
import { gateAtRank, INDEX_OVERFLOW, overflowNodes, topkIndexNodes } from './topkIndex';

/** What the rewrite did. */
export interface ChannelGatherReport {
  /** Gated convs that compute only their active filters. */
  gathered: string[];
  /** Convs whose input channels are gathered (they read a compact tensor). */
  inputGathered: string[];
  /** Gated convs left as exported, with the reason. */
  dense: Array<{ node: string; reason: string }>;
  /** Compact tensors rebuilt at full width for readers that need every channel. */
  scattered: number;
  /** Units whose gated convs compute only their active filters. */
  gatheredUnits: number[];
  /** How the filters are selected; with topk, k per gathered unit. */
  index: 'nonzero' | 'topk';
  k?: Record<number, number>;
}

/** TopK selection of a fixed number of filters per unit (static shapes). */
export interface TopkSelection {
  kind: 'topk';
  /** k per unit; every unit that is gathered needs one. */
  k: ReadonlyMap<number, number>;
}

/** Options of {@link gatherGatedChannels}. */
export interface ChannelGatherOptions {
  /** Units kept in their exported form (dense conv, then the Mul by the gate). */
  denseUnits?: ReadonlySet<number>;
  /** Index selection: NonZero of the gate (default, dynamic shapes) or TopK with a fixed k per unit. */
  index?: TopkSelection;
}

/** Reason recorded for a unit kept dense by the caller. */
export const DENSE_BY_PLAN = 'kept dense by the sparse plan';


/** A gated conv chain that can be gathered. */
interface Chain {
  conv: NodeProto;
  unit: number;
  gateMul: NodeProto;
  /** The gate Mul's data input (its readers read this instead). */
  data: string;
  /** The compact tensor at the chain's end (NonZero form: the gate Mul dropped). */
  end: string;
  /** The gate Mul's gate operand and the chain's masked output (TopK form: the gate Mul kept). */
  gateOperand: string;
  maskedOutput: string;
}

const TAG = 'dynapruner_studio/gather';


function int64(name: string, values: number[]): TensorProto {
  return { name, data_type: DataType.INT64, dims: [values.length], int64_data: values };
}

/** Follows Identity nodes to an initializer; null when `name` is not one. */
function initializerOf(name: string, inits: Map<string, TensorProto>, producers: Map<string, NodeProto>): TensorProto | null {
  let cur = name;
  for (let hops = 0; hops < 8; hops++) {
    const t = inits.get(cur);
    if (t) return t;
    const p = producers.get(cur);
    if (!p || p.op_type !== 'Identity') return null;
    cur = (p.input ?? [])[0] ?? '';
  }
  return null;
}


/** The chain of a gated conv, or the reason it cannot be gathered. */
function chainOf(conv: NodeProto, layer: ContractLayer, gate: string, graph: { producers: Map<string, NodeProto>; consumers: Map<string, NodeProto[]>; inits: Map<string, TensorProto> }): Chain | string {
  if (conv.op_type !== 'Conv') return `a ${conv.op_type}, not a Conv`;
  if (attrInt(conv, 'group', 1) !== 1) return 'a grouped conv (its group count would depend on the input)';
  if (!initializerOf((conv.input ?? [])[1] ?? '', graph.inits, graph.producers)) return 'its weight is not an initializer';
  const bias = (conv.input ?? [])[2];
  if (bias && !initializerOf(bias, graph.inits, graph.producers)) return 'its bias is not an initializer';
  if (!layer.masked_output) return 'no masked_output in the contract';
  let cur = (conv.output ?? [])[0];
  let gateMul: NodeProto | null = null;
  for (let steps = 0; cur !== layer.masked_output; steps++) {
    const next = graph.consumers.get(cur) ?? [];
    if (next.length !== 1 || steps > 4) return `its chain does not reach '${layer.masked_output}' through single readers`;
    const n = next[0];
    if (n.op_type === 'Mul' && (n.input ?? []).some((i) => i !== cur && derivesFrom(i, gate, graph.producers))) gateMul = n;
    else if (!['LeakyRelu', 'Relu', 'Mul'].includes(n.op_type ?? '')) return `a ${n.op_type} in its chain`;
    cur = (n.output ?? [])[0];
  }
  if (!gateMul) return `no Mul by '${gate}' in its chain`;
  const data = (gateMul.input ?? []).find((i) => !derivesFrom(i, gate, graph.producers))!;
  const gateOut = (gateMul.output ?? [])[0];
  const gateOperand = (gateMul.input ?? []).find((i) => i !== data)!;
  return { conv, unit: layer.out_unit!, gateMul, data, end: gateOut === layer.masked_output ? data : layer.masked_output, gateOperand, maskedOutput: layer.masked_output };
}

/**
 * Nodes computing `idx_u` (active filters, [k] int64) and `pos_u` (full ->
 * compact place, [K] int64) from a gate `[1, K]` (reshaped to `[K]`: a batch
 * other than 1 fails there instead of mixing samples).
 */
function indexNodes(unit: number, gate: string, channels: number): { nodes: NodeProto[]; inits: TensorProto[]; idx: string; pos: string } {
  const p = `${TAG}/u${unit}`;
  const nodes: NodeProto[] = [
    { name: `${p}/flat`, op_type: 'Reshape', input: [gate, `${p}/K`], output: [`${p}/flat`] },
    { name: `${p}/NonZero`, op_type: 'NonZero', input: [`${p}/flat`], output: [`${p}/nz`] },
    { name: `${p}/idx`, op_type: 'Reshape', input: [`${p}/nz`, `${TAG}/minus1`], output: [`${p}/idx`] },
    { name: `${p}/CumSum`, op_type: 'CumSum', input: [`${p}/flat`, `${TAG}/zero`], output: [`${p}/cum`] },
    { name: `${p}/place`, op_type: 'Sub', input: [`${p}/cum`, `${TAG}/onef`], output: [`${p}/place`] },
    { name: `${p}/count`, op_type: 'ReduceSum', input: [`${p}/flat`, `${TAG}/axes0`], output: [`${p}/count`], attribute: [{ name: 'keepdims', type: 2, i: 1 }] },
    { name: `${p}/active`, op_type: 'Greater', input: [`${p}/flat`, `${TAG}/half`], output: [`${p}/active`] },
    { name: `${p}/posf`, op_type: 'Where', input: [`${p}/active`, `${p}/place`, `${p}/count`], output: [`${p}/posf`] },
    { name: `${p}/pos`, op_type: 'Cast', input: [`${p}/posf`], output: [`${p}/pos`], attribute: [{ name: 'to', type: 2, i: DataType.INT64 }] },
  ];
  return { nodes, inits: [int64(`${p}/K`, [channels])], idx: `${p}/idx`, pos: `${p}/pos` };
}

/** Shared constants of the index nodes. */
function sharedInits(): TensorProto[] {
  return [
    int64(`${TAG}/minus1`, [-1]),
    int64(`${TAG}/axes0`, [0]),
    { name: `${TAG}/zero`, data_type: DataType.INT64, dims: [], int64_data: [0] },
    { name: `${TAG}/onef`, data_type: DataType.FLOAT, dims: [], raw_data: new Uint8Array(Float32Array.of(1).buffer) },
    { name: `${TAG}/half`, data_type: DataType.FLOAT, dims: [], raw_data: new Uint8Array(Float32Array.of(0.5).buffer) },
  ];
}

/** The index tensors of a unit: NonZero (`idx`, `pos`) or TopK (also `sel`, `overflow`). */
interface UnitIndex {
  idx: string;
  pos: string;
  sel?: string;
  k?: number;
  overflow?: string;
}

/** Builds each unit's index nodes once, in the chosen form. */
function indexBuilder(ck: Checkpoint, gateOf: Map<number, string>, selection: TopkSelection | undefined, extraNodes: NodeProto[], extraInits: TensorProto[]) {
  const index = new Map<number, UnitIndex>();
  const indexOf = (unit: number): UnitIndex => {
    let i = index.get(unit);
    if (!i) {
      const channels = ck.gateTensors.find((g) => g.unit === unit)!.channels;
      if (selection) {
        const k = selection.k.get(unit);
        if (k === undefined) throw new Error(`channel gather: ${ck.file}: no k for unit ${unit} (topk index)`);
        const built = topkIndexNodes(`${TAG}/u${unit}`, gateOf.get(unit)!, channels, k);
        extraNodes.push(...built.nodes);
        extraInits.push(...built.inits);
        i = { idx: built.idx, pos: built.pos, sel: built.sel, k, overflow: built.overflow };
      } else {
        const built = indexNodes(unit, gateOf.get(unit)!, channels);
        extraNodes.push(...built.nodes);
        extraInits.push(...built.inits);
        i = { idx: built.idx, pos: built.pos };
      }
      index.set(unit, i);
    }
    return i;
  };
  return { index, indexOf };
}

/** The gated chains of `ck` that can be gathered; the others go to `report.dense` with the reason. */
function gatherableChains(ck: Checkpoint, graph: { node?: NodeProto[] }, maps: Parameters<typeof chainOf>[3], gateOf: Map<number, string>, options: ChannelGatherOptions, report: ChannelGatherReport): Map<NodeProto, Chain> {
  const produced = new Set((graph.node ?? []).flatMap((n) => n.output ?? []));
  const nodeByName = new Map((graph.node ?? []).map((n) => [n.name ?? '', n]));
  const chains = new Map<NodeProto, Chain>();
  for (const l of ck.contract.layers) {
    if (l.out_unit === null || l.out_unit === undefined) continue;
    const conv = nodeByName.get(l.node);
    const gate = gateOf.get(l.out_unit);
    if (!conv || !gate || !produced.has(gate)) continue;
    const c = options.denseUnits?.has(l.out_unit) ? DENSE_BY_PLAN : chainOf(conv, l, gate, maps);
    if (typeof c === 'string') report.dense.push({ node: l.node, reason: c });
    else chains.set(conv, c);
  }
  return chains;
}

/**
 * Builds the channel-gathering model of `ck` (`x` -> `prediction`, batch 1;
 * with a TopK index also `dp_index_overflow`). A checkpoint without gated
 * units comes back as exported (prediction only).
 */
export function gatherGatedChannels(ck: Checkpoint, options: ChannelGatherOptions = {}): { model: ModelProto; report: ChannelGatherReport } {
  const base = keepOutputs(ck.model.proto, [PREDICTION]);
  const graph = base.graph!;
  const maps = { producers: producerMap(graph), consumers: consumerMap(graph), inits: initializerMap(graph) };
  const gateOf = new Map(ck.gateTensors.map((g) => [g.unit, g.mask]));
  const topk = options.index?.kind === 'topk' ? options.index : undefined;
  const report: ChannelGatherReport = { gathered: [], inputGathered: [], dense: [], scattered: 0, gatheredUnits: [], index: topk ? 'topk' : 'nonzero' };
  const chains = gatherableChains(ck, graph, maps, gateOf, options, report);
  const extraNodes: NodeProto[] = [];
  const extraInits: TensorProto[] = chains.size && !topk ? sharedInits() : [];
  const { index, indexOf } = indexBuilder(ck, gateOf, topk, extraNodes, extraInits);
  const rename = new Map<string, string>();
  const compact = new Map<string, number>(); // compact tensor -> unit
  const rankOf = new Map<string, number>();
  const regate = new Map<NodeProto, { from: string; to: string }>(); // topk: gate Mul -> its new gate operand
  for (const c of chains.values()) {
    const rank = tensorDims(initializerOf((c.conv.input ?? [])[1] ?? '', maps.inits, maps.producers)!).length;
    const i = indexOf(c.unit);
    if (topk) {
      const g = gateAtRank(`${TAG}/u${c.unit}`, i.sel!, i.k!, rank);
      if (!extraInits.some((t) => t.name === g.inits[0].name)) {
        extraNodes.push(...g.nodes);
        extraInits.push(...g.inits);
      }
      regate.set(c.gateMul, { from: c.gateOperand, to: g.out });
    } else {
      rename.set((c.gateMul.output ?? [])[0], c.data);
    }
    const end = topk ? c.maskedOutput : c.end;
    compact.set(end, c.unit);
    rankOf.set(end, rank);
  }
  report.gatheredUnits = [...index.keys()].sort((a, b) => a - b);
  if (topk) report.k = Object.fromEntries(report.gatheredUnits.map((u) => [u, index.get(u)!.k!]));
  const gathers = new Map<string, string>();
  /** `Gather(t, idx, axis)`, one node per (tensor, index, axis). */
  const gathered = (t: string, idx: string, axis: number): string => {
    const key = `${t}|${idx}|${axis}`;
    let out = gathers.get(key);
    if (!out) {
      out = `${TAG}/g${gathers.size}/${t}`;
      extraNodes.push({ name: out, op_type: 'Gather', input: [t, idx], output: [out], attribute: [{ name: 'axis', type: 2, i: axis }] });
      gathers.set(key, out);
    }
    return out;
  };
  const fulls = new Map<string, string>();
  /** The full-width copy of compact tensor `t` (zeros in the switched-off filters). */
  const full = (t: string): string => {
    let out = fulls.get(t);
    if (!out) {
      const rank = rankOf.get(t)!;
      const pads = new Array<number>(2 * rank).fill(0);
      pads[rank + 1] = 1;
      const padsName = `${TAG}/pads/${rank}`;
      if (!extraInits.some((i) => i.name === padsName)) extraInits.push(int64(padsName, pads));
      out = `${TAG}/full/${t}`;
      extraNodes.push(
        { name: `${out}/Pad`, op_type: 'Pad', input: [t, padsName], output: [`${out}/padded`] },
        { name: `${out}/Gather`, op_type: 'Gather', input: [`${out}/padded`, indexOf(compact.get(t)!).pos], output: [out], attribute: [{ name: 'axis', type: 2, i: 1 }] },
      );
      fulls.set(t, out);
      report.scattered++;
    }
    return out;
  };

  const dropped = new Set(topk ? [] : [...chains.values()].map((c) => c.gateMul));
  const nodes: NodeProto[] = [];
  for (const node of graph.node ?? []) {
    if (dropped.has(node)) continue;
    const swap = regate.get(node);
    const inputs = (node.input ?? []).map((i) => (swap && i === swap.from ? swap.to : rename.get(i) ?? i));
    const chain = chains.get(node);
    const inUnit = node.op_type === 'Conv' ? compact.get(inputs[0]) : undefined;
    if (node.op_type === 'Conv' && attrInt(node, 'group', 1) === 1 && (chain || inUnit !== undefined) && initializerOf(inputs[1], maps.inits, maps.producers)) {
      let w = inputs[1];
      if (chain) {
        w = gathered(w, indexOf(chain.unit).idx, 0);
        if (inputs[2]) inputs[2] = gathered(inputs[2], indexOf(chain.unit).idx, 0);
        report.gathered.push(node.name ?? '');
      }
      if (inUnit !== undefined) {
        w = gathered(w, indexOf(inUnit).idx, 1);
        report.inputGathered.push(node.name ?? '');
      }
      inputs[1] = w;
    } else {
      for (let j = 0; j < inputs.length; j++) if (compact.has(inputs[j])) inputs[j] = full(inputs[j]);
    }
    nodes.push({ ...node, input: inputs });
  }
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  for (const o of outputs) if (compact.has(rename.get(o) ?? o)) throw new Error(`channel gather: ${ck.file}: output '${o}' is a compact tensor`);
  const metadata = (base.metadata_props ?? []).filter((p) => p.key !== 'dynapruner' && p.key !== 'dynapruner_studio_variant');
  metadata.push({ key: 'dynapruner_studio_variant', value: JSON.stringify({ variant: 'sparse', gathered: report.gathered.length, dense: report.dense.length, index: report.index, ...(report.k ? { k: report.k } : {}), source: ck.ref.name, sha256: ck.ref.sha256 }) });
  let io: Pick<GraphProto, 'input' | 'output'> = { input: graph.input, output: graph.output };
  if (topk && index.size) {
    extraNodes.push(...overflowNodes(`${TAG}/index`, [...index.values()].map((i) => i.overflow!)));
    io = staticBatchIo(graph);
  }
  const ordered = topologicalOrder([...nodes, ...extraNodes], [INPUT, ...(graph.initializer ?? []).map((t) => t.name ?? ''), ...extraInits.map((t) => t.name ?? '')]);
  const model: ModelProto = {
    ...base,
    metadata_props: metadata,
    graph: { ...graph, ...io, node: ordered, initializer: [...(graph.initializer ?? []), ...extraInits], value_info: [] },
  };
  const pruned = pruneDeadNodes(model, [INPUT]);
  return { model: topk && index.size ? withStaticValueInfo(pruned, ck.file) : pruned, report };
}

/** The TopK form's inputs and outputs: batch fixed to 1 (the gathered weights are per input), plus `dp_index_overflow`. */
function staticBatchIo(graph: GraphProto): Pick<GraphProto, 'input' | 'output'> {
  const batch1 = (v: ValueInfoProto): ValueInfoProto => {
    const t = v.type?.tensor_type;
    const dims = t?.shape?.dim;
    if (!t || !dims?.length) return v;
    return { ...v, type: { ...v.type, tensor_type: { ...t, shape: { ...t.shape, dim: [{ dim_value: 1 }, ...dims.slice(1)] } } } };
  };
  const overflow: ValueInfoProto = { name: INDEX_OVERFLOW, type: { tensor_type: { elem_type: DataType.BOOL, shape: { dim: [{ dim_value: 1 }] } } } };
  return { input: (graph.input ?? []).map((v) => (v.name === INPUT ? batch1(v) : v)), output: [...(graph.output ?? []).map(batch1), overflow] };
}
