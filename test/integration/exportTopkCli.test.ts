/**
 * `dynapruner export --variant sparse --index topk` through the real CLI
 * (src/cli/main.ts under tsx):
 * - the written graph reproduces the checkpoint window by window (1e-4), its
 *   record holds the index form, the vector width and k per unit, and the
 *   check on every window reports no overflow;
 * - k calibrated on one window at vector width 1 is too small for others:
 *   each overflowing window is reported by index with the unit and counts;
 * - bad input (--index foo, --vector-width 0, --vector-width without topk,
 *   topk of a checkpoint without gates) exits non-zero with one line and
 *   writes nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openCheckpoint, PREDICTION } from '../../src/core/checkpoint/checkpoint';
import { EXPORT_METADATA_KEY, type ExportRecord } from '../../src/core/export/exportVariant';
import { INDEX_OVERFLOW } from '../../src/core/graph/topkIndex';
import { decodeModelProto } from '../../src/core/onnx/proto';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { ModelRunner } from '../../src/core/runtime/modelRunner';
import { parseNpy } from '../../src/core/samples/npy';
import { checkpoint, ROOT, STORM_TEST_INPUTS } from '../helpers/engineFixtures';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-export-topk-'));
const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
after(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'export', ...args], { encoding: 'utf8', timeout: 180_000, cwd: ROOT });
}

function assertOneLineFailure(r: ReturnType<typeof runCli>, pattern: RegExp): void {
  assert.notEqual(r.status, 0, `exit status ${r.status}; stdout ${r.stdout}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
}

describe('dynapruner export --index topk', () => {
  test('simvp_dynapruner: reproduces the checkpoint window by window, records k, no overflow', async () => {
    const out = path.join(dir, 'simvp.topk.onnx');
    const r = runCli([checkpoint('simvp_dynapruner'), '--variant', 'sparse', '--index', 'topk', '--calibrate', 'none', '--samples', STORM_TEST_INPUTS, '--calibrate-samples', '9', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /topk index \(vector width 8, .*u2 \d+\/64/);
    assert.match(r.stdout, /index check: dp_index_overflow false on all 9 samples/);
    const model = decodeModelProto(readFileSync(out));
    const record = JSON.parse((model.metadata_props ?? []).find((p) => p.key === EXPORT_METADATA_KEY)!.value!) as ExportRecord;
    assert.equal(record.options.index, 'topk');
    assert.equal(record.options.vectorWidth, 8);
    const k = record.options.k as Record<string, number>;
    assert.ok(Object.values(k).every((v) => v % 8 === 0), `k multiples of 8: ${JSON.stringify(k)}`);
    assert.deepEqual((model.graph?.output ?? []).map((o) => o.name), [PREDICTION, INDEX_OVERFLOW]);

    const ck = await openCheckpoint(checkpoint('simvp_dynapruner'));
    const npy = parseNpy(readFileSync(STORM_TEST_INPUTS), 'inputs');
    const n = npy.shape[0];
    const own = (await new ModelRunner(ck, pool).full(npy.data, n)).prediction;
    pool.register('topk', readFileSync(out));
    const per = npy.data.length / n;
    const yi = own.length / n;
    let worst = 0;
    for (let s = 0; s < n; s++) {
      const got = await pool.run('topk', { x: { data: npy.data.slice(s * per, (s + 1) * per), dims: [1, ...npy.shape.slice(1)] } }, [PREDICTION, INDEX_OVERFLOW]);
      assert.equal(got[INDEX_OVERFLOW].data[0], 0, `window ${s}: no overflow`);
      for (let i = 0; i < yi; i++) worst = Math.max(worst, Math.abs(got[PREDICTION].data[i] - own[s * yi + i]));
    }
    assert.ok(worst <= 1e-4, `topk export vs the checkpoint: max |diff| ${worst}`);
  });

  test('k calibrated on one window at vector width 1: the overflowing windows are reported', () => {
    const out = path.join(dir, 'simvp.topk-small.onnx');
    const r = runCli([checkpoint('simvp_dynapruner'), '--variant', 'sparse', '--index', 'topk', '--vector-width', '1', '--calibrate', 'none', '--samples', STORM_TEST_INPUTS, '--calibrate-samples', '1', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('OVERFLOW sample '));
    assert.ok(lines.length > 0, `overflow lines in:\n${r.stdout}`);
    assert.doesNotMatch(r.stdout, /OVERFLOW sample 0 /, 'the calibration window itself fits');
    for (const l of lines) assert.match(l, /^OVERFLOW sample \d+ of .*storm_test\.inputs\.npy: unit \d+ has \d+ active filters > k \d+/);
    assert.match(r.stdout, new RegExp(`index check: ${lines.length} of 9 samples .* overflow k`));
  });

  test('bad input: one line, nothing written', () => {
    const before = readdirSync(dir).sort();
    const out = path.join(dir, 'never.onnx');
    const ck = checkpoint('simvp_dynapruner');
    assertOneLineFailure(runCli([ck, '--variant', 'sparse', '--index', 'foo', '--out', out]), /--index: expected 'nonzero' or 'topk', found 'foo'/);
    assertOneLineFailure(runCli([ck, '--variant', 'sparse', '--index', 'topk', '--vector-width', '0', '--out', out]), /--vector-width: expected an integer in 1\.\.1024, found 0/);
    assertOneLineFailure(runCli([ck, '--variant', 'sparse', '--vector-width', '16', '--out', out]), /--vector-width applies to --index topk only, found --index nonzero/);
    assertOneLineFailure(runCli([ck, '--variant', 'dense', '--index', 'topk', '--out', out]), /--index applies to --variant sparse only/);
    assertOneLineFailure(runCli([checkpoint('simvp_dp_only'), '--variant', 'sparse', '--index', 'topk', '--out', out]), /simvp_dp_only\.onnx: the 'sparse' variant needs gated units/);
    assert.ok(!existsSync(out));
    assert.deepEqual(readdirSync(dir).sort(), before, 'nothing written');
  });
});
