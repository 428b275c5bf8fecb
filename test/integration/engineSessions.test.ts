/**
 * Session reuse on the engine's cold path, on the bundled checkpoints and
 * storm data: a second runner of an opened checkpoint keeps the sessions the
 * first created (an analysis streamed in chunks makes one per chunk for the
 * trained dense checkpoint), and the streamed analysis creates each of its
 * graphs' sessions once, however many chunks it streams.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openCheckpoint } from '../../src/core/checkpoint/checkpoint';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import { INPUT } from '../../src/core/checkpoint/checkpoint';
import { InProcessEngine } from '../../src/extension/engine/inProcessEngine';
import { checkpoint, STORM_FILES } from '../helpers/engineFixtures';

describe('inference sessions are created once per graph', () => {
  const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
  after(() => pool.close());

  test('a second ModelRunner of the same opened checkpoint reuses its sessions; new bytes under the key replace them', async () => {
    const ck = await openCheckpoint(checkpoint('simvp_dense'));
    const [H, W] = ck.spec.grid;
    const x = () => ({ [INPUT]: { data: new Float32Array(ck.spec.tIn * ck.spec.channels.length * H * W), dims: [1, ck.spec.tIn, ck.spec.channels.length, H, W] } });
    const a = new ModelRunner(ck, pool);
    await a.runVariant('full', x());
    assert.equal(pool.sessionsCreated, 1);
    const b = new ModelRunner(ck, pool);
    await b.runVariant('full', x());
    assert.equal(pool.sessionsCreated, 1, 'the second runner re-created the session of the same bytes');
    pool.register(`${ck.ref.sha256.slice(0, 16)}:full`, ck.variants.full.slice());
    await b.runVariant('full', x());
    assert.equal(pool.sessionsCreated, 2, 'other bytes under the key get a new session');
  });
});

describe('InProcessEngine.analyze', () => {
  test('streams 9 test windows in chunks (1, then 8) with one session per graph: exported, clean dense (and its folding evaluations), trained dense', async () => {
    const lines: string[] = [];
    const engine = new InProcessEngine({ info: (t) => lines.push(t) });
    after(() => engine.close());
    const chunks: number[] = [];
    const analysis = await engine.analyze({
      checkpoint: checkpoint('simvp_dynapruner'), dataFiles: STORM_FILES, maxSamples: 64, workers: 1, signal: new AbortController().signal,
      onProgress: () => undefined, onStart: () => undefined, onSamples: (s) => chunks.push(s.length),
    });
    assert.deepEqual(chunks, [1, 8]);
    assert.ok(analysis.trainedDense, 'the trained dense checkpoint beside it was compared');
    assert.ok(analysis.samples.every((s) => s.trainedDenseVsTarget !== null));
    const pool = (engine as unknown as { pool: InferencePool }).pool;
    const once = pool.sessionsCreated;
    await engine.analyze({
      checkpoint: checkpoint('simvp_dynapruner'), dataFiles: STORM_FILES, maxSamples: 64, workers: 1, signal: new AbortController().signal,
      onProgress: () => undefined, onStart: () => undefined, onSamples: () => undefined,
    });
    assert.equal(pool.sessionsCreated, once, 'a second analysis of the same checkpoint created sessions again');
    // exported + clean dense + trained dense, plus the clean dense folding's evaluation graphs (a few): not one per chunk
    assert.ok(once <= 6, `${once} sessions for two chunks`);
    assert.match(lines.find((l) => l.startsWith('analysis of simvp_dynapruner.onnx')) ?? '', /checkpoint \d+ ms, .*first sample \d+ ms/);
  });
});
