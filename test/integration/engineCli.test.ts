/**
 * The engine commands through the real CLI bundle (`node dist/cli.js`):
 * `run --json` on the storm test windows reports per-sample effective MACs
 * that vary (input-adaptive); bad input (wrong grid, wrong channels, dense
 * checkpoint to `sweep`, NaN-filled file) and a cancelled sweep each exit
 * non-zero with a clear message and leave no partial files.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Analysis, SweepResult } from '../../src/core/schema/results';
import { encodeNpyF32 } from '../../src/core/samples/npy';
import { checkpoint, ROOT, STORM_FILES } from '../helpers/engineFixtures';

const cli = path.join(ROOT, 'dist', 'cli.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-engine-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[], timeout = 240_000) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout, cwd: dir });
}

test('the CLI bundle is built', () => {
  assert.ok(existsSync(cli), `${cli} missing: run 'npm run build'`);
});

test('run --json: per-sample effective MACs vary between storm windows', () => {
  const out = path.join(dir, 'analysis.json');
  const r = runCli(['run', checkpoint('simvp_dynapruner'), '--data', ...STORM_FILES, '--json', out]);
  assert.equal(r.status, 0, r.stderr);
  const a = JSON.parse(readFileSync(out, 'utf8')) as Analysis;
  assert.equal(a.schemaVersion, 1);
  assert.equal(a.samples.length, 9, 'test split [48, 64) with t_in + t_out = 8 gives 9 windows');
  const macs = a.samples.map((s) => s.macs.total);
  assert.ok(new Set(macs).size > 1, `effective MACs vary: ${macs.join(', ')}`);
  assert.ok(Math.max(...macs) < a.denseMacs, 'every sample is cheaper than dense');
  assert.ok(a.samples.every((s) => s.activeFraction > 0 && s.activeFraction < 1));
  assert.match(r.stdout, /MAC reduction vs dense/);
});

test('sweep --json --csv: agrees with run, rows independent of --batch, exact tau offset 0, Tables I-IV written', () => {
  const analysisFile = path.join(dir, 'sweep-analysis.json');
  const a = runCli(['run', checkpoint('simvp_dynapruner'), '--data', ...STORM_FILES, '--json', analysisFile]);
  assert.equal(a.status, 0, a.stderr);
  const analysis = JSON.parse(readFileSync(analysisFile, 'utf8')) as Analysis;
  const sweepArgs = ['--data', ...STORM_FILES, '--seeds', '2', '--noise', '0,0.05', '--failure', '0,0.1', '--thresholds', String(analysis.model.dataThreshold), '--tau-offsets', '0,1,-1'];
  const out16 = path.join(dir, 'sweep16.json');
  const csv = path.join(dir, 'sweep-csv');
  const r = runCli(['sweep', checkpoint('simvp_dynapruner'), ...sweepArgs, '--json', out16, '--csv', csv]);
  assert.equal(r.status, 0, r.stderr);
  const sw = JSON.parse(readFileSync(out16, 'utf8')) as SweepResult;
  assert.equal(sw.schemaVersion, 1);
  assert.deepEqual(readdirSync(csv).sort(), ['table1.csv', 'table2.csv', 'table3.csv', 'table4.csv']);
  const point = (id: string) => {
    const p = [...sw.noise, ...sw.failure, ...sw.sensitivity.points, ...sw.ablation].find((x) => x.id === id);
    assert.ok(p, `point ${id} in the sweep`);
    return p;
  };
  // The sweep's own-mask and dense points are the analysis' figures (two code paths, same numbers).
  const close = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) <= 1e-9 * Math.abs(y), `${what}: ${x} vs ${y}`);
  close(point('dynapruner').mse.mean, analysis.aggregates.mse!.mean, 'Dyna-Pruner MSE');
  close(point('dense').mse.mean, analysis.aggregates.denseMse!.mean, 'dense-mode MSE');
  close(point('dynapruner').effectiveMacs.mean, analysis.aggregates.effectiveMacs.mean, 'effective MACs');
  // Offset 0 at the contract's threshold is the checkpoint itself. Scores are sigmoids in (0, 1):
  // at tau + 1 every unit keeps only its arg-max filter (the gate rule), at tau - 1 every filter.
  const thr = `thr=${analysis.model.dataThreshold}`;
  close(point(`dynapruner:${thr}`).mse.mean, analysis.aggregates.mse!.mean, 'sensitivity offset 0');
  close(point(`dynapruner:${thr}`).effectiveMacs.mean, analysis.aggregates.effectiveMacs.mean, 'sensitivity offset 0 MACs');
  const oneEach = analysis.units.reduce((a, u) => a + 1 / u.channels, 0) / analysis.units.length;
  close(point(`dynapruner:${thr}:tau+1`).filterFraction.mean, oneEach, 'tau + 1: one filter per unit');
  assert.equal(point(`dynapruner:${thr}:tau-1`).filterFraction.mean, 1, 'tau - 1: every filter');
  assert.equal(point('dynapruner:noise=0.05').seeds.length, 2);
  assert.equal(point('dynapruner').seeds.length, 1, 'deterministic points run once');
  // Rows are seeded per (seed, sigma, sample): the batch size does not change the results.
  const out5 = path.join(dir, 'sweep5.json');
  const r5 = runCli(['sweep', checkpoint('simvp_dynapruner'), ...sweepArgs, '--batch', '5', '--json', out5]);
  assert.equal(r5.status, 0, r5.stderr);
  const sw5 = JSON.parse(readFileSync(out5, 'utf8')) as SweepResult;
  const all = (x: SweepResult) => [...x.noise, ...x.failure, ...x.sensitivity.points, ...x.ablation];
  assert.deepEqual(all(sw5).map((p) => p.id), all(sw).map((p) => p.id));
  all(sw5).forEach((p, i) => {
    const q = all(sw)[i];
    assert.ok(Math.abs(p.mse.mean - q.mse.mean) <= 1e-6 * q.mse.mean, `${p.id}: MSE ${p.mse.mean} (batch 5) vs ${q.mse.mean} (batch 16)`);
    assert.equal(p.effectiveMacs.mean, q.effectiveMacs.mean, `${p.id}: effective MACs`);
  });
});

function assertCleanFailure(r: ReturnType<typeof runCli>, pattern: RegExp, leftovers: string[]) {
  assert.notEqual(r.status, 0, `non-zero exit (stdout: ${r.stdout})`);
  assert.match(r.stderr, pattern);
  assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace: ${r.stderr}`);
  for (const f of leftovers) assert.ok(!existsSync(f), `${f} not written`);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), [], 'no temp files left');
}

test('wrong grid in a .npy: names file, expected and found', () => {
  const f = path.join(dir, 'grid.inputs.npy');
  writeFileSync(f, encodeNpyF32(new Float32Array(2 * 4 * 6 * 32 * 36), [2, 4, 6, 32, 36]));
  const out = path.join(dir, 'grid.json');
  const r = runCli(['run', checkpoint('simvp_dynapruner'), '--data', f, '--json', out]);
  assertCleanFailure(r, /grid\.inputs\.npy: inputs grid is 32x36, the checkpoint expects 33x36/, [out]);
});

test('wrong channels: five storm files for a six-channel checkpoint', () => {
  const out = path.join(dir, 'channels.json');
  const r = runCli(['run', checkpoint('simvp_dynapruner'), '--data', ...STORM_FILES.slice(0, 5), '--json', out]);
  assertCleanFailure(r, /expects 6 channels \(p, t, u, v, u500, v500\), found 5 data files/, [out]);
});

test('NaN-filled file: clear message', () => {
  const f = path.join(dir, 'nan.inputs.npy');
  writeFileSync(f, encodeNpyF32(new Float32Array(2 * 4 * 6 * 33 * 36).fill(NaN), [2, 4, 6, 33, 36]));
  const out = path.join(dir, 'nan.json');
  const r = runCli(['run', checkpoint('simvp_dynapruner'), '--data', f, '--json', out]);
  assertCleanFailure(r, /nan\.inputs\.npy: has no valid value \(every value is NaN or infinite\)/, [out]);
});

test('dense checkpoint given to sweep: says it needs masks', () => {
  const out = path.join(dir, 'dense-sweep.json');
  const r = runCli(['sweep', checkpoint('simvp_dense'), '--data', ...STORM_FILES, '--json', out, '--csv', path.join(dir, 'dense-csv')]);
  assertCleanFailure(r, /'sweep' needs a Dyna-Pruner checkpoint with mask tensors .* 'dense' checkpoint without masks/, [out, path.join(dir, 'dense-csv')]);
});

test('cancelled sweep (SIGINT): exits 130, no partial JSON or CSV', async () => {
  const out = path.join(dir, 'cancel.json');
  const csv = path.join(dir, 'cancel-csv');
  const child = spawn(process.execPath, [cli, 'sweep', checkpoint('simvp_dynapruner'), '--data', ...STORM_FILES, '--seeds', '50', '--json', out, '--csv', csv], { cwd: dir });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise((r) => setTimeout(r, 2500));
  const sent = Date.now();
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const stopMs = Date.now() - sent;
  assert.equal(code, 130, stderr);
  assert.match(stderr, /cancel/);
  assert.ok(stopMs < 5000, `stopped in ${stopMs} ms`);
  assert.ok(!existsSync(out) && !existsSync(csv), 'no partial outputs');
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
});
