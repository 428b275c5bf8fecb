/** How a panel is loaded: saved results are read back, and a panel restored after a reload never starts a job. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PANEL_KINDS } from '../../../src/shared/ids';
import { planLoad } from '../../../src/extension/panels/loadPlan';

const ckpt = '/w/checkpoints/simvp_dynapruner.onnx';
const other = '/w/checkpoints/simvp_dense.onnx';

describe('planLoad', () => {
  it('a restored Robustness panel with a saved sweep reads the run, it does not sweep again', () => {
    assert.deepEqual(planLoad('robustness', { checkpoints: [ckpt], runDir: '/w/.dynapruner/runs/r1' }, 'restore', false), { action: 'readRun', runDir: '/w/.dynapruner/runs/r1' });
  });

  it('a restored Compare panel reads the saved analysis of each checkpoint', () => {
    const runDirs = ['/w/.dynapruner/runs/a', '/w/.dynapruner/runs/b'];
    assert.deepEqual(planLoad('compare', { checkpoints: [ckpt, other], runDir: null, runDirs }, 'restore', false), { action: 'readRuns', runDirs });
  });

  it('no restored kind ever plans a job, saved or not', () => {
    for (const kind of PANEL_KINDS) {
      for (const src of [{ checkpoints: [ckpt], runDir: null }, { checkpoints: [ckpt, other], runDir: null, runDirs: ['/x'] }]) {
        const plan = planLoad(kind, src, 'restore', false);
        assert.notEqual(plan.action, 'run', `${kind} restored from ${JSON.stringify(src)} started a job`);
        if (kind !== 'overview') assert.equal(plan.action, 'offerRun', `${kind}: offers to run instead`);
      }
    }
  });

  it('a command opening a panel with nothing saved runs; with a result of this session it shows that', () => {
    assert.deepEqual(planLoad('robustness', { checkpoints: [ckpt], runDir: null }, 'open', false), { action: 'run' });
    assert.deepEqual(planLoad('masks', { checkpoints: [ckpt], runDir: null }, 'open', true), { action: 'cached', checkpoint: ckpt });
    assert.deepEqual(planLoad('compare', { checkpoints: [ckpt, other], runDir: null }, 'open', true), { action: 'run' });
    assert.deepEqual(planLoad('overview', { checkpoints: [ckpt], runDir: null }, 'restore', false), { action: 'overview', checkpoint: ckpt });
    assert.equal(planLoad('masks', { checkpoints: [], runDir: null }, 'open', false).action, 'nothing');
  });
});
