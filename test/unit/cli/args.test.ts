/**
 * The shared CLI parser and value checks: list flags take space- or
 * comma-separated values, values may start with a dash, every problem is a
 * CliError (exit 2) naming the flag, and the sweep grid is bounded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from '../../../src/cli/command';
import { parseCommandArgs, type FlagSpecs } from '../../../src/cli/args/parse';
import { intValue, numberList } from '../../../src/cli/args/values';
import { SWEEP_FLAGS, sweepGrids, sweepRowsPerSample } from '../../../src/cli/commands/sweepOptions';

const SPECS: FlagSpecs = {
  data: { type: 'string', variadic: true, value: 'FILES...' },
  json: { type: 'string', value: 'OUT' },
  offsets: { type: 'string', variadic: true },
  host: { type: 'string', multiple: true },
  save: { type: 'boolean' },
};

const parse = (args: string[]) => parseCommandArgs('test', args, SPECS);
const rejects = (args: string[], pattern: RegExp) =>
  assert.throws(() => parse(args), (e: Error) => e instanceof CliError && e.code === 2 && pattern.test(e.message) && !e.message.includes('\n'));

describe('parseCommandArgs', () => {
  it('collects list values up to the next flag, keeps positionals and repeatable flags', () => {
    const p = parse(['ckpt.onnx', '--data', 'a.cdf', 'b.cdf', '--json', '-', '--host', 'x', '--host=y', '--save']);
    assert.deepEqual(p.positionals, ['ckpt.onnx']);
    assert.deepEqual(p.strings('data'), ['a.cdf', 'b.cdf']);
    assert.equal(p.string('json'), '-');
    assert.deepEqual(p.strings('host'), ['x', 'y']);
    assert.equal(p.flag('save'), true);
    assert.equal(p.has('offsets'), false);
  });

  it('takes values that start with a dash (negative numbers) and stops at --', () => {
    const p = parse(['--offsets', '-0.1,0', '-1', '--', '--save']);
    assert.deepEqual(p.strings('offsets'), ['-0.1,0', '-1']);
    assert.deepEqual(p.positionals, ['--save']);
  });

  it('names the flag: missing value, unknown flag, value on a boolean, repeated single flag', () => {
    rejects(['--json'], /^--json needs a value \(OUT\)$/);
    rejects(['--json', '--save'], /^--json needs a value/);
    rejects(['--data'], /^--data needs a value/);
    rejects(['--nope', 'x'], /^unknown option '--nope'/);
    rejects(['--nope=1'], /^unknown option '--nope'/);
    rejects(['-x'], /^unknown option '-x'/);
    rejects(['--save=1'], /'--save' does not take an argument/);
    rejects(['--json', 'a', '--json', 'b'], /^--json is given more than once$/);
  });
});

describe('value checks', () => {
  it('integers within their range, with the reason above the maximum', () => {
    assert.equal(intValue('n', undefined, { min: 1, max: 5 }, 3), 3);
    assert.equal(intValue('n', '5', { min: 1, max: 5 }), 5);
    assert.throws(() => intValue('n', '2.5', { min: 1, max: 5 }), /--n: expected an integer in 1\.\.5, found '2\.5'/);
    assert.throws(() => intValue('n', '1e3', { min: 1, max: 5 }), /found '1e3'/);
    assert.throws(() => intValue('n', '6', { min: 1, max: 5, why: 'too many' }), /found 6 \(too many\)/);
  });

  it('number lists: finite, inside the range, at least one', () => {
    assert.deepEqual(numberList('l', ['0,0.1', '0.2'], { min: 0, max: 1 }, []), [0, 0.1, 0.2]);
    assert.throws(() => numberList('l', ['0,Infinity'], { min: 0, max: 1 }, []), /'Infinity' is not a finite number/);
    assert.throws(() => numberList('l', ['-0.5'], { min: 0, max: 1, unit: 'a rate' }, []), /-0\.5 is outside \[0, 1\] \(a rate\)/);
    assert.throws(() => numberList('l', [','], { min: 0, max: 1 }, []), /found none/);
  });

  it('sweep grids: defaults within the bound, a huge grid refused with its size', () => {
    const defaults = sweepGrids(parseCommandArgs('sweep', ['c.onnx'], SWEEP_FLAGS));
    assert.equal(sweepRowsPerSample(defaults), 141);
    const huge = parseCommandArgs('sweep', ['c.onnx', '--seeds', '500', '--thresholds', '0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1'], SWEEP_FLAGS);
    assert.throws(() => sweepGrids(huge), /sweep grid too large: 65 configurations x 500 seeds = 32500 rows per sample, the limit is 20000/);
    assert.throws(() => sweepGrids(parseCommandArgs('sweep', ['--baselines', 'dense,best'], SWEEP_FLAGS)), /--baselines: unknown baseline 'best'/);
  });
});
