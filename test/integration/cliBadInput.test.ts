/**
 * Bad input through the real CLI (`node dist/cli.js inspect ...`): each case
 * exits non-zero within 10 s with exactly one line naming the file and the
 * problem, and no stack trace.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { DataType } from '../../src/core/onnx/proto';
import { OnnxBuilder, seededValues } from '../helpers/onnxBuilder';
import { contractModel, exampleContract } from '../unit/contract/fixtures';

const root = process.env.DYNAPRUNER_ROOT ?? path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

function runCli(args: string[]) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 10_000 });
  return { ...r, ms: Date.now() - started };
}

function tinyConv(): OnnxBuilder {
  const b = new OnnxBuilder();
  b.input('x', ['N', 3, 8, 8]).initializer('w', [4, 3, 3, 3]);
  b.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] }, 'conv');
  b.output('y');
  return b;
}

describe('dynapruner inspect: bad input', () => {
  let dir: string;
  before(() => {
    const r = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm run build failed:\n${r.stdout}\n${r.stderr}`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'cli-bad-'));
  });

  const cases: [string, () => string, RegExp][] = [
    ['an empty file', () => { const f = path.join(dir, 'empty.onnx'); writeFileSync(f, ''); return f; }, /empty/],
    ['random bytes', () => { const f = path.join(dir, 'random.onnx'); writeFileSync(f, Buffer.from(seededValues(8192, 5).buffer)); return f; }, /not (an|a complete) ONNX model/],
    ['a truncated model', () => {
      const bytes = tinyConv().encode();
      const f = path.join(dir, 'truncated.onnx');
      writeFileSync(f, bytes.subarray(0, bytes.length - 40));
      return f;
    }, /truncated|not a complete ONNX model/],
    ['a non-ONNX file named .onnx', () => { const f = path.join(dir, 'notes.onnx'); writeFileSync(f, '# notes\nthis is not a model\n'); return f; }, /not (an|a complete) ONNX model/],
    ['external data outside the folder', () => {
      const sub = path.join(dir, 'ext');
      mkdirSync(sub, { recursive: true });
      writeFileSync(path.join(dir, 'secret.bin'), Buffer.alloc(512));
      const b = tinyConv();
      b.graph.initializer[0] = {
        name: 'w', dims: [4, 3, 3, 3], data_type: DataType.FLOAT, data_location: 1,
        external_data: [{ key: 'location', value: '../secret.bin' }, { key: 'offset', value: '0' }, { key: 'length', value: '432' }],
      };
      return b.save(path.join(sub, 'model.onnx'));
    }, /leaves the model's folder/],
    ['a path that does not exist', () => path.join(dir, 'missing', 'model.onnx'), /no such file/],
    ['invalid dynapruner metadata', () => {
      const o = exampleContract();
      delete o.units;
      return contractModel(JSON.stringify(o)).save(path.join(dir, 'badmeta.onnx'));
    }, /dynapruner metadata: key 'units' is missing/],
  ];

  for (const [what, make, pattern] of cases) {
    it(`${what}: exits non-zero with one line naming the file and the problem`, () => {
      const file = make();
      const r = runCli(['inspect', file, '--json']);
      assert.notEqual(r.status, 0, `exit status ${r.status}`);
      assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `stderr:\n${r.stderr}`);
      assert.ok(lines[0].includes(file), lines[0]);
      assert.match(lines[0], pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }

  it('--debug adds the stack trace', () => {
    const f = path.join(dir, 'empty2.onnx');
    writeFileSync(f, '');
    const r = runCli(['inspect', f, '--debug']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /\n\s+at /);
  });

  it('a good model prints JSON with the documented keys; --help states the convention', () => {
    const file = tinyConv().save(path.join(dir, 'good.onnx'));
    const r = runCli(['inspect', file, '--json', '--input-shape', 'x=2,3,8,8']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    for (const k of ['model', 'contract', 'totals', 'layers', 'units']) assert.ok(k in j, k);
    assert.equal(j.totals.macs, 2 * 4 * 3 * 9 * 64);
    const help = runCli(['inspect', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /FLOPs = 2 x MACs/);
    assert.match(help.stdout, /ConvTranspose: C_in \* \(K_out \/ group\)/);
  });
});
