// A device that accepts the TCP connection and never says a word: the CLI
// (`node bin/dynapruner.js profile`, the built dist/cli.js) must print the
// time-out once and exit non-zero within the connect time-out plus 5 s,
// leaving no socket open that would keep the process alive. In process,
// connectSsh closes its socket on every way out (time-out, cancel, refused
// host key, failed authentication, refused port, close after use).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AuthenticationError, ConnectTimeoutError, HostKeyUnknownError, RemoteError } from '../../src/core/remote/errors';
import { connectSsh, type ConnectOptions } from '../../src/core/remote/ssh/sshConnection';
import type { SshTarget } from '../../src/core/remote/ssh/hostConfig';
import { freePort, repoRoot, startSilentPeerProcess, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';

const CONNECT_TIMEOUT_MS = 1500;
/** Past this the CLI is considered hung and killed (the test then fails). */
const HANG_LIMIT_MS = CONNECT_TIMEOUT_MS + 60_000;

let silent: Awaited<ReturnType<typeof startSilentPeerProcess>>;
let home: string;
let sshd: SshdTestEnv;
before(async () => {
  silent = await startSilentPeerProcess();
  sshd = await startSshd();
  home = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-hanging-peer-'));
  mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
  writeFileSync(
    path.join(home, '.ssh', 'config'),
    ['Host silent-orin', '  HostName 127.0.0.1', `  Port ${silent.port}`, `  IdentityFile ${path.join(home, '.ssh', 'id_ed25519')}`, `  UserKnownHostsFile ${path.join(home, '.ssh', 'known_hosts')}`, ''].join('\n'),
  );
});
after(async () => {
  await silent?.stop();
  await sshd?.stop();
  rmSync(home, { recursive: true, force: true });
});

interface CliRun {
  code: number | null;
  stderr: string;
  /** ms from the "connecting to" line to the exit (the device part), and from spawn to exit. */
  sinceConnectMs: number;
  totalMs: number;
  killed: boolean;
}

function runCli(args: string[]): Promise<CliRun> {
  const cli = path.join(repoRoot, 'bin', 'dynapruner.js');
  const started = Date.now();
  let connectingAt: number | undefined;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: home, env: { ...process.env, HOME: home, SSH_AUTH_SOCK: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let killed = false;
    const limit = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, HANG_LIMIT_MS);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (connectingAt === undefined && /connecting to /.test(stderr)) connectingAt = Date.now();
    });
    child.on('exit', (code) => {
      clearTimeout(limit);
      const now = Date.now();
      resolve({ code, stderr, sinceConnectMs: now - (connectingAt ?? started), totalMs: now - started, killed });
    });
  });
}

test('profile against a peer that never answers ends within its connect time-out plus 5 s', async () => {
  assert.ok(existsSync(path.join(repoRoot, 'dist', 'cli.js')), 'dist/cli.js is missing: run npm run build');
  const checkpoint = path.join(repoRoot, 'demo', 'checkpoints', 'simvp_dynapruner.onnx');
  const run = await runCli(['profile', checkpoint, '--host', 'silent-orin', '--connect-timeout', String(CONNECT_TIMEOUT_MS), '--workspace', home, '--iterations', '2']);
  assert.equal(run.killed, false, `the CLI did not exit within ${HANG_LIMIT_MS} ms (hung after the time-out):\n${run.stderr}`);
  assert.notEqual(run.code, 0, run.stderr);
  assert.ok(run.sinceConnectMs <= CONNECT_TIMEOUT_MS + 5000, `exited ${run.sinceConnectMs} ms after connecting began (total ${run.totalMs} ms)`);
  const timeoutLines = run.stderr.split('\n').filter((l) => /did not answer within/.test(l));
  assert.equal(timeoutLines.length, 1, `one time-out line expected:\n${run.stderr}`);
  assert.match(timeoutLines[0], new RegExp(`127\\.0\\.0\\.1:${silent.port} did not answer within ${CONNECT_TIMEOUT_MS} ms`));
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
});

/** Open TCP sockets of this process (the peers run in other processes, so these are the client's). */
const openSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

/** Waits up to 2 s for the open socket count to come back to `baseline`; returns the last count. */
async function socketsSettleTo(baseline: number): Promise<number> {
  for (let i = 0; i < 40 && openSockets() > baseline; i++) await new Promise((r) => setTimeout(r, 50));
  return openSockets();
}

test('connectSsh closes its socket on every way out', async () => {
  const target = (port: number, identityFiles = [sshd.userKey]): SshTarget => ({ alias: 'leak', hostName: '127.0.0.1', user: sshd.user, port, identityFiles, jumps: [] });
  const opts = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({ knownHostsFiles: [sshd.knownHostsFile], connectTimeoutMs: 400, agentSocket: '', ...extra });
  const emptyKnownHosts = path.join(home, 'known_hosts_empty');
  writeFileSync(emptyKnownHosts, '');
  const cancelled = new AbortController();
  setTimeout(() => cancelled.abort(new Error('cancelled by the test')), 150);
  const cases: Array<[string, () => Promise<unknown>, (e: unknown) => boolean]> = [
    ['time-out', () => connectSsh(target(silent.port), opts()), (e) => e instanceof ConnectTimeoutError],
    ['cancel', () => connectSsh(target(silent.port), opts({ connectTimeoutMs: 5000, signal: cancelled.signal })), (e) => /cancelled by the test/.test(String(e))],
    ['unknown host key', () => connectSsh(target(sshd.port), opts({ knownHostsFiles: [emptyKnownHosts], connectTimeoutMs: 5000 })), (e) => e instanceof HostKeyUnknownError],
    ['failed authentication', () => connectSsh(target(sshd.port, [sshd.wrongKey]), opts({ connectTimeoutMs: 5000 })), (e) => e instanceof AuthenticationError],
    ['refused port', async () => connectSsh(target(await freePort()), opts()), (e) => e instanceof RemoteError && /ECONNREFUSED/.test(e.message)],
  ];
  const baseline = openSockets();
  for (const [name, attempt, expected] of cases) {
    await assert.rejects(attempt(), (e: unknown) => expected(e) || assert.fail(`${name}: unexpected ${String(e)}`));
    assert.equal(await socketsSettleTo(baseline), baseline, `${name}: a socket stayed open`);
  }
  const conn = await connectSsh(target(sshd.port), opts({ connectTimeoutMs: 5000 }));
  assert.ok(openSockets() > baseline);
  conn.close();
  assert.equal(await socketsSettleTo(baseline), baseline, 'close after use: a socket stayed open');
});
