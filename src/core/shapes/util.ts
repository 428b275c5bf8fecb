/** Small helpers for the shape rules. */
import { DataType } from '../onnx/proto';
import { MAX_FOLDED_ELEMENTS, type RuleContext, type TensorFacts } from './types';

/** Product of dims (1 for a scalar). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Numpy-style broadcast of shapes, or undefined when incompatible. */
export function broadcast(...shapes: number[][]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i];
      if (d === 1) continue;
      if (out[j] === 1) out[j] = d;
      else if (out[j] !== d) return undefined;
    }
  }
  return out;
}

/** Normalises a possibly negative axis. */
export function axisOf(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Row-major strides of a shape. */
export function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** Values of input i when known. */
export function valueOf(ctx: RuleContext, i: number): number[] | undefined {
  return ctx.inputs[i]?.value;
}

/** Shape of input i when known. */
export function shapeOf(ctx: RuleContext, i: number): number[] | undefined {
  return ctx.inputs[i]?.shape;
}

/** True when the node has a non-empty input at index i. */
export function hasInput(ctx: RuleContext, i: number): boolean {
  const name = (ctx.node.input ?? [])[i];
  return name !== undefined && name !== '';
}

/** Facts with a value attached only when small enough to track. */
export function facts(shape: number[], dtype: number | undefined, value?: number[]): TensorFacts {
  return value !== undefined && value.length <= MAX_FOLDED_ELEMENTS && value.length === numel(shape)
    ? { shape, dtype, value }
    : { shape, dtype };
}

/** Broadcast an elementwise computation over input values (all must be known). */
export function broadcastValues(
  out: number[],
  inputs: { shape: number[]; value: number[] }[],
  fn: (...xs: number[]) => number,
): number[] | undefined {
  const n = numel(out);
  if (n > MAX_FOLDED_ELEMENTS) return undefined;
  const outStrides = strides(out);
  const res = new Array<number>(n);
  const idx = new Array<number>(inputs.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < inputs.length; j++) {
      const { shape } = inputs[j];
      const off = out.length - shape.length;
      const st = strides(shape);
      let flat = 0;
      for (let a = 0; a < shape.length; a++) {
        const coord = Math.floor(k / outStrides[a + off]) % out[a + off];
        flat += (shape[a] === 1 ? 0 : coord) * st[a];
      }
      idx[j] = inputs[j].value[flat];
    }
    res[k] = fn(...idx);
  }
  return res;
}

/** True for integer element types (values folded with truncating division). */
export function isIntType(dtype: number | undefined): boolean {
  return dtype === DataType.INT64 || dtype === DataType.INT32 || dtype === DataType.INT16 || dtype === DataType.INT8 ||
    dtype === DataType.UINT8 || dtype === DataType.UINT16 || dtype === DataType.UINT32 || dtype === DataType.UINT64;
}
