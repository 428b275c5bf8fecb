/** Graph variants built on first read: once each, failures naming the file and the step, retried. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointStepError } from '../../../src/core/checkpoint/stepError';
import { defineLazyThresholds, LazyVariants, type TauCut } from '../../../src/core/checkpoint/lazyVariants';

const full = new Uint8Array([1, 2, 3]);

describe('LazyVariants', () => {
  it('builds nothing until read, each part once, and returns the same bytes on every read', () => {
    const calls: string[] = [];
    const data = new Uint8Array([4]);
    const v = new LazyVariants(full, '/m/ck.onnx', {
      dataCut: () => (calls.push('dataCut'), data),
      allCut: () => (calls.push('allCut'), null),
      tau: (): TauCut => (calls.push('tau'), { tauCut: new Uint8Array([5]), gateThresholds: [], tauCutError: null }),
    });
    assert.equal(v.full, full);
    assert.deepEqual(calls, []);
    assert.deepEqual(v.built(), []);
    assert.equal(v.dataCut, data);
    assert.equal(v.dataCut, data);
    assert.equal(v.allCut, null);
    assert.equal(v.allCut, null);
    assert.deepEqual(calls, ['dataCut', 'allCut'], 'a null variant is remembered too');
    const tauCut = v.tauCut;
    assert.equal(v.tauCut, tauCut);
    assert.deepEqual(calls, ['dataCut', 'allCut', 'tau']);
    assert.deepEqual(v.built(), ['dataCut', 'allCut', 'tau']);
  });

  it('a failing build names the file and the step, and is tried again on the next read', () => {
    let fail = true;
    const v = new LazyVariants(full, '/m/ck.onnx', {
      dataCut: () => null,
      allCut: () => {
        if (fail) throw new Error("graph surgery: tensor 'dp_gate_mask_0' is not produced by any node of the graph");
        return new Uint8Array([6]);
      },
      tau: () => ({ tauCut: null, gateThresholds: [], tauCutError: null }),
    });
    assert.throws(() => v.allCut, (e: Error) => {
      assert.ok(e instanceof CheckpointStepError);
      assert.equal(e.message, "/m/ck.onnx: building the graph variants (cut at every mask): graph surgery: tensor 'dp_gate_mask_0' is not produced by any node of the graph");
      return true;
    });
    assert.deepEqual(v.built(), []);
    fail = false;
    assert.deepEqual(v.allCut, new Uint8Array([6]));
    assert.deepEqual(v.built(), ['allCut']);
  });

  it('gate thresholds and tauCutError read through the threshold build (one build for all three)', () => {
    let builds = 0;
    const thresholds: TauCut['gateThresholds'] = [{ unit: 0, score: 'dp_gate_score_0', node: 'Greater_0', constant: 'tau_0', tau: 0.5, input: 'dp_tau_0' }];
    const v = new LazyVariants(full, '/m/ck.onnx', {
      dataCut: () => null,
      allCut: () => null,
      tau: () => (builds++, { tauCut: null, gateThresholds: thresholds, tauCutError: 'no comparison found' }),
    });
    const ck = defineLazyThresholds({ file: '/m/ck.onnx' } as { file: string; gateThresholds?: unknown; tauCutError?: string | null }, v);
    assert.equal(builds, 0);
    assert.equal(ck.gateThresholds, thresholds);
    assert.equal(ck.tauCutError, 'no comparison found');
    assert.equal(v.tauCut, null);
    assert.equal(builds, 1);
  });
});
