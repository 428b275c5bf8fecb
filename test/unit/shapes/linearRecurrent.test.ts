import { describe, it } from 'node:test';
import { OnnxBuilder } from '../../helpers/onnxBuilder';
import { expectShapes } from './harness';

describe('shape rules: Gemm and MatMul', () => {
  it('Gemm with transB and bias', () => {
    const b = new OnnxBuilder();
    b.input('a', [2, 8]).initializer('w', [4, 8]).initializer('c', [4]);
    b.node('Gemm', ['a', 'w', 'c'], ['y'], { transB: 1 });
    b.output('y');
    return expectShapes(b, { y: [2, 4] });
  });
  it('Gemm with transA', () => {
    const b = new OnnxBuilder();
    b.input('a', [8, 3]).initializer('w', [8, 5]);
    b.node('Gemm', ['a', 'w'], ['y'], { transA: 1 });
    b.output('y');
    return expectShapes(b, { y: [3, 5] });
  });
  it('batched MatMul broadcasts batch dims; 1-D operands drop their dim', async () => {
    const b = new OnnxBuilder();
    b.input('a', [2, 1, 4, 5]).input('c', [3, 5, 6]);
    b.node('MatMul', ['a', 'c'], ['y']);
    b.output('y');
    await expectShapes(b, { y: [2, 3, 4, 6] });
    const v = new OnnxBuilder();
    v.input('a', [5]).input('c', [2, 5, 6]);
    v.node('MatMul', ['a', 'c'], ['y']);
    v.output('y');
    await expectShapes(v, { y: [2, 6] });
  });
});

describe('shape rules: recurrent', () => {
  it('LSTM (bidirectional, all outputs) matches onnxruntime', () => {
    const b = new OnnxBuilder();
    const [seq, batch, input, hidden] = [7, 2, 5, 6];
    b.input('x', [seq, batch, input]).initializer('W', [2, 4 * hidden, input]).initializer('R', [2, 4 * hidden, hidden]).initializer('B', [2, 8 * hidden]);
    b.node('LSTM', ['x', 'W', 'R', 'B'], ['Y', 'Y_h', 'Y_c'], { hidden_size: hidden, direction: 'bidirectional' });
    b.output('Y').output('Y_h').output('Y_c');
    return expectShapes(b, { Y: [seq, 2, batch, hidden], Y_h: [2, batch, hidden], Y_c: [2, batch, hidden] });
  });
  it('LSTM layout 1 (batch first)', () => {
    const b = new OnnxBuilder({ opset: 14 });
    b.input('x', [3, 4, 5]).initializer('W', [1, 16, 5]).initializer('R', [1, 16, 4]);
    b.node('LSTM', ['x', 'W', 'R'], ['Y', 'Y_h'], { hidden_size: 4, layout: 1 });
    b.output('Y').output('Y_h');
    // onnxruntime's CPU LSTM refuses layout 1, so this one is checked statically only.
    return expectShapes(b, { Y: [3, 4, 1, 4], Y_h: [3, 1, 4] }, { ort: false });
  });
  it('GRU and RNN', async () => {
    const g = new OnnxBuilder();
    g.input('x', [4, 2, 3]).initializer('W', [1, 15, 3]).initializer('R', [1, 15, 5]);
    g.node('GRU', ['x', 'W', 'R'], ['Y', 'Y_h'], { hidden_size: 5 });
    g.output('Y').output('Y_h');
    await expectShapes(g, { Y: [4, 1, 2, 5], Y_h: [1, 2, 5] });
    const r = new OnnxBuilder();
    r.input('x', [4, 2, 3]).initializer('W', [1, 5, 3]).initializer('R', [1, 5, 5]);
    r.node('RNN', ['x', 'W', 'R'], ['Y'], { hidden_size: 5 });
    r.output('Y');
    await expectShapes(r, { Y: [4, 1, 2, 5] });
  });
});
