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
import type { Analysis } from '../../src/core/engine/results';
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
