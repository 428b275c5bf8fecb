/** Shape rules: Conv, ConvTranspose, MaxPool, AveragePool, LpPool, GlobalAveragePool, GlobalMaxPool. */
import { attrInt, attrInts, attrString } from '../../onnx/graph';
import type { NodeProto } from '../../onnx/proto';
import type { ShapeRule } from '../types';
import { shapeOf } from '../util';
import { InvalidNodeError, listText, requireInts } from '../invalidNode';

/** Window geometry of a conv / pool node over `spatial` input dims. */
export interface WindowParams {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** begin pads then end pads, as ONNX `pads`. */
  pads: number[];
  autoPad: string;
}

/** Reads kernel/strides/dilations/pads/auto_pad with ONNX defaults. */
export function windowParams(node: NodeProto, kernel: number[]): WindowParams {
  const r = kernel.length;
  return {
    kernel,
    strides: attrInts(node, 'strides', new Array(r).fill(1)),
    dilations: attrInts(node, 'dilations', new Array(r).fill(1)),
    pads: attrInts(node, 'pads', new Array(2 * r).fill(0)),
    autoPad: attrString(node, 'auto_pad', 'NOTSET'),
  };
}

const AUTO_PADS = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

/** Checks window attributes over `rank` spatial dims: positive kernel/strides/dilations, non-negative pads, a known auto_pad. */
export function checkWindow(p: WindowParams, rank: number): void {
  requireInts('kernel (kernel_shape or W dims 2..)', p.kernel, rank, 1);
  requireInts("attribute 'strides'", p.strides, rank, 1);
  requireInts("attribute 'dilations'", p.dilations, rank, 1);
  requireInts("attribute 'pads'", p.pads, 2 * rank, 0);
  if (!AUTO_PADS.includes(p.autoPad)) throw new InvalidNodeError("attribute 'auto_pad'", AUTO_PADS.join(' | '), `'${p.autoPad}'`);
}

/** Checks a window's output spatial dims are at least 1 (a kernel no larger than the padded input). */
function checkWindowOutput(input: number[], out: number[]): void {
  if (input.every((d) => d > 0) && out.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    throw new InvalidNodeError('output spatial size', 'dims >= 1 (kernel no larger than the padded input)', `${listText(out)} from input ${listText(input)}`);
  }
}

/** Reads and checks `group` and the X/W shapes of a Conv (W = [K, C/group, k...]) or ConvTranspose (W = [C, K/group, k...]). */
export function checkedGroup(node: NodeProto, x: number[], w: number[]): number {
  const group = attrInt(node, 'group', 1);
  const transpose = node.op_type === 'ConvTranspose';
  if (!Number.isSafeInteger(group) || group < 1) throw new InvalidNodeError("attribute 'group'", 'a positive integer', String(group));
  if (x.length < 3 || w.length !== x.length) {
    throw new InvalidNodeError('input shapes', `X of rank >= 3 and W of the same rank`, `X ${listText(x)}, W ${listText(w)}`);
  }
  const inChannels = transpose ? w[0] : w[1] * group;
  if (x[1] !== inChannels) {
    const rule = transpose ? 'W dim 0' : `W dim 1 x group (${w[1]} x ${group})`;
    throw new InvalidNodeError('input channels', `X dim 1 = ${rule} = ${inChannels}`, `X ${listText(x)}, W ${listText(w)}`);
  }
  if (w[0] % group !== 0) throw new InvalidNodeError("attribute 'group'", `a divisor of W dim 0 (${w[0]})`, String(group));
  return group;
}

/** Output spatial size of a Conv / pool window (ONNX formulas, including auto_pad and ceil_mode). */
export function windowOutput(input: number[], p: WindowParams, ceilMode = false): number[] {
  return input.map((x, i) => {
    const ek = (p.kernel[i] - 1) * p.dilations[i] + 1;
    const s = p.strides[i];
    if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') return Math.ceil(x / s);
    if (p.autoPad === 'VALID') return Math.floor((x - ek) / s) + 1;
    const padded = x + p.pads[i] + p.pads[i + input.length] - ek;
    let out = (ceilMode ? Math.ceil(padded / s) : Math.floor(padded / s)) + 1;
    // ceil_mode: the last window must start inside the input or left padding
    if (ceilMode && (out - 1) * s >= x + p.pads[i]) out -= 1;
    return out;
  });
}

export const conv: ShapeRule = (ctx) => {
  const x = shapeOf(ctx, 0);
  const w = shapeOf(ctx, 1);
  if (!x || !w) return undefined;
  checkedGroup(ctx.node, x, w);
  const kernel = attrInts(ctx.node, 'kernel_shape', w.slice(2));
  const p = windowParams(ctx.node, kernel);
  checkWindow(p, x.length - 2);
  const out = windowOutput(x.slice(2), p);
  checkWindowOutput(x.slice(2), out);
  return [{ shape: [x[0], w[0], ...out], dtype: ctx.inputs[0]?.dtype }];
};

/** ConvTranspose output spatial dims (explicit output_shape, auto_pad, or the pads formula). */
export function convTransposeOutput(node: NodeProto, inSpatial: number[], kernel: number[]): number[] {
  const p = windowParams(node, kernel);
  const r = inSpatial.length;
  checkWindow(p, r);
  const outPad = attrInts(node, 'output_padding', new Array(r).fill(0));
  requireInts("attribute 'output_padding'", outPad, r, 0);
  const explicit = attrInts(node, 'output_shape');
  if (explicit && explicit.length > 0) return explicit.slice(-r);
  return inSpatial.map((x, i) => {
    if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') return x * p.strides[i];
    const ek = (kernel[i] - 1) * p.dilations[i] + 1;
    const pads = p.autoPad === 'VALID' ? 0 : p.pads[i] + p.pads[i + r];
    return p.strides[i] * (x - 1) + outPad[i] + ek - pads;
  });
}

export const convTranspose: ShapeRule = (ctx) => {
  const x = shapeOf(ctx, 0);
  const w = shapeOf(ctx, 1);
  if (!x || !w) return undefined;
  const group = checkedGroup(ctx.node, x, w);
  const kernel = attrInts(ctx.node, 'kernel_shape', w.slice(2));
  const out = convTransposeOutput(ctx.node, x.slice(2), kernel);
  checkWindowOutput(x.slice(2), out);
  return [{ shape: [x[0], w[1] * group, ...out], dtype: ctx.inputs[0]?.dtype }];
};

export const pool: ShapeRule = (ctx) => {
  const x = shapeOf(ctx, 0);
  const kernel = attrInts(ctx.node, 'kernel_shape');
  if (!x || !kernel) return undefined;
  const p = windowParams(ctx.node, kernel);
  checkWindow(p, x.length - 2);
  const spatial = windowOutput(x.slice(2), p, attrInt(ctx.node, 'ceil_mode', 0) === 1);
  checkWindowOutput(x.slice(2), spatial);
  const out = [x[0], x[1], ...spatial];
  return [{ shape: out, dtype: ctx.inputs[0]?.dtype }, { shape: out, dtype: 7 }];
};

export const globalPool: ShapeRule = (ctx) => {
  const x = shapeOf(ctx, 0);
  if (!x) return undefined;
  return [{ shape: [x[0], x[1], ...x.slice(2).map(() => 1)], dtype: ctx.inputs[0]?.dtype }];
};
