// `dynapruner export --variant sparse --calibrate <host>` over the loopback
// sshd: the candidate graphs are timed on the host through the node runner,
// the plan records that host and its runtime, and the exported graph keeps
// dense exactly the units the plan says. Kept short: 2 samples, 1 round.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { exportCommand } from '../../src/cli/commands/export';
import type { CliIO } from '../../src/cli/command';
import { openCheckpoint } from '../../src/core/checkpoint/checkpoint';
import { readSparsePlan } from '../../src/core/export/sparsePlan';
import { gatherGatedChannels } from '../../src/core/graph/channelGather';
import { decodeModelProto } from '../../src/core/onnx/proto';
import { fixtureDeviceRoot, repoRoot, startSshd, type SshdTestEnv } from './helpers/sshdTestEnv';
import { buildNodeRunner } from './helpers/testModel';

let env: SshdTestEnv;
let runner: string;
let dir: string;
before(async () => {
  env = await startSshd();
  runner = await buildNodeRunner();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-export-calibrate-'));
});
after(async () => {
  await env?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(runner, { force: true });
});

test('export --calibrate <host> times the candidates on the host and records the plan', async () => {
  const hostsFile = path.join(dir, 'hosts.json');
  const host = { alias: 'orin-cal', hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir: path.join(dir, 'work'), ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 50 };
  writeFileSync(hostsFile, JSON.stringify([host]));
  const text = { out: '', err: '' };
  const io: CliIO = { out: (t) => (text.out += t), err: (t) => (text.err += t), isTTY: false };
  const ckFile = path.join(repoRoot, 'demo', 'checkpoints', 'simvp_dynapruner.onnx');
  const out = path.join(dir, 'simvp.sparse.onnx');
  const samples = path.join(repoRoot, 'demo', 'checkpoints', 'storm_test.inputs.npy');
  const code = await exportCommand.run(
    [ckFile, '--variant', 'sparse', '--out', out, '--calibrate', 'orin-cal', '--hosts-file', hostsFile, '--known-hosts', env.knownHostsFile, '--runner', runner, '--samples', samples, '--calibrate-samples', '2', '--calibrate-rounds', '1'],
    io,
    new AbortController().signal,
  );
  assert.equal(code, 0, text.err);
  const plan = readSparsePlan(decodeModelProto(readFileSync(out)))!;
  assert.equal(plan.measured.calibrate, 'orin-cal');
  assert.match(plan.measured.device, /Jetson AGX Orin/, 'the device as the host reports it');
  assert.match(plan.measured.runtime, /onnxruntime/);
  assert.ok(plan.units.length > 0 && plan.units.every((u) => u.gatheredMs! > 0 && u.denseMs! > 0));
  assert.ok(plan.endToEnd!.cleanDenseMs > 0 && plan.endToEnd!.planMs > 0);
  assert.match(text.out, /^sparse plan \(calibrate orin-cal; device .*Orin/m);
  const ck = await openCheckpoint(ckFile);
  const dense = new Set(plan.units.filter((u) => u.form === 'dense').map((u) => u.unit));
  assert.equal(decodeModelProto(readFileSync(out)).graph?.node?.length, gatherGatedChannels(ck, { denseUnits: dense }).model.graph?.node?.length);
});
