/**
 * Shape rules: unary activations and math, normalisations, Softmax, Cast,
 * broadcasting binary ops (arithmetic, comparison, logic), Where, variadic
 * Sum/Max/Min/Mean. Small integer values are folded (shape subgraphs).
 */
import { attrInt, attrTensor } from '../../onnx/graph';
import { DataType } from '../../onnx/proto';
import type { RuleContext, ShapeRule, TensorFacts } from '../types';
import { broadcast, broadcastValues, facts, isIntType, shapeOf } from '../util';

/** Unary ops whose output has the input's shape and type; value folded with `fn` when given. */
const unaryFns: Record<string, ((x: number) => number) | null> = {
  Identity: (x) => x, Neg: (x) => -x, Abs: Math.abs, Sqrt: Math.sqrt, Floor: Math.floor, Ceil: Math.ceil,
  Relu: (x) => Math.max(0, x), Exp: Math.exp, Log: Math.log, Reciprocal: (x) => 1 / x, Sign: Math.sign,
  Round: (x) => Math.round(x), Sin: Math.sin, Cos: Math.cos,
  LeakyRelu: null, Sigmoid: null, Tanh: null, Erf: null, Gelu: null, HardSigmoid: null, HardSwish: null,
  Elu: null, Selu: null, Celu: null, Softplus: null, Softsign: null, Mish: null, ThresholdedRelu: null,
  Clip: null, Softmax: null, LogSoftmax: null, Hardmax: null, BatchNormalization: null,
  InstanceNormalization: null, LayerNormalization: null, GroupNormalization: null, LRN: null,
  MeanVarianceNormalization: null, Dropout: null, CumSum: null, Trilu: null, PRelu: null, Tan: null,
  Asin: null, Acos: null, Atan: null, Sinh: null, Cosh: null,
};

/** Unary ops: output 0 has input 0's shape and type. */
export const unary: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  const fn = unaryFns[ctx.node.op_type ?? ''];
  const value = fn && x.value ? x.value.map(fn) : undefined;
  const out: (TensorFacts | undefined)[] = [facts(x.shape, x.dtype, value)];
  const op = ctx.node.op_type;
  if (op === 'Dropout') out.push({ shape: x.shape, dtype: DataType.BOOL });
  if (op === 'LayerNormalization') {
    const axis = attrInt(ctx.node, 'axis', -1);
    const a = axis < 0 ? axis + x.shape.length : axis;
    const stat = x.shape.map((d, i) => (i < a ? d : 1));
    out.push({ shape: stat, dtype: DataType.FLOAT }, { shape: stat, dtype: DataType.FLOAT });
  }
  return out;
};

/** Names of the unary ops handled by `unary`. */
export const unaryOps = Object.keys(unaryFns);

export const isNanInf: ShapeRule = (ctx) => {
  const s = shapeOf(ctx, 0);
  return s ? [{ shape: s, dtype: DataType.BOOL }] : undefined;
};

export const cast: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  const to = ctx.node.op_type === 'CastLike' ? ctx.inputs[1]?.dtype : attrInt(ctx.node, 'to');
  const value = x.value && to !== undefined && isIntType(to) ? x.value.map(Math.trunc) : x.value;
  return [facts(x.shape, to, value)];
};

const binaryFns: Record<string, (a: number, b: number, int: boolean) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b, int) => (int ? Math.trunc(a / b) : a / b),
  Pow: (a, b) => a ** b,
  Mod: (a, b) => a - b * Math.floor(a / b),
  Max: (a, b) => Math.max(a, b),
  Min: (a, b) => Math.min(a, b),
  Sum: (a, b) => a + b,
  Equal: (a, b) => Number(a === b),
  Less: (a, b) => Number(a < b),
  Greater: (a, b) => Number(a > b),
  LessOrEqual: (a, b) => Number(a <= b),
  GreaterOrEqual: (a, b) => Number(a >= b),
  And: (a, b) => Number(Boolean(a) && Boolean(b)),
  Or: (a, b) => Number(Boolean(a) || Boolean(b)),
  Xor: (a, b) => Number(Boolean(a) !== Boolean(b)),
  BitShift: (a) => a,
};
const boolOutput = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor']);

/** Names of the broadcasting ops handled by `binary` (two or more inputs). */
export const binaryOps = [...Object.keys(binaryFns), 'Mean'];

/** Broadcasting ops (two or more inputs), value folded when every input value is known. */
export const binary: ShapeRule = (ctx) => {
  const ins = (ctx.node.input ?? []).flatMap((name, i) => (name ? [ctx.inputs[i]] : []));
  if (ins.some((x) => !x?.shape)) return undefined;
  const shapes = ins.map((x) => x!.shape!);
  const out = broadcast(...shapes);
  if (!out) return undefined;
  const op = ctx.node.op_type ?? '';
  const dtype = boolOutput.has(op) ? DataType.BOOL : ins[0]!.dtype;
  return [facts(out, dtype, foldBinary(ctx, out, op))];
};

function foldBinary(ctx: RuleContext, out: number[], op: string): number[] | undefined {
  const fn = binaryFns[op];
  if (!fn || ctx.inputs.some((x) => !x?.value)) return undefined;
  const int = isIntType(ctx.inputs[0]?.dtype);
  const ins = ctx.inputs.map((x) => ({ shape: x!.shape!, value: x!.value! }));
  return broadcastValues(out, ins, (...xs) => xs.slice(1).reduce((acc, v) => fn(acc, v, int), xs[0]));
}

export const not: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  return [facts(x.shape, DataType.BOOL, x.value?.map((v) => Number(!v)))];
};

export const where: ShapeRule = (ctx) => {
  const [c, a, b] = ctx.inputs;
  if (!c?.shape || !a?.shape || !b?.shape) return undefined;
  const out = broadcast(c.shape, a.shape, b.shape);
  if (!out) return undefined;
  const value = c.value && a.value && b.value
    ? broadcastValues(out, [c, a, b].map((x) => ({ shape: x.shape!, value: x.value! })), (cv, av, bv) => (cv ? av : bv))
    : undefined;
  return [facts(out, a.dtype, value)];
};

/** The fill value and type of ConstantOfShape (attribute `value`, default float 0). */
export function fillValue(ctx: RuleContext): { value: number; dtype: number } {
  const t = attrTensor(ctx.node, 'value');
  if (!t) return { value: 0, dtype: DataType.FLOAT };
  const dtype = t.data_type ?? DataType.FLOAT;
  const raw = t.raw_data;
  let value = 0;
  if (raw && raw.length > 0) {
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    value = dtype === DataType.INT64 ? Number(v.getBigInt64(0, true)) : dtype === DataType.FLOAT ? v.getFloat32(0, true)
      : dtype === DataType.INT32 ? v.getInt32(0, true) : dtype === DataType.DOUBLE ? v.getFloat64(0, true) : v.getUint8(0);
  } else {
    value = (t.float_data?.[0] ?? t.int64_data?.[0] ?? t.int32_data?.[0] ?? t.double_data?.[0] ?? 0) as number;
  }
  return { value: Number(value), dtype };
}
