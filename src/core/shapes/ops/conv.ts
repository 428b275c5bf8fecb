/** Shape rules: Conv, ConvTranspose, MaxPool, AveragePool, LpPool, GlobalAveragePool, GlobalMaxPool. */
import { attrInt, attrInts, attrString } from '../../onnx/graph';
import type { NodeProto } from '../../onnx/proto';
import type { ShapeRule } from '../types';
import { shapeOf } from '../util';

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
  const kernel = attrInts(ctx.node, 'kernel_shape', w.slice(2));
  const out = windowOutput(x.slice(2), windowParams(ctx.node, kernel));
  return [{ shape: [x[0], w[0], ...out], dtype: ctx.inputs[0]?.dtype }];
};

/** ConvTranspose output spatial dims (explicit output_shape, auto_pad, or the pads formula). */
export function convTransposeOutput(node: NodeProto, inSpatial: number[], kernel: number[]): number[] {
  const p = windowParams(node, kernel);
  const r = inSpatial.length;
  const outPad = attrInts(node, 'output_padding', new Array(r).fill(0));
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
  const group = attrInt(ctx.node, 'group', 1);
  const kernel = attrInts(ctx.node, 'kernel_shape', w.slice(2));
  return [{ shape: [x[0], w[1] * group, ...convTransposeOutput(ctx.node, x.slice(2), kernel)], dtype: ctx.inputs[0]?.dtype }];
};

export const pool: ShapeRule = (ctx) => {
  const x = shapeOf(ctx, 0);
  const kernel = attrInts(ctx.node, 'kernel_shape');
  if (!x || !kernel) return undefined;
  const out = [x[0], x[1], ...windowOutput(x.slice(2), windowParams(ctx.node, kernel), attrInt(ctx.node, 'ceil_mode', 0) === 1)];
  return [{ shape: out, dtype: ctx.inputs[0]?.dtype }, { shape: out, dtype: 7 }];
};

export const globalPool: ShapeRule = (ctx) => {
  const x = shapeOf(ctx, 0);
  if (!x) return undefined;
  return [{ shape: [x[0], x[1], ...x.slice(2).map(() => 1)], dtype: ctx.inputs[0]?.dtype }];
};
