/** The latency figures' structure: one MAC-share and one time-share bar series per variant over the same rows; predicted vs measured per variant with its MAC limit and the y = x line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layerShareFigure, predictedVsMeasuredFigure } from '../../../src/core/figures/latency';
import { LIGHT_THEME } from '../../../src/core/figures/types';
import { LAYER_LATENCY_SCHEMA, LAYER_LATENCY_SCHEMA_VERSION, type LayerLatencyResult, type VariantLayerLatency } from '../../../src/core/schema/layerLatency';

function variant(v: VariantLayerLatency['variant'], macs: [number, number], us: [number, number], otherUs: number): VariantLayerLatency {
  const total = us[0] + us[1] + otherUs;
  const m = macs[0] + macs[1];
  const row = (name: string, i: 0 | 1) => ({ name, op: 'Conv', denseMacs: 100, macs: macs[i], macShare: macs[i] / m, timeUs: us[i], timeShare: us[i] / total, nodes: 1 });
  return { variant: v, description: v, layers: [row('/m/backbone/enc0/conv/Conv', 0), row('/m/backbone/gen/Conv', 1)], otherOps: [{ op: 'Mul', timeUs: otherUs, timeShare: otherUs / total, nodes: 2 }], nodeTimeUs: total, perSampleMs: [1, 1.1], perSampleMacs: [m, m] };
}

const result: LayerLatencyResult = {
  schema: LAYER_LATENCY_SCHEMA, schemaVersion: LAYER_LATENCY_SCHEMA_VERSION, checkpoint: { name: 'x.onnx', sha256: '0' },
  runtime: { name: 'onnxruntime-node', version: '1.30.0', intraOpThreads: 1, batch: 1, warmup: 1, iterations: 2, graphOptimization: 'all' },
  samples: { count: 2, source: 'test' }, profileScale: 1,
  variants: [variant('ckpt', [60, 40], [50, 30], 20), variant('dense', [100, 0], [70, 0], 10)],
  model: [
    { variant: 'ckpt', calibration: 'ckpt', fits: [], otherUs: 20, samples: [{ macs: 100, predictedMs: 1, measuredMs: 1.1, macLimitMs: 0.5 }, { macs: 90, predictedMs: 1, measuredMs: 1, macLimitMs: 0.45 }], meanAbsPctError: 4.5, macSensitivity: 0, note: '' },
    { variant: 'dense', calibration: 'dense', fits: [], otherUs: 10, samples: [{ macs: 100, predictedMs: 0.8, measuredMs: 0.8, macLimitMs: null }], meanAbsPctError: 0, macSensitivity: 0.3, note: '' },
  ],
  injectedKeptFractions: [],
};

test('layerShareFigure: per variant a MAC and a time series over the layers plus other ops', () => {
  const f = layerShareFigure(result, LIGHT_THEME);
  assert.equal(f.data.length, 4);
  for (const t of f.data) assert.deepEqual(t.y, ['enc0/conv', 'gen', 'other ops']);
  const ckptTime = f.data[1].x as number[];
  assert.ok(Math.abs(ckptTime.reduce((a, b) => a + b, 0) - 100) < 1e-9, 'time shares of a variant sum to 100%');
  const ckptMacs = f.data[0].x as number[];
  assert.ok(Math.abs(ckptMacs.reduce((a, b) => a + b, 0) - 100) < 1e-9);
  assert.equal(ckptMacs[2], 0, 'other ops carry no MACs');
});

test('predictedVsMeasuredFigure: predictions, MAC limits where known, the diagonal', () => {
  const f = predictedVsMeasuredFigure(result, LIGHT_THEME);
  assert.equal(f.data.length, 5);
  assert.deepEqual(f.data[0].x, [1.1, 1]);
  assert.deepEqual(f.data[1].y, [0.5, 0.45]);
  assert.deepEqual(f.data[3].y, [], 'no MAC limit without a clean dense run');
  assert.match(String(f.data[0].name), /mean \|err\| 4\.5%/);
  assert.deepEqual(f.data[4].x, f.data[4].y);
});
