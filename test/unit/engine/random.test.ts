/** The sweep's seeded Gaussian noise: standard normal (KS test by SciPy), reproducible, written in place. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { addGaussianNoise, addGaussianNoiseInto } from '../../../src/core/experiments/random';

test('addGaussianNoise draws N(0, sigma^2): SciPy kstest does not reject, moments match', () => {
  const n = 100_000;
  const sigma = 0.5;
  const z = addGaussianNoise(new Float32Array(n), sigma, 12345);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-noise-'));
  try {
    const file = path.join(dir, 'z.f32');
    writeFileSync(file, Buffer.from(z.buffer, z.byteOffset, z.byteLength));
    const r = spawnSync('/usr/bin/python3', ['-c', `
import json, numpy as np
from scipy import stats
z = np.fromfile(${JSON.stringify(file)}, dtype=np.float32).astype(np.float64) / ${sigma}
ks = stats.kstest(z, 'norm')
tail = float(np.mean(np.abs(z) > 3.442619855899))
print(json.dumps({"p": float(ks.pvalue), "mean": float(z.mean()), "std": float(z.std()), "kurt": float(stats.kurtosis(z, fisher=False)), "tail": tail, "tail_expected": float(2 * stats.norm.sf(3.442619855899))}))`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { p: number; mean: number; std: number; kurt: number; tail: number; tail_expected: number };
    assert.ok(s.p > 0.001, `KS p-value ${s.p}`);
    assert.ok(Math.abs(s.mean) < 0.02, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 1) < 0.02, `std ${s.std}`);
    assert.ok(Math.abs(s.kurt - 3) < 0.1, `kurtosis ${s.kurt}`);
    // The ziggurat's tail path (beyond R) is exercised at the right rate.
    assert.ok(Math.abs(s.tail - s.tail_expected) < 0.6 * s.tail_expected, `tail ${s.tail} vs ${s.tail_expected}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('addGaussianNoiseInto: same seed, same noise; adds to x at the offset; other seeds differ', () => {
  const x = Float32Array.from({ length: 1001 }, (_, i) => i / 100);
  const a = addGaussianNoise(x, 0.1, 7);
  const out = new Float32Array(3000).fill(-1);
  addGaussianNoiseInto(x, 0.1, 7, out, 1000);
  assert.deepEqual(Array.from(out.subarray(1000, 2001)), Array.from(a));
  assert.equal(out[999], -1);
  assert.equal(out[2001], -1);
  const b = addGaussianNoise(x, 0.1, 8);
  assert.ok(a.some((v, i) => v !== b[i]), 'another seed gives other noise');
  const zero = addGaussianNoise(x, 0, 7);
  assert.deepEqual(Array.from(zero), Array.from(x), 'sigma 0 leaves x unchanged');
});
