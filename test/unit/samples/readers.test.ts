/**
 * Data readers on real files written by NumPy and SciPy, and on hostile ones:
 * budgets, members read from an .npz, NetCDF packing and record variables,
 * duplicate files, channel names, and a spec that cannot normalise.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { budgetOfMiB, BudgetMeter } from '../../../src/core/samples/budget';
import { loadSamples } from '../../../src/core/samples/load';
import { readGridVariable } from '../../../src/core/samples/netcdf';
import { parseNpy, readNpyFile } from '../../../src/core/samples/npy';
import type { SampleSpec } from '../../../src/core/samples/sampleSet';
import { netcdfFile } from '../../fixtures/hostile/netcdfBytes';
import { npyFile, npyHeader, npyHeaderText } from '../../fixtures/hostile/npyBytes';
import { deflateBomb, member, zipArchive } from '../../fixtures/hostile/zipBytes';
import { STORM_FILES, STORM_TEST_INPUTS } from '../../helpers/engineFixtures';

const spec: SampleSpec = {
  tIn: 4, tOut: 4, channels: ['p', 't', 'u', 'v', 'u500', 'v500'], grid: [33, 36],
  mean: [0, 0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1, 1], splits: { train: [0, 40], val: [40, 48], test: [48, 64] },
};
const base = STORM_TEST_INPUTS.replace(/inputs\.npy$/, '');
const WINDOW = [4, 6, 33, 36];

function python(code: string): void {
  const r = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-readers-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('.npz', () => {
  it('archives written by NumPy (deflated, and stored with an extra member) give the same samples as the .npy files', async () => {
    python(`
import numpy as np
d = ${JSON.stringify(base)}
x, y, v = (np.load(d + k + '.npy') for k in ('inputs', 'targets', 'valid'))
np.savez_compressed(${JSON.stringify(path.join(dir, 'c.npz'))}, inputs=x, targets=y, valid=v)
np.savez(${JSON.stringify(path.join(dir, 's.npz'))}, x=x, y=y, valid=v, extra=np.arange(5))`);
    const npy = await loadSamples([`${base}inputs.npy`, `${base}targets.npy`, `${base}valid.npy`], spec);
    for (const f of ['c.npz', 's.npz']) {
      const npz = await loadSamples([path.join(dir, f)], spec);
      assert.equal(npz.count, 9);
      assert.deepEqual(npz.inputs, npy.inputs);
      assert.deepEqual(npz.targets, npy.targets);
      assert.deepEqual(npz.valid, npy.valid);
    }
  });

  it('does not inflate a member it does not use (a 1 GiB junk member)', async () => {
    const junk = npyHeader(npyHeaderText('<f4', [256 * 1024 * 1024]));
    const file = path.join(dir, 'bomb.npz');
    writeFileSync(file, zipArchive([
      member('inputs.npy', readFileSync(`${base}inputs.npy`)),
      { name: 'junk.npy', stored: deflateBomb(junk, 1024), method: 8, size: junk.length + 1024 ** 3, crc32: 0 },
    ]));
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const s = await loadSamples([file], spec);
    assert.equal(s.count, 9);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.ok(process.memoryUsage().rss - rss < 300 * 1024 * 1024, 'memory grew by more than 300 MB');
  });

  it('stops inflating a member at its declared size', async () => {
    const head = npyHeader(npyHeaderText('<f4', [1, ...WINDOW]));
    const file = path.join(dir, 'liar.npz');
    writeFileSync(file, zipArchive([{ name: 'inputs.npy', stored: deflateBomb(head, 1024), method: 8, size: head.length + 4 * 6 * 33 * 36 * 4, crc32: 0 }]));
    await assert.rejects(loadSamples([file], spec), /liar\.npz\[inputs\]: member 'inputs\.npy' inflates past its declared size/);
  });

  it('refuses a member over the budget before inflating it', async () => {
    const file = path.join(dir, 'c.npz');
    await assert.rejects(loadSamples([file], spec, { budget: budgetOfMiB(0.25) }), /c\.npz\[inputs\]: member 'inputs\.npy' \(declared size\) is 1002\.5 KiB, over the data budget of 512\.0 KiB for one file/);
  });
});

describe('.npy', () => {
  it('a negative or non-integer dimension is refused naming the file, not a RangeError', () => {
    const bytes = npyFile('<f4', [-9, ...WINDOW], new Uint8Array(64));
    assert.throws(() => parseNpy(bytes, 'neg.npy'), /^SampleDataError: neg\.npy: \.npy shape \(-9, 4, 6, 33, 36\) has dimension '-9'/);
    assert.throws(() => parseNpy(npyFile('<f4', ['1e30', ...WINDOW], new Uint8Array(64)), 'big.npy'), /big\.npy: .*dimension '1e30'/);
  });

  it('a declared size larger than the file is refused before the body is read; the budget is counted', async () => {
    const file = path.join(dir, 'huge.npy');
    writeFileSync(file, npyFile('<f4', [1e9, ...WINDOW], new Uint8Array(1024)));
    await assert.rejects(readNpyFile(file, new BudgetMeter()), /huge\.npy: truncated: shape \(1000000000, 4, 6, 33, 36\) needs 114048000000000 bytes/);
    const meter = new BudgetMeter(budgetOfMiB(0.5));
    await assert.rejects(readNpyFile(STORM_TEST_INPUTS, meter), /storm_test\.inputs\.npy: shape \(9, 4, 6, 33, 36\) needs 1002\.4 KiB of memory, over the data budget of 512\.0 KiB/);
    const ok = await readNpyFile(STORM_TEST_INPUTS, new BudgetMeter());
    assert.deepEqual(ok.data, parseNpy(readFileSync(STORM_TEST_INPUTS), 'x').data);
  });

  it('the same file given twice is refused (compared by real path)', async () => {
    const rel = path.relative(process.cwd(), STORM_TEST_INPUTS);
    await assert.rejects(loadSamples([STORM_TEST_INPUTS, rel], spec), /is the same file as/);
  });
});

describe('NetCDF', () => {
  it('packed shorts (scale_factor, add_offset, _FillValue) in a record variable written by SciPy read as SciPy unpacks them', async () => {
    const file = path.join(dir, 'packed.nc');
    python(`
import numpy as np
from scipy.io import netcdf_file
f = netcdf_file(${JSON.stringify(file)}, 'w')
f.createDimension('time', None); f.createDimension('lat', 3); f.createDimension('lon', 4)
v = f.createVariable('p', 'h', ('time', 'lat', 'lon'))
v.scale_factor = 0.5; v.add_offset = 1000.0; v._FillValue = np.int16(-32767)
a = np.arange(5 * 12, dtype=np.int16).reshape(5, 3, 4); a[0, 0, 0] = -32767
v[:] = a
f.close()`);
    const v = await readGridVariable(file);
    assert.deepEqual(v.shape, [5, 3, 4]);
    assert.equal(v.valid[0], 0);
    assert.equal(v.values[1], 1 * 0.5 + 1000);
    assert.equal(v.values[59], 59 * 0.5 + 1000);
  });

  it('a scale_factor of inf or 0 and an add_offset of NaN are refused naming the variable', async () => {
    const values = new Float32Array(2 * 33 * 36).fill(1);
    const write = (name: string, attr: { name: string; double: number }) => {
      const f = path.join(dir, name);
      writeFileSync(f, netcdfFile({ variable: 'p', dims: [2, 33, 36], attrs: [attr], values }));
      return f;
    };
    await assert.rejects(readGridVariable(write('inf.nc', { name: 'scale_factor', double: Infinity })), /inf\.nc: variable 'p' attribute scale_factor is Infinity, expected a finite non-zero number/);
    await assert.rejects(readGridVariable(write('zero.nc', { name: 'scale_factor', double: 0 })), /scale_factor is 0/);
    await assert.rejects(readGridVariable(write('nan.nc', { name: 'add_offset', double: NaN })), /add_offset is NaN/);
  });

  it('declared dimensions larger than the file are refused before decoding; the budget is counted', async () => {
    const f = path.join(dir, 'lying.nc');
    writeFileSync(f, netcdfFile({ variable: 'p', dims: [2 ** 30, 33, 36], attrs: [], values: new Float32Array(33 * 36) }));
    await assert.rejects(readGridVariable(f), /lying\.nc: variable 'p' declares 1073741824 x 33 x 36 float values/);
    await assert.rejects(readGridVariable(STORM_FILES[0], undefined, new BudgetMeter(budgetOfMiB(0.5))), /Pstorm\.cdf: variable 'p' \(64 x 33 x 36\) needs .* over the data budget/);
  });

  it('the same file six times, and files whose variables match no channel, are refused', async () => {
    await assert.rejects(loadSamples(Array(6).fill(STORM_FILES[0]), spec), /Pstorm\.cdf: is the same file as/);
    const renamed = ['a', 'b', 'c', 'd', 'e', 'f'].map((n, i) => {
      const f = path.join(dir, `${n}.cdf`);
      copyFileSync(STORM_FILES[i], f);
      return f;
    });
    await assert.rejects(loadSamples(renamed, spec), /d\.cdf: is channel 'u' \(variable 'u'\), and so is .*c\.cdf|matches none of the checkpoint's channels|is channel/);
    const liar = path.join(dir, 'Tstorm.cdf');
    copyFileSync(STORM_FILES[0], liar);
    await assert.rejects(loadSamples([STORM_FILES[0], liar, ...STORM_FILES.slice(2)], spec), /Tstorm\.cdf: the file name says channel 't', but its variable is 'p' \(channel 'p'\)/);
    const sorted = await loadSamples([...STORM_FILES].reverse(), spec);
    assert.ok(sorted.files[4].endsWith('U500storm.cdf'));
  });

  it('a std of 0 is refused, not replaced by 1', async () => {
    await assert.rejects(loadSamples(STORM_FILES, { ...spec, std: [1, 1, 0, 1, 1, 1], source: 'ck.onnx' }), /ck\.onnx: the checkpoint's normalization\.std\[2\] is 0, expected a finite number > 0/);
  });
});
