/**
 * Static-shape index selection of the channel-gathering executor (`export
 * --variant sparse --index topk`): per gated unit u a fixed number `k_u` of
 * filters chosen by TopK of its gate, instead of NonZero's data-dependent
 * count, so every tensor of the graph has a shape known before it runs
 * (TensorRT, CUDA without a device-to-host sync).
 *
 * From the gate `[1, K]` (values 0/1), per unit:
 * - `score = (gate > 0) + ramp`, `ramp[c] = (K - c) / 2K` in (0, 0.5]: active
 *   filters first, ties broken by channel, so the order is deterministic;
 * - `perm = TopK(score, K).indices` (the full order), `idx = perm[0:k_u]`;
 * - `pos = Min(argsort(perm), k_u)`: a filter's place in the compact tensor,
 *   or `k_u` (the zero channel of the full-width copy) when not selected;
 * - `sel = Gather(gate, idx)`: the selected filters' gate values. A selected
 *   filter may be inactive, so the gate Mul stays, on the compact tensor;
 * - `overflow = ReduceSum(gate > 0) > k_u`: the sample has more active
 *   filters than were selected (active ones dropped: the output is not exact).
 */
import { DataType, type NodeProto, type TensorProto } from '../onnx/proto';

/** Name of the graph output that is true when any unit's active count exceeds its k. */
export const INDEX_OVERFLOW = 'dp_index_overflow';

/** The tensors of one unit's TopK selection. */
export interface TopkIndex {
  nodes: NodeProto[];
  inits: TensorProto[];
  /** Selected filters, [k] int64. */
  idx: string;
  /** Full -> compact place (k: not selected), [K] int64. */
  pos: string;
  /** Gate values of the selected filters, [k] float. */
  sel: string;
  /** True when the active count exceeds k, [1] bool. */
  overflow: string;
}

const int64 = (name: string, dims: number[], values: number[]): TensorProto => ({ name, data_type: DataType.INT64, dims, int64_data: values });
const float = (name: string, dims: number[], values: number[]): TensorProto => ({ name, data_type: DataType.FLOAT, dims, raw_data: new Uint8Array(Float32Array.from(values).buffer) });
const attr = (name: string, i: number) => ({ name, type: 2, i });

/** The TopK selection of `k` of the `channels` filters of `gate` (`[1, channels]`), tensors named under `prefix`. */
export function topkIndexNodes(prefix: string, gate: string, channels: number, k: number): TopkIndex {
  if (!(Number.isInteger(k) && k >= 1 && k <= channels)) throw new Error(`topk index ${prefix}: k must be an integer in [1, ${channels}], found ${k}`);
  const p = prefix;
  const ramp = Array.from({ length: channels }, (_, c) => (channels - c) / (2 * channels));
  const inits = [
    int64(`${p}/K`, [1], [channels]),
    int64(`${p}/k`, [1], [k]),
    int64(`${p}/kScalar`, [], [k]),
    int64(`${p}/zero`, [1], [0]),
    float(`${p}/ramp`, [channels], ramp),
    float(`${p}/zerof`, [], [0]),
    float(`${p}/kf`, [1], [k]),
  ];
  const nodes: NodeProto[] = [
    { name: `${p}/flat`, op_type: 'Reshape', input: [gate, `${p}/K`], output: [`${p}/flat`] },
    { name: `${p}/active`, op_type: 'Greater', input: [`${p}/flat`, `${p}/zerof`], output: [`${p}/active`] },
    { name: `${p}/activef`, op_type: 'Cast', input: [`${p}/active`], output: [`${p}/activef`], attribute: [attr('to', DataType.FLOAT)] },
    { name: `${p}/score`, op_type: 'Add', input: [`${p}/activef`, `${p}/ramp`], output: [`${p}/score`] },
    { name: `${p}/order`, op_type: 'TopK', input: [`${p}/score`, `${p}/K`], output: [`${p}/orderValues`, `${p}/perm`], attribute: [attr('axis', 0), attr('largest', 1), attr('sorted', 1)] },
    { name: `${p}/idx`, op_type: 'Slice', input: [`${p}/perm`, `${p}/zero`, `${p}/k`, `${p}/zero`], output: [`${p}/idx`] },
    { name: `${p}/permf`, op_type: 'Cast', input: [`${p}/perm`], output: [`${p}/permf`], attribute: [attr('to', DataType.FLOAT)] },
    { name: `${p}/negperm`, op_type: 'Neg', input: [`${p}/permf`], output: [`${p}/negperm`] },
    { name: `${p}/inverse`, op_type: 'TopK', input: [`${p}/negperm`, `${p}/K`], output: [`${p}/inverseValues`, `${p}/inv`], attribute: [attr('axis', 0), attr('largest', 1), attr('sorted', 1)] },
    { name: `${p}/pos`, op_type: 'Min', input: [`${p}/inv`, `${p}/kScalar`], output: [`${p}/pos`] },
    { name: `${p}/sel`, op_type: 'Gather', input: [`${p}/flat`, `${p}/idx`], output: [`${p}/sel`], attribute: [attr('axis', 0)] },
    { name: `${p}/count`, op_type: 'ReduceSum', input: [`${p}/activef`, `${p}/zero`], output: [`${p}/count`], attribute: [attr('keepdims', 1)] },
    { name: `${p}/overflow`, op_type: 'Greater', input: [`${p}/count`, `${p}/kf`], output: [`${p}/overflow`] },
  ];
  return { nodes, inits, idx: `${p}/idx`, pos: `${p}/pos`, sel: `${p}/sel`, overflow: `${p}/overflow` };
}

/** `sel` reshaped to `[1, k, 1, ...]` of rank `rank`, to multiply a compact conv output channel by channel. */
export function gateAtRank(prefix: string, sel: string, k: number, rank: number): { nodes: NodeProto[]; inits: TensorProto[]; out: string } {
  const shape = [1, k, ...new Array<number>(Math.max(0, rank - 2)).fill(1)];
  const out = `${prefix}/sel${rank}`;
  return {
    nodes: [{ name: out, op_type: 'Reshape', input: [sel, `${out}/shape`], output: [out] }],
    inits: [int64(`${out}/shape`, [rank], shape)],
    out,
  };
}

/** The Or of every unit's overflow flag as the graph output {@link INDEX_OVERFLOW} ([1] bool). */
export function overflowNodes(prefix: string, flags: string[]): NodeProto[] {
  if (flags.length === 0) throw new Error('topk index: no unit to flag');
  const nodes: NodeProto[] = [];
  let acc = flags[0];
  for (let i = 1; i < flags.length; i++) {
    const out = i === flags.length - 1 ? INDEX_OVERFLOW : `${prefix}/overflowAny${i}`;
    nodes.push({ name: out, op_type: 'Or', input: [acc, flags[i]], output: [out] });
    acc = out;
  }
  if (flags.length === 1) nodes.push({ name: INDEX_OVERFLOW, op_type: 'Identity', input: [acc], output: [INDEX_OVERFLOW] });
  return nodes;
}

/** k of a unit: its largest active count over the calibration samples, rounded up to `vectorWidth`, at most `channels` (at least 1). */
export function calibratedK(maxActive: number, vectorWidth: number, channels: number): number {
  if (!(Number.isInteger(vectorWidth) && vectorWidth >= 1)) throw new Error(`topk index: the vector width must be a positive integer, found ${vectorWidth}`);
  return Math.min(channels, Math.ceil(Math.max(1, maxActive) / vectorWidth) * vectorWidth);
}
