/**
 * Constant masks folded into a checkpoint's graph: each mask tensor is cut
 * from its producer (the mask generator or a gate head goes away with it) and
 * re-created as a constant row broadcast over the batch. Used by dense mode,
 * the static-L1 variants and compaction.
 */
import { DataType, encodeModelProto, type ModelProto, type NodeProto, type TensorProto } from '../onnx/proto';
import { DATA_MASK, INPUT, PREDICTION, type Checkpoint } from '../checkpoint/checkpoint';
import { cutAtTensors, keepOutputs } from './surgery';

/** A mask fed as a constant: `row` (one sample's mask) broadcast over the batch. */
export interface ConstantMask {
  /** Contract tensor name (`dp_data_mask`, `dp_gate_mask_<i>`). */
  tensor: string;
  /** One sample's mask, row-major. */
  row: Float32Array;
  /** Its shape without the batch dimension (`[1, H, W]`, `[K]`). */
  shape: number[];
}

/** Name of a tensor or node this file adds for `tensor`'s constant. */
function constName(tensor: string, what: string): string {
  return `dynapruner_studio/const_mask/${tensor}/${what}`;
}

function int64Tensor(name: string, values: number[]): TensorProto {
  return { name, data_type: DataType.INT64, dims: [values.length], int64_data: values };
}

/**
 * Cuts the graph at each mask tensor (the engine's `cutAtTensors`: the
 * producer and whatever only fed it go away) and re-creates the tensor as a
 * constant row expanded to the batch of `x` (`Expand(row, [N, ...shape])`),
 * keeping only `prediction`. The result has the single input `x`.
 */
export function materializeConstantMasks(model: ModelProto, masks: ConstantMask[], variantTag: string): Uint8Array {
  if (masks.length === 0) throw new Error('materializeConstantMasks: no masks given');
  const cut = keepOutputs(cutAtTensors(model, masks.map((m) => m.tensor)), [PREDICTION]);
  const graph = cut.graph!;
  const names = new Set(masks.map((m) => m.tensor));
  const inputs = (graph.input ?? []).filter((v) => !names.has(v.name ?? ''));
  const batch = 'dynapruner_studio/const_mask/batch';
  const shapeOfX = 'dynapruner_studio/const_mask/x_shape';
  const zero = 'dynapruner_studio/const_mask/index0';
  const nodes: NodeProto[] = [
    { name: shapeOfX, op_type: 'Shape', input: [INPUT], output: [shapeOfX] },
    { name: batch, op_type: 'Gather', input: [shapeOfX, zero], output: [batch], attribute: [{ name: 'axis', type: 2, i: 0 }] },
  ];
  const initializers: TensorProto[] = [int64Tensor(zero, [0])];
  for (const m of masks) {
    const expected = m.shape.reduce((a, b) => a * b, 1);
    if (m.row.length !== expected) throw new Error(`mask '${m.tensor}': ${m.row.length} values for shape [${m.shape.join(', ')}] (expected ${expected})`);
    const row = constName(m.tensor, 'row');
    const rest = constName(m.tensor, 'dims');
    const full = constName(m.tensor, 'shape');
    initializers.push(
      { name: row, data_type: DataType.FLOAT, dims: [1, ...m.shape], raw_data: new Uint8Array(Float32Array.from(m.row).buffer) },
      int64Tensor(rest, m.shape),
    );
    nodes.push(
      { name: full, op_type: 'Concat', input: [batch, rest], output: [full], attribute: [{ name: 'axis', type: 2, i: 0 }] },
      { name: constName(m.tensor, 'Expand'), op_type: 'Expand', input: [row, full], output: [m.tensor] },
    );
  }
  const out: ModelProto = {
    ...cut,
    graph: { ...graph, input: inputs, node: [...nodes, ...(graph.node ?? [])], initializer: [...(graph.initializer ?? []), ...initializers] },
    metadata_props: [
      ...(cut.metadata_props ?? []).filter((p) => p.key !== 'dynapruner_studio_variant'),
      { key: 'dynapruner_studio_variant', value: JSON.stringify({ variant: variantTag, constantMasks: masks.map((m) => m.tensor) }) },
    ],
  };
  return encodeModelProto(out);
}


/** Every mask tensor of `ck` as an all-ones constant (dense mode). */
export function allOnesMasks(ck: Checkpoint): ConstantMask[] {
  const [H, W] = ck.spec.grid;
  const masks: ConstantMask[] = [];
  if (ck.hasDataMask) masks.push({ tensor: DATA_MASK, row: new Float32Array(H * W).fill(1), shape: [1, H, W] });
  for (const g of ck.gateTensors) masks.push({ tensor: g.mask, row: new Float32Array(g.channels).fill(1), shape: [g.channels] });
  return masks;
}
