// Reconnect: a connection that dropped between runs is replaced transparently
// by the next operation. The loopback OpenSSH sshd is restarted between two
// runs (its session processes killed, so the open connection really drops);
// the second run reconnects and succeeds, a third reuses the connection.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import SSHConfig from 'ssh-config';
import { SshConnectionPool } from '../../src/core/remote/ssh/connectionPool';
import { resolveHost } from '../../src/core/remote/ssh/hostConfig';
import { profileOnDevice, type ProfileRequest } from '../../src/core/remote/profile/profileRun';
import { fixtureDeviceRoot, repoRoot, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';
import { buildNodeRunner, testModel, type TestModel } from './helpers/testModel';

let env: SshdTestEnv;
let runner: string;
let scratch: string;
let model: TestModel;
before(async () => {
  env = await startSshd();
  runner = await buildNodeRunner();
  model = await testModel();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-reconnect-'));
});
after(async () => {
  await env?.stop();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(runner, { force: true });
  model?.dispose();
});

test('a connection dropped between runs is re-opened by the next run', async () => {
  const pool = new SshConnectionPool();
  const host = resolveHost('orin-r', {
    sshConfig: SSHConfig.parse(''),
    hosts: [{ alias: 'orin-r', hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir: path.join(scratch, 'work'), ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 }],
  });
  const stages: string[] = [];
  const request = (): ProfileRequest => ({
    host,
    connection: { knownHostsFiles: [env.knownHostsFile], connectTimeoutMs: 5000, agentSocket: '' },
    checkpoint: model.onnx,
    variants: [{ id: 'ckpt', label: 'checkpoint', file: model.onnx }],
    samples: model.inputs,
    backend: 'node',
    warmup: 1,
    iterations: 3,
    perSample: 2,
    runnerScript: runner,
    checkOutputs: false,
    pool,
    onEvent: (e) => e.kind === 'stage' && stages.push(e.message),
  });
  try {
    const first = await profileOnDevice(request());
    assert.equal(first.variants[0].latenciesMs.length, 3);
    const { conn } = await pool.acquire(host.target, request().connection);
    assert.equal(conn.isClosed, false, 'the pool kept the connection open after the run');

    await env.restart();
    // The old session processes are gone: the client sees its connection close.
    for (let i = 0; i < 100 && !conn.isClosed; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(conn.isClosed, true, 'the restart dropped the connection');

    stages.length = 0;
    const second = await profileOnDevice(request());
    assert.equal(second.variants[0].latenciesMs.length, 3);
    assert.ok(stages.includes('the connection had dropped: reconnected'), stages.join(' | '));
    assert.equal(pool.reconnects, 1);
    assert.equal(second.uploads.every((u) => !u.uploaded), true, 'objects uploaded before the drop are still there (skipped by hash)');

    stages.length = 0;
    await profileOnDevice(request());
    assert.ok(stages.includes('reusing the open connection'), stages.join(' | '));
    assert.equal(pool.reconnects, 1);
  } finally {
    pool.dispose();
  }
});
