/**
 * Bring your own data and backbone, engine side:
 * (a) a SimVP trained (1 epoch, tiny widths) by the Python trainer on a data
 *     set made here and given only by files + a description, exported; the
 *     CLI's `run` and `report` find the data through the contract's
 *     description (no --data) and analyse the test split's windows, whose
 *     inputs equal the trainer's own loader's bit for bit;
 * (b) the storm pressure field as NetCDF-3, NetCDF-4, HDF5, Zarr and as a
 *     level of 4-D NetCDF-3/4 / Zarr variables, cropped, masked (a 2-D
 *     land-sea mask) and coarsened, gives inputs bit-equal to each other and
 *     to the trainer's reading;
 * (c) bad data is one line naming the file and the description key;
 * (d) the trainer's U-Net example: contract valid, sparse-equivalence on its
 *     graph, its own masks injected reproduce its output; its recorded storm
 *     description reads the bundled storm_test.inputs.npy bit for bit.
 * Needs Debian's /usr/bin/python3 (torch, xarray, netCDF4, h5py, zarr) and
 * the CLI bundle (`npm run build`).
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { openCheckpoint, type Checkpoint } from '../../src/core/checkpoint/checkpoint';
import { defaultDataFiles } from '../../src/core/checkpoint/defaultData';
import { parseDatasetDescription, type DatasetDescription } from '../../src/core/contract/datasetDescription';
import { traceMaskedChains } from '../../src/core/graph/sparseEquivalence';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import { describedFiles } from '../../src/core/samples/describedSources';
import { loadSamples } from '../../src/core/samples/load';
import { parseNpy } from '../../src/core/samples/npy';
import type { SampleSpec } from '../../src/core/samples/sampleSet';
import { STORM_FILES, STORM_TEST_INPUTS } from '../helpers/engineFixtures';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'formats');
const PYTHON = '/usr/bin/python3';
const CLI = path.join(ROOT, 'bin', 'dynapruner.js');
let dir = '';
let ownCk = '';
let ck: Checkpoint;

const python = (args: string[], cwd = ROOT) => execFileSync(PYTHON, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: '1' } });
const makeOwn = (out: string, ...flags: string[]) => python([path.join(FIXTURES, 'make_own_data.py'), out, ...flags]);
const reference = (desc: string, out: string) => python([path.join(FIXTURES, 'reference_windows.py'), desc, out, 'test']);
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000 });

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dp-own-'));
  mkdirSync(path.join(dir, 'fm'));
  python([path.join(FIXTURES, 'make_formats.py'), path.join(dir, 'fm'), '--src', path.join(ROOT, 'demo', 'data', 'ncl', 'Pstorm.cdf'), '--levels']);
  makeOwn(path.join(dir, 'own'));
  ownCk = path.join(dir, 'own', 'ck', 'own.onnx');
  python(['-m', 'dynapruner_trainer.train', '--data', path.join(dir, 'own', 'description.json'), '--backbone', 'simvp', '--variant', 'dense',
    '--widths', 'hid_s=4', 'hid_t=8', 'n_trans=1', '--epochs', '1', '--threads', '1', '--seed', '0', '--out', ownCk, '--quiet'], path.join(ROOT, 'trainer'));
  ck = await openCheckpoint(ownCk);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('(a) a data set the code never named, given by files + description', () => {
  test('run and report without --data analyse the test windows; inputs equal the trainer loader bit for bit', async () => {
    assert.equal(ck.spec.description?.name, 'coastal-anomaly');
    const json = path.join(dir, 'own.json');
    const run = cli('run', ownCk, '--json', json);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(readFileSync(json, 'utf8')) as { samples: unknown[]; data: { files: string[]; windowStarts: number[] } };
    assert.equal(result.samples.length, 7, 'test split [24, 36) holds 7 windows of 3 + 3 steps');
    assert.deepEqual(result.data.windowStarts, [24, 25, 26, 27, 28, 29, 30]);
    assert.deepEqual(result.data.files, [path.join(dir, 'own', 'data', 'coastal.nc')]);
    const html = path.join(dir, 'own.html');
    const report = cli('report', ownCk, '--out', html);
    assert.equal(report.status, 0, report.stderr);
    assert.ok(statSync(html).size > 10_000, 'report written');
    const few = cli('run', ownCk, '--samples', '2', '--json', json);
    assert.equal(few.status, 0, few.stderr);
    assert.deepEqual((JSON.parse(readFileSync(json, 'utf8')) as typeof result).data.windowStarts, [24, 25], 'only the windows asked for');

    reference(path.join(dir, 'own', 'description.json'), path.join(dir, 'own', 'ref'));
    const samples = await loadSamples(defaultDataFiles(ck)!, ck.spec);
    assert.equal(samples.count, 7);
    assert.ok(bytes(samples.inputs).equals(readFileSync(path.join(dir, 'own', 'ref', 'test.inputs.f32'))), 'engine inputs = trainer inputs (fills, log1p channel)');
  });
});

/** A spec of the storm pressure field read through `desc` (the checkpoint named in errors is `source`). */
function stormSpec(desc: DatasetDescription, source: string, mean: number[], std: number[]): SampleSpec {
  return { tIn: desc.t_in, tOut: desc.t_out, channels: desc.channels, grid: desc.grid, mean, std, splits: desc.split, source, description: desc };
}

describe('(b) one field in every format', () => {
  test('NetCDF-3, NetCDF-4, HDF5, Zarr and 4-D levels give bit-equal inputs, equal to the trainer reading', async () => {
    const fm = path.join(dir, 'fm');
    copyFileSync(path.join(ROOT, 'demo', 'data', 'ncl', 'Pstorm.cdf'), path.join(fm, 'p.cdf'));
    const raw = { name: 'storm-p', files: [{ path: 'p.nc4', variables: ['p'] }], t_in: 4, t_out: 4, fill_values: [-9999],
      split: { train: [0, 40], val: [40, 48], test: [48, 64] }, crop: { y: [1, 31], x: [2, 34] }, coarsen: 2,
      mask: { file: 'lsm.nc4', variable: 'lsm', valid: 'nonzero' } };
    const descFile = path.join(fm, 'description.json');
    writeFileSync(descFile, JSON.stringify(raw));
    const ref = path.join(fm, 'ref');
    reference(descFile, ref);
    const resolved = JSON.parse(readFileSync(path.join(ref, 'resolved.json'), 'utf8')) as { description: DatasetDescription; mean: number[]; std: number[] };
    const expected = readFileSync(path.join(ref, 'test.inputs.f32'));
    const source = path.join(ref, 'ck.onnx');
    const forms: [string, Record<string, unknown>][] = [['p.cdf', {}], ['p.nc4', {}], ['p.h5', {}], ['p.zarr', {}],
      ['p_levels.nc4', { level: { value: 500 } }], ['p_levels.zarr', { level: { index: 1 } }], ['p_levels.cdf', { level: { value: 500 } }]];
    for (const [file, select] of forms) {
      const d = structuredClone(resolved.description) as unknown as { files: { path: string[]; variables: { select: unknown }[] }[] };
      d.files[0].path = [file];
      d.files[0].variables[0].select = select;
      const desc = parseDatasetDescription(d, source);
      const s = await loadSamples(describedFiles(desc, source), stormSpec(desc, source, resolved.mean, resolved.std));
      assert.deepEqual([s.count, s.height, s.width], [9, 15, 16], `${file}: 9 windows on the cropped, coarsened 15x16 grid`);
      assert.ok(bytes(s.inputs).equals(expected), `${file}: inputs bit-equal to the trainer's`);
    }
    const wrongLevel = parseDatasetDescription({ ...resolved.description, files: [{ ...resolved.description.files[0], path: ['p_levels.nc4'], select: { level: { index: 0 } } }] }, source);
    const other = await loadSamples(describedFiles(wrongLevel, source), stormSpec(wrongLevel, source, resolved.mean, resolved.std));
    assert.ok(!bytes(other.inputs).equals(expected), 'the other level holds other values (the selection is real)');
    const load = (d: DatasetDescription) => loadSamples(describedFiles(d, source), stormSpec(d, source, resolved.mean, resolved.std));
    const masked = await load(parseDatasetDescription(resolved.description, source));
    const unmasked = await load(parseDatasetDescription({ ...resolved.description, mask: null }, source));
    const validCount = (v: Uint8Array | null) => v!.reduce((n, x) => n + x, 0);
    assert.ok(validCount(unmasked.inputValid) > validCount(masked.inputValid), 'the land-sea mask removes pixels');
  });
});

/** The error of a load, asserted to be one line holding every `parts`. */
async function oneLineError(load: Promise<unknown>, ...parts: string[]): Promise<void> {
  await assert.rejects(load, (e: Error) => {
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    for (const p of parts) assert.ok(e.message.includes(p), `'${p}' in: ${e.message}`);
    return true;
  });
}

describe('(c) bad data: one line naming the file and the key', () => {
  const withFiles = (change: (d: DatasetDescription) => void): SampleSpec => {
    const d = structuredClone(ck.spec.description!);
    change(d);
    return { ...ck.spec, description: d };
  };
  test('a variable that does not exist', async () => {
    const file = path.join(dir, 'own', 'data', 'coastal.nc');
    await oneLineError(loadSamples([file], withFiles((d) => (d.files[0].variables[0].name = 'fice'))), file, 'dataset.description.files[0].variables[0]', "'fice'", 'rain');
    const fm = path.join(dir, 'fm', 'p.nc4');
    await oneLineError(loadSamples([fm], ck.spec), fm, "channel 0 is 'ssta'", "the file has 'p'");
  });
  test('a grid that differs from the checkpoint', async () => {
    makeOwn(path.join(dir, 'small'), '--height', '10');
    const file = path.join(dir, 'small', 'data', 'coastal.nc');
    await oneLineError(loadSamples([file], ck.spec), file, 'dataset.description.files[0].variables[0]', 'grid 12x16', 'on 10x16');
  });
  test('too few time steps for one window (also through the CLI)', async () => {
    makeOwn(path.join(dir, 'short'), '--steps', '20');
    const file = path.join(dir, 'short', 'data', 'coastal.nc');
    await oneLineError(loadSamples([file], ck.spec), file, 'dataset.description.split.test', 'found 20');
    const run = cli('run', ownCk, '--data', file, '--json', path.join(dir, 'short.json'));
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: dataset\\.description\\.split\\.test`));
  });
  test('an all-fill variable', async () => {
    makeOwn(path.join(dir, 'fill'), '--all-fill');
    const file = path.join(dir, 'fill', 'data', 'coastal.nc');
    await oneLineError(loadSamples([file], ck.spec), file, 'dataset.description.files[0].variables[0]', "valid values in 'ssta'", 'fill value');
  });
  test('a description naming a file outside its folder; a description that disagrees with the contract', () => {
    const outside = withFiles((d) => (d.files[0].path = ['../../outside.nc']));
    assert.throws(() => describedFiles(outside.description!, ownCk), (e: Error) => !e.message.includes('\n') && e.message.startsWith(`${ownCk}: dataset.description.files[0].path[0]: expected a path inside`));
    const shape = { channels: ['ssta', 'rain'], grid: [12, 16] as [number, number], t_in: 4, t_out: 3 };
    assert.throws(() => parseDatasetDescription(ck.spec.description, ownCk, shape), new RegExp(`: ${ownCk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: dataset\\.description\\.t_in: expected the contract's t_in 4, found 3$`));
  });
});

describe('(d) the U-Net example (a backbone the trainer does not ship)', () => {
  test('contract valid, sparse-equivalence on its graph, own masks injected reproduce its output', async () => {
    const unet = path.join(dir, 'unet.onnx');
    python([path.join(ROOT, 'trainer', 'examples', 'unet_example.py'), '--out', unet, '--epochs-dense', '1', '--epochs', '1'], path.join(ROOT, 'trainer'));
    assert.ok(existsSync(unet));
    const u = await openCheckpoint(unet);
    const chains = traceMaskedChains(u.model.proto.graph!, u.contract);
    assert.ok(chains.length > 0, 'bound layers found');
    for (const c of chains) {
      assert.deepEqual(c.leaks, [], `${c.node}: unmasked output read outside the mask chain`);
      assert.ok(c.maskedOutput, `${c.node}: no tensor carries all its masks`);
    }
    // Its contract records the storm data set as a description: the engine's reading is the bundled test inputs, bit for bit.
    const all = await loadSamples(defaultDataFiles(u)!, u.spec);
    assert.ok(bytes(all.inputs).equals(Buffer.from(bytes(parseNpy(readFileSync(STORM_TEST_INPUTS), STORM_TEST_INPUTS).data))), 'storm_test.inputs.npy');
    const globOrder = [...STORM_FILES].sort();
    const samples = await loadSamples(globOrder, u.spec, { maxWindows: 3 });
    assert.equal(samples.count, 3);
    assert.ok(bytes(samples.inputs).equals(bytes(all.inputs.subarray(0, samples.inputs.length))), '--data files in name order are matched to channels by file name');
    const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
    try {
      const runner = new ModelRunner(u, pool);
      const full = await runner.full(samples.inputs, samples.count);
      const injected = await runner.injected(samples.inputs, samples.count, { dataMask: full.dataMask, gates: full.gates });
      let diff = 0;
      for (let i = 0; i < injected.length; i++) diff = Math.max(diff, Math.abs(injected[i] - full.prediction[i]));
      assert.ok(diff <= 1e-6, `max abs diff ${diff}`);
    } finally {
      pool.close();
    }
  });
});
