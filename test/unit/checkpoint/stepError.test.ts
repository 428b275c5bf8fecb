/** Errors at the checkpoint boundary name the file and the step. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atStep, CheckpointStepError } from '../../../src/core/checkpoint/stepError';

describe('atStep', () => {
  it('re-raises a typed-array error naming the file and the step', async () => {
    const fail = () => new DataView(new ArrayBuffer(4)).getFloat64(8);
    await assert.rejects(atStep('/models/m.onnx', 'counting MACs', fail), (e: Error) => {
      assert.ok(e instanceof CheckpointStepError);
      assert.match(e.message, /^\/models\/m\.onnx: counting MACs: Offset is outside the bounds of the DataView$/);
      assert.ok(e.cause instanceof RangeError);
      return true;
    });
  });

  it('passes through an error that already names the file, and anything after cancellation', async () => {
    const named = new Error('/models/m.onnx: no such file');
    await assert.rejects(atStep('/models/m.onnx', 'reading the model', () => Promise.reject(named)), (e) => e === named);
    const controller = new AbortController();
    controller.abort();
    const plain = new Error('aborted');
    await assert.rejects(atStep('/models/m.onnx', 'inferring shapes', () => Promise.reject(plain), controller.signal), (e) => e === plain);
  });

  it('returns the value of a step that succeeds', async () => {
    assert.equal(await atStep('m.onnx', 'x', () => 42), 42);
  });
});
