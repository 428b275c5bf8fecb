// Per-host progress from runner messages: each variant's share is split by
// inference count between warm-up, timed runs and per-sample runs; the
// fraction never goes back and ends at 1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runnerProgress } from '../../src/core/remote/profile/profileRun';
import { parseRunnerLine, type RunnerMessage } from '../../src/core/remote/profile/runnerProtocol';

test('progress fractions over two variants are monotonic and end at 1', () => {
  const ids = ['ckpt', 'dense'];
  const [warmup, iterations, perSample] = [2, 4, 2];
  const messages: RunnerMessage[] = ids.flatMap((variant): RunnerMessage[] => [
    { type: 'progress', variant, phase: 'warmup', done: 1, total: warmup },
    { type: 'warmup', variant, iterations: warmup, totalMs: 1 },
    { type: 'progress', variant, phase: 'timed', done: 2, total: iterations },
    { type: 'timed', variant, t0: 0, t1: 1, latenciesMs: [1, 1, 1, 1] },
    { type: 'sample', variant, index: 0, ms: 1 },
    { type: 'sample', variant, index: 1, ms: 1 },
  ]);
  const fractions = messages.map((m) => runnerProgress(m, ids, warmup, iterations, perSample)!.fraction);
  assert.deepEqual(fractions.map((f) => Math.round(f * 16)), [1, 2, 4, 6, 7, 8, 9, 10, 12, 14, 15, 16]);
  assert.equal(runnerProgress({ type: 'done', t: 0 }, ids, warmup, iterations, perSample), null);
  assert.equal(runnerProgress({ type: 'progress', variant: 'other', phase: 'timed', done: 1, total: 1 }, ids, warmup, iterations, perSample), null);
});

test('runner progress lines are checked like every protocol message', () => {
  assert.deepEqual(parseRunnerLine('{"type":"progress","variant":"l1","phase":"timed","done":3,"total":9}'), { type: 'progress', variant: 'l1', phase: 'timed', done: 3, total: 9 });
  assert.throws(() => parseRunnerLine('{"type":"progress","variant":"l1","phase":"sleeping","done":3,"total":9}'), /field 'variant\/phase'/);
  assert.throws(() => parseRunnerLine('{"type":"progress","variant":"l1","phase":"timed","done":"3","total":9}'), /field 'done\/total'/);
});
