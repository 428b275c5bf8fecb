/**
 * Compaction of static gate masks: physically removes the filters a static
 * (same for every input) gate mask switches off, so a dense runtime
 * (onnxruntime, TensorRT) does less work. The result is a smaller dense ONNX
 * model (`x` -> `prediction`) computing exactly what the mask-injected graph
 * computes with those gates and the data mask all ones (the `l1` variant of
 * `src/core/remote/profile/variants.ts` when the gates are the static L1 masks).
 *
 * How (per gated conv of the contract's `layers`, `out_unit` = u, kept set S_u):
 * - the masks are first cut and folded as constant all-ones masks
 *   (`materializeConstantMasks`, as dense mode: mask generator and gate heads go);
 * - the conv's weight `[K, C/g, kh, kw]` and bias are sliced to the filters in S_u;
 *   the gate `Mul` of its chain (`Conv -> [LeakyRelu] -> Mul(gate) -> Mul(spatial)`)
 *   is dropped: on the kept filters the gate is one, and the pruned filters no
 *   longer exist; LeakyRelu and the spatial `Mul` (`[N,1,H,W]`, broadcast) act per
 *   channel and stay;
 * - the chain's output (`masked_output`) now has |S_u| channels. A group-1 conv
 *   reading it directly gets its weight's input channels sliced to S_u; a
 *   depthwise conv gated by the same unit reads it directly (weight sliced to
 *   S_u, `group` = |S_u|). Every other consumer (Concat, Resize, Slice,
 *   ReduceMean, Mul by an SE scale, ...) reads a full-width copy rebuilt
 *   exactly with zeros in the pruned channels: `Gather(Pad(t, one zero channel
 *   at the end), index, axis=1)`, no MACs. Those consumers' downstream convs
 *   then read dense inputs: where such a conv has an `in_unit`, its MACs stay
 *   above the mask-aware count by `C_in / C_in_active` (reported in
 *   `denseInputLayers`).
 * `align` > 1 rounds each unit's filter count up to a multiple of `align` with
 * pruned filters whose weights and bias are zeroed (exact: their output is zero,
 * as the gate made it); dense runtimes' blocked kernels need such counts (see
 * docs/remote.md "Compacted static L1").
 * The contract metadata is removed from the result (its units, masks and
 * channel counts no longer describe the graph); a `dynapruner_studio_variant`
 * entry says what was built.
 */
import { createHash } from 'node:crypto';
import { PREDICTION, type Checkpoint } from '../checkpoint/checkpoint';
import { pruneDeadNodes } from './surgery';
import { derivesFrom } from './derivesFrom';
import { materializeConstantMasks, type ConstantMask } from './constantMasks';
import { attrInt, consumerMap, initializerMap, producerMap, tensorDims, tensorToFloat32 } from '../onnx/graph';
import { DataType, decodeModelProto, type ModelProto, type NodeProto, type TensorProto } from '../onnx/proto';

/** Options of {@link compactStaticGates}. */
export interface CompactOptions {
  /**
   * Round each unit's kept filter count up to a multiple of this (at most K), adding
   * pruned filters with zeroed weights and bias (their output is exactly zero, as
   * the gate made it). 1 (default) keeps exactly the gate's filters; 8 keeps
   * onnxruntime's blocked NCHWc conv kernels (AVX2 block 8) and TensorRT's
   * channel alignment usable, which the odd counts a gate leaves can lose.
   */
  align?: number;
  /**
   * Round only units gated by a grouped (depthwise) conv. onnxruntime's CPU
   * depthwise path drops to a slow generic kernel at counts that are not a
   * multiple of its block, while ordinary convs run fine at any count, so
   * rounding those costs MACs for nothing (measured: docs/remote.md).
   */
  alignGroupedOnly?: boolean;
}

/** What compaction did, per unit and per layer. */
export interface CompactReport {
  /** Filters the gate keeps, per unit id (indices into the unit's K filters). */
  kept: Map<number, number[]>;
  /** Filters present in the compacted graph per unit id: `kept` plus the zeroed alignment filters. */
  width: Map<number, number[]>;
  /** Bound layers with an `in_unit` whose input stayed full width (their MACs exceed the mask-aware count). */
  denseInputLayers: string[];
  /** Bound layers whose input channels were sliced to the producer unit's kept filters. */
  slicedInputLayers: string[];
}

/** The compacted model and what was done. */
export interface CompactResult {
  model: ModelProto;
  report: CompactReport;
}


const TAG = 'dynapruner_studio/compact';


function int64(name: string, dims: number[], values: number[]): TensorProto {
  return { name, data_type: DataType.INT64, dims, int64_data: values };
}

function float(name: string, dims: number[], values: Float32Array): TensorProto {
  return { name, data_type: DataType.FLOAT, dims, raw_data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

function shortHash(values: number[] | null): string {
  return values === null ? 'all' : createHash('sha256').update(values.join(',')).digest('hex').slice(0, 10);
}

/** Indices of the ones of a 0/1 mask. */
function onesOf(mask: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) out.push(i);
  return out;
}

/**
 * Builds the compacted model of `ck` for static gate masks (`gateMasks`:
 * unit id -> 0/1 per filter; units not listed keep every filter). The data
 * mask, where the checkpoint has one, is folded as all ones.
 */
export function compactStaticGates(ck: Checkpoint, gateMasks: Map<number, ArrayLike<number>>, opts: CompactOptions = {}): CompactResult {
  const [H, W] = ck.spec.grid;
  const align = Math.max(1, Math.floor(opts.align ?? 1));
  const groupedUnits = new Set<number>();
  for (const n of ck.model.proto.graph?.node ?? []) {
    const unit = ck.layers.find((l) => l.node === n.name)?.outUnit;
    if (unit !== null && unit !== undefined && n.op_type === 'Conv' && attrInt(n, 'group', 1) > 1) groupedUnits.add(unit);
  }
  const kept = new Map<number, number[]>();
  const width = new Map<number, number[]>();
  const zeroFilters = new Map<number, Set<number>>();
  for (const g of ck.gateTensors) {
    const m = gateMasks.get(g.unit);
    if (m && m.length !== g.channels) throw new Error(`compact: gate mask of unit ${g.unit} has ${m.length} values, the unit has ${g.channels} filters`);
    const k = m ? onesOf(m) : Array.from({ length: g.channels }, (_, i) => i);
    if (k.length === 0) throw new Error(`compact: the gate mask of unit ${g.unit} switches every filter off`);
    kept.set(g.unit, k);
    // Rounded up to a multiple of `align` (at most K) with pruned filters whose weights and bias are zeroed.
    const unitAlign = opts.alignGroupedOnly && !groupedUnits.has(g.unit) ? 1 : align;
    const target = Math.min(g.channels, Math.ceil(k.length / unitAlign) * unitAlign);
    const keptSet = new Set(k);
    const extra = Array.from({ length: g.channels }, (_, i) => i).filter((i) => !keptSet.has(i)).slice(0, target - k.length);
    width.set(g.unit, [...k, ...extra].sort((a, b) => a - b));
    zeroFilters.set(g.unit, new Set(extra));
  }
  for (const id of gateMasks.keys()) if (!kept.has(id)) throw new Error(`compact: ${ck.file} has no gated unit ${id}`);
  const constant: ConstantMask[] = [];
  if (ck.hasDataMask) constant.push({ tensor: 'dp_data_mask', row: new Float32Array(H * W).fill(1), shape: [1, H, W] });
  for (const g of ck.gateTensors) constant.push({ tensor: g.mask, row: new Float32Array(g.channels).fill(1), shape: [g.channels] });
  const base = decodeModelProto(materializeConstantMasks(ck.model.proto, constant, 'l1c'));
  const graph = base.graph!;
  const nodes = [...(graph.node ?? [])];
  const producers = producerMap(graph);
  const consumers = consumerMap(graph);
  const inits = initializerMap(graph);
  const gateTensorOfUnit = new Map(ck.gateTensors.map((g) => [g.unit, g.mask]));
  const layers = ck.contract.layers;
  const layerByNode = new Map(layers.map((l) => [l.node, l]));
  const nodeByName = new Map(nodes.map((n) => [n.name ?? '', n]));

  const resolveInit = (name: string): TensorProto => {
    let cur = name;
    for (let hops = 0; hops < 8; hops++) {
      const t = inits.get(cur);
      if (t) return t;
      const p = producers.get(cur);
      if (!p || p.op_type !== 'Identity') break;
      cur = (p.input ?? [])[0] ?? '';
    }
    throw new Error(`compact: '${name}' is not an initializer (directly or through Identity)`);
  };

  // 1. Gated convs: their unit, the chain end, the gate Mul to drop.
  const compactedTensors = new Map<string, number>(); // masked_output -> unit
  const rankOf = new Map<string, number>(); // masked_output -> rank (the conv weight's)
  const rename = new Map<string, string>(); // gate Mul output -> its data input
  const dropped = new Set<NodeProto>();
  const convOut = new Map<NodeProto, number>(); // gated conv -> unit
  for (const l of layers) {
    if (l.out_unit === null || l.out_unit === undefined) continue;
    const conv = nodeByName.get(l.node);
    if (!conv) continue; // overhead-only or pruned
    if (conv.op_type !== 'Conv') throw new Error(`compact: gated layer '${l.node}' is a ${conv.op_type}; only Conv is supported`);
    if (!l.masked_output) throw new Error(`compact: layer '${l.node}' has no masked_output in the contract`);
    const gateTensor = l.gate_mask_tensor ?? gateTensorOfUnit.get(l.out_unit);
    if (!gateTensor) throw new Error(`compact: unit ${l.out_unit} has no gate mask tensor`);
    let cur = (conv.output ?? [])[0];
    let gateMul: NodeProto | null = null;
    for (let steps = 0; cur !== l.masked_output; steps++) {
      const next = consumers.get(cur) ?? [];
      if (next.length !== 1 || steps > 4) throw new Error(`compact: the chain of '${l.node}' does not reach '${l.masked_output}' through single consumers`);
      const n = next[0];
      if (n.op_type === 'Mul' && (n.input ?? []).some((i) => i !== cur && derivesFrom(i, gateTensor, producers))) gateMul = n;
      else if (!['LeakyRelu', 'Relu', 'Mul'].includes(n.op_type ?? '')) throw new Error(`compact: unexpected ${n.op_type} in the chain of '${l.node}'`);
      cur = (n.output ?? [])[0];
    }
    if (!gateMul) throw new Error(`compact: no gate Mul by '${gateTensor}' in the chain of '${l.node}'`);
    const data = (gateMul.input ?? []).find((i) => !derivesFrom(i, gateTensor, producers))!;
    rename.set((gateMul.output ?? [])[0], data);
    dropped.add(gateMul);
    // Without a spatial Mul the gate Mul's output is the masked output: its consumers then read the renamed tensor.
    const end = rename.get(l.masked_output) ?? l.masked_output;
    compactedTensors.set(end, l.out_unit);
    rankOf.set(end, tensorDims(resolveInit((conv.input ?? [])[1] ?? '')).length);
    convOut.set(conv, l.out_unit);
  }

  // 2. Consumers of compacted tensors: sliced convs, or a full-width copy.
  const denseInputLayers: string[] = [];
  const slicedInputLayers: string[] = [];
  const newInits: TensorProto[] = [];
  const madeInits = new Set<string>();
  const restoreAfter = new Map<string, NodeProto[]>(); // masked_output -> Pad + Gather nodes
  const restored = (tensor: string, unit: number, rank: number): string => {
    const full = `${TAG}/full/${tensor}`;
    if (!restoreAfter.has(tensor)) {
      const k = width.get(unit)!;
      const K = ck.gateTensors.find((g) => g.unit === unit)!.channels;
      const index = new Array<number>(K).fill(k.length);
      k.forEach((c, j) => { index[c] = j; });
      const pads = new Array<number>(2 * rank).fill(0);
      pads[rank + 1] = 1;
      const padsName = `${TAG}/pads/${rank}`;
      const indexName = `${TAG}/index/u${unit}`;
      if (!madeInits.has(padsName)) { newInits.push(int64(padsName, [2 * rank], pads)); madeInits.add(padsName); }
      if (!madeInits.has(indexName)) { newInits.push(int64(indexName, [K], index)); madeInits.add(indexName); }
      restoreAfter.set(tensor, [
        { name: `${full}/Pad`, op_type: 'Pad', input: [tensor, padsName], output: [`${full}/padded`] },
        { name: `${full}/Gather`, op_type: 'Gather', input: [`${full}/padded`, indexName], output: [full], attribute: [{ name: 'axis', type: 2, i: 1 }] },
      ]);
    }
    return full;
  };
  const slicedWeight = (w: TensorProto, outKeep: number[] | null, inKeep: number[] | null, zero: Set<number>): string => {
    const name = `${TAG}/w/${w.name}/o${shortHash(outKeep)}/i${shortHash(inKeep)}/z${shortHash([...zero])}`;
    if (madeInits.has(name)) return name;
    const dims = tensorDims(w);
    const src = tensorToFloat32(w, ck.model);
    const [K, C] = dims;
    const inner = dims.slice(2).reduce((a, b) => a * b, 1);
    const ko = outKeep ?? Array.from({ length: K }, (_, i) => i);
    const ci = inKeep ?? Array.from({ length: C }, (_, i) => i);
    const out = new Float32Array(ko.length * ci.length * inner);
    let o = 0;
    for (const k of ko) {
      for (const c of ci) {
        if (!zero.has(k)) out.set(src.subarray((k * C + c) * inner, (k * C + c + 1) * inner), o);
        o += inner;
      }
    }
    newInits.push(float(name, [ko.length, ci.length, ...dims.slice(2)], out));
    madeInits.add(name);
    return name;
  };
  const slicedBias = (b: TensorProto, outKeep: number[], zero: Set<number>): string => {
    const name = `${TAG}/b/${b.name}/o${shortHash(outKeep)}/z${shortHash([...zero])}`;
    if (madeInits.has(name)) return name;
    const src = tensorToFloat32(b, ck.model);
    newInits.push(float(name, [outKeep.length], Float32Array.from(outKeep, (k) => (zero.has(k) ? 0 : src[k]))));
    madeInits.add(name);
    return name;
  };

  const out: NodeProto[] = [];
  for (const node of nodes) {
    if (dropped.has(node)) continue;
    const inputs = (node.input ?? []).map((i) => rename.get(i) ?? i);
    let attribute = node.attribute;
    if (node.op_type === 'Conv' && inputs.length >= 2) {
      const outUnit = convOut.get(node) ?? null;
      const outKeep = outUnit === null ? null : width.get(outUnit)!;
      const inUnit = compactedTensors.get(inputs[0]);
      const w = resolveInit(inputs[1]);
      const group = attrInt(node, 'group', 1);
      const layer = layerByNode.get(node.name ?? '');
      let inKeep: number[] | null = null;
      if (group === 1) {
        if (inUnit !== undefined) { inKeep = width.get(inUnit)!; if (layer) slicedInputLayers.push(layer.node); }
        else if (layer && layer.in_unit !== null && layer.in_unit !== undefined) denseInputLayers.push(layer.node);
      } else {
        // Depthwise (weight [C, 1, ...], group = C): only when it reads the compacted output of its own unit.
        const dims = tensorDims(w);
        if (outUnit === null) {
          if (inUnit !== undefined) inputs[0] = restored(inputs[0], inUnit, rankOf.get(inputs[0])!);
        } else {
          if (dims[1] !== 1 || group !== dims[0]) throw new Error(`compact: grouped conv '${node.name}' (group ${group}) is not depthwise; not supported`);
          if (inUnit !== outUnit) throw new Error(`compact: depthwise conv '${node.name}' of unit ${outUnit} does not read unit ${outUnit}'s compacted output`);
          attribute = (node.attribute ?? []).map((a) => (a.name === 'group' ? { ...a, i: outKeep!.length } : a));
          if (layer) slicedInputLayers.push(layer.node);
        }
      }
      if (outKeep !== null || inKeep !== null) {
        const zero = outUnit === null ? new Set<number>() : zeroFilters.get(outUnit)!;
        inputs[1] = slicedWeight(w, outKeep, inKeep, zero);
        if (inputs.length >= 3 && inputs[2] && outKeep !== null) inputs[2] = slicedBias(resolveInit(inputs[2]), outKeep, zero);
      }
    } else {
      for (let j = 0; j < inputs.length; j++) {
        const unit = compactedTensors.get(inputs[j]);
        if (unit !== undefined) inputs[j] = restored(inputs[j], unit, rankOf.get(inputs[j])!);
      }
    }
    out.push({ ...node, input: inputs, attribute });
  }
  // The full-width copies go right after the node producing the compacted tensor.
  const placed = new Set(out);
  for (const [tensor, extra] of restoreAfter) {
    if (extra.every((n) => placed.has(n))) continue;
    const at = out.findIndex((n) => (n.output ?? []).includes(tensor));
    out.splice(at + 1, 0, ...extra.filter((n) => !placed.has(n)));
    for (const n of extra) placed.add(n);
  }
  const graphOut = (graph.output ?? []).map((o) => ({ ...o, name: rename.get(o.name ?? '') ?? o.name }));
  const metadata = (base.metadata_props ?? []).filter((p) => p.key !== 'dynapruner' && p.key !== 'dynapruner_studio_variant');
  metadata.push({
    key: 'dynapruner_studio_variant',
    value: JSON.stringify({ variant: 'l1c', align, alignGroupedOnly: opts.alignGroupedOnly ?? false, filters: Object.fromEntries([...width].map(([u, k]) => [u, k.length])), source: ck.ref.name, sha256: ck.ref.sha256 }),
  });
  const model: ModelProto = {
    ...base,
    metadata_props: metadata,
    graph: { ...graph, node: out, output: graphOut, initializer: [...(graph.initializer ?? []), ...newInits], value_info: [] },
  };
  const pruned = pruneDeadNodes(model, ['x']);
  if (!(pruned.graph?.output ?? []).some((o) => o.name === PREDICTION)) throw new Error('compact: the compacted graph lost its prediction output');
  return { model: pruned, report: { kept, width, denseInputLayers, slicedInputLayers } };
}

/**
 * Dense MACs of each bound layer of the compacted graph, from the mask-aware
 * MACs of the same static gates (`maskAware`, aligned with `ck.layers`, data
 * mask ones): a gated output counts its `width` filters instead of the kept
 * ones, a sliced input its `width` channels, an input kept full width all
 * `C_in`. Overhead layers (not in the compacted graph) are 0.
 */
export function compactedLayerMacs(ck: Checkpoint, report: CompactReport, maskAware: number[]): number[] {
  const channels = new Map(ck.gateTensors.map((g) => [g.unit, g.channels]));
  const denseInput = new Set(report.denseInputLayers);
  return ck.layers.map((l, i) => {
    if (l.overhead) return 0;
    let m = maskAware[i];
    if (l.outUnit !== null && report.kept.has(l.outUnit)) m *= report.width.get(l.outUnit)!.length / report.kept.get(l.outUnit)!.length;
    if (l.inUnit !== null && report.kept.has(l.inUnit)) {
      const k = report.kept.get(l.inUnit)!.length;
      m *= (denseInput.has(l.node) ? channels.get(l.inUnit)! : report.width.get(l.inUnit)!.length) / k;
    }
    return m;
  });
}
