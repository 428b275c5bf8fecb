import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { inspectModel } from '../../../src/core/inspect/inspect';
import { ModelFileError } from '../../../src/core/onnx/reader';
import { inferShapes } from '../../../src/core/shapes/infer';
import { DataType } from '../../../src/core/onnx/proto';
import { OnnxBuilder, type AttrValue } from '../../helpers/onnxBuilder';

/** This file's temp folder (removed after the tests). */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'shape-validation-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let saved = 0;
/** Saves a built model into the temp folder. */
const save = (b: OnnxBuilder): string => b.save(path.join(tmp, `model-${saved++}.onnx`));


/** x [1,4,8,8] -> op(x, w [8, 4/group, 3, 3]) -> y, with `attrs` on the node named /bad. */
function convModel(op: 'Conv' | 'ConvTranspose' | 'MaxPool', attrs: Record<string, AttrValue>, w: number[] = [8, 4, 3, 3]): string {
  const b = new OnnxBuilder();
  b.input('x', [1, 4, 8, 8]);
  const inputs = ['x'];
  if (op !== 'MaxPool') {
    b.initializer('w', w);
    inputs.push('w');
  }
  b.node(op, inputs, ['y'], attrs, '/bad');
  b.output('y');
  return save(b);
}

/** Asserts inspect refuses the model with one line naming the file, the node and `pattern`. */
async function refused(file: string, pattern: RegExp): Promise<void> {
  await assert.rejects(inspectModel(file), (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
    assert.ok(e.message.startsWith(`${file}: node '/bad'`), e.message);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
}

describe('nonsense attributes give one-line errors naming the file, node and attribute', () => {
  const cases: [string, () => string, RegExp][] = [
    ['Conv group=0 (was "MACs Infinity")', () => convModel('Conv', { group: 0 }), /attribute 'group': expected a positive integer, found 0/],
    ['Conv group not dividing the channels', () => convModel('Conv', { group: 3 }, [8, 4, 3, 3]), /input channels: expected X dim 1 = W dim 1 x group/],
    ['Conv strides 0', () => convModel('Conv', { strides: [0, 1] }), /attribute 'strides': expected positive integers, found \[0,1\]/],
    ['Conv dilations 0', () => convModel('Conv', { dilations: [1, 0] }), /attribute 'dilations': expected positive integers, found \[1,0\]/],
    ['Conv negative pads', () => convModel('Conv', { pads: [-1, 0, 0, 0] }), /attribute 'pads': expected non-negative integers, found \[-1,0,0,0\]/],
    ['Conv pads of the wrong length', () => convModel('Conv', { pads: [1, 1] }), /attribute 'pads': expected 4 non-negative integers, found 2 values/],
    ['Conv zero kernel', () => convModel('Conv', { kernel_shape: [0, 3] }), /kernel \(kernel_shape or W dims 2\.\.\): expected positive integers, found \[0,3\]/],
    ['Conv negative kernel', () => convModel('Conv', { kernel_shape: [-3, 3] }), /expected positive integers, found \[-3,3\]/],
    ['Conv kernel larger than the input', () => convModel('Conv', { kernel_shape: [30, 3] }, [8, 4, 30, 3]), /output spatial size: expected dims >= 1/],
    ['Conv unknown auto_pad', () => convModel('Conv', { auto_pad: 'SAME_SIDEWAYS' }), /attribute 'auto_pad': expected NOTSET \| SAME_UPPER/],
    ['ConvTranspose group=0', () => convModel('ConvTranspose', { group: 0 }, [4, 8, 3, 3]), /attribute 'group': expected a positive integer, found 0/],
    ['ConvTranspose strides 0', () => convModel('ConvTranspose', { strides: [0, 0] }, [4, 8, 3, 3]), /attribute 'strides'/],
    ['MaxPool strides 0', () => convModel('MaxPool', { kernel_shape: [2, 2], strides: [0, 2] }), /attribute 'strides': expected positive integers, found \[0,2\]/],
    ['MaxPool negative kernel', () => convModel('MaxPool', { kernel_shape: [-2, 2] }), /kernel .*found \[-2,2\]/],
  ];
  for (const [what, make, pattern] of cases) it(what, () => refused(make(), pattern));

  it('valid grouped and depthwise convs still pass', async () => {
    const r = await inspectModel(convModel('Conv', { group: 4, pads: [1, 1, 1, 1] }, [8, 1, 3, 3]));
    assert.equal(r.totals.macs, 8 * 1 * 9 * 64);
  });

  it('Range with delta 0 is refused; a huge constant Range is inferred without materialising it', async () => {
    const range = (delta: number, limit: number) => {
      const b = new OnnxBuilder();
      b.ints('start', [0], []).ints('limit', [limit], []).ints('delta', [delta], []);
      b.node('Range', ['start', 'limit', 'delta'], ['r'], {}, '/bad');
      b.output('r', undefined, DataType.INT64);
      return b;
    };
    await refused(save(range(0, 10)), /input 2 'delta': expected a non-zero step, found 0/);
    const before = process.memoryUsage().heapUsed;
    const t = await inferShapes(range(1, 1e9).toLoadedModel(), { fallback: false });
    assert.deepEqual(t.shapes.get('r'), [1e9]);
    assert.ok(process.memoryUsage().heapUsed - before < 100 * 1024 ** 2, 'the range values were not built');
  });

  it('Expand of a scalar to a huge shape is inferred without materialising it', async () => {
    const b = new OnnxBuilder();
    b.initializer('one', [], [1]);
    b.ints('shape', [50000, 50000]);
    b.node('Expand', ['one', 'shape'], ['e']);
    b.output('e');
    const before = process.memoryUsage().heapUsed;
    const t = await inferShapes(b.toLoadedModel(), { fallback: false });
    assert.deepEqual(t.shapes.get('e'), [50000, 50000]);
    assert.ok(process.memoryUsage().heapUsed - before < 100 * 1024 ** 2);
  });

  it('shapes and counts beyond 2^53 are refused, naming the node', async () => {
    const b = new OnnxBuilder();
    b.input('x', [1, 3, 1e7, 1e7]);
    b.initializer('w', [64, 3, 3, 3]);
    b.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] }, '/bad');
    b.output('y');
    await refused(save(b), /MACs is .*expected a non-negative integer below 2\^53/);
    const big = new OnnxBuilder();
    big.input('x', [1e6, 1e6, 1e6]);
    big.node('Relu', ['x'], ['y'], {}, '/bad');
    big.output('y');
    const file = save(big);
    await assert.rejects(inspectModel(file), (e: Error) => e instanceof ModelFileError && e.message.startsWith(`${file}: graph input 'x' has shape [1000000,1000000,1000000]`) && /at most 2\^53/.test(e.message));
  });

  it('a negative input dim is taken as unknown (1) with a note', async () => {
    const b = new OnnxBuilder();
    b.input('x', [-5, 3]);
    b.node('Relu', ['x'], ['y']);
    b.output('y');
    const r = await inspectModel(save(b));
    assert.deepEqual(r.inputs, [{ name: 'x', shape: [1, 3] }]);
    assert.deepEqual(r.notes, ["input 'x' dim 0 is declared -5 (not a size): taken as unknown and set to 1; pass --input-shape x=... to set it"]);
  });

  it('a negative --input-shape is refused', async () => {
    const b = new OnnxBuilder();
    b.input('x', ['N', 3]);
    b.node('Relu', ['x'], ['y']);
    b.output('y');
    await assert.rejects(inspectModel(save(b), { inputShapes: { x: [-2, 3] } }), /--input-shape x is \[-2,3\], expected non-negative integer dims/);
  });
});
