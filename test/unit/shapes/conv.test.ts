import { describe, it } from 'node:test';
import { OnnxBuilder } from '../../helpers/onnxBuilder';
import { expectShapes } from './harness';

/** One Conv (or ConvTranspose) on x with weight dims `w`. */
function convModel(op: 'Conv' | 'ConvTranspose', x: number[], w: number[], attrs: Record<string, number | number[] | string>) {
  const b = new OnnxBuilder();
  b.input('x', x).initializer('w', w).initializer('b', [op === 'Conv' ? w[0] : w[1] * ((attrs.group as number) ?? 1)]);
  b.node(op, ['x', 'w', 'b'], ['y'], attrs);
  b.output('y');
  return b;
}

describe('shape rules: convolution', () => {
  it('Conv with padding 1 keeps the size', () => expectShapes(convModel('Conv', [1, 3, 8, 8], [4, 3, 3, 3], { pads: [1, 1, 1, 1] }), { y: [1, 4, 8, 8] }));
  it('Conv strided, dilated, asymmetric padding', () =>
    expectShapes(convModel('Conv', [2, 2, 11, 13], [5, 2, 3, 3], { strides: [2, 3], dilations: [2, 1], pads: [1, 2, 0, 1] }), {
      // H: (11 + 1 + 0 - 5) / 2 + 1 = 4 ; W: (13 + 2 + 1 - 3) / 3 + 1 = 5
      y: [2, 5, 4, 5],
    }));
  it('grouped Conv', () => expectShapes(convModel('Conv', [1, 4, 9, 9], [6, 2, 3, 3], { group: 2 }), { y: [1, 6, 7, 7] }));
  it('depthwise Conv', () => expectShapes(convModel('Conv', [1, 4, 9, 9], [4, 1, 3, 3], { group: 4, pads: [1, 1, 1, 1] }), { y: [1, 4, 9, 9] }));
  it('Conv auto_pad SAME_UPPER stride 2', () => expectShapes(convModel('Conv', [1, 3, 7, 7], [2, 3, 3, 3], { auto_pad: 'SAME_UPPER', strides: [2, 2] }), { y: [1, 2, 4, 4] }));
  it('Conv auto_pad VALID', () => expectShapes(convModel('Conv', [1, 3, 7, 6], [2, 3, 3, 2], { auto_pad: 'VALID' }), { y: [1, 2, 5, 5] }));
  it('Conv 1-D and 3-D', async () => {
    await expectShapes(convModel('Conv', [1, 2, 10], [3, 2, 3], { strides: [2] }), { y: [1, 3, 4] });
    await expectShapes(convModel('Conv', [1, 2, 4, 6, 6], [3, 2, 3, 3, 3], { pads: [1, 1, 1, 1, 1, 1] }), { y: [1, 3, 4, 6, 6] });
  });
  it('ConvTranspose stride 2 with output_padding', () =>
    expectShapes(convModel('ConvTranspose', [1, 4, 5, 5], [4, 2, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }), { y: [1, 2, 10, 10] }));
  it('grouped ConvTranspose with dilation', () =>
    expectShapes(convModel('ConvTranspose', [1, 4, 5, 6], [4, 3, 2, 2], { group: 2, dilations: [2, 1], strides: [1, 2] }), { y: [1, 6, 7, 12] }));
  it('ConvTranspose with explicit output_shape', () =>
    expectShapes(convModel('ConvTranspose', [1, 4, 5, 5], [4, 2, 3, 3], { strides: [2, 2], output_shape: [10, 10] }), { y: [1, 2, 10, 10] }));
});

describe('shape rules: pooling', () => {
  const pool = (op: string, x: number[], attrs: Record<string, number | number[] | string>) => {
    const b = new OnnxBuilder();
    b.input('x', x);
    b.node(op, ['x'], ['y'], attrs);
    b.output('y');
    return b;
  };
  it('MaxPool ceil_mode on an odd grid', () => expectShapes(pool('MaxPool', [1, 2, 33, 36], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }), { y: [1, 2, 17, 18] }));
  it('MaxPool 3x3 s2 p1 (ResNet stem)', () => expectShapes(pool('MaxPool', [1, 2, 112, 112], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }), { y: [1, 2, 56, 56] }));
  it('AveragePool with pads', () => expectShapes(pool('AveragePool', [1, 2, 9, 9], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }), { y: [1, 2, 5, 5] }));
  it('GlobalAveragePool', () => expectShapes(pool('GlobalAveragePool', [2, 5, 7, 3], {}), { y: [2, 5, 1, 1] }));
});
