import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { countModel, units } from '../../../src/core/counting/count';
import { inferShapes } from '../../../src/core/shapes/infer';
import { OnnxBuilder } from '../../helpers/onnxBuilder';

async function counted(b: OnnxBuilder, opts: Parameters<typeof countModel>[2] = {}) {
  const model = b.toLoadedModel();
  const shapes = await inferShapes(model, { fallback: false });
  return { model, counts: countModel(model, shapes, opts) };
}
const layer = (c: Awaited<ReturnType<typeof counted>>['counts'], op: string) => c.layers.find((l) => l.op === op)!;

describe('countModel', () => {
  it('Conv: K_out * (C_in/g) * prod(kernel) * prod(out_spatial); bias is an other op', async () => {
    const [n, cin, cout, g, k, h, w] = [2, 8, 12, 4, 3, 10, 9];
    const b = new OnnxBuilder();
    b.input('x', [n, cin, h, w]).initializer('w', [cout, cin / g, k, k]).initializer('b', [cout]);
    b.node('Conv', ['x', 'w', 'b'], ['y'], { group: g, strides: [2, 2], pads: [1, 1, 1, 1] });
    b.node('Relu', ['y'], ['z']);
    b.output('z');
    const { counts } = await counted(b);
    const conv = layer(counts, 'Conv');
    const [oh, ow] = [Math.floor((h + 2 - k) / 2) + 1, Math.floor((w + 2 - k) / 2) + 1];
    assert.deepEqual(conv.outputShape, [n, cout, oh, ow]);
    assert.equal(conv.macs, n * cout * (cin / g) * k * k * oh * ow);
    assert.equal(conv.params, cout * (cin / g) * k * k + cout);
    assert.equal(conv.otherOps, n * cout * oh * ow);
    assert.equal(counts.totals.otherOps.Bias, n * cout * oh * ow);
    assert.equal(counts.totals.otherOps.Relu, n * cout * oh * ow);
    assert.equal(counts.totals.macs, conv.macs);
    assert.equal(counts.totals.flops, 2 * conv.macs);
    assert.deepEqual({ kernel: conv.kernel, group: conv.group, cIn: conv.cIn, cOut: conv.cOut }, { kernel: [k, k], group: g, cIn: cin, cOut: cout });
  });

  it('ConvTranspose: input-based by default, output-based with the onnx-tool option', async () => {
    const [cin, cout, k, h] = [6, 4, 3, 5];
    const make = () => {
      const b = new OnnxBuilder();
      b.input('x', [1, cin, h, h]).initializer('w', [cin, cout, k, k]);
      b.node('ConvTranspose', ['x', 'w'], ['y'], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] });
      b.output('y');
      return b;
    };
    const input = layer((await counted(make())).counts, 'ConvTranspose');
    const out = 2 * (h - 1) + 1 + k - 2;
    assert.deepEqual(input.outputShape, [1, cout, out, out]);
    assert.equal(input.macs, cin * cout * k * k * h * h);
    const tool = layer((await counted(make(), { convTranspose: 'onnx-tool' })).counts, 'ConvTranspose');
    assert.equal(tool.macs, cout * cin * k * k * out * out);
  });

  it('Gemm M*K*N with bias; batched MatMul times the batch dims', async () => {
    const b = new OnnxBuilder();
    b.input('a', [3, 16]).initializer('w', [10, 16]).initializer('c', [10]);
    b.node('Gemm', ['a', 'w', 'c'], ['y'], { transB: 1 });
    b.input('q', [2, 4, 7, 8]).input('kT', [2, 4, 8, 7]);
    b.node('MatMul', ['q', 'kT'], ['att']);
    b.node('Softmax', ['att'], ['p'], { axis: -1 });
    b.output('y').output('p');
    const { counts } = await counted(b);
    assert.equal(layer(counts, 'Gemm').macs, 3 * 16 * 10);
    assert.equal(layer(counts, 'Gemm').otherOps, 3 * 10);
    assert.equal(layer(counts, 'MatMul').macs, 2 * 4 * 7 * 8 * 7);
    assert.equal(counts.totals.otherOps.Softmax, 2 * 4 * 7 * 7);
  });

  it('LSTM: per-step gate matmuls times sequence length and directions', async () => {
    const [seq, batch, input, hidden] = [5, 2, 3, 4];
    const b = new OnnxBuilder();
    b.input('x', [seq, batch, input]).initializer('W', [2, 4 * hidden, input]).initializer('R', [2, 4 * hidden, hidden]);
    b.node('LSTM', ['x', 'W', 'R'], ['Y'], { hidden_size: hidden, direction: 'bidirectional' });
    b.output('Y');
    const l = layer((await counted(b)).counts, 'LSTM');
    assert.equal(l.macs, 2 * seq * batch * (4 * hidden * input + 4 * hidden * hidden));
  });

  it('params: every initializer once, shared or unused ones included; data movement counts no ops', async () => {
    const b = new OnnxBuilder();
    b.input('x', [1, 4]).initializer('w', [4, 4]).initializer('unused', [7, 3]).ints('shape', [2, 2]);
    b.node('MatMul', ['x', 'w'], ['y1']);
    b.node('MatMul', ['y1', 'w'], ['y2']);
    b.node('Reshape', ['y2', 'shape'], ['y3']);
    b.output('y3');
    const { model, counts } = await counted(b);
    assert.equal(counts.totals.params, 16 + 21 + 2);
    assert.deepEqual(counts.layers.map((l) => l.params), [16, 0, 2]);
    assert.equal(counts.layers[2].otherOps, 0);
    assert.deepEqual(units(model, counts), []);
  });

  it('units: every Conv / ConvTranspose / Gemm with its output channels', async () => {
    const b = new OnnxBuilder();
    b.input('x', [1, 3, 8, 8]).initializer('w1', [5, 3, 3, 3]).initializer('w2', [5, 7, 2, 2]).initializer('fc', [9, 7 * 16 * 16]);
    b.node('Conv', ['x', 'w1'], ['a'], { pads: [1, 1, 1, 1] }, 'conv1');
    b.node('ConvTranspose', ['a', 'w2'], ['t'], { strides: [2, 2] }, 'up');
    b.node('Flatten', ['t'], ['f']);
    b.node('Gemm', ['f', 'fc'], ['y'], { transB: 1 }, 'fc');
    b.output('y');
    const { model, counts } = await counted(b);
    assert.deepEqual(units(model, counts), [
      { name: 'conv1', op: 'Conv', channels: 5 },
      { name: 'up', op: 'ConvTranspose', channels: 7 },
      { name: 'fc', op: 'Gemm', channels: 9 },
    ]);
  });
});
