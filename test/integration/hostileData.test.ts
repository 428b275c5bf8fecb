/**
 * The hostile-input corpus (test/fixtures/hostile) through the built CLI:
 * `run`, `sweep` and `report` on every case, two at a time. Each exits
 * non-zero within 10 s with one line naming the file (or flag) and the
 * problem, no stack trace, under 600 MB of peak memory, and leaves the corpus
 * folder and its working folder as they were.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildHostileCorpus, type HostileCase } from '../fixtures/hostile/corpus';
import { hashSnapshot, snapshotDiff, statSnapshot } from '../fixtures/hostile/folderSnapshot';
import { npyHeader, npyHeaderText } from '../fixtures/hostile/npyBytes';
import { runCli } from '../fixtures/hostile/runCli';
import { deflateBomb, member, zipArchive } from '../fixtures/hostile/zipBytes';
import { InferencePool } from '../../src/core/runtime/inferencePool';
import { STORM_TEST_INPUTS } from '../helpers/engineFixtures';

const root = process.env.DYNAPRUNER_ROOT ?? path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'bin', 'dynapruner.js');
const LIMIT_MS = 10_000;
const LIMIT_MB = 600;
const COMMANDS = ['run', 'sweep', 'report'] as const;

/** The command line of `command` on a case; its outputs go to `cwd`. */
function argsOf(command: (typeof COMMANDS)[number], c: HostileCase, cwd: string): string[] {
  const data = c.data.length > 0 ? ['--data', ...c.data] : [];
  if (command === 'report') return ['report', c.checkpoint, ...data, '--out', path.join(cwd, 'report.html')];
  return [command, c.checkpoint, ...data, '--json', path.join(cwd, `${command}.json`)];
}

/** Why one command's result breaks the rules (empty when it does not). */
function problemsOf(r: Awaited<ReturnType<typeof runCli>>, c: HostileCase, cwdEntries: string[], changed: string[]): string[] {
  const lines = r.stderr.trimEnd().split('\n');
  const problems: string[] = [];
  if (r.status === 0 || r.status === null) problems.push(`exit status ${r.status} (signal ${r.signal})`);
  if (r.ms >= LIMIT_MS) problems.push(`took ${r.ms} ms`);
  if (!(r.peakMB < LIMIT_MB)) problems.push(`peak memory ${r.peakMB.toFixed(0)} MB`);
  if (lines.length !== 1) problems.push(`${lines.length} stderr lines`);
  if (!r.stderr.includes(c.names)) problems.push(`does not name ${c.names}`);
  if (!c.expect.test(r.stderr)) problems.push(`does not match ${c.expect}`);
  if (/\n\s+at |node:internal/.test(r.stderr)) problems.push('stack trace');
  if (cwdEntries.length > 0) problems.push(`left in its folder: ${cwdEntries.join(', ')}`);
  if (changed.length > 0) problems.push(`changed the corpus: ${changed.slice(0, 3).join('; ')}`);
  return problems.length > 0 ? [`${problems.join(', ')}\n    stderr: ${r.stderr.trim().slice(0, 400)}`] : [];
}

/** Maps `items` through `fn`, `limit` at a time, keeping their order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return out;
}

describe('hostile data and contracts: run, sweep and report refuse each case cleanly', () => {
  let dir: string;
  let cases: HostileCase[] = [];
  let hashes: Map<string, string>;
  let serial = 0;

  before(() => {
    if (process.env.DYNAPRUNER_PREBUILT !== '1') {
      const r = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, `npm run build failed:\n${r.stdout}\n${r.stderr}`);
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-hostile-'));
    cases = buildHostileCorpus(path.join(dir, 'corpus'));
    hashes = hashSnapshot(path.join(dir, 'corpus'));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Slowest run and highest peak memory, reported as test diagnostics. */
  const worst = { ms: 0, mb: 0 };

  /** Runs one command on one case and returns what it did wrong. */
  async function check(command: (typeof COMMANDS)[number], c: HostileCase): Promise<string[]> {
    const id = serial++;
    const cwd = path.join(dir, 'work', String(id));
    mkdirSync(cwd, { recursive: true });
    const corpus = path.join(dir, 'corpus');
    const before = statSnapshot(corpus);
    const r = await runCli(cli, argsOf(command, c, cwd), { cwd, env: c.env, timeoutMs: LIMIT_MS + 5000, scratch: path.join(dir, `peak-${id}`) });
    worst.ms = Math.max(worst.ms, r.ms);
    worst.mb = Math.max(worst.mb, r.peakMB);
    return problemsOf(r, c, readdirSync(cwd), snapshotDiff(before, statSnapshot(corpus)));
  }

  it('builds the corpus', () => {
    assert.ok(cases.length >= 70, `${cases.length} cases`);
  });

  for (const command of COMMANDS) {
    it(`${command}: every case`, async (t) => {
      const results = await mapLimit(cases, 2, (c) => check(command, c));
      const failures = cases.flatMap((c, i) => results[i].map((p) => `${command} ${c.name}: ${p}`));
      t.diagnostic(`${cases.length} cases; so far the slowest run took ${worst.ms} ms, the highest peak was ${worst.mb.toFixed(0)} MB`);
      assert.deepEqual(failures, []);
    });
  }

  it('the corpus is byte-identical afterwards', () => {
    assert.deepEqual(snapshotDiff(hashes, hashSnapshot(path.join(dir, 'corpus'))), []);
  });
});

describe('an .npz with a 1 GiB ignored member', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-hostile-ok-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs on its real inputs without inflating the ignored member (exit 0, under 600 MB)', async () => {
    const base = STORM_TEST_INPUTS.replace(/inputs\.npy$/, '');
    const junkHeader = npyHeader(npyHeaderText('<f4', [256 * 1024 * 1024]));
    const file = path.join(dir, 'storm.npz');
    writeFileSync(file, zipArchive([
      member('inputs.npy', readFileSync(`${base}inputs.npy`)),
      member('targets.npy', readFileSync(`${base}targets.npy`)),
      member('valid.npy', readFileSync(`${base}valid.npy`)),
      { name: 'junk.npy', stored: deflateBomb(junkHeader, 1024), method: 8, size: junkHeader.length + 1024 ** 3, crc32: 0 },
    ]));
    const ckpt = path.join(root, 'demo', 'checkpoints', 'simvp_dynapruner.onnx');
    const r = await runCli(cli, ['run', ckpt, '--data', file], { cwd: dir, timeoutMs: 60_000, scratch: path.join(dir, 'peak') });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /MSE \/ MAE Dyna-Pruner +0\.5828 \//);
    assert.ok(r.peakMB < LIMIT_MB, `peak ${r.peakMB} MB`);
  });
});

describe('onnxruntime errors name the model and the step', () => {
  it('session creation from bytes that are not a model', async () => {
    const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
    try {
      pool.register('bad', new Uint8Array(Buffer.from('not a model at all')), '/data/bad.onnx (full graph)');
      await assert.rejects(pool.preload('bad'), /^Error: \/data\/bad\.onnx \(full graph\): creating the onnxruntime session failed: /);
    } finally {
      await pool.close();
    }
  });
});
