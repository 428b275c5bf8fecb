import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DataType } from '../../../src/core/onnx/proto';
import { inferShapes } from '../../../src/core/shapes/infer';
import { OnnxBuilder, float, floats, tensor } from '../../helpers/onnxBuilder';
import { expectShapes } from './harness';

const one = (op: string, x: number[], extra: (b: OnnxBuilder) => string[], attrs: Record<string, number | number[] | string | { float: number } | { floats: number[] }> = {}, opset = 13, outputs = 1) => {
  const b = new OnnxBuilder({ opset });
  b.input('x', x);
  const outs = Array.from({ length: outputs }, (_, i) => (i === 0 ? 'y' : `y${i}`));
  b.node(op, ['x', ...extra(b)], outs, attrs);
  for (const o of outs) b.output(o);
  return b;
};
const none = () => [];

describe('shape rules: reshaping', () => {
  it('Reshape with 0 and -1', () => expectShapes(one('Reshape', [2, 3, 4, 5], (b) => (b.ints('s', [0, -1, 5]), ['s'])), { y: [2, 12, 5] }));
  it('Flatten axis 2', () => expectShapes(one('Flatten', [2, 3, 4, 5], none, { axis: 2 }), { y: [6, 20] }));
  it('Transpose perm', () => expectShapes(one('Transpose', [2, 3, 4], none, { perm: [2, 0, 1] }), { y: [4, 2, 3] }));
  it('Squeeze (axes input, opset 13)', () => expectShapes(one('Squeeze', [1, 3, 1, 5], (b) => (b.ints('a', [0, -2]), ['a'])), { y: [3, 5] }));
  it('Squeeze (axes attribute, opset 11)', () => expectShapes(one('Squeeze', [1, 3, 1, 5], none, { axes: [2] }, 11), { y: [1, 3, 5] }));
  it('Unsqueeze (axes input)', () => expectShapes(one('Unsqueeze', [3, 5], (b) => (b.ints('a', [0, 3]), ['a'])), { y: [1, 3, 5, 1] }));
  it('Concat on axis 1', () => {
    const b = new OnnxBuilder();
    b.input('a', [2, 3, 4]).input('c', [2, 5, 4]);
    b.node('Concat', ['a', 'c'], ['y'], { axis: 1 });
    b.output('y');
    return expectShapes(b, { y: [2, 8, 4] });
  });
  it('Split with sizes input and evenly', async () => {
    await expectShapes(one('Split', [2, 10], (b) => (b.ints('s', [3, 7]), ['s']), { axis: 1 }, 13, 2), { y: [2, 3], y1: [2, 7] });
    await expectShapes(one('Split', [6, 4], none, { axis: 0 }, 13, 3), { y: [2, 4], y1: [2, 4], y2: [2, 4] });
  });
  it('Slice with negative indices and steps', () =>
    expectShapes(one('Slice', [10, 8, 6], (b) => (b.ints('st', [1, -1]), b.ints('en', [-1, -9]), b.ints('ax', [0, 1]), b.ints('sp', [2, -2]), ['st', 'en', 'ax', 'sp'])), {
      y: [4, 4, 6],
    }));
  it('Gather with a 2-D index on axis 1', () =>
    expectShapes(one('Gather', [3, 5, 2], (b) => (b.ints('i', [0, 4, 1, 2, 3, 0], [2, 3]), ['i']), { axis: 1 }), { y: [3, 2, 3, 2] }));
  it('Expand', () => expectShapes(one('Expand', [3, 1], (b) => (b.ints('s', [2, 1, 4]), ['s'])), { y: [2, 3, 4] }));
  it('Tile', () => expectShapes(one('Tile', [2, 3], (b) => (b.ints('r', [2, 3]), ['r'])), { y: [4, 9] }));
  it('Pad (pads input)', () => expectShapes(one('Pad', [1, 2, 5, 5], (b) => (b.ints('p', [0, 0, 1, 2, 0, 0, 3, 0]), ['p'])), { y: [1, 2, 9, 7] }));
  it('DepthToSpace and SpaceToDepth', async () => {
    await expectShapes(one('DepthToSpace', [1, 8, 3, 4], none, { blocksize: 2 }), { y: [1, 2, 6, 8] });
    await expectShapes(one('SpaceToDepth', [1, 2, 6, 8], none, { blocksize: 2 }), { y: [1, 8, 3, 4] });
  });
  it('Resize by scales and by sizes; Upsample (opset 9)', async () => {
    await expectShapes(one('Resize', [1, 2, 5, 7], (b) => (b.initializer('sc', [4], [1, 1, 2, 1.5]), ['', 'sc']), { mode: 'nearest' }), { y: [1, 2, 10, 10] });
    await expectShapes(one('Resize', [1, 2, 5, 7], (b) => (b.ints('sz', [1, 2, 9, 3]), ['', '', 'sz']), { mode: 'linear' }), { y: [1, 2, 9, 3] });
    await expectShapes(one('Upsample', [1, 2, 3, 4], (b) => (b.initializer('sc', [4], [1, 1, 2, 2]), ['sc']), { mode: 'nearest' }, 9), { y: [1, 2, 6, 8] });
  });
  it('ReduceMean keepdims 0 and 1', async () => {
    await expectShapes(one('ReduceMean', [2, 3, 4, 5], none, { axes: [2, 3], keepdims: 0 }), { y: [2, 3] });
    await expectShapes(one('ReduceMean', [2, 3, 4, 5], none, { axes: [-1] }), { y: [2, 3, 4, 1] });
  });
});

describe('shape rules: shape subgraphs and constants', () => {
  it('folds Shape -> Gather -> Unsqueeze -> Concat -> Reshape as PyTorch exports a flatten', () => {
    const b = new OnnxBuilder();
    b.input('x', ['N', 3, 4, 5]);
    b.node('Shape', ['x'], ['s']);
    b.node('Constant', [], ['zero'], { value: tensor('zero', [], [0], DataType.INT64) });
    b.node('Gather', ['s', 'zero'], ['n'], { axis: 0 });
    b.ints('ax', [0]);
    b.node('Unsqueeze', ['n', 'ax'], ['n1']);
    b.node('Constant', [], ['m1'], { value: tensor('m1', [1], [-1], DataType.INT64) });
    b.node('Concat', ['n1', 'm1'], ['target'], { axis: 0 });
    b.node('Reshape', ['x', 'target'], ['y']);
    b.output('y');
    return expectShapes(b, { s: [4], n: [], target: [2], y: [2, 60] }, { inputShapes: { x: [2, 3, 4, 5] } });
  });
  it('ConstantOfShape, Cast, Where, Equal, Expand as exported by torch for expand_as', () => {
    const b = new OnnxBuilder();
    b.input('x', [3, 1]);
    b.ints('tgt', [2, 3, 4]);
    b.node('Shape', ['tgt'], ['rank']);
    b.node('ConstantOfShape', ['rank'], ['ones'], { value: tensor('v', [1], [1], DataType.INT64) });
    b.ints('neg', [-1, -1, -1]);
    b.node('Mul', ['ones', 'neg'], ['negs']);
    b.node('Equal', ['tgt', 'negs'], ['eq']);
    b.node('Where', ['eq', 'ones', 'tgt'], ['shape']);
    b.node('Expand', ['x', 'shape'], ['y']);
    b.node('Cast', ['y'], ['yc'], { to: DataType.DOUBLE });
    b.output('yc', undefined, DataType.DOUBLE);
    return expectShapes(b, { ones: [3], shape: [3], y: [2, 3, 4], yc: [2, 3, 4] });
  });
  it('Constant with value_floats and a Softmax on it', () => {
    const b = new OnnxBuilder();
    b.node('Constant', [], ['c'], { value_floats: floats([1, 2, 3]) });
    b.node('Softmax', ['c'], ['y'], { axis: 0 });
    b.node('Constant', [], ['k'], { value_float: float(2) });
    b.node('Mul', ['y', 'k'], ['z']);
    b.output('z');
    return expectShapes(b, { c: [3], y: [3], z: [3] });
  });
});

describe('runtime fallback', () => {
  it('resolves a data-dependent shape (NonZero) with one onnxruntime run and marks it runtime', async () => {
    const b = new OnnxBuilder();
    b.input('x', [2, 3]);
    b.initializer('t', [2, 3], [1, 0, 0, 1, 1, 0]);
    b.node('Add', ['x', 't'], ['s']);
    b.node('NonZero', ['s'], ['nz']);
    b.node('Transpose', ['nz'], ['y']);
    b.output('y', undefined, DataType.INT64);
    const model = b.toLoadedModel();
    const staticOnly = await inferShapes(model, { fallback: false });
    assert.deepEqual(staticOnly.unresolved, ['nz', 'y']);
    assert.equal(staticOnly.source.get('s'), 'static');
    const full = await inferShapes(model);
    assert.deepEqual(full.unresolved, []);
    // x is zeros, so s = t: three non-zeros in a rank-2 tensor
    assert.deepEqual(full.shapes.get('nz'), [2, 3]);
    assert.deepEqual(full.shapes.get('y'), [3, 2]);
    assert.equal(full.source.get('nz'), 'runtime');
    assert.equal(full.source.get('s'), 'static');
  });
});

describe('constant folding of PyTorch F.pad pads (Reshape -> Slice(step -1) -> Transpose -> Reshape)', () => {
  it('folds the pads tensor so Pad is resolved statically', async () => {
    const b = new OnnxBuilder();
    b.input('x', [1, 1, 33, 36]);
    b.ints('raw', [0, 1, 0, 0, 0, 0, 0, 0]); // torch order: (w_begin, w_end, h_begin, h_end, ...)
    b.ints('shape2', [-1, 2]);
    b.node('Reshape', ['raw', 'shape2'], ['r']);
    b.ints('st', [-1]).ints('en', [-1e9]).ints('ax', [0]).ints('sp', [-1]);
    b.node('Slice', ['r', 'st', 'en', 'ax', 'sp'], ['rev']);
    b.node('Transpose', ['rev'], ['tr'], { perm: [1, 0] });
    b.ints('flat', [-1]);
    b.node('Reshape', ['tr', 'flat'], ['pads']);
    b.node('Pad', ['x', 'pads'], ['y']);
    b.output('y');
    const model = b.toLoadedModel();
    const t = await inferShapes(model, { fallback: false });
    assert.deepEqual(t.unresolved, []);
    await expectShapes(b, { rev: [4, 2], tr: [2, 4], pads: [8], y: [1, 1, 33, 37] });
  });
});
