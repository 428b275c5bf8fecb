/**
 * Shape rules for data-movement ops: Reshape, Flatten, Transpose, Squeeze,
 * Unsqueeze, Concat, Split, Slice, Gather, GatherElements, Expand, Tile, Pad,
 * DepthToSpace, SpaceToDepth, Resize, Upsample. Values of small (shape)
 * tensors are folded through Reshape/Squeeze/Unsqueeze/Concat/Slice/Gather.
 */
import { attrFloats, attrInt, attrInts } from '../../onnx/graph';
import { MAX_FOLDED_ELEMENTS, type RuleContext, type ShapeRule } from '../types';
import { axisOf, facts, hasInput, numel, shapeOf, strides, valueOf, broadcast } from '../util';

/**
 * Folds values of a small tensor through an index mapping: for each output
 * coordinate, `source` gives the input coordinate to read.
 */
function remap(out: number[], source: (coord: number[]) => number[], inShape: number[], value: number[]): number[] | undefined {
  const n = numel(out);
  if (n > 4096) return undefined;
  const os = strides(out);
  const is = strides(inShape);
  const res = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    const coord = out.map((d, a) => Math.floor(k / os[a]) % d);
    res[k] = value[source(coord).reduce((s, c, a) => s + c * is[a], 0)];
  }
  return res;
}

export const reshape: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  const target = valueOf(ctx, 1);
  if (!x?.shape || !target) return undefined;
  const allowZero = attrInt(ctx.node, 'allowzero', 0) === 1;
  const out = target.map((d, i) => (d === 0 && !allowZero ? x.shape![i] : d));
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const inferred = out.map((d) => (d === -1 ? numel(x.shape!) / known : d));
  if (inferred.some((d) => !Number.isInteger(d) || d < 0)) return undefined;
  return [facts(inferred, x.dtype, x.value)];
};

export const flatten: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  const a = axisOf(attrInt(ctx.node, 'axis', 1), x.shape.length);
  return [facts([numel(x.shape.slice(0, a)), numel(x.shape.slice(a))], x.dtype, x.value)];
};

export const transpose: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  const perm = attrInts(ctx.node, 'perm', x.shape.map((_, i) => x.shape!.length - 1 - i));
  const out = perm.map((p) => x.shape![p]);
  const value = x.value ? remap(out, (coord) => {
    const src = new Array<number>(perm.length);
    perm.forEach((p, i) => (src[p] = coord[i]));
    return src;
  }, x.shape, x.value) : undefined;
  return [facts(out, x.dtype, value)];
};

/** Axes from the `axes` attribute (old opsets) or input 1 (opset >= 13). */
function axesOf(ctx: RuleContext, inputIndex = 1): number[] | undefined | null {
  const fromAttr = attrInts(ctx.node, 'axes');
  if (fromAttr) return fromAttr;
  if (!hasInput(ctx, inputIndex)) return null;
  return valueOf(ctx, inputIndex);
}

export const squeeze: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  const axes = axesOf(ctx);
  if (axes === undefined) return undefined;
  const r = x.shape.length;
  const drop = new Set(axes === null ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : axes.map((a) => axisOf(a, r)));
  return [facts(x.shape.filter((_, i) => !drop.has(i)), x.dtype, x.value)];
};

export const unsqueeze: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  const axes = axesOf(ctx);
  if (!axes) return undefined;
  const r = x.shape.length + axes.length;
  const set = new Set(axes.map((a) => axisOf(a, r)));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < r; i++) out.push(set.has(i) ? 1 : x.shape[j++]);
  return [facts(out, x.dtype, x.value)];
};

export const concat: ShapeRule = (ctx) => {
  const ins = (ctx.node.input ?? []).flatMap((name, i) => (name ? [ctx.inputs[i]] : []));
  if (ins.length === 0 || ins.some((x) => !x?.shape)) return undefined;
  const first = ins[0]!.shape!;
  const a = axisOf(attrInt(ctx.node, 'axis', 0), first.length);
  const out = [...first];
  out[a] = ins.reduce((s, x) => s + x!.shape![a], 0);
  const value = first.length === 1 && ins.every((x) => x!.value) ? ins.flatMap((x) => x!.value!) : undefined;
  return [facts(out, ins[0]!.dtype, value)];
};

export const split: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  const n = (ctx.node.output ?? []).length;
  const a = axisOf(attrInt(ctx.node, 'axis', 0), x.shape.length);
  const dim = x.shape[a];
  let sizes = attrInts(ctx.node, 'split');
  if (!sizes && hasInput(ctx, 1)) {
    sizes = valueOf(ctx, 1);
    if (!sizes) return undefined;
  }
  if (!sizes) {
    const chunk = Math.ceil(dim / n);
    sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  }
  return sizes.map((s) => {
    const out = [...x.shape!];
    out[a] = s;
    return { shape: out, dtype: x.dtype };
  });
};

/** Clamps a Slice start/end the way ONNX does for a positive or negative step. */
function clampIndex(v: number, dim: number, step: number, isEnd: boolean): number {
  let x = v < 0 ? v + dim : v;
  if (step > 0) x = Math.min(Math.max(x, 0), dim);
  else x = Math.min(Math.max(x, isEnd ? -1 : 0), dim - 1);
  return x;
}

export const slice: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  const r = x.shape.length;
  let starts: number[] | undefined, ends: number[] | undefined, axes: number[] | undefined, steps: number[] | undefined;
  if (ctx.opset < 10) {
    starts = attrInts(ctx.node, 'starts');
    ends = attrInts(ctx.node, 'ends');
    axes = attrInts(ctx.node, 'axes');
  } else {
    starts = valueOf(ctx, 1);
    ends = valueOf(ctx, 2);
    if (hasInput(ctx, 3)) axes = valueOf(ctx, 3) ?? [NaN];
    if (hasInput(ctx, 4)) steps = valueOf(ctx, 4) ?? [NaN];
  }
  if (!starts || !ends || axes?.some(Number.isNaN) || steps?.some(Number.isNaN)) return undefined;
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => axisOf(a, r));
  const st = steps ?? starts.map(() => 1);
  const out = [...x.shape];
  const ranges = x.shape.map((d) => ({ start: 0, step: 1, count: d }));
  ax.forEach((a, i) => {
    const dim = x.shape![a];
    const b = clampIndex(starts![i], dim, st[i], false);
    const e = clampIndex(ends![i], dim, st[i], true);
    const count = Math.max(0, Math.ceil((e - b) / st[i]));
    out[a] = count;
    ranges[a] = { start: b, step: st[i], count };
  });
  const value = x.value ? remap(out, (coord) => coord.map((c, a) => ranges[a].start + c * ranges[a].step), x.shape, x.value) : undefined;
  return [facts(out, x.dtype, value)];
};

export const gather: ShapeRule = (ctx) => {
  const data = ctx.inputs[0];
  const idx = ctx.inputs[1];
  if (!data?.shape || !idx?.shape) return undefined;
  const r = data.shape.length;
  const a = axisOf(attrInt(ctx.node, 'axis', 0), r);
  const out = [...data.shape.slice(0, a), ...idx.shape, ...data.shape.slice(a + 1)];
  let value: number[] | undefined;
  if (data.value && idx.value && r === 1) {
    value = idx.value.map((i) => data.value![i < 0 ? i + data.shape![0] : i]);
  } else if (data.value && idx.value && numel(out) <= 4096) {
    const ds = strides(data.shape);
    const inner = numel(data.shape.slice(a + 1));
    const outer = numel(data.shape.slice(0, a));
    value = [];
    for (let o = 0; o < outer; o++) {
      for (const i of idx.value) {
        const ii = i < 0 ? i + data.shape[a] : i;
        for (let k = 0; k < inner; k++) value.push(data.value[o * (a > 0 ? ds[a - 1] : 0) + ii * ds[a] + k]);
      }
    }
  }
  return [facts(out, data.dtype, value)];
};

export const gatherElements: ShapeRule = (ctx) => {
  const idx = shapeOf(ctx, 1);
  return idx ? [{ shape: idx, dtype: ctx.inputs[0]?.dtype }] : undefined;
};

export const expand: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  const target = valueOf(ctx, 1);
  if (!x?.shape || !target) return undefined;
  const out = broadcast(x.shape, target);
  if (!out) return undefined;
  let value: number[] | undefined;
  if (x.value && numel(x.shape) === 1 && numel(out) <= MAX_FOLDED_ELEMENTS) value = new Array(numel(out)).fill(x.value[0]);
  return [facts(out, x.dtype, value)];
};

export const tile: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  const reps = valueOf(ctx, 1);
  if (!x?.shape || !reps) return undefined;
  return [{ shape: x.shape.map((d, i) => d * reps[i]), dtype: x.dtype }];
};

export const pad: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  const r = x.shape.length;
  let pads = ctx.opset < 11 ? attrInts(ctx.node, 'pads') : valueOf(ctx, 1);
  if (!pads) return undefined;
  let axes = ctx.opset >= 18 && hasInput(ctx, 3) ? valueOf(ctx, 3) : undefined;
  if (ctx.opset >= 18 && hasInput(ctx, 3) && !axes) return undefined;
  axes = (axes ?? x.shape.map((_, i) => i)).map((a) => axisOf(a, r));
  const full = new Array<number>(2 * r).fill(0);
  const na = axes.length;
  axes.forEach((a, i) => {
    full[a] = pads![i];
    full[a + r] = pads![i + na];
  });
  pads = full;
  return [{ shape: x.shape.map((d, i) => d + pads![i] + pads![i + r]), dtype: x.dtype }];
};

export const depthToSpace: ShapeRule = (ctx) => {
  const x = shapeOf(ctx, 0);
  const b = attrInt(ctx.node, 'blocksize');
  if (!x || x.length !== 4 || !b) return undefined;
  return [{ shape: [x[0], x[1] / (b * b), x[2] * b, x[3] * b], dtype: ctx.inputs[0]?.dtype }];
};

export const spaceToDepth: ShapeRule = (ctx) => {
  const x = shapeOf(ctx, 0);
  const b = attrInt(ctx.node, 'blocksize');
  if (!x || x.length !== 4 || !b) return undefined;
  return [{ shape: [x[0], x[1] * b * b, x[2] / b, x[3] / b], dtype: ctx.inputs[0]?.dtype }];
};

/** Resize (opset 10: X, scales; >= 11: X, roi, scales, sizes) and Upsample (scales attr or input). */
export const resize: ShapeRule = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.shape) return undefined;
  const op = ctx.node.op_type;
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  if (op === 'Upsample') {
    scales = attrFloats(ctx.node, 'scales') ?? valueOf(ctx, 1);
  } else if (ctx.opset < 11) {
    scales = valueOf(ctx, 1);
  } else {
    if (hasInput(ctx, 3)) sizes = valueOf(ctx, 3);
    if (!sizes && hasInput(ctx, 2)) scales = valueOf(ctx, 2);
    if (scales && scales.length === 0) scales = undefined;
    if (sizes && sizes.length === 0) sizes = undefined;
  }
  const r = x.shape.length;
  const axes = attrInts(ctx.node, 'axes')?.map((a) => axisOf(a, r)) ?? x.shape.map((_, i) => i);
  const out = [...x.shape];
  if (sizes) axes.forEach((a, i) => (out[a] = sizes![i]));
  else if (scales) axes.forEach((a, i) => (out[a] = Math.floor(x.shape![a] * scales![i] + 1e-6)));
  else return undefined;
  return [{ shape: out, dtype: x.dtype }];
};
