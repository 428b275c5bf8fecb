/**
 * The lazy readers of NetCDF-4, HDF5 and Zarr (src/core/samples/netcdf4.ts,
 * zarr.ts) on real data: the storm pressure field written in each form at test
 * time (test/fixtures/formats/make_formats.py, Debian's xarray / netCDF4 /
 * h5py / zarr) reads back bit-equal to the NetCDF-3 original, with its
 * dimension names and coordinates; reading a few steps of a long file does not
 * cost memory in proportion to the file's length.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { openNetcdf4 } from '../../src/core/samples/netcdf4';
import { readGridVariable } from '../../src/core/samples/netcdf';
import { openZarr } from '../../src/core/samples/zarr';
import { openNetcdf3 } from '../../src/core/samples/netcdf3Source';
import type { GridSource } from '../../src/core/samples/gridSource';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MAKE = path.join(ROOT, 'test', 'fixtures', 'formats', 'make_formats.py');
const STORM = path.join(ROOT, 'demo', 'data', 'ncl', 'Pstorm.cdf');
let dir = '';
/** As scripts/build.mjs bundles the CLI: `import.meta.url` of ESM-only packages becomes the bundle's URL. */
const ESM_IN_CJS = {
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};

const python = (...args: string[]) => execFileSync('/usr/bin/python3', [MAKE, dir, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });

async function readAll(src: GridSource): Promise<{ values: Float32Array; valid: Uint8Array }> {
  try {
    return await src.readSteps(0, src.shape[0]);
  } finally {
    src.close();
  }
}

/**
 * Peak RSS (MB) of a child that opens `file` and reads 8-step windows at its
 * start and end, through the reader bundled by esbuild as the CLI is (so the
 * number is the reader's, not the TypeScript loader's).
 */
async function peakReadingWindows(file: string): Promise<number> {
  return peakOf([
    `import { openNetcdf4 } from ${JSON.stringify(path.join(ROOT, 'src/core/samples/netcdf4.ts'))};`,
    'async function main(): Promise<void> {',
    `  const src = await openNetcdf4(${JSON.stringify(file)});`,
    '  await src.readSteps(0, 8); await src.readSteps(src.shape[0] - 8, 8); src.close();',
    '  console.log(process.resourceUsage().maxRSS / 1024);',
    '}',
    'void main();',
  ]);
}

/** Peak RSS (MB) of a child loading the first 2 test windows of `file` through a data set description (the engine's described loader). */
async function peakLoadingDescribed(file: string, steps: number): Promise<number> {
  const description = {
    version: 1, name: 'long', root: '.', files: [{ path: [path.basename(file)], format: 'auto', formats: ['netcdf4'], select: {}, variables: [{ name: 'h', channel: 'h', select: {}, normalisation: 'zscore' }] }],
    channels: ['h'], time_axis: null, t_in: 4, t_out: 4, stride: 1, split: { train: [0, 8], val: [8, 16], test: [16, steps] }, time_steps: steps,
    fill_values: [], mask: null, crop: {}, coarsen: 1, grid: [128, 128],
  };
  const spec = { tIn: 4, tOut: 4, channels: ['h'], grid: [128, 128], mean: [0], std: [1], splits: description.split, source: path.join(dir, 'ck.onnx'), description };
  return peakOf([
    `import { loadSamples } from ${JSON.stringify(path.join(ROOT, 'src/core/samples/load.ts'))};`,
    'async function main(): Promise<void> {',
    `  const s = await loadSamples([${JSON.stringify(file)}], ${JSON.stringify(spec)} as never, { maxWindows: 2 });`,
    '  if (s.count !== 2) throw new Error(`expected 2 windows, found ${s.count}`);',
    '  console.log(process.resourceUsage().maxRSS / 1024);',
    '}',
    'void main();',
  ]);
}

/** Bundles `lines` as the CLI is bundled and runs it; its output is a peak RSS in MB. */
async function peakOf(lines: string[]): Promise<number> {
  const driver = path.join(dir, 'peak.ts');
  writeFileSync(driver, lines.join('\n'));
  const bundle = path.join(dir, 'peak.cjs');
  await build({ entryPoints: [driver], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent', absWorkingDir: ROOT, ...ESM_IN_CJS });
  return Number(execFileSync(process.execPath, [bundle], { encoding: 'utf8' }).trim());
}

describe('NetCDF-4, HDF5 and Zarr readers', () => {
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-formats-'));
    python('--src', STORM, '--levels');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('read the same values, validity and grid as the NetCDF-3 original', async () => {
    const ref = await readGridVariable(STORM);
    for (const src of [await openNetcdf4(path.join(dir, 'p.nc4')), await openNetcdf4(path.join(dir, 'p.h5')), await openZarr(path.join(dir, 'p.zarr')), await openNetcdf3(STORM)]) {
      assert.deepEqual(src.shape, ref.shape, src.file);
      const { values, valid } = await readAll(src);
      assert.deepEqual(valid, ref.valid, `${src.file}: validity`);
      const expected = Float32Array.from(ref.values);
      assert.deepEqual(values, expected, `${src.file}: values`);
    }
  });

  it('read one level of a (time, level, y, x) variable, chosen by index or coordinate value', async () => {
    const ref = await readGridVariable(STORM);
    const forms = [
      await openNetcdf4(path.join(dir, 'p_levels.nc4'), 'p', { select: { level: { value: 500 } } }),
      await openZarr(path.join(dir, 'p_levels.zarr'), 'p', { select: { level: { index: 1 } } }),
      await openNetcdf3(path.join(dir, 'p_levels.cdf'), 'p', { select: { level: { value: 500 } } }),
    ];
    for (const src of forms) {
      assert.deepEqual(src.shape, ref.shape, src.file);
      const { values, valid } = await src.readSteps(10, 4);
      const plane = ref.shape[1] * ref.shape[2];
      assert.deepEqual(valid, ref.valid.slice(10 * plane, 14 * plane), `${src.file}: validity`);
      assert.deepEqual(values, Float32Array.from(ref.values.subarray(10 * plane, 14 * plane)), `${src.file}: values of level 500`);
      src.close();
    }
    await assert.rejects(openNetcdf4(path.join(dir, 'p_levels.nc4'), 'p'), /select an index on 'level'/);
    await assert.rejects(openZarr(path.join(dir, 'p_levels.zarr'), 'p', { select: { level: { value: 700 } } }), /select\.level is the value 700, expected one of 850, 500/);
    await assert.rejects(openNetcdf3(path.join(dir, 'p_levels.cdf'), 'p', { select: { level: { index: 2 } } }), /expected an index in \[0, 2\)/);
  });

  it('take dimension names and coordinates from the file', async () => {
    for (const src of [await openNetcdf4(path.join(dir, 'p.nc4')), await openZarr(path.join(dir, 'p.zarr'))]) {
      assert.deepEqual(src.dims, ['timestep', 'lat', 'lon'], src.file);
      assert.equal(src.y?.[0], 20);
      assert.equal(src.x?.[0], -140);
      src.close();
    }
    const h5 = await openNetcdf4(path.join(dir, 'p.h5'));
    assert.deepEqual(h5.dims, ['dim_0', 'dim_1', 'dim_2'], 'plain HDF5 has no dimension scales');
    h5.close();
  });

  it('name the file and the variable on bad requests', async () => {
    await assert.rejects(openNetcdf4(path.join(dir, 'p.nc4'), 'fice'), (e: Error) => e.message.includes('p.nc4') && e.message.includes("'fice'") && e.message.includes('found: p'));
    await assert.rejects(openZarr(path.join(dir, 'p.zarr'), 'fice'), (e: Error) => e.message.includes('p.zarr') && e.message.includes("'fice'"));
    const src = await openNetcdf4(path.join(dir, 'p.nc4'));
    await assert.rejects(src.readSteps(60, 8), /steps \[60, 68\) are outside its 64 time steps/);
    src.close();
    await assert.rejects(openNetcdf4(STORM), (e: Error) => e.message.startsWith(STORM));
  });

  it('read windows of a long file with memory that does not grow with its length', async (t) => {
    python('--long', '200');
    python('--long', '3000');
    const short = await peakReadingWindows(path.join(dir, 'long200.nc4'));
    const long = await peakReadingWindows(path.join(dir, 'long3000.nc4'));
    const wholeFile = (3000 * 128 * 128 * 4) / 2 ** 20;
    t.diagnostic(`peak RSS reading 16 steps: ${short.toFixed(0)} MB of a 200-step file, ${long.toFixed(0)} MB of a 3000-step file (${wholeFile.toFixed(0)} MB of float32)`);
    assert.ok(long - short < 20, `peak RSS ${long.toFixed(0)} MB for 3000 steps vs ${short.toFixed(0)} MB for 200 (reading it whole would add ${wholeFile.toFixed(0)} MB)`);
  });

  it('load the first windows of a long file through a data set description with memory that does not grow with its length', async (t) => {
    if (!existsSync(path.join(dir, 'long3000.nc4'))) python('--long', '3000');
    if (!existsSync(path.join(dir, 'long200.nc4'))) python('--long', '200');
    const short = await peakLoadingDescribed(path.join(dir, 'long200.nc4'), 200);
    const long = await peakLoadingDescribed(path.join(dir, 'long3000.nc4'), 3000);
    t.diagnostic(`peak RSS loading 2 described windows: ${short.toFixed(0)} MB of a 200-step file, ${long.toFixed(0)} MB of a 3000-step file`);
    assert.ok(long - short < 20, `peak RSS ${long.toFixed(0)} MB for 3000 steps vs ${short.toFixed(0)} MB for 200`);
  });
});
