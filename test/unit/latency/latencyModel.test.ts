/**
 * The latency model's arithmetic on hand-made calibration points: the
 * least-squares line, the zero slope when the MACs do not vary, and the
 * predictions, MAC limit and errors built from the fits.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fitLatencyModel, fitLine, type CalibrationRun } from '../../../src/core/experiments/latencyModel';
import type { VariantLayerLatency } from '../../../src/core/schema/layerLatency';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

function run(id: string, points: [number, number][], otherUs: number): CalibrationRun {
  return { id, samples: points.map(([macs, us]) => ({ layers: new Map([['conv', { macs, us }]]), otherUs })) };
}

function variant(v: VariantLayerLatency['variant'], ms: number[], macs: number[], nodeTimeUs = 0): VariantLayerLatency {
  return { variant: v, description: v, layers: [], otherOps: [], nodeTimeUs, perSampleMs: ms, perSampleMacs: macs };
}

describe('latency model', () => {
  test('fitLine: exact on collinear points, slope 0 without a MAC range', () => {
    const l = fitLine([{ x: 1e6, y: 12 }, { x: 2e6, y: 22 }, { x: 4e6, y: 42 }]);
    close(l.a, 2);
    close(l.b, 1e-5);
    assert.deepEqual(fitLine([{ x: 5, y: 1 }, { x: 5, y: 3 }]), { a: 2, b: 0 });
    assert.deepEqual(fitLine([]), { a: 0, b: 0 });
    assert.deepEqual(fitLine([{ x: 1, y: 3 }, { x: 2, y: 1 }]), { a: 2, b: 0 }, 'a negative slope is noise: the mean, slope 0');
  });

  test('predictions: dense and l1c on the stock line, ckpt flat, MAC limit from clean dense', () => {
    const dense = run('dense', [[4e6, 100]], 20);
    const l1c = run('l1c', [[2e6, 60]], 20);
    // The checkpoint: same time whatever its (effective) MACs.
    const ckpt = run('ckpt', [[1e6, 100], [3e6, 100]], 40);
    const injected = [run('injected 0.5', [[2e6, 100]], 40)];
    const variants = [variant('ckpt', [0.14, 0.14], [1e6, 3e6]), variant('dense', [0.24], [4e6], 120), variant('l1c', [0.08], [2e6])];
    const { profileScale, model } = fitLatencyModel(variants, new Map([['ckpt', ckpt], ['dense', dense], ['l1c', l1c]]), injected);
    close(profileScale, 2, 1e-9); // clean dense: 0.24 ms unprofiled over 120 us of node medians
    const by = new Map(model.map((m) => [m.variant, m]));
    close(by.get('dense')!.fits[0].b, 2e-5);
    close(by.get('ckpt')!.fits[0].b, 0);
    assert.equal(by.get('ckpt')!.macSensitivity, 0);
    close(by.get('dense')!.samples[0].predictedMs, 0.24);
    close(by.get('l1c')!.samples[0].predictedMs, 0.16);
    close(by.get('ckpt')!.samples[1].predictedMs, 0.28);
    close(by.get('ckpt')!.samples[0].macLimitMs!, 0.24 / 4);
    close(by.get('ckpt')!.meanAbsPctError, 100); // measured 0.14 ms, predicted 0.28
    assert.match(by.get('ckpt')!.calibration, /ckpt, injected 0\.5/);
  });

  test('each form with its own profile is scaled by its own wall time over its node medians', () => {
    const dense = run('dense', [[4e6, 100]], 20);
    const sparse = run('sparse', [[1e6, 50], [2e6, 70]], 60);
    // Clean dense: 0.24 ms over 120 us (scale 2); sparse: 0.3 ms median over 200 us of node medians (scale 1.5).
    const variants = [variant('dense', [0.24], [4e6], 120), variant('sparse', [0.28, 0.32], [1e6, 2e6], 200)];
    const { profileScale, model } = fitLatencyModel(variants, new Map([['dense', dense], ['sparse', sparse]]), []);
    close(profileScale, 2);
    const sp = model.find((m) => m.variant === 'sparse')!;
    close(sp.samples[0].predictedMs, (110 * 1.5) / 1000);
    close(sp.samples[1].predictedMs, (130 * 1.5) / 1000);
    assert.match(sp.calibration, /profile scale 1\.500/);
  });
});
