/** NetCDF storm files read by netcdfjs agree with SciPy's reader; windows follow the trainer's split. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { loadSamples } from '../../../src/core/samples/load';
import { readGridVariable } from '../../../src/core/samples/netcdf';
import type { SampleSpec } from '../../../src/core/samples/sampleSet';
import { STORM_FILES } from '../../helpers/engineFixtures';

test('Ustorm.cdf: values and fill mask equal SciPy netcdf_file', async () => {
  const v = await readGridVariable(STORM_FILES[2]);
  assert.deepEqual(v.shape, [64, 33, 36]);
  const r = spawnSync('/usr/bin/python3', ['-c', `
import json, numpy as np
from scipy.io import netcdf_file
with netcdf_file(${JSON.stringify(STORM_FILES[2])}, 'r', mmap=False) as nc: a = np.array(nc.variables['u'].data, dtype=np.float64)
ok = a != -9999
print(json.dumps([int(ok.sum()), float(a[ok].sum()), float(a[10, 20, 30])]))`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [validCount, validSum, probe] = JSON.parse(r.stdout) as number[];
  let count = 0;
  let sum = 0;
  v.valid.forEach((ok, i) => {
    if (ok) {
      count++;
      sum += v.values[i];
    }
  });
  assert.equal(count, validCount);
  assert.ok(Math.abs(sum - validSum) < 1e-6 * Math.abs(validSum) + 1e-6);
  assert.ok(Math.abs(v.values[10 * 33 * 36 + 20 * 36 + 30] - probe) < 1e-5);
  assert.ok(count / v.valid.length > 0.7 && count / v.valid.length < 0.9, 'about 19% fill values');
});

test('windows: test split [48, 64) gives 9 chronological windows; fills are 0 and invalid', async () => {
  const spec: SampleSpec = { tIn: 4, tOut: 4, channels: ['p', 't', 'u', 'v', 'u500', 'v500'], grid: [33, 36], mean: [0, 0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1, 1], splits: { train: [0, 40], val: [40, 48], test: [48, 64] } };
  const s = await loadSamples([...STORM_FILES].reverse(), spec); // order given does not matter: matched by file name
  assert.equal(s.count, 9);
  assert.deepEqual(s.starts, [48, 49, 50, 51, 52, 53, 54, 55, 56]);
  assert.ok(s.files[0].endsWith('Pstorm.cdf') && s.files[5].endsWith('V500storm.cdf'));
  let bad = 0;
  s.valid!.forEach((ok, i) => {
    if (!ok) {
      bad++;
      assert.equal(s.targets![i], 0);
    }
  });
  assert.ok(bad > 0);
  await assert.rejects(loadSamples(STORM_FILES, { ...spec, grid: [32, 36] }), /grid of 'p' is 33x36, the checkpoint expects 32x36/);
  await assert.rejects(loadSamples(STORM_FILES, { ...spec, splits: { test: [48, 80] } }), /too few time steps: the 'test' split needs steps 48..79, the file has 64/);
});
