import { describe, it } from 'node:test';
import { DataType } from '../../../src/core/onnx/proto';
import { OnnxBuilder, float } from '../../helpers/onnxBuilder';
import { expectShapes } from './harness';

describe('shape rules: activations and math (same shape)', () => {
  const cases: [string, number, Record<string, number | { float: number }>][] = [
    ['Relu', 13, {}], ['LeakyRelu', 13, { alpha: float(0.1) }], ['Sigmoid', 13, {}], ['Tanh', 13, {}], ['Erf', 13, {}],
    ['Gelu', 20, {}], ['HardSigmoid', 13, {}], ['HardSwish', 14, {}], ['Sqrt', 13, {}], ['Softmax', 13, { axis: -1 }],
  ];
  for (const [op, opset, attrs] of cases) {
    it(op, () => {
      const b = new OnnxBuilder({ opset });
      b.input('x', [2, 3, 5]);
      b.node(op, ['x'], ['y'], attrs);
      b.output('y');
      return expectShapes(b, { y: [2, 3, 5] });
    });
  }
});

describe('shape rules: normalisation', () => {
  it('BatchNormalization', () => {
    const b = new OnnxBuilder();
    b.input('x', [2, 4, 5, 5]);
    for (const p of ['s', 'bb', 'm', 'v']) b.initializer(p, [4], [1, 1, 1, 1]);
    b.node('BatchNormalization', ['x', 's', 'bb', 'm', 'v'], ['y']);
    b.output('y');
    return expectShapes(b, { y: [2, 4, 5, 5] });
  });
  it('InstanceNormalization', () => {
    const b = new OnnxBuilder();
    b.input('x', [2, 4, 5, 5]).initializer('s', [4]).initializer('bb', [4]);
    b.node('InstanceNormalization', ['x', 's', 'bb'], ['y']);
    b.output('y');
    return expectShapes(b, { y: [2, 4, 5, 5] });
  });
  it('LayerNormalization (opset 17)', () => {
    const b = new OnnxBuilder({ opset: 17 });
    b.input('x', [2, 7, 16]).initializer('s', [16]).initializer('bb', [16]);
    b.node('LayerNormalization', ['x', 's', 'bb'], ['y'], { axis: -1 });
    b.output('y');
    return expectShapes(b, { y: [2, 7, 16] });
  });
  it('GroupNormalization (opset 18)', () => {
    const b = new OnnxBuilder({ opset: 18 });
    b.input('x', [2, 6, 4, 4]).initializer('s', [2]).initializer('bb', [2]);
    b.node('GroupNormalization', ['x', 's', 'bb'], ['y'], { num_groups: 2 });
    b.output('y');
    // onnxruntime has no kernel for GroupNormalization-18 in every build: static only.
    return expectShapes(b, { y: [2, 6, 4, 4] }, { ort: false });
  });
});

describe('shape rules: broadcasting, comparison, Where, Cast', () => {
  for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Pow']) {
    it(`${op} broadcasts [2,1,5] with [3,1]`, () => {
      const b = new OnnxBuilder();
      b.input('a', [2, 1, 5]).input('c', [3, 1]);
      b.node(op, ['a', 'c'], ['y']);
      b.output('y');
      return expectShapes(b, { y: [2, 3, 5] });
    });
  }
  for (const op of ['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual']) {
    it(`${op} gives a broadcast bool tensor`, () => {
      const b = new OnnxBuilder({ opset: 16 });
      b.input('a', [4, 1]).input('c', [1, 3]);
      b.node(op, ['a', 'c'], ['y']);
      b.output('y', undefined, DataType.BOOL);
      return expectShapes(b, { y: [4, 3] });
    });
  }
  it('Where broadcasts condition and both branches', () => {
    const b = new OnnxBuilder();
    b.input('cond', [1, 3], DataType.BOOL).input('a', [2, 1]).input('c', [1]);
    b.node('Where', ['cond', 'a', 'c'], ['y']);
    b.output('y');
    return expectShapes(b, { y: [2, 3] });
  });
  it('Cast keeps the shape', () => {
    const b = new OnnxBuilder();
    b.input('x', [3, 2]);
    b.node('Cast', ['x'], ['y'], { to: DataType.INT64 });
    b.output('y', undefined, DataType.INT64);
    return expectShapes(b, { y: [3, 2] });
  });
});
