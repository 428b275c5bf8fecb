/**
 * Dense counting (docs/foundation.md, "Counting convention"):
 * - MACs for Conv, ConvTranspose, Gemm, MatMul, LSTM, GRU, RNN; FLOPs = 2 x MACs.
 * - "Other ops" (one per output element, per op type) for bias adds,
 *   normalisations, activations, pooling, elementwise and reductions; pure data
 *   movement (Reshape, Transpose, Concat, Gather, Shape, ...) counts nothing.
 * - Params: element count of every initializer, each counted once (as Python's
 *   `onnx` reports for the file). A layer's params are the initializers it is
 *   the first consumer of (through Identity aliases, as torch exports shared weights).
 */
import type { LoadedModel } from '../onnx/reader';
import { attrInt, attrInts, initializerMap, tensorSize } from '../onnx/graph';
import { ModelFileError } from '../onnx/modelFileError';
import type { NodeProto } from '../onnx/proto';
import type { ShapeTable } from '../shapes/types';
import { InvalidNodeError } from '../shapes/invalidNode';
import { checkedGroup } from '../shapes/ops/conv';

/** Counts of one node. */
export interface LayerCount {
  name: string;
  op: string;
  inputShapes: number[][];
  outputShape: number[];
  /** Initializer elements first consumed by this node. */
  params: number;
  /** Dense multiply-accumulates. */
  macs: number;
  /** Non-MAC ops (one per output element), including bias adds. */
  otherOps: number;
  kernel?: number[];
  group?: number;
  cIn?: number;
  cOut?: number;
  outSpatial?: number[];
  inSpatial?: number[];
}

/** Counts of a model. */
export interface ModelCounts {
  layers: LayerCount[];
  totals: {
    params: number;
    macs: number;
    /** 2 x macs */
    flops: number;
    /** Other ops per op type (bias adds under 'Bias'). */
    otherOps: Record<string, number>;
  };
}

/** ConvTranspose convention: input-based (fvcore, fixed thop; default) or onnx-tool's output-based count. */
export type ConvTransposeConvention = 'input' | 'onnx-tool';

/** Options of countModel. */
export interface CountOptions {
  convTranspose?: ConvTransposeConvention;
}

/** Ops that move or describe data without arithmetic: no "other ops". */
const DATA_MOVEMENT = new Set([
  'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Concat', 'Split', 'Slice', 'Gather', 'GatherElements',
  'GatherND', 'Shape', 'Size', 'Constant', 'ConstantOfShape', 'Cast', 'CastLike', 'Expand', 'Tile', 'Pad', 'Identity',
  'DepthToSpace', 'SpaceToDepth', 'Dropout', 'Range', 'If', 'Loop', 'Scan', 'ScatterND', 'ScatterElements', 'NonZero',
]);

/** Ops whose cost is counted in MACs. */
export const MAC_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'LSTM', 'GRU', 'RNN']);

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/** A stable display name: node name, else `op_type_<index>`. */
export function layerName(node: NodeProto, index: number): string {
  return node.name || `${node.op_type ?? 'node'}_${index}`;
}

/** Counts params, MACs and other ops per node of the main graph, and totals. */
export function countModel(model: LoadedModel, shapes: ShapeTable, opts: CountOptions = {}): ModelCounts {
  const graph = model.proto.graph ?? {};
  const inits = initializerMap(graph);
  const claimed = new Set<string>();
  // Identity(initializer) outputs (torch exports shared weights this way): params go to the real consumer.
  const alias = new Map<string, string>();
  const aliasOf = (name: string) => alias.get(name) ?? name;
  const layers: LayerCount[] = [];
  const otherTotals: Record<string, number> = {};
  let macs = 0;
  (graph.node ?? []).forEach((node, index) => {
    const op = node.op_type ?? '';
    const inputShapes = (node.input ?? []).map((i) => (i ? shapes.shapes.get(i) ?? [] : []));
    const outputShape = shapes.shapes.get((node.output ?? [])[0] ?? '') ?? [];
    let params = 0;
    if (op === 'Identity' && inits.has(aliasOf((node.input ?? [])[0] ?? ''))) {
      alias.set((node.output ?? [])[0] ?? '', aliasOf((node.input ?? [])[0] ?? ''));
    } else {
      for (const input of node.input ?? []) {
        const i = aliasOf(input);
        const t = inits.get(i);
        if (t && !claimed.has(i)) {
          claimed.add(i);
          params += tensorSize(t);
        }
      }
    }
    const layer: LayerCount = { name: layerName(node, index), op, inputShapes, outputShape, params, macs: 0, otherOps: 0 };
    const outKnown = shapes.shapes.has((node.output ?? [])[0] ?? '');
    const other = countChecked(model.file, node, layer, () => countNode(node, layer, outKnown, opts));
    for (const [k, v] of Object.entries(other)) {
      layer.otherOps += v;
      otherTotals[k] = (otherTotals[k] ?? 0) + v;
    }
    macs += layer.macs;
    layers.push(layer);
  });
  const params = (graph.initializer ?? []).reduce((s, t) => s + tensorSize(t), 0);
  requireSafe(model.file, 'the model', 'MACs (total)', 2 * macs);
  for (const [k, v] of Object.entries(otherTotals)) requireSafe(model.file, 'the model', `other ops '${k}' (total)`, v);
  return { layers, totals: { params, macs, flops: 2 * macs, otherOps: otherTotals } };
}

/** Throws ModelFileError unless a count is a non-negative safe integer. */
function requireSafe(file: string, where: string, what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ModelFileError(file, `${where}: ${what} is ${n}, expected a non-negative integer below 2^53 (shapes too large or attributes out of range)`);
  }
}

/** Counts one node; its attribute errors and out-of-range counts become ModelFileErrors naming the file and node. */
function countChecked(file: string, node: NodeProto, layer: LayerCount, count: () => Record<string, number>): Record<string, number> {
  const where = `node '${layer.name}' (${layer.op})`;
  let other: Record<string, number>;
  try {
    other = count();
  } catch (e) {
    if (e instanceof InvalidNodeError) throw new ModelFileError(file, `${where}: ${e.message}`);
    throw e;
  }
  requireSafe(file, where, 'MACs', 2 * layer.macs);
  for (const [k, v] of Object.entries(other)) requireSafe(file, where, `other ops '${k}'`, v);
  return other;
}

/** Fills layer.macs and the geometry fields; returns other ops by type. */
function countNode(node: NodeProto, layer: LayerCount, outKnown: boolean, opts: CountOptions): Record<string, number> {
  const op = layer.op;
  const out = layer.outputShape;
  const outElems = outKnown ? prod(out) : 0;
  const hasBias = (i: number) => Boolean((node.input ?? [])[i]);
  switch (op) {
    case 'Conv': {
      const [x, w] = layer.inputShapes;
      if (!x?.length || !w?.length || !out.length) return {};
      const group = checkedGroup(node, x, w);
      const kernel = attrInts(node, 'kernel_shape', w.slice(2));
      Object.assign(layer, { kernel, group, cIn: x[1], cOut: out[1], outSpatial: out.slice(2), inSpatial: x.slice(2) });
      layer.macs = out[0] * out[1] * (x[1] / group) * prod(kernel) * prod(out.slice(2));
      return hasBias(2) ? { Bias: outElems } : {};
    }
    case 'ConvTranspose': {
      const [x, w] = layer.inputShapes;
      if (!x?.length || !w?.length || !out.length) return {};
      const group = checkedGroup(node, x, w);
      const kernel = attrInts(node, 'kernel_shape', w.slice(2));
      Object.assign(layer, { kernel, group, cIn: x[1], cOut: out[1], outSpatial: out.slice(2), inSpatial: x.slice(2) });
      layer.macs = opts.convTranspose === 'onnx-tool'
        ? out[0] * out[1] * (x[1] / group) * prod(kernel) * prod(out.slice(2))
        : x[0] * x[1] * (out[1] / group) * prod(kernel) * prod(x.slice(2));
      return hasBias(2) ? { Bias: outElems } : {};
    }
    case 'Gemm': {
      const [a, b] = layer.inputShapes;
      if (a?.length !== 2 || b?.length !== 2) return {};
      const k = attrInt(node, 'transA', 0) ? a[0] : a[1];
      layer.macs = out[0] * out[1] * k;
      Object.assign(layer, { cIn: k, cOut: out[1] });
      return hasBias(2) ? { Bias: outElems } : {};
    }
    case 'MatMul': {
      const [a] = layer.inputShapes;
      if (!a?.length || !out.length) return {};
      layer.macs = prod(out) * a[a.length - 1];
      Object.assign(layer, { cIn: a[a.length - 1], cOut: out[out.length - 1] });
      return {};
    }
    case 'LSTM': case 'GRU': case 'RNN': {
      const [x, w, r] = layer.inputShapes;
      if (x?.length !== 3 || w?.length !== 3 || r?.length !== 3) return {};
      const layout = attrInt(node, 'layout', 0);
      const [seq, batch] = layout === 0 ? [x[0], x[1]] : [x[1], x[0]];
      const dirs = w[0];
      const gatesH = w[1];
      const hidden = attrInt(node, 'hidden_size', r[2]);
      // per step and direction: W x_t (gatesH x input) + R h_{t-1} (gatesH x hidden)
      layer.macs = dirs * seq * batch * gatesH * (w[2] + hidden);
      Object.assign(layer, { cIn: w[2], cOut: hidden });
      const gates = dirs * seq * batch * gatesH;
      const other: Record<string, number> = { [`${op}.gates`]: gates };
      if (hasBias(3)) other.Bias = gates;
      return other;
    }
    default:
      if (DATA_MOVEMENT.has(op) || !outKnown) return {};
      return { [op]: outElems };
  }
}

/** A prunable unit: a Conv / ConvTranspose / Gemm and its output channels. */
export interface PrunableUnit {
  /** Layer (node) name. */
  name: string;
  op: string;
  /** Output channels (filters) K. */
  channels: number;
}

/** Every Conv / ConvTranspose / Gemm with its output channels. */
export function units(_model: LoadedModel, counts: ModelCounts): PrunableUnit[] {
  return counts.layers
    .filter((l) => l.op === 'Conv' || l.op === 'ConvTranspose' || l.op === 'Gemm')
    .map((l) => ({ name: l.name, op: l.op, channels: l.cOut ?? l.outputShape[1] ?? 0 }));
}
