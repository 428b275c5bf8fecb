/** Shape rules: Constant, ConstantOfShape, Shape, Size, Range, and reductions (ReduceMean & co, ArgMax/ArgMin). */
import { attr, attrInt, attrInts, tensorDims, tensorToNumbers } from '../../onnx/graph';
import { DataType } from '../../onnx/proto';
import { MAX_FOLDED_ELEMENTS, type ShapeRule } from '../types';
import { InvalidNodeError } from '../invalidNode';
import { axisOf, facts, hasInput, numel, valueOf } from '../util';
import { fillValue } from './elementwise';

export const constant: ShapeRule = (ctx) => {
  const n = ctx.node;
  const t = attr(n, 'value')?.t;
  if (t) {
    const dims = tensorDims(t);
    return [facts(dims, t.data_type, numel(dims) <= 4096 ? tensorToNumbers(t) : undefined)];
  }
  const f = attr(n, 'value_float');
  if (f) return [facts([], DataType.FLOAT, [f.f ?? 0])];
  const fs = attr(n, 'value_floats');
  if (fs) return [facts([fs.floats?.length ?? 0], DataType.FLOAT, [...(fs.floats ?? [])])];
  const i = attr(n, 'value_int');
  if (i) return [facts([], DataType.INT64, [Number(i.i ?? 0)])];
  const is = attr(n, 'value_ints');
  if (is) return [facts([is.ints?.length ?? 0], DataType.INT64, (is.ints ?? []).map(Number))];
  return undefined;
};

export const constantOfShape: ShapeRule = (ctx) => {
  const shape = valueOf(ctx, 0);
  if (!shape) return undefined;
  const { value, dtype } = fillValue(ctx);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new InvalidNodeError("input 0 'shape'", 'non-negative integer dims', `[${shape.join(',')}]`);
  }
  return [facts(shape, dtype, numel(shape) <= MAX_FOLDED_ELEMENTS ? new Array(numel(shape)).fill(value) : undefined)];
};

export const shapeOp: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  if (!x) return undefined;
  const r = x.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = clamp(attrInt(ctx.node, 'start', 0));
  const end = clamp(attrInt(ctx.node, 'end', r));
  const value = x.slice(start, end);
  return [facts([value.length], DataType.INT64, value)];
};

export const size: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  return x ? [facts([], DataType.INT64, [numel(x)])] : undefined;
};

export const range: ShapeRule = (ctx) => {
  const [s, l, d] = [valueOf(ctx, 0), valueOf(ctx, 1), valueOf(ctx, 2)];
  if (!s || !l || !d) return undefined;
  if (d[0] === 0) throw new InvalidNodeError("input 2 'delta'", 'a non-zero step', '0');
  const n = Math.max(Math.ceil((l[0] - s[0]) / d[0]), 0);
  if (!Number.isSafeInteger(n)) return undefined;
  const value = n <= MAX_FOLDED_ELEMENTS ? Array.from({ length: n }, (_, k) => s[0] + k * d[0]) : undefined;
  return [facts([n], ctx.inputs[0]?.dtype, value)];
};

/** ReduceMean/Sum/Max/Min/Prod/L1/L2/LogSumExp/SumSquare: axes attribute or input, keepdims. */
export const reduce: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  const r = x.shape.length;
  let axes = attrInts(ctx.node, 'axes');
  if (!axes && hasInput(ctx, 1)) {
    axes = valueOf(ctx, 1);
    if (!axes) return undefined;
  }
  const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
  if (!axes || axes.length === 0) {
    if (attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1) return [{ shape: x.shape, dtype: x.dtype }];
    axes = x.shape.map((_, i) => i);
  }
  const set = new Set(axes.map((a) => axisOf(a, r)));
  const out = keep ? x.shape.map((d, i) => (set.has(i) ? 1 : d)) : x.shape.filter((_, i) => !set.has(i));
  return [{ shape: out, dtype: x.dtype }];
};

export const argReduce: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  if (!x) return undefined;
  const a = axisOf(attrInt(ctx.node, 'axis', 0), x.length);
  const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
  return [{ shape: keep ? x.map((d, i) => (i === a ? 1 : d)) : x.filter((_, i) => i !== a), dtype: DataType.INT64 }];
};

export const topK: ShapeRule = (ctx) => {
  const x = ctx.inputs[0]?.shape;
  const k = ctx.opset < 10 ? [attrInt(ctx.node, 'k', 0)] : valueOf(ctx, 1);
  if (!x || !k) return undefined;
  const a = axisOf(attrInt(ctx.node, 'axis', -1), x.length);
  const out = x.map((d, i) => (i === a ? k[0] : d));
  return [{ shape: out, dtype: ctx.inputs[0]?.dtype }, { shape: out, dtype: DataType.INT64 }];
};
