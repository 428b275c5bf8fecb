/** Each variant against clean dense (MAC ratio, MAC limit, measured speed-up) and its sentence; the measureLatency message; latency runs saved and read back. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { macLimitSentence, speedupText, variantRatios } from '../../../src/core/figures/latencyRatios';
import { LAYER_LATENCY_SCHEMA, LAYER_LATENCY_SCHEMA_VERSION, type LayerLatencyResult, type VariantLayerLatency } from '../../../src/core/schema/layerLatency';
import type { ModelRef } from '../../../src/core/schema/results';
import { phaseFraction } from '../../../src/extension/engine/latencyJob';
import { readLatencyRun, saveLatencyRun } from '../../../src/extension/panels/latencyRuns';
import { parseFromWebview } from '../../../src/shared/validate';

const variant = (v: VariantLayerLatency['variant'], ms: number[], macs: number[]): VariantLayerLatency => ({ variant: v, description: v, layers: [], otherOps: [], nodeTimeUs: 0, perSampleMs: ms, perSampleMacs: macs });
const result = (variants: VariantLayerLatency[]): LayerLatencyResult => ({
  schema: LAYER_LATENCY_SCHEMA, schemaVersion: LAYER_LATENCY_SCHEMA_VERSION, checkpoint: { name: 'x.onnx', sha256: '0' },
  runtime: { name: 'onnxruntime-node', version: '1.30.0', intraOpThreads: 1, batch: 1, warmup: 1, iterations: 2, graphOptimization: 'all' },
  samples: { count: 3, source: 'test' }, profileScale: 1, variants, model: [], injectedKeptFractions: [],
});

test('variantRatios: medians against clean dense; the MAC limit is 1 / MAC ratio', () => {
  const r = variantRatios(result([variant('ckpt', [3, 4, 5], [40, 50, 60]), variant('dense', [2, 2, 9], [100, 100, 100]), variant('sparse', [1, 1.5, 2], [30, 40, 50])]));
  assert.deepEqual(r.map((x) => x.variant), ['ckpt', 'sparse']);
  assert.equal(r[0].macRatio, 0.5);
  assert.equal(r[0].macLimit, 2);
  assert.equal(r[0].measuredSpeedup, 0.5);
  assert.equal(r[1].macLimit, 2.5);
  assert.equal(r[1].measuredSpeedup, 2 / 1.5);
});

test('macLimitSentence: the sparse variant first, faster and slower in words; none without clean dense', () => {
  const s = macLimitSentence(result([variant('ckpt', [4], [50]), variant('dense', [2], [100]), variant('sparse', [1.6], [40])]))!;
  assert.match(s, /^The sparse variant computes 0\.400x the MACs/);
  assert.match(s, /up to 2\.50x faster \(the MAC limit/);
  assert.match(s, /with stock kernels it is 1\.25x faster \(measured: 1\.60 ms vs 2\.00 ms/);
  assert.match(macLimitSentence(result([variant('ckpt', [4], [50]), variant('dense', [2], [100])]))!, /ckpt variant .* it is 2\.00x slower/);
  assert.equal(macLimitSentence(result([variant('ckpt', [4], [50])])), null);
  assert.equal(speedupText(NaN), 'n/a');
});

test('measureLatency message: accepted bare, rejected with extra fields', () => {
  assert.deepEqual(parseFromWebview({ type: 'measureLatency' }), { ok: true, message: { type: 'measureLatency' } });
  const bad = parseFromWebview({ type: 'measureLatency', iterations: 5 });
  assert.equal(bad.ok, false);
  assert.match((bad as { error: string }).error, /'measureLatency' message: unexpected field\(s\) iterations/);
});

test('phaseFraction: building steps share the first 30%, profiling starts at 30%', () => {
  const v = ['ckpt', 'dense', 'l1c', 'sparse'];
  assert.equal(phaseFraction('building ckpt', v), 0.05);
  assert.ok(phaseFraction('building sparse', v) < 0.3 && phaseFraction('building sparse', v) > phaseFraction('building l1c', v));
  assert.equal(phaseFraction('profiling and timing 8 graphs, interleaved', v), 0.3);
});

test('latency runs: saved through the run store and read back; a foreign file is named in one line', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-latency-runs-'));
  try {
    const r = result([variant('ckpt', [4, 5], [50, 70]), variant('dense', [2, 2], [100, 100])]);
    const model = { path: '/x/x.onnx', name: 'x.onnx', sha256: '0' } as ModelRef;
    const saved = await saveLatencyRun(dir, { latency: r, model, data: { files: [], split: 'test', samples: 2 } as never, denseMacs: 120 }, 1.5, ['latency', '/x/x.onnx']);
    assert.equal(saved.record.command, 'latency');
    assert.deepEqual(saved.record.files, ['latency.json']);
    assert.equal(saved.record.summary.meanEffectiveMacs, 60);
    assert.deepEqual(await readLatencyRun(saved.dir), r);
    writeFileSync(path.join(saved.dir, 'latency.json'), JSON.stringify({ schema: 'dynapruner.results' }));
    await assert.rejects(readLatencyRun(saved.dir), (e: Error) => e.message === `${path.join(saved.dir, 'latency.json')}: expected schema 'dynapruner.layer-latency' version 1, found 'dynapruner.results' version undefined`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
