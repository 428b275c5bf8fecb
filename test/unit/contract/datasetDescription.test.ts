/**
 * The contract's `dataset.description` (docs/spec/dataset.md): the storm data
 * set as a resolved description parses; contracts without one still parse;
 * every bad key is one line naming the checkpoint and the key.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ContractError, parseContract } from '../../../src/core/contract/contract';
import { parseDatasetDescription } from '../../../src/core/contract/datasetDescription';
import { exampleContract } from './fixtures';

const STORM = ['p', 't', 'u', 'v', 'u500', 'v500'];
const FILES = ['Pstorm.cdf', 'Tstorm.cdf', 'Ustorm.cdf', 'Vstorm.cdf', 'U500storm.cdf', 'V500storm.cdf'];

/** The storm data set as the trainer records it. */
function stormDescription(): Record<string, unknown> {
  return {
    version: 1, name: 'ncl-storm-1996', root: '../data/ncl',
    files: FILES.map((f, i) => ({ path: [f], format: 'auto', formats: ['netcdf3'], select: {}, variables: [{ name: STORM[i].slice(0, 1), channel: STORM[i], select: {}, normalisation: 'zscore' }] })),
    channels: STORM, time_axis: null, t_in: 4, t_out: 4, stride: 1,
    split: { train: [0, 40], val: [40, 48], test: [48, 64] }, time_steps: 64, fill_values: [-9999.0],
    mask: null, crop: {}, coarsen: 1, grid: [33, 36],
  };
}

function contractWith(description: unknown): string {
  const c = exampleContract();
  return JSON.stringify({ ...c, dataset: { ...(c.dataset as object), description } });
}

describe('dataset.description', () => {
  test('the storm description parses and travels with the contract; contracts without one keep working', () => {
    const c = parseContract(contractWith(stormDescription()), 'ckpt.onnx');
    assert.deepEqual(c.dataset?.description?.channels, STORM);
    assert.deepEqual(c.dataset?.description?.files[4].variables[0], { name: 'u', channel: 'u500', select: {}, normalisation: 'zscore' });
    assert.equal(parseContract(JSON.stringify(exampleContract()), 'ckpt.onnx').dataset?.description, null);
  });

  test('selections by index and by value; defaults for keys the resolved form may omit', () => {
    const d = stormDescription();
    d.files = [{ path: ['z.nc'], select: { level: 3 }, variables: [{ name: 'z', channel: 'z500', select: { lev: { value: 500 } }, normalisation: 'log1p' }] }];
    d.channels = ['z500'];
    const parsed = parseDatasetDescription(d, 'ck.onnx');
    assert.deepEqual(parsed.files[0].select, { level: { index: 3 } });
    assert.deepEqual(parsed.files[0].variables[0].select, { lev: { value: 500 } });
    assert.equal(parsed.files[0].format, 'auto');
  });

  const bad: [string, (d: Record<string, unknown>) => void, string][] = [
    ['normalisation', (d) => ((d.files as { variables: { normalisation: string }[] }[])[0].variables[0].normalisation = 'log'), "dataset.description.files[0].variables[0].normalisation: expected one of zscore, log1p, found \"log\""],
    ['split', (d) => (d.split = { train: [0, 40], val: [40, 44], test: [48, 64] }), 'dataset.description.split.val: expected at least t_in + t_out = 8 time steps for one window, found 4 ([40, 44))'],
    ['time_steps', (d) => delete d.time_steps, 'dataset.description.time_steps: expected an integer >= 1, found nothing'],
    ['channels', (d) => (d.channels = [...STORM.slice(0, 5), 'w']), "dataset.description.channels: expected the entries' channels [p, t, u, v, u500, v500]"],
    ['grid', (d) => (d.grid = [32, 64]), "dataset.description.grid: expected the contract's grid [33, 36], found [32,64]"],
    ['select', (d) => ((d.files as { select: unknown }[])[0].select = { level: 'top' }), 'dataset.description.files[0].select.level: expected {"index": i} or {"value": v}, found "top"'],
    ['crop', (d) => (d.crop = { z: [0, 2] }), 'dataset.description.crop.z: expected the key y or x'],
  ];
  for (const [what, change, message] of bad) {
    test(`bad ${what}: one line naming the checkpoint and the key`, () => {
      const d = stormDescription();
      change(d);
      assert.throws(() => parseContract(contractWith(d), 'ckpt.onnx'), (e: Error) => {
        assert.ok(e instanceof ContractError, e.message);
        assert.ok(!e.message.includes('\n'), e.message);
        assert.ok(e.message.startsWith(`ckpt.onnx: dynapruner metadata: ${message}`), e.message);
        return true;
      });
    });
  }
});
