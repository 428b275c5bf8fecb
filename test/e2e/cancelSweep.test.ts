/**
 * Cancelling a running sweep (the notification's Cancel and the panel's
 * button both abort the job's AbortController): the engine's worker stops
 * within 1 s and no run folder (complete or partial) is left.
 * Runs the extension's own engine client (`CoreEngine`) and run store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CoreEngine } from '../../src/extension/engine/coreEngine';
import { saveRun } from '../../src/extension/runStore';
import { requireDynaprunerCheckpoint, stormFiles } from '../browser/harness/realResults';

test('cancelling a running sweep stops the worker within 1 s and saves nothing', async () => {
  const ckpt = requireDynaprunerCheckpoint();
  const runs = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-runs-'));
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined };
  const engine = new CoreEngine(log);
  const controller = new AbortController();
  let abortedAt = 0;
  let progressAfterAbort = 0;
  try {
    const started = engine.sweep({
      checkpoint: ckpt, dataFiles: stormFiles(), maxSamples: 64, workers: 1, signal: controller.signal,
      grids: { noise: [0, 0.01, 0.02, 0.05, 0.1], failure: [0, 0.05, 0.1, 0.2], baselines: ['dense', 'random', 'l1'], seeds: [0, 1, 2], dataThresholds: [0.3, 0.4, 0.5, 0.6, 0.7], tauOffsets: [-0.1, 0, 0.1] },
      onProgress: (f) => {
        if (abortedAt) progressAfterAbort++;
        else if (f > 0.05) {
          abortedAt = performance.now();
          controller.abort(new DOMException('cancelled by the user', 'AbortError'));
        }
      },
    });
    // What Studio.runSweep does: save only a complete result.
    const outcome = await started.then(
      async (result) => {
        await saveRun(runs, 'sweep', result, 0, []);
        return 'done';
      },
      (e: Error) => e.name,
    );
    const stoppedMs = performance.now() - abortedAt;
    assert.ok(abortedAt > 0, 'the sweep reported progress before finishing');
    assert.notEqual(outcome, 'done', 'the sweep was cancelled');
    assert.ok(stoppedMs < 1000, `stopped ${stoppedMs.toFixed(0)} ms after cancel`);
    assert.deepEqual(readdirSync(runs), [], 'no run (complete or partial) saved');
    assert.ok(progressAfterAbort <= 1, 'no work reported after the cancel');
  } finally {
    engine.dispose();
    rmSync(runs, { recursive: true, force: true });
  }
});
