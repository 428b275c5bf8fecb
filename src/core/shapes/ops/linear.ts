/** Shape rules: Gemm, MatMul (numpy semantics, batched and 1-D). */
import { attrInt } from '../../onnx/graph';
import type { ShapeRule } from '../types';
import { broadcast, shapeOf } from '../util';

export const gemm: ShapeRule = (ctx) => {
  const a = shapeOf(ctx, 0);
  const b = shapeOf(ctx, 1);
  if (!a || !b || a.length !== 2 || b.length !== 2) return undefined;
  const m = attrInt(ctx.node, 'transA', 0) ? a[1] : a[0];
  const n = attrInt(ctx.node, 'transB', 0) ? b[0] : b[1];
  return [{ shape: [m, n], dtype: ctx.inputs[0]?.dtype }];
};

/** Output shape of numpy matmul, or undefined when shapes do not fit. */
export function matmulShape(a: number[], b: number[]): number[] | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  if (a2[a2.length - 1] !== b2[b2.length - 2]) return undefined;
  const batch = broadcast(a2.slice(0, -2), b2.slice(0, -2));
  if (!batch) return undefined;
  const out = [...batch];
  if (a.length !== 1) out.push(a2[a2.length - 2]);
  if (b.length !== 1) out.push(b2[b2.length - 1]);
  return out;
}

export const matmul: ShapeRule = (ctx) => {
  const a = shapeOf(ctx, 0);
  const b = shapeOf(ctx, 1);
  if (!a || !b) return undefined;
  const out = matmulShape(a, b);
  return out ? [{ shape: out, dtype: ctx.inputs[0]?.dtype }] : undefined;
};
