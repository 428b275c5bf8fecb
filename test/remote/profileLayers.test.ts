/**
 * `dynapruner profile --layers` end to end over the loopback sshd (the remote
 * suite's test device): the Node runner profiles every variant node by node
 * on the "device", the result keeps the runs, and the CLI prints a per-layer
 * table for each variant whose rows are the checkpoint's compute layers.
 * Structure only, no timing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { profileCommand } from '../../src/cli/commands/profile';
import type { CliIO } from '../../src/cli/command';
import { openCheckpoint } from '../../src/core/checkpoint/checkpoint';
import type { ProfileResult } from '../../src/core/schema/profileResult';
import { fixtureDeviceRoot, repoRoot, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';
import { buildNodeRunner, testModel, type TestModel } from './helpers/testModel';

let env: SshdTestEnv;
let runner: string;
let dir: string;
let model: TestModel;
before(async () => {
  model = await testModel();
  env = await startSshd();
  runner = await buildNodeRunner();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-profile-layers-'));
});
after(async () => {
  await env?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(runner, { force: true });
  model?.dispose();
});

test('profile --layers: per-node runs in the result, a per-layer table per variant', async () => {
  const host = { alias: 'orin-l', hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir: path.join(dir, 'work'), ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 };
  const hostsFile = path.join(dir, 'hosts.json');
  writeFileSync(hostsFile, JSON.stringify([host]));
  const text = { out: '', err: '' };
  const io: CliIO = { out: (t) => (text.out += t), err: (t) => (text.err += t), isTTY: false };
  const out = path.join(dir, 'out.json');
  const code = await profileCommand.run(
    [model.onnx, '--host', 'orin-l', '--hosts-file', hostsFile, '--known-hosts', env.knownHostsFile, '--samples', model.inputs, '--iterations', '2', '--warmup', '1', '--per-sample', '2', '--variants', 'ckpt,dense', '--layers', '--json', out, '--workspace', dir, '--runner', runner],
    io,
    new AbortController().signal,
  );
  assert.equal(code, 0, text.err);
  const [result] = JSON.parse(readFileSync(out, 'utf8')) as ProfileResult[];
  const ck = await openCheckpoint(model.onnx);
  const compute = ck.counts.layers.filter((l) => l.macs > 0).map((l) => l.name);
  for (const v of result.variants) {
    assert.equal(v.layerRuns?.length, 2 * 3, `${v.id}: one profiled run per per-sample input in each of the 3 passes (--layer-rounds default)`);
    assert.match(text.out, new RegExp(`^\\[orin-l\\] ${v.id}: per layer \\(median of 6 profiled runs`, 'm'));
  }
  // The checkpoint as exported runs every compute layer: each is a row of its table.
  const ckptTable = text.out.slice(text.out.indexOf('[orin-l] ckpt: per layer'), text.out.indexOf('[orin-l] dense: per layer'));
  for (const name of compute) assert.ok(ckptTable.includes(name.length > 48 ? name.slice(0, 47) : name), `ckpt row for ${name}`);
});
