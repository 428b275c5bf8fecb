/**
 * Outputs through the real CLI bundle (`node dist/cli.js`): nothing the user
 * owns is deleted or overwritten (`--csv .`, `--csv file`, an output naming
 * an input, a failed `profile --json`), bad flags fail before any work, and
 * the process ends cleanly on a closed stdout, a full device, SIGTERM and a
 * peer that never answers. Every case runs on copies in a temp folder.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkpoint, ROOT, STORM_FILES, STORM_TEST_INPUTS } from '../helpers/engineFixtures';

const cli = path.join(ROOT, 'dist', 'cli.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-cli-outputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A small sweep grid, so that a command that does run (the old behaviour) ends quickly. */
const SMALL_SWEEP = ['--samples', '2', '--seeds', '1', '--noise', '0', '--failure', '0', '--thresholds', '0.5', '--tau-offsets', '0', '--baselines', 'dense'];

function runCli(args: string[], cwd = dir, timeout = 120_000): SpawnSyncReturns<string> & { ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout, cwd });
  return { ...r, ms: Date.now() - started };
}

/** sha256 of every file below `d` (relative path -> hash). */
function tree(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const e of readdirSync(path.join(d, sub), { withFileTypes: true })) {
      const rel = path.join(sub, e.name);
      if (e.isDirectory()) walk(rel);
      else out[rel] = createHash('sha256').update(readFileSync(path.join(d, rel))).digest('hex');
    }
  };
  walk('');
  return out;
}

function assertOneLine(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.notEqual(r.status, 0, `non-zero exit: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr:\n${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

let ckpt: string;
let data: string[];
before(() => {
  assert.ok(existsSync(cli), `${cli} missing: run 'npm run build'`);
  ckpt = path.join(dir, 'inputs', 'simvp_dynapruner.onnx');
  mkdirSync(path.dirname(ckpt), { recursive: true });
  copyFileSync(checkpoint('simvp_dynapruner'), ckpt);
  data = STORM_FILES.map((f) => {
    const copy = path.join(dir, 'inputs', path.basename(f));
    copyFileSync(f, copy);
    return copy;
  });
});

test('sweep --csv . in a folder with other files leaves every one of them', () => {
  const work = path.join(dir, 'busy');
  mkdirSync(path.join(work, 'notes'), { recursive: true });
  writeFileSync(path.join(work, 'paper.tex'), '\\section{results}\n');
  writeFileSync(path.join(work, 'notes', 'todo.txt'), 'rerun\n');
  const before = tree(work);
  const r = runCli(['sweep', ckpt, '--data', ...data, ...SMALL_SWEEP, '--csv', '.'], work);
  assert.deepEqual(tree(work), before, 'the folder is unchanged');
  assertOneLine(r, /cannot write \.: the folder already holds other files \(notes, paper\.tex\)/);
  assert.ok(r.ms < 10_000, `refused before any work (${r.ms} ms)`);
});

test('sweep --csv existing.txt is refused and the file kept', () => {
  const file = path.join(dir, 'existing.txt');
  writeFileSync(file, 'mine\n');
  const r = runCli(['sweep', ckpt, '--data', ...data, ...SMALL_SWEEP, '--csv', file]);
  assert.equal(readFileSync(file, 'utf8'), 'mine\n');
  assertOneLine(r, /existing\.txt: exists and is not a folder/);
});

test('an output naming an input (the checkpoint, a data file, through a link) is refused with nothing changed', () => {
  const inputs = path.join(dir, 'inputs');
  symlinkSync(ckpt, path.join(dir, 'link.onnx'));
  const before = tree(inputs);
  const cases: [string[], RegExp][] = [
    [['run', ckpt, '--data', ...data, '--samples', '1', '--json', ckpt], /--json names the checkpoint/],
    [['run', ckpt, '--data', ...data, '--samples', '1', '--json', path.join(dir, 'link.onnx')], /--json names the checkpoint/],
    [['run', ckpt, '--data', ...data, '--samples', '1', '--json', data[2]], /--json names data file .*Ustorm\.cdf/],
    [['report', ckpt, '--data', ...data, '--samples', '1', '--no-sweep', '--out', data[0]], /--out names data file .*Pstorm\.cdf/],
  ];
  for (const [args, pattern] of cases) {
    const r = runCli(args);
    assertOneLine(r, pattern);
    assert.deepEqual(tree(inputs), before, `inputs unchanged after ${args.join(' ')}`);
  }
});

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function profileArgs(port: number, out: string, extra: string[] = []): string[] {
  const hosts = path.join(dir, `hosts-${port}.json`);
  writeFileSync(hosts, JSON.stringify([{ alias: 'gone', hostName: '127.0.0.1', port, user: 'nobody', identityFiles: [] }]));
  const knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, '');
  return ['profile', ckpt, '--host', 'gone', '--hosts-file', hosts, '--known-hosts', knownHosts, '--variants', 'ckpt', '--samples', STORM_TEST_INPUTS, '--workspace', dir, '--json', out, ...extra];
}

test('a failed profile --json (every host unreachable) leaves the earlier file byte-identical', async () => {
  const out = path.join(dir, 'profile.json');
  writeFileSync(out, '[{"earlier": "results"}]\n');
  const r = runCli(profileArgs(await closedPort(), out));
  assert.notEqual(r.status, 0, r.stderr);
  assert.equal(readFileSync(out, 'utf8'), '[{"earlier": "results"}]\n');
  assert.match(r.stderr, /\[gone\] failed: /);
  assert.match(r.stderr, /profile\.json not written: no host was profiled/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('profile against a peer that accepts and never answers exits within its time-out plus 5 s', async () => {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const started = Date.now();
    const child = spawn(process.execPath, [cli, ...profileArgs(port, path.join(dir, 'silent.json'), ['--connect-timeout', '1500'])], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const ms = Date.now() - started;
    assert.notEqual(code, 0, stderr);
    assert.ok(ms < 1500 + 5000 + 3000, `exited after ${ms} ms (time-out 1500 ms; 3 s for building the variant)`);
    assert.doesNotMatch(stderr, /\n\s+at /);
  } finally {
    sockets.forEach((s) => s.destroy());
    server.close();
  }
});

test('bad flags fail before any work, with one line naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['sweep', ckpt, '--data', ...data, '--csv'], /--csv needs a value \(DIR\)/],
    [['sweep', ckpt, '--data', ...data, '--seeds', '100000000'], /--seeds: expected an integer in 1\.\.1000, found 100000000/],
    [['sweep', ckpt, '--data', ...data, '--noise', '0,-0.1'], /--noise: -0\.1 is outside \[0, 10\]/],
    [['sweep', ckpt, '--data', ...data, '--failure', '1.5'], /--failure: 1\.5 is outside \[0, 1\]/],
    [['sweep', ckpt, '--data', ...data, '--thresholds', 'nan'], /--thresholds: 'nan' is not a finite number/],
    [['sweep', ckpt, '--data', ...data, '--seeds', '1000'], /sweep grid too large: \d+ configurations x 1000 seeds = \d+ rows per sample, the limit is 20000/],
    [['run', ckpt, '--data', ...data, '--threads', '1000'], /--threads: expected an integer in 1\.\.64, found 1000/],
    [['run', ckpt, '--data', ...data, '--samples', '0'], /--samples: expected an integer in 1\.\.100000, found 0/],
    [['run', ckpt, '--data', data[0], path.join(dir, 'inputs', '..', 'inputs', 'Pstorm.cdf')], /--data: .*Pstorm\.cdf is given twice/],
    [['run', ckpt, '--bogus'], /unknown option '--bogus'/],
    [['run', ckpt, '--save=yes'], /'--save' does not take an argument/],
    [['run', ckpt, '--json', 'a.json', '--json', 'b.json'], /--json is given more than once/],
    [['inspect', ckpt, '--input-shape'], /--input-shape needs a value/],
  ];
  for (const [args, pattern] of cases) {
    const r = runCli(args);
    assertOneLine(r, pattern);
    assert.ok(r.ms < 10_000, `${args.join(' ')}: ${r.ms} ms`);
  }
});

test('inspect with a closed stdout (| head) ends quietly with exit 0', async () => {
  const child = spawn(process.execPath, [cli, 'inspect', ckpt, '--all-nodes'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
});

test('a full device: one line naming it, non-zero exit, no trace', () => {
  const r = runCli(['run', ckpt, '--data', ...data, '--samples', '1', '--json', '/dev/full']);
  assertOneLine(r, /^dynapruner run: cannot write \/dev\/full: no space left on device$/);
  const full = openSync('/dev/full', 'w');
  try {
    const s = spawnSync(process.execPath, [cli, 'inspect', ckpt, '--all-nodes'], { encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
    assertOneLine(s, /^dynapruner inspect: cannot write stdout: no space left on device$/);
  } finally {
    closeSync(full);
  }
});

test('SIGTERM cancels like Ctrl-C: exit 143, no partial JSON or CSV', async () => {
  const out = path.join(dir, 'term.json');
  const csv = path.join(dir, 'term-csv');
  const child = spawn(process.execPath, [cli, 'sweep', ckpt, '--data', ...data, '--seeds', '50', '--json', out, '--csv', csv], { cwd: dir });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise((r) => setTimeout(r, 2500));
  const sent = Date.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 143, stderr);
  assert.match(stderr, /cancelled/);
  assert.ok(Date.now() - sent < 5000, 'stopped within 5 s');
  assert.ok(!existsSync(out) && !existsSync(csv), 'no partial outputs');
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
});
