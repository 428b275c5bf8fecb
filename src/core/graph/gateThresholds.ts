/**
 * Exact tau-offset sensitivity by graph surgery: each gated unit's hard gate
 * compares its scores `dp_gate_score_<i>` against a scalar constant tau
 * (`score >= tau`, exported e.g. as `LessOrEqual(tau, score)`). This module
 * finds that comparison and replaces the constant with a graph input
 * `dp_tau_<i>` of shape `[N, 1]`, so every sample of a batch can run with its
 * own threshold inside the graph: later units' gates then react to the
 * earlier units' changed masks (the cascade), unlike re-thresholding scores
 * from one pass.
 */
import { attrTensor, tensorSize, tensorToFloat32 } from '../onnx/graph';
import { DataType, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from '../onnx/proto';
import type { LoadedModel } from '../onnx/reader';

/** Comparison ops a threshold can be exported as. */
const COMPARISONS = new Set(['GreaterOrEqual', 'Greater', 'LessOrEqual', 'Less']);

/** A unit's threshold as found in the graph. */
export interface GateThreshold {
  /** Contract unit id. */
  unit: number;
  /** The score tensor (`dp_gate_score_<i>`). */
  score: string;
  /** The comparison node that applies tau. */
  node: string;
  /** The constant tensor holding tau (an initializer or a Constant node's output). */
  constant: string;
  /** Tau as stored in the graph (float32). */
  tau: number;
  /** Name of the graph input that replaces it after {@link exposeGateThresholds}. */
  input: string;
}

/** Name of the graph input carrying unit `id`'s threshold. */
export function tauInputName(unit: number): string {
  return `dp_tau_${unit}`;
}

/** A scalar float constant's value, from an initializer or a Constant node; null when `name` is neither. */
function scalarConstant(graph: GraphProto, name: string, model?: Pick<LoadedModel, 'external'>): number | null {
  const init = (graph.initializer ?? []).find((t) => t.name === name);
  const fromTensor = (t: TensorProto | undefined): number | null => {
    if (!t || tensorSize(t) !== 1) return null;
    if (t.data_type !== DataType.FLOAT && t.data_type !== DataType.DOUBLE) return null;
    return tensorToFloat32(t, model)[0];
  };
  if (init) return fromTensor(init);
  const producer = (graph.node ?? []).find((n) => (n.output ?? []).includes(name));
  if (producer?.op_type === 'Constant') return fromTensor(attrTensor(producer, 'value'));
  return null;
}

/**
 * Finds each unit's threshold comparison: a consumer of the unit's score
 * tensor with a comparison op whose other operand is a scalar float constant.
 * Throws naming the unit and score tensor when none (or more than one) is found.
 */
export function findGateThresholds(
  model: ModelProto,
  units: { unit: number; score: string }[],
  file: string,
  external?: Pick<LoadedModel, 'external'>,
): GateThreshold[] {
  const graph = model.graph ?? {};
  return units.map(({ unit, score }) => {
    const found: GateThreshold[] = [];
    for (const n of graph.node ?? []) {
      if (!COMPARISONS.has(n.op_type ?? '')) continue;
      const ins = n.input ?? [];
      if (ins.length !== 2 || !ins.includes(score)) continue;
      const other = ins[0] === score ? ins[1] : ins[0];
      const tau = scalarConstant(graph, other, external);
      if (tau !== null) found.push({ unit, score, node: n.name ?? '', constant: other, tau, input: tauInputName(unit) });
    }
    if (found.length !== 1) {
      throw new Error(`${file}: unit ${unit}: expected one comparison of '${score}' against a scalar constant tau, found ${found.length}`);
    }
    return found[0];
  });
}

/**
 * Returns a model where each listed comparison reads its threshold from a new
 * float32 graph input `[N, 1]` (named `input`) instead of the constant. Nodes
 * are copied, never mutated; constants nothing else reads are pruned later by
 * the surgery that follows (e.g. keepOutputs).
 */
export function exposeGateThresholds(model: ModelProto, thresholds: GateThreshold[]): ModelProto {
  const g = model.graph ?? {};
  const byNode = new Map(thresholds.map((t) => [t.node, t]));
  const node: NodeProto[] = (g.node ?? []).map((n) => {
    const t = byNode.get(n.name ?? '');
    if (!t) return n;
    return { ...n, input: (n.input ?? []).map((i) => (i === t.constant ? t.input : i)) };
  });
  const input = [
    ...(g.input ?? []),
    ...thresholds.map((t) => ({
      name: t.input,
      type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_param: 'N' }, { dim_value: 1 }] } } },
    })),
  ];
  return { ...model, graph: { ...g, node, input } };
}
